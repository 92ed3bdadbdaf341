import { copySketch, type CopySketch } from "./copySketch";
import { InvalidEvaluationInputError } from "./errors";
import { fmix32, fnv1a, uniqueSorted } from "./hash32";

/**
 * Content fingerprints for duplicate detection.
 *
 * - Copies: `sketch` (copySketch.ts): the exact-copy key and what the duplicate index needs to
 *   find edited, embedded, templated and paraphrased copies.
 * - Near-identical items of one author (author velocity): a MinHash signature over word shingles. Each shingle (3 consecutive
 *   tokens) is hashed to 32 bits; permutation i maps a shingle hash x to fmix32(x XOR seed[i])
 *   (MurmurHash3's finalizer, a bijection on 32 bits) and the signature keeps the minimum per
 *   permutation. The fraction of equal positions of two signatures estimates the Jaccard
 *   similarity of their shingle sets. The seeds come from SplitMix32 started at SEED, so every
 *   node computes identical signatures.
 */
export const MINHASH_PERMUTATIONS = 128;
export const SHINGLE_TOKENS = 3;
const SEED = 0x00c4a5e1;
const EMPTY_SLOT = 0xffffffff;

export interface Fingerprint {
  /** SHA-256 (hex) of the skeleton words: equal keys mean exact duplicates. */
  readonly contentKey: string;
  readonly sketch: CopySketch;
  readonly signature: Uint32Array;
  /** Shingles in the text, and distinct shingles among them. */
  readonly shingles: number;
  readonly uniqueShingles: number;
}

const PERMUTATION_SEEDS = splitMix32Seeds(SEED, MINHASH_PERMUTATIONS);

/** Fingerprints a preprocessed submission. */
export function fingerprint(doc: { readonly text: string; readonly tokens: readonly string[] }): Fingerprint {
  const sketch = copySketch(doc);
  return { contentKey: sketch.contentKey, sketch, ...shingleSignature(doc.tokens) };
}

/** The MinHash signature of a token sequence, with its shingle counts. */
export function shingleSignature(tokens: readonly string[]): Pick<Fingerprint, "signature" | "shingles" | "uniqueShingles"> {
  const hashes = shingleHashes(tokens, SHINGLE_TOKENS);
  const unique = uniqueSorted(hashes);
  return { signature: minhash(unique), shingles: hashes.length, uniqueShingles: unique.length };
}

/** True when the signature holds no shingle at all (an empty text). */
export function isEmptySignature(signature: Uint32Array): boolean {
  return signature.every((value) => value === EMPTY_SLOT);
}

/** Estimated Jaccard similarity of the shingle sets behind two signatures (0..1). */
export function estimateSimilarity(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) {
    throw new InvalidEvaluationInputError("Signatures of different lengths cannot be compared.", {
      details: `${a.length} vs ${b.length} permutations`,
    });
  }
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

/** A signature as bytes: each value as a little-endian uint32, in order. */
export function signatureToBuffer(signature: Uint32Array): Buffer {
  const buffer = Buffer.allocUnsafe(signature.length * 4);
  for (let i = 0; i < signature.length; i++) buffer.writeUInt32LE(signature[i]!, i * 4);
  return buffer;
}

/** Reads back a signature written by `signatureToBuffer`. */
export function signatureFromBuffer(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 4 !== 0) {
    throw new InvalidEvaluationInputError("A signature must be a whole number of uint32 values.", {
      details: `${bytes.length} bytes`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < signature.length; i++) signature[i] = view.getUint32(i * 4, true);
  return signature;
}

function shingleHashes(tokens: readonly string[], size: number): Uint32Array {
  if (tokens.length === 0) return new Uint32Array(0);
  const tokenHashes = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) tokenHashes[i] = fnv1a(tokens[i]!);
  // A text shorter than one shingle is a single shingle of all its tokens.
  const width = Math.min(size, tokens.length);
  const out = new Uint32Array(tokens.length - width + 1);
  for (let start = 0; start < out.length; start++) {
    let h = 0x9747b28c;
    for (let j = 0; j < width; j++) h = mixIn(h, tokenHashes[start + j]!);
    out[start] = fmix32(h ^ width);
  }
  return out;
}

function minhash(shingles: Uint32Array): Uint32Array {
  const signature = new Uint32Array(MINHASH_PERMUTATIONS);
  // Four permutations per pass over the shingles: the same result as one at a time, about 1.5×
  // faster because the four hash chains run in parallel on the CPU.
  for (let p = 0; p < MINHASH_PERMUTATIONS; p += 4) {
    const s0 = PERMUTATION_SEEDS[p]!;
    const s1 = PERMUTATION_SEEDS[p + 1]!;
    const s2 = PERMUTATION_SEEDS[p + 2]!;
    const s3 = PERMUTATION_SEEDS[p + 3]!;
    let m0 = EMPTY_SLOT;
    let m1 = EMPTY_SLOT;
    let m2 = EMPTY_SLOT;
    let m3 = EMPTY_SLOT;
    for (let i = 0; i < shingles.length; i++) {
      const x = shingles[i]!;
      let v = fmix32(x ^ s0);
      if (v < m0) m0 = v;
      v = fmix32(x ^ s1);
      if (v < m1) m1 = v;
      v = fmix32(x ^ s2);
      if (v < m2) m2 = v;
      v = fmix32(x ^ s3);
      if (v < m3) m3 = v;
    }
    signature[p] = m0;
    signature[p + 1] = m1;
    signature[p + 2] = m2;
    signature[p + 3] = m3;
  }
  return signature;
}

/** One MurmurHash3 block step: order-sensitive combination of a running hash with a value. */
function mixIn(h: number, value: number): number {
  let k = Math.imul(value, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function splitMix32Seeds(seed: number, count: number): Uint32Array {
  const seeds = new Uint32Array(count);
  let state = seed | 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    seeds[i] = (z ^ (z >>> 16)) >>> 0;
  }
  return seeds;
}
