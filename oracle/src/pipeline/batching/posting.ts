/**
 * Posting a stored batch and applying the outcome. Crash safety comes from the order of writes: the
 * batch is marked `posting` before the poster runs; the poster records its signed transaction before
 * broadcasting it and recognizes a batch already on-chain (chain/poster.ts).
 */
import type { Logger } from "pino";
import type { BatchPoster, SignedBatch } from "../../chain/poster";
import type { OracleMetrics } from "../../metrics";
import type { PostOutcome } from "../../ports/batchLedger";
import { orderSignatures } from "../../protocol/eip712";
import type { BatchRecord, Store } from "../../store";

export interface BatchPostingOptions {
  store: Store;
  poster: BatchPoster;
  metrics: OracleMetrics;
  logger: Logger;
  /** True once the node is stopping: an interrupted post is left for the next start. */
  stopping: () => boolean;
}

/** `landed`: the batch is on-chain; `again`: go on at once; `retry`: after a backoff. */
export type PostingResult = "landed" | "again" | "retry";

export class BatchPosting {
  constructor(private readonly options: BatchPostingOptions) {}

  async post(batch: BatchRecord): Promise<PostingResult> {
    const { store, poster, metrics, logger } = this.options;
    if (batch.state !== "posting") store.batches.transition(batch.id, "posting");
    const signed: SignedBatch = {
      header: { nonce: batch.nonce, evaluator: batch.evaluator, rationaleRoot: batch.rationaleRoot, deadline: batch.deadline },
      items: batch.items.map((item) => item.item),
      signatures: orderSignatures(batch.signatures),
    };
    const started = performance.now();
    const outcome = await poster.post(signed);
    if (this.options.stopping()) return "again";
    metrics.batchPostSeconds.observe({ outcome: outcomeLabel(outcome) }, (performance.now() - started) / 1000);
    const current = store.batches.get(batch.id);
    if (current?.state === "abandoned") {
      this.reconcileAbandoned(current, outcome);
      return "again";
    }
    switch (outcome.status) {
      case "landed":
        store.batches.transition(batch.id, "landed", { txHash: outcome.txHash });
        metrics.batches.inc({ state: "landed" });
        logger.info(
          { batchNonce: batch.nonce.toString(), items: batch.items.length, txHash: outcome.txHash, postedBySelf: outcome.postedBySelf },
          "batch landed; its submissions are scored",
        );
        return "landed";
      case "superseded":
        store.batches.transition(batch.id, "abandoned");
        metrics.batches.inc({ state: "abandoned" });
        logger.warn({ batchNonce: batch.nonce.toString(), txHash: outcome.txHash }, "another batch took this nonce; items return to the queue");
        return "again";
      case "failed": {
        const { error } = outcome;
        if (error.retriable) {
          logger.warn({ batchNonce: batch.nonce.toString(), reason: error.reason, err: error }, "batch not posted; will retry");
          return "retry";
        }
        this.abandonRefused(batch, error.errorName, error.errorArgs);
        logger.error(
          { batchNonce: batch.nonce.toString(), reason: error.reason, errorName: error.errorName, err: error },
          "batch refused; abandoned, items return to the queue",
        );
        return "retry";
      }
    }
  }

  /**
   * The contract refused the batch for good. It is abandoned (its items return to the queue); an item
   * the chain already scored (through a batch this node does not know) is marked scored instead.
   */
  private abandonRefused(batch: BatchRecord, errorName: string | undefined, errorArgs: Record<string, unknown>): void {
    const { store, metrics } = this.options;
    store.transaction(() => {
      store.batches.transition(batch.id, "abandoned");
      if (errorName === "RewardsAlreadyScored") store.submissions.setStatus(errorArgs.submissionId as bigint, "scored");
    });
    metrics.batches.inc({ state: "abandoned" });
  }

  /**
   * A reorg abandoned the batch while its transaction was out. If that transaction landed anyway, the
   * chain scored its items: they are marked scored so that no later batch tries them again.
   */
  private reconcileAbandoned(batch: BatchRecord, outcome: PostOutcome): void {
    const { store, logger } = this.options;
    if (outcome.status !== "landed") return;
    store.transaction(() => {
      for (const { submissionId } of batch.items) {
        const status = store.submissions.get(submissionId)?.status;
        if (status === "pending" || status === "evaluated" || status === "failed") store.submissions.setStatus(submissionId, "scored");
      }
    });
    logger.error({ batchNonce: batch.nonce.toString(), txHash: outcome.txHash }, "an abandoned batch landed; its submissions are marked scored");
  }
}

function outcomeLabel(outcome: PostOutcome): string {
  if (outcome.status !== "failed") return outcome.status;
  return outcome.error.reason === "reverted" ? "reverted" : "failed";
}
