/**
 * The batch poster's ledger on the node's SQLite store, for the node's own batches (each must be in
 * the `batches` table). `recordSent` commits before it returns, and the poster calls it before
 * broadcasting: a node that crashes after signing a transaction finds it on restart and waits for it
 * (or rebroadcasts it) instead of sending a second one.
 */
import { BatchPostError, type BatchLedger, type BatchLedgerEntry, type PostFailureReason, type PostOutcome, type SentTransaction } from "../ports/batchLedger";
import { StoreConflictError } from "./errors";
import type { Store } from "./index";

const FAILURE_REASONS: readonly PostFailureReason[] = ["preflight", "reverted", "unconfirmed", "rpc", "internal"];

export class SqliteBatchLedger implements BatchLedger {
  constructor(private readonly store: Pick<Store, "transaction" | "batchPosts" | "batches">) {}

  get(batchId: string): BatchLedgerEntry | undefined {
    const row = this.store.batchPosts.get(batchId);
    if (row === undefined) return undefined;
    return {
      batchId: row.digest,
      batchNonce: row.batchNonce,
      ...(row.sent === undefined ? {} : { sent: row.sent }),
      ...(row.outcome === undefined ? {} : { outcome: outcomeFromJson(row.outcome) }),
    };
  }

  /**
   * Records the transaction and, in the same commit, puts its hash on the batch. Refuses (and so
   * keeps the poster from broadcasting) when the batch is no longer live: a reorg that removed one
   * of its submissions abandoned it, and sending it could score another submission under that id.
   */
  recordSent(batchId: string, batchNonce: bigint, tx: SentTransaction): void {
    this.store.transaction(() => {
      const batch = this.store.batches.liveForDigest(batchId);
      if (batch === undefined) throw new StoreConflictError(`No live batch has digest ${batchId}; its transaction is not sent.`);
      this.store.batchPosts.recordSent(batchId, batchNonce, tx);
      if (batch.state !== "landed") this.store.batches.transition(batch.id, "posting", { txHash: tx.hash });
    });
  }

  recordOutcome(batchId: string, batchNonce: bigint, outcome: PostOutcome): void {
    this.store.batchPosts.recordOutcome(batchId, batchNonce, outcomeToJson(outcome));
  }
}

/** JSON has no bigint: gas is a decimal string; a failure keeps its reason and message. */
export function outcomeToJson(outcome: PostOutcome): Record<string, unknown> {
  switch (outcome.status) {
    case "landed":
    case "superseded":
      return { ...outcome, gasUsed: outcome.gasUsed.toString() };
    case "failed":
      return {
        status: "failed",
        ...(outcome.txHash === undefined ? {} : { txHash: outcome.txHash }),
        ...(outcome.blockNumber === undefined ? {} : { blockNumber: outcome.blockNumber }),
        ...(outcome.gasUsed === undefined ? {} : { gasUsed: outcome.gasUsed.toString() }),
        error: {
          message: outcome.error.shortMessage,
          reason: outcome.error.reason,
          retriable: outcome.error.retriable,
          ...(outcome.error.errorName === undefined ? {} : { errorName: outcome.error.errorName }),
        },
      };
  }
}

export function outcomeFromJson(json: Record<string, unknown>): PostOutcome {
  const txHash = json.txHash as string;
  const blockNumber = json.blockNumber as number;
  switch (json.status) {
    case "landed":
      return { status: "landed", txHash, blockNumber, gasUsed: BigInt(json.gasUsed as string), postedBySelf: json.postedBySelf === true };
    case "superseded":
      return { status: "superseded", txHash, blockNumber, gasUsed: BigInt(json.gasUsed as string) };
    default: {
      const error = (json.error ?? {}) as { message?: string; reason?: string; retriable?: boolean; errorName?: string };
      const reason = FAILURE_REASONS.find((r) => r === error.reason) ?? "internal";
      const revert = error.errorName === undefined ? undefined : { name: error.errorName, signature: error.errorName, args: {}, message: error.errorName, data: "0x" };
      return {
        status: "failed",
        error: new BatchPostError(error.message ?? "Posting the batch failed.", { reason, revert, retriable: error.retriable !== false }),
        ...(json.txHash === undefined ? {} : { txHash }),
        ...(json.blockNumber === undefined ? {} : { blockNumber }),
        ...(json.gasUsed === undefined ? {} : { gasUsed: BigInt(json.gasUsed as string) }),
      };
    }
  }
}
