import { StoreError } from "./errors";

/** SQLite's INTEGER range; submission ids and nonces above it cannot be stored (nor reached on-chain in practice). */
export const INT64_MAX = (1n << 63n) - 1n;

/** Integers come back as bigint (the connection uses safe integers); this is for columns that fit a double. */
export function num(value: bigint | number): number {
  return typeof value === "bigint" ? Number(value) : value;
}

export function big(value: bigint | number): bigint {
  return typeof value === "bigint" ? value : BigInt(value);
}

/** Lowercase 0x-hex of exactly `bytes` bytes, the one form hex values take in the store. */
export function hexValue(name: string, value: string, bytes: number): string {
  const lower = value.toLowerCase();
  if (lower.length !== 2 + 2 * bytes || !/^0x[0-9a-f]*$/.test(lower)) {
    throw new StoreError(`${name} must be ${bytes} bytes of 0x-prefixed hex.`, { details: `${name}=${JSON.stringify(value)}` });
  }
  return lower;
}

/** Ids and nonces: non-negative (positive when `positive`) and within SQLite's INTEGER. */
export function idValue(name: string, value: bigint, positive = true): bigint {
  if (value < (positive ? 1n : 0n) || value > INT64_MAX) {
    throw new StoreError(`${name} is out of range.`, { details: `${name}=${value}` });
  }
  return value;
}

const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False when the string holds a lone surrogate: it would not survive a UTF-8 round trip unchanged. */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE_RE.test(value);
}
