/**
 * What a disputed proposal does to its items: the batch is abandoned, its items return to the queue,
 * the disputed ones only after `disputeRetryMs`; a disagreement (not a deferral) counts toward
 * holding the item for review after `maxDisputes`.
 */
import type { Logger } from "pino";
import type { OracleMetrics } from "../../metrics";
import type { PeerDispute } from "../../network/collector";
import { DEFERRING_REASONS, type DisputeReason } from "../../network/proposal";
import type { BatchRecord, Store } from "../../store";
import type { BatchQueue } from "./queue";

export interface DisputesOptions {
  store: Store;
  queue: BatchQueue;
  /** Disputes after which a submission is held for review. */
  maxDisputes: number;
  /** How long a disputed item stays out of this node's batches (real time). */
  disputeRetryMs: number;
  metrics: OracleMetrics;
  logger: Logger;
}

export class Disputes {
  constructor(private readonly options: DisputesOptions) {}

  /** Abandons the disputed `batch` (see above). */
  abandon(batch: BatchRecord, disputes: readonly PeerDispute[]): void {
    const { store, queue, maxDisputes, disputeRetryMs, metrics, logger } = this.options;
    const retryAt = performance.now() + disputeRetryMs;
    const counted = new Set<string>();
    store.transaction(() => {
      store.batches.transition(batch.id, "abandoned");
      for (const dispute of disputes) {
        const id = BigInt(dispute.submissionId);
        if (!batch.items.some((item) => item.submissionId === id)) continue;
        queue.coolDown(id, retryAt);
        if (DEFERRING_REASONS.has(dispute.reason as DisputeReason) || counted.has(dispute.submissionId)) continue;
        counted.add(dispute.submissionId);
        const record = store.network.recordDispute({ submissionId: id, reason: dispute.reason, detail: dispute.detail, peer: dispute.peer, limit: maxDisputes });
        if (record.held)
          logger.error({ submissionId: dispute.submissionId, disputes: record.count, reason: dispute.reason }, "submission held for review after repeated disputes");
      }
    });
    metrics.batches.inc({ state: "abandoned" });
    logger.warn(
      { batchNonce: batch.nonce.toString(), disputed: disputes.length, items: batch.items.length },
      "proposal disputed; disputed items wait, the rest go again",
    );
  }
}
