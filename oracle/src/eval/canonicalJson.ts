import { InvalidEvaluationInputError } from "./errors";

/**
 * Canonical JSON: no whitespace; object keys sorted by UTF-16 code units (JavaScript's default
 * sort), recursively; arrays in order; strings and numbers as `JSON.stringify` writes them.
 * Numbers must be finite; `undefined`, functions and other objects are refused rather than
 * silently dropped, so that two nodes never hash different texts for "the same" value.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw refuse(`non-finite number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    const entries = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${entries.join(",")}}`;
  }
  throw refuse(`unsupported ${typeof value}`);
}

function refuse(details: string): InvalidEvaluationInputError {
  return new InvalidEvaluationInputError("The value has no canonical JSON form.", { details });
}
