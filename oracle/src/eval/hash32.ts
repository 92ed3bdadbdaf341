/**
 * 32-bit hashing primitives shared by the MinHash fingerprint (fingerprint.ts) and the copy sketch
 * (copySketch.ts). Integer arithmetic only, so every node computes the same values.
 */

/** FNV-1a over UTF-16 code units; returns an unsigned value. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** MurmurHash3's 32-bit finalizer; returns an unsigned value. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The distinct values of `values`, ascending, in a new array. */
export function uniqueSorted(values: Uint32Array): Uint32Array {
  if (values.length === 0) return values;
  const sorted = values.slice().sort();
  let n = 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n).slice();
}
