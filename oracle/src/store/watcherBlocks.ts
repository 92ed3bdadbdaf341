import type { Database, Statement, Transaction } from "better-sqlite3";
import { StoreError } from "./errors";
import { hexValue, num } from "./values";

/** A block the watcher processed. `blockNumber` -1 is the point before block 0. */
export interface WatcherBlock {
  blockNumber: number;
  blockHash: string;
}

/** The watcher's recently processed blocks, ascending; the last one is its cursor. */
export class WatcherBlockRepository {
  private readonly selectAll: Statement;
  private readonly deleteAll: Statement;
  private readonly insert: Statement;
  private readonly replaceTx: Transaction<(blocks: readonly WatcherBlock[]) => void>;

  constructor(db: Database) {
    this.selectAll = db.prepare("SELECT block_number, block_hash FROM watcher_blocks ORDER BY block_number");
    this.deleteAll = db.prepare("DELETE FROM watcher_blocks");
    this.insert = db.prepare("INSERT INTO watcher_blocks (block_number, block_hash) VALUES (?, ?)");
    this.replaceTx = db.transaction((blocks) => {
      this.deleteAll.run();
      for (const block of blocks) this.insert.run(block.blockNumber, hexValue("blockHash", block.blockHash, 32));
    });
  }

  list(): WatcherBlock[] {
    return (this.selectAll.all() as { block_number: bigint; block_hash: string }[]).map((row) => ({
      blockNumber: num(row.block_number),
      blockHash: row.block_hash,
    }));
  }

  /** Replaces the list; blocks must ascend strictly. */
  replace(blocks: readonly WatcherBlock[]): void {
    for (let i = 1; i < blocks.length; i++) {
      if (blocks[i].blockNumber <= blocks[i - 1].blockNumber) throw new StoreError("Watcher blocks must ascend strictly.");
    }
    this.replaceTx.immediate(blocks);
  }
}
