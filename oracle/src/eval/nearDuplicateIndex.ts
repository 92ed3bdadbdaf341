import { IndexFormatError, InvalidEvaluationInputError } from "./errors";
import { estimateSimilarity, isEmptySignature, MINHASH_PERMUTATIONS, signatureFromBuffer } from "./fingerprint";

export interface NearDuplicateIndexOptions {
  /** LSH bands; bands × rows must equal the signature length. Default 32. */
  readonly bands?: number;
  /** Signature values per band. Default 4. */
  readonly rows?: number;
  /** Default minimum estimated Jaccard similarity that `query` reports. Default 0.8. */
  readonly threshold?: number;
  /**
   * Most candidates one query verifies. Only a flood of near-identical items makes buckets this
   * crowded; the newest candidates are verified first, so a flood is still found. Default 1,000.
   */
  readonly maxCandidates?: number;
}

export interface NearMatch {
  readonly id: string;
  /** Estimated Jaccard similarity, 0..1. */
  readonly similarity: number;
}

const MAGIC = "CKND";
const FORMAT_VERSION = 1;
const INITIAL_CAPACITY = 1024;
/** Bucket keys stay below 2^30 so V8 keeps them as small integers. */
const BUCKET_KEY_MASK = 0x3fffffff;

/**
 * An in-memory LSH index over MinHash signatures. The signature is cut into `bands` bands of
 * `rows` values; two items become candidates when any band is equal, which happens with
 * probability 1 − (1 − s^rows)^bands for Jaccard similarity s (32 × 4: 0.9999999 at 0.8, 0.87
 * at 0.5, 0.23 at 0.3), and candidates are then checked on the whole signature. A lookup costs
 * one hash-map probe per band plus the candidates, never a scan of the stored items.
 *
 * Items are append-only (submissions are immutable). Signatures live in one flat Uint32Array;
 * each band keeps a map from bucket key to the latest slot and a chain of earlier slots.
 */
