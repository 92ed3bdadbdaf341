import type { Database, Statement } from "better-sqlite3";
import { keccak256 } from "ethers";
import { type Content, canonicalContentBytes, parseCanonicalContent } from "../protocol/contentHash";
import { StoreError } from "./errors";
import { hexValue, num } from "./values";

export type ContentSource = "upload" | "peer";

export interface ContentRecord {
  hash: string;
  content: Content;
  /** The canonical bytes, exactly those hashed. */
  bytes: Uint8Array;
  size: number;
  source: ContentSource;
  receivedAt: number;
}

export interface ContentPutResult {
  hash: string;
  size: number;
  /** False when the content was already stored (the stored copy is kept). */
  created: boolean;
}

interface ContentRow {
  hash: string;
  bytes: Buffer;
  size: bigint;
  source: ContentSource;
  received_at: bigint;
}

/** Content by hash. Content is immutable: storing it again changes nothing. */
export class ContentRepository {
  private readonly insert: Statement;
  private readonly select: Statement;
  private readonly exists: Statement;
  private readonly counter: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare("INSERT INTO content (hash, bytes, size, source, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING");
    this.select = db.prepare("SELECT hash, bytes, size, source, received_at FROM content WHERE hash = ?");
    this.exists = db.prepare("SELECT 1 FROM content WHERE hash = ?").pluck();
    this.counter = db.prepare("SELECT count(*) FROM content").pluck();
  }

  /** Stores content under its hash (computed here from the canonical bytes). */
  put(content: Content, source: ContentSource): ContentPutResult {
    return this.putCanonical(canonicalContentBytes(content), source);
  }

  /** Stores canonical bytes, e.g. from a peer; refuses bytes that are not canonical. */
  putCanonical(bytes: Uint8Array, source: ContentSource): ContentPutResult {
    try {
      parseCanonicalContent(bytes);
    } catch (error) {
      throw new StoreError("Content bytes are not canonical.", { cause: error });
    }
    const hash = keccak256(bytes);
    const info = this.insert.run(hash, Buffer.from(bytes), bytes.length, source, this.now());
    return { hash, size: bytes.length, created: info.changes === 1 };
  }

  get(hash: string): ContentRecord | undefined {
    const row = this.select.get(hexValue("hash", hash, 32)) as ContentRow | undefined;
    if (row === undefined) return undefined;
    const bytes = new Uint8Array(row.bytes);
    return {
      hash: row.hash,
      content: parseCanonicalContent(bytes),
      bytes,
      size: num(row.size),
      source: row.source,
      receivedAt: num(row.received_at),
    };
  }

  has(hash: string): boolean {
    return this.exists.get(hexValue("hash", hash, 32)) !== undefined;
  }

  count(): number {
    return num(this.counter.get() as bigint);
  }
}
