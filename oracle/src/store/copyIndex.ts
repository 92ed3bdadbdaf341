import type { Database, Statement } from "better-sqlite3";
import { shingleSample, type CopySketch } from "../eval/copySketch";
import type { CopyStore } from "../eval/duplicateIndex";
import { hexValue, idValue } from "./values";

const FACT_OFFSET = 1n << 32n;

/**
 * The duplicate index's storage in the node's SQLite database (migration 5): nothing to rebuild
 * at start, and the same answers as the in-memory store (eval/duplicateIndex.ts).
 */
export class SqliteCopyStore implements CopyStore {
  private readonly selectFirst: Statement;
  private readonly selectPostings: Statement;
  private readonly selectItem: Statement;
  private readonly selectTemplate: Statement;
  private readonly selectHas: Statement;
  private readonly insertItem: Statement;
  private readonly insertPosting: Statement;
  private readonly selectStale: Statement;
  private readonly deleteItem: Statement;
  private readonly deletePosting: Statement;
  private readonly countItems: Statement;

  constructor(private readonly db: Database) {
    this.selectFirst = db.prepare("SELECT min(id) FROM copy_items WHERE content_key = ? AND id < ?").pluck();
    this.selectPostings = db.prepare("SELECT id FROM copy_postings WHERE hash = ? AND id < ? ORDER BY id LIMIT ?").pluck();
    this.selectItem = db.prepare("SELECT shingles, length(facts) / 4 AS facts, words FROM copy_items WHERE id = ?");
    this.selectTemplate = db.prepare("SELECT id, author FROM copy_items WHERE template = ? AND id < ? ORDER BY id LIMIT ?");
    this.selectHas = db.prepare("SELECT 1 FROM copy_items WHERE id = ?").pluck();
    this.insertItem = db.prepare(
      `INSERT INTO copy_items (id, author, content_hash, content_key, template, shingles, facts, words)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.insertPosting = db.prepare("INSERT INTO copy_postings (hash, id) VALUES (?, ?) ON CONFLICT DO NOTHING");
    this.selectStale = db.prepare(
      `SELECT c.id, c.words, c.facts FROM copy_items c
       WHERE c.content_hash IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM submissions s WHERE s.id = c.id AND s.content_hash = c.content_hash AND s.status <> 'removed')`,
    );
    this.deleteItem = db.prepare("DELETE FROM copy_items WHERE id = ?");
    this.deletePosting = db.prepare("DELETE FROM copy_postings WHERE hash = ? AND id = ?");
    this.countItems = db.prepare("SELECT count(*) FROM copy_items").pluck();
  }

  get size(): number {
    return Number(this.countItems.get() as bigint);
  }

  has(id: bigint): boolean {
    return this.selectHas.get(id) !== undefined;
  }

  firstWithKey(contentKey: string, before: bigint): bigint | undefined {
    const id = this.selectFirst.get(Buffer.from(contentKey, "hex"), before) as bigint | null;
    return id ?? undefined;
  }

  postings(list: "shingle" | "fact", hash: number, before: bigint, limit: number): readonly bigint[] {
    const key = list === "shingle" ? BigInt(hash) : BigInt(hash) + FACT_OFFSET;
    return this.selectPostings.all(key, before, limit) as bigint[];
  }

  item(id: bigint): { shingles: number; facts: number; words: Uint32Array } | undefined {
    const row = this.selectItem.get(id) as { shingles: bigint; facts: bigint; words: Buffer } | undefined;
    if (row === undefined) return undefined;
    return { shingles: Number(row.shingles), facts: Number(row.facts), words: fromBytes(row.words) };
  }

  templateItems(template: string, before: bigint, limit: number): readonly { id: bigint; author: string }[] {
    return this.selectTemplate.all(Buffer.from(template, "hex"), before, limit) as { id: bigint; author: string }[];
  }

  add(id: bigint, author: string, sketch: CopySketch, contentHash?: string): void {
    idValue("id", id, false);
    const hash = contentHash === undefined ? null : hexValue("contentHash", contentHash, 32);
    this.db.transaction(() => {
      const { changes } = this.insertItem.run(
        id,
        author,
        hash,
        Buffer.from(sketch.contentKey, "hex"),
        sketch.template === "" ? null : Buffer.from(sketch.template, "hex"),
        sketch.shingles.length,
        toBytes(sketch.facts),
        toBytes(sketch.words),
      );
      if (changes === 0) return;
      for (const h of sketch.shingles) this.insertPosting.run(BigInt(h), id);
      for (const h of sketch.facts) this.insertPosting.run(BigInt(h) + FACT_OFFSET, id);
    })();
  }

  /**
   * Drops the rows of submissions that a reorg removed or changed (the node's submissions table
   * no longer has them with the same content). Returns how many were dropped.
   */
  prune(): number {
    const stale = this.selectStale.all() as { id: bigint; words: Buffer; facts: Buffer }[];
    if (stale.length === 0) return 0;
    this.db.transaction(() => {
      for (const row of stale) {
        for (const h of shingleSample(fromBytes(row.words))) this.deletePosting.run(BigInt(h), row.id);
        for (const h of fromBytes(row.facts)) this.deletePosting.run(BigInt(h) + FACT_OFFSET, row.id);
        this.deleteItem.run(row.id);
      }
    })();
    return stale.length;
  }
}

function toBytes(values: Uint32Array): Buffer {
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeUInt32LE(values[i]!, i * 4);
  return out;
}

function fromBytes(bytes: Buffer): Uint32Array {
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}
