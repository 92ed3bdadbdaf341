/**
 * Canonical JSON, as RFC 8785 (JSON Canonicalization Scheme, JCS) defines it: the text the
 * rationale tree commits (`keccak256` of its UTF-8 bytes is a leaf of `BatchHeader.rationaleRoot`,
 * docs/CONTRACTS.md), so every node and every verifier must write the same bytes for one value.
 *
 * - no whitespace; arrays in order; object members sorted by the UTF-16 code units of their
 *   names (JavaScript's default `sort`, RFC 8785 §3.2.3), recursively;
 * - literals, strings and numbers as ECMAScript's `JSON.stringify` writes them, which is what
 *   RFC 8785 §3.2.2 prescribes: numbers by `Number.prototype.toString` (shortest round trip,
 *   `-0` as `0`, exponent from 1e21 and below 1e-6); strings with only `"`, `\` and the C0
 *   controls escaped (`\b \t \n \f \r` by name, the others as lowercase `\u00xx`), everything
 *   else written as it is.
 *
 * Values outside JSON's domain are refused rather than silently dropped or coerced, so that
 * two nodes never hash different texts for "the same" value: NaN and infinities (RFC 8785
 * Appendix B), `undefined`, bigints, functions, and objects that are not plain records.
 *
 * One extension, for input that is not I-JSON (RFC 7493) and so outside JCS's domain: a string
 * holding a lone surrogate is written with that code unit escaped (`"\ud800"`), as ES2019's
 * `JSON.stringify` does, instead of being refused. Rationale summaries quote scorer text that can
 * hold one (a model may answer `"\ud800"` in its JSON), and refusing would leave the submission
 * unscorable; the escape keeps the output ASCII-safe, valid UTF-8 and deterministic. Every
 * canonical text of I-JSON input is exactly the JCS text (test/oracle/protocol/canonicalJson.test.ts).
 */
import { CashKeyError } from "../errors";

/** A value with no canonical JSON form (not finite, not JSON, or not a plain record). */
export class NonCanonicalJsonError extends CashKeyError {
  override name = "NonCanonicalJsonError";
}

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

function refuse(details: string): NonCanonicalJsonError {
  return new NonCanonicalJsonError("The value has no canonical JSON form.", { details });
}
