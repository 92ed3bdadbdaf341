import { IndexFormatError } from "./errors";
import type { Fingerprint } from "./fingerprint";
import { NearDuplicateIndex, type NearMatch } from "./nearDuplicateIndex";

/** What fraud checks read about earlier submissions' content. */
export interface DuplicateLookup {
  /** The id of the first submission with this content key, if any. */
  findExact(contentKey: string): string | undefined;
  /** Earlier submissions at least `minSimilarity` similar, most similar first. */
  findSimilar(signature: Uint32Array, minSimilarity: number): readonly NearMatch[];
}

/** A duplicate lookup that also records new submissions. */
export interface DuplicateRegistry extends DuplicateLookup {
  register(id: string, fingerprint: Pick<Fingerprint, "contentKey" | "signature">): void;
}

const MAGIC = "CKDX";
const FORMAT_VERSION = 1;

/**
 * Exact duplicates by content key (a map to the first id) and near duplicates by LSH. An exact
 * copy is not added to the LSH index: its original is there already and answers for it.
 */
export class DuplicateIndex implements DuplicateRegistry {
  constructor(
    readonly near: NearDuplicateIndex = new NearDuplicateIndex(),
    private readonly exact: Map<string, string> = new Map(),
  ) {}

  get size(): number {
    return this.exact.size;
  }

  findExact(contentKey: string): string | undefined {
    return this.exact.get(contentKey);
  }

  findSimilar(signature: Uint32Array, minSimilarity: number): readonly NearMatch[] {
    return this.near.query(signature, minSimilarity);
  }

  register(id: string, { contentKey, signature }: Pick<Fingerprint, "contentKey" | "signature">): void {
    const first = this.exact.get(contentKey);
    if (first !== undefined && first !== id) return;
    this.exact.set(contentKey, id);
    this.near.add(id, signature);
  }

  /**
   * "CKDX", format version (u8), entry count (u32), then per exact entry its content key
   * (u16 length + ASCII) and id (u16 length + UTF-8), then the near-duplicate index bytes.
   */
  serialize(): Buffer {
    const parts: Buffer[] = [];
    const header = Buffer.alloc(9);
    header.write(MAGIC, 0, "ascii");
    header.writeUInt8(FORMAT_VERSION, 4);
    header.writeUInt32LE(this.exact.size, 5);
    parts.push(header);
    for (const [key, id] of this.exact) parts.push(lengthPrefixed(key, "ascii"), lengthPrefixed(id, "utf8"));
    parts.push(this.near.serialize());
    return Buffer.concat(parts);
  }

  static deserialize(bytes: Uint8Array): DuplicateIndex {
    const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const fail = (details: string): never => {
      throw new IndexFormatError("The duplicate index bytes are not readable.", { details });
    };
    if (input.length < 9 || input.toString("ascii", 0, 4) !== MAGIC) fail("missing CKDX header");
    if (input.readUInt8(4) !== FORMAT_VERSION) fail(`unknown format version ${input.readUInt8(4)}`);
    const count = input.readUInt32LE(5);
    const exact = new Map<string, string>();
    let at = 9;
    const read = (encoding: BufferEncoding): string => {
      if (at + 2 > input.length) fail("truncated exact entries");
      const length = input.readUInt16LE(at);
      if (at + 2 + length > input.length) fail("truncated exact entries");
      const value = input.toString(encoding, at + 2, at + 2 + length);
      at += 2 + length;
      return value;
    };
    for (let n = 0; n < count; n++) {
      const key = read("ascii");
      exact.set(key, read("utf8"));
    }
    return new DuplicateIndex(NearDuplicateIndex.deserialize(input.subarray(at)), exact);
  }
}

function lengthPrefixed(value: string, encoding: BufferEncoding): Buffer {
  const body = Buffer.from(value, encoding);
  const out = Buffer.alloc(2 + body.length);
  out.writeUInt16LE(body.length, 0);
  body.copy(out, 2);
  return out;
}
