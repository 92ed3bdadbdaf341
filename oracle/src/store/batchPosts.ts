import type { Database, Statement } from "better-sqlite3";
import { StoreError } from "./errors";
import { big, hexValue, idValue, num } from "./values";

/** One batch's row in the poster's ledger (see the `batch_posts` table). */
export interface BatchPostRecord {
  /** The batch's EIP-712 digest. */
  digest: string;
  batchNonce: bigint;
  /** The last transaction signed for the batch, recorded before it was broadcast. */
  sent?: { hash: string; accountNonce: number; raw: string };
  /** The last outcome of a post, as JSON (the ledger adapter gives it its type). */
  outcome?: Record<string, unknown>;
  updatedAt: number;
}

interface BatchPostRow {
  digest: string;
  batch_nonce: bigint;
  tx_hash: string | null;
  account_nonce: bigint | null;
  raw_tx: string | null;
  outcome: string | null;
  updated_at: bigint;
}

/** The poster's ledger rows. Each write is one statement, durable when it returns. */
export class BatchPostRepository {
  private readonly select: Statement;
  private readonly upsertSent: Statement;
  private readonly upsertOutcome: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.select = db.prepare("SELECT digest, batch_nonce, tx_hash, account_nonce, raw_tx, outcome, updated_at FROM batch_posts WHERE digest = ?");
    // A new transaction makes the previous outcome stale.
    this.upsertSent = db.prepare(
      `INSERT INTO batch_posts (digest, batch_nonce, tx_hash, account_nonce, raw_tx, outcome, updated_at)
       VALUES (@digest, @batch_nonce, @tx_hash, @account_nonce, @raw_tx, NULL, @now)
       ON CONFLICT (digest) DO UPDATE SET tx_hash = excluded.tx_hash, account_nonce = excluded.account_nonce,
         raw_tx = excluded.raw_tx, outcome = NULL, updated_at = excluded.updated_at`,
    );
    this.upsertOutcome = db.prepare(
      `INSERT INTO batch_posts (digest, batch_nonce, tx_hash, account_nonce, raw_tx, outcome, updated_at)
       VALUES (@digest, @batch_nonce, NULL, NULL, NULL, @outcome, @now)
       ON CONFLICT (digest) DO UPDATE SET outcome = excluded.outcome, updated_at = excluded.updated_at`,
    );
  }

  get(digest: string): BatchPostRecord | undefined {
    const row = this.select.get(hexValue("digest", digest, 32)) as BatchPostRow | undefined;
    if (row === undefined) return undefined;
    return {
      digest: row.digest,
      batchNonce: big(row.batch_nonce),
      ...(row.tx_hash !== null && row.raw_tx !== null && row.account_nonce !== null
        ? { sent: { hash: row.tx_hash, accountNonce: num(row.account_nonce), raw: row.raw_tx } }
        : {}),
      ...(row.outcome === null ? {} : { outcome: JSON.parse(row.outcome) as Record<string, unknown> }),
      updatedAt: num(row.updated_at),
    };
  }

  recordSent(digest: string, batchNonce: bigint, tx: { hash: string; accountNonce: number; raw: string }): void {
    if (!Number.isSafeInteger(tx.accountNonce) || tx.accountNonce < 0) throw new StoreError("accountNonce must be a non-negative integer.");
    if (!/^0x([0-9a-fA-F]{2})+$/.test(tx.raw)) throw new StoreError("A raw transaction must be 0x-prefixed hex bytes.");
    this.upsertSent.run({
      digest: hexValue("digest", digest, 32),
      batch_nonce: idValue("batchNonce", batchNonce, false),
      tx_hash: hexValue("txHash", tx.hash, 32),
      account_nonce: tx.accountNonce,
      raw_tx: tx.raw.toLowerCase(),
      now: this.now(),
    });
  }

  recordOutcome(digest: string, batchNonce: bigint, outcome: Record<string, unknown>): void {
    this.upsertOutcome.run({
      digest: hexValue("digest", digest, 32),
      batch_nonce: idValue("batchNonce", batchNonce, false),
      outcome: JSON.stringify(outcome),
      now: this.now(),
    });
  }
}
