import type { Database, Statement } from "better-sqlite3";
import { hexValue, num } from "./values";

export interface ChainCursor {
  /** The last block whose events are fully processed. */
  blockNumber: number;
  blockHash: string;
  updatedAt: number;
}

/** The chain watcher's position: one row, replaced as the watcher advances (or rewinds after a reorg). */
export class CursorRepository {
  private readonly select: Statement;
  private readonly upsert: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.select = db.prepare("SELECT block_number, block_hash, updated_at FROM cursor WHERE id = 1");
    this.upsert = db.prepare(
      `INSERT INTO cursor (id, block_number, block_hash, updated_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash, updated_at = excluded.updated_at`,
    );
  }

  get(): ChainCursor | undefined {
    const row = this.select.get() as { block_number: bigint; block_hash: string; updated_at: bigint } | undefined;
    if (row === undefined) return undefined;
    return { blockNumber: num(row.block_number), blockHash: row.block_hash, updatedAt: num(row.updated_at) };
  }

  set(cursor: { blockNumber: number; blockHash: string }): void {
    this.upsert.run(cursor.blockNumber, hexValue("blockHash", cursor.blockHash, 32), this.now());
  }
}