export class NearDuplicateIndex {
  readonly bands: number;
  readonly rows: number;
  readonly threshold: number;
  readonly maxCandidates: number;
  private readonly permutations: number;
  private readonly ids: string[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly buckets: Map<number, number>[];
  private chains: Int32Array[];
  private signatures: Uint32Array;
  private seen: Uint32Array;
  private queryStamp = 0;

  constructor(options: NearDuplicateIndexOptions = {}) {
    this.bands = options.bands ?? 32;
    this.rows = options.rows ?? 4;
    this.threshold = options.threshold ?? 0.8;
    this.maxCandidates = options.maxCandidates ?? 1000;
    this.permutations = this.bands * this.rows;
    if (!Number.isInteger(this.bands) || !Number.isInteger(this.rows) || this.bands < 1 || this.rows < 1) {
      throw new InvalidEvaluationInputError("Bands and rows must be positive integers.", {
        details: `bands=${this.bands} rows=${this.rows}`,
      });
    }
    if (!(this.threshold >= 0 && this.threshold <= 1)) {
      throw new InvalidEvaluationInputError("The similarity threshold must lie in 0..1.", {
        details: `threshold=${this.threshold}`,
      });
    }
    this.buckets = Array.from({ length: this.bands }, () => new Map<number, number>());
    this.chains = Array.from({ length: this.bands }, () => new Int32Array(INITIAL_CAPACITY));
    this.signatures = new Uint32Array(INITIAL_CAPACITY * this.permutations);
    this.seen = new Uint32Array(INITIAL_CAPACITY);
  }

  /** Number of indexed items. */
  private examinedByLastQuery = 0;

  /** How many stored signatures the last `query` compared (candidates from the LSH buckets only). */
  get lastQueryExamined(): number {
    return this.examinedByLastQuery;
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /**
   * Indexes `signature` under `id`. Returns false, changing nothing, when the signature is empty
   * (a text without tokens) or the id is already indexed with the same signature; an id cannot
   * be indexed again with a different signature.
   */
  add(id: string, signature: Uint32Array): boolean {
    this.checkLength(signature);
    const existing = this.slotOf.get(id);
    if (existing !== undefined) {
      if (estimateSimilarity(this.signatureAt(existing), signature) === 1) return false;
      throw new InvalidEvaluationInputError("An id is already indexed with a different signature.", {
        details: `id=${id}`,
      });
    }
    if (isEmptySignature(signature)) return false;

    const slot = this.ids.length;
    this.ensureCapacity(slot + 1);
    this.ids.push(id);
    this.slotOf.set(id, slot);
    this.signatures.set(signature, slot * this.permutations);
    for (let band = 0; band < this.bands; band++) {
      const key = this.bandKey(signature, band);
      const bucket = this.buckets[band]!;
      const previous = bucket.get(key);
      this.chains[band]![slot] = previous ?? -1;
      bucket.set(key, slot);
    }
    return true;
  }

  /**
   * Items whose estimated similarity to `signature` is at least `minSimilarity` (default: the
   * index threshold), most similar first, ties in insertion order.
   */
  query(signature: Uint32Array, minSimilarity: number = this.threshold): NearMatch[] {
    this.checkLength(signature);
    if (isEmptySignature(signature) || this.ids.length === 0) return [];
    const stamp = this.nextStamp();
    const found: { slot: number; similarity: number }[] = [];
    let budget = this.maxCandidates;
    for (let band = 0; band < this.bands && budget > 0; band++) {
      let slot = this.buckets[band]!.get(this.bandKey(signature, band)) ?? -1;
      const chain = this.chains[band]!;
      while (slot !== -1 && budget > 0) {
        if (this.seen[slot] !== stamp) {
          this.seen[slot] = stamp;
          budget--;
          const similarity = this.similarityAt(slot, signature);
          if (similarity >= minSimilarity) found.push({ slot, similarity });
        }
        slot = chain[slot]!;
      }
    }
    this.examinedByLastQuery = this.maxCandidates - budget;
    found.sort((a, b) => b.similarity - a.similarity || a.slot - b.slot);
    return found.map(({ slot, similarity }) => ({ id: this.ids[slot]!, similarity }));
  }

  /**
   * The whole index as bytes: "CKND", format version (u8), bands (u16), rows (u16), threshold
   * (f64), item count (u32), then per item in insertion order its id (u16 byte length + UTF-8)
   * and its signature (little-endian u32 values). All integers little-endian.
   */
  serialize(): Buffer {
    const idBytes = this.ids.map((id) => Buffer.from(id, "utf8"));
    const size = 4 + 1 + 2 + 2 + 8 + 4 + idBytes.reduce((sum, b) => sum + 2 + b.length + this.permutations * 4, 0);
    const out = Buffer.alloc(size);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let at = out.write(MAGIC, 0, "ascii");
    at = out.writeUInt8(FORMAT_VERSION, at);
    at = out.writeUInt16LE(this.bands, at);
    at = out.writeUInt16LE(this.rows, at);
    at = out.writeDoubleLE(this.threshold, at);
    at = out.writeUInt32LE(this.ids.length, at);
    for (let slot = 0; slot < this.ids.length; slot++) {
      const id = idBytes[slot]!;
      at = out.writeUInt16LE(id.length, at);
      at += id.copy(out, at);
      const base = slot * this.permutations;
      for (let i = 0; i < this.permutations; i++) view.setUint32(at + i * 4, this.signatures[base + i]!, true);
      at += this.permutations * 4;
    }
    return out;
  }

  /** Rebuilds an index written by `serialize`. */
  static deserialize(bytes: Uint8Array): NearDuplicateIndex {
    const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const fail = (details: string): never => {
      throw new IndexFormatError("The near-duplicate index bytes are not readable.", { details });
    };
    if (input.length < 21 || input.toString("ascii", 0, 4) !== MAGIC) fail("missing CKND header");
    if (input.readUInt8(4) !== FORMAT_VERSION) fail(`unknown format version ${input.readUInt8(4)}`);
    const index = new NearDuplicateIndex({
      bands: input.readUInt16LE(5),
      rows: input.readUInt16LE(7),
      threshold: input.readDoubleLE(9),
    });
    const count = input.readUInt32LE(17);
    const signatureBytes = index.permutations * 4;
    let at = 21;
    for (let n = 0; n < count; n++) {
      if (at + 2 > input.length) fail(`truncated at item ${n}`);
      const idLength = input.readUInt16LE(at);
      at += 2;
      if (at + idLength + signatureBytes > input.length) fail(`truncated at item ${n}`);
      const id = input.toString("utf8", at, at + idLength);
      at += idLength;
      index.add(id, signatureFromBuffer(input.subarray(at, at + signatureBytes)));
      at += signatureBytes;
    }
    if (at !== input.length) fail(`${input.length - at} trailing bytes`);
    return index;
  }

  private checkLength(signature: Uint32Array): void {
    if (signature.length !== this.permutations) {
      throw new InvalidEvaluationInputError("The signature length does not match bands × rows.", {
        details: `got ${signature.length}, expected ${this.permutations} (default ${MINHASH_PERMUTATIONS})`,
      });
    }
  }

  private bandKey(signature: Uint32Array, band: number): number {
    let h = band;
    const start = band * this.rows;
    for (let i = start; i < start + this.rows; i++) {
      h = Math.imul(h ^ signature[i]!, 0x9e3779b1);
      h ^= h >>> 15;
    }
    return h & BUCKET_KEY_MASK;
  }

  private similarityAt(slot: number, signature: Uint32Array): number {
    const base = slot * this.permutations;
    let equal = 0;
    for (let i = 0; i < this.permutations; i++) if (this.signatures[base + i] === signature[i]) equal++;
    return equal / this.permutations;
  }

  private signatureAt(slot: number): Uint32Array {
    return this.signatures.subarray(slot * this.permutations, (slot + 1) * this.permutations);
  }

  private nextStamp(): number {
    this.queryStamp = (this.queryStamp + 1) >>> 0;
    if (this.queryStamp === 0) {
      this.seen.fill(0);
      this.queryStamp = 1;
    }
    return this.queryStamp;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.seen.length) return;
    const capacity = Math.max(slots, this.seen.length * 2);
    const signatures = new Uint32Array(capacity * this.permutations);
    signatures.set(this.signatures);
    this.signatures = signatures;
    this.chains = this.chains.map((chain) => {
      const grown = new Int32Array(capacity);
      grown.set(chain);
      return grown;
    });
    const seen = new Uint32Array(capacity);
    seen.set(this.seen);
    this.seen = seen;
  }
}
