/**
 * The node's batch stage. Evaluated submissions wait in the queue until a batch closes (by size or
 * by age); the batch is built, signed with the operator key, stored, then relayed by the poster.
 * One batch is in flight at a time, as nonces are sequential; an unfinished batch (after a crash or
 * a failed post) is finished before a new one is built, with the same nonce, items and signature.
 *
 * Crash safety comes from the order of writes: the batch is stored (`signed`) before it is posted and
 * marked `posting` before the poster runs; the poster records its signed transaction before
 * broadcasting it and recognizes a batch already on-chain. A restarted node therefore resumes the
 * stored batch and never sends a second transaction for it.
 */
import type { Logger } from "pino";
import type { Provider } from "ethers";
import type { Rewards } from "../../../typechain-types";
import { type BatchPolicy, type EvaluatedSubmission, buildBatch, nextCloseByAgeMs, selectBatch } from "../batch/builder";
import type { BatchSigner } from "../batch/signer";
import { type BackoffOptions, backoffDelay } from "../chain/rpc";
import type { BatchPoster, PostOutcome, SignedBatch } from "../chain/poster";
import type { OracleMetrics } from "../metrics";
import { orderSignatures } from "../protocol/eip712";
import type { BatchRecord, Store } from "../store";

export interface BatcherOptions {
  store: Store;
  /** Rewards connected to a provider, for reads. */
  rewards: Rewards;
  provider: Provider;
  signer: BatchSigner;
  poster: BatchPoster;
  chainId: bigint;
  rewardsAddress: string;
  evaluatorHash: () => string;
  policy: BatchPolicy;
  /** `Rewards.maxPointsPerSubmission()`. */
  maxPointsPerSubmission: number;
  /** After a failed post or build. */
  backoff: BackoffOptions;
  metrics: OracleMetrics;
  logger: Logger;
  now: () => number;
  /** True once the node is stopping: an interrupted post is left for the next start. */
  stopping: () => boolean;
}

const UNFINISHED_STATES = ["built", "signed", "posting", "posted"] as const;

export class Batcher {
  private failures = 0;
  private retryAt = 0;
  private thresholdWarned = false;

  constructor(private readonly options: BatcherOptions) {}

  /** One step: finish the unfinished batch, else close and post a new one. Returns the wait before the next pass. */
  async pass(): Promise<number | void> {
    const { now, policy } = this.options;
    if (this.failures > 0 && performance.now() < this.retryAt) return this.retryAt - performance.now();
    const unfinished = this.unfinished();
    if (unfinished !== undefined) return this.post(unfinished);

    const queue = this.queue();
    const selection = selectBatch(queue, policy, now());
    if (selection === undefined) {
      const closesAt = nextCloseByAgeMs(queue, policy);
      return closesAt === undefined ? undefined : Math.max(1, closesAt - now());
    }
    const batch = await this.build(selection.entries);
    return batch === undefined ? this.backOff() : this.post(batch);
  }

  /** The lowest-nonce batch that is stored but neither landed nor abandoned. */
  private unfinished(): BatchRecord | undefined {
    const { batches } = this.options.store;
    return UNFINISHED_STATES.flatMap((state) => batches.listByState(state)).sort((a, b) => (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : a.id - b.id))[0];
  }

  /** Evaluated submissions with this node's evaluation, oldest first by id. */
  private queue(): EvaluatedSubmission[] {
    const { store, policy } = this.options;
    const evaluator = this.options.evaluatorHash();
    const queue: EvaluatedSubmission[] = [];
    for (const submission of store.submissions.listByStatus("evaluated", { limit: policy.maxItems })) {
      const evaluation = store.evaluations.get(submission.id, evaluator);
      if (evaluation?.status !== "ok") {
        // Evaluated by another evaluator (the scorer was changed): evaluate it again with this one.
        store.submissions.setStatus(submission.id, "pending");
        continue;
      }
      queue.push({
        submissionId: submission.id,
        score: evaluation.score,
        points: evaluation.points,
        rationaleJson: evaluation.rationaleJson,
        queuedAtMs: evaluation.updatedAt,
      });
    }
    return queue;
  }

  private async build(entries: EvaluatedSubmission[]): Promise<BatchRecord | undefined> {
    const { rewards, store, signer, logger, metrics, policy } = this.options;
    const threshold = await rewards.threshold();
    if (threshold > 1n) {
      if (!this.thresholdWarned) logger.error({ threshold: threshold.toString() }, "the threshold needs co-signers; this node posts alone and builds no batch");
      this.thresholdWarned = true;
      return undefined;
    }
    const nonce = await rewards.nextBatchNonce();
    const built = buildBatch(entries, {
      chainId: this.options.chainId,
      rewardsAddress: this.options.rewardsAddress,
      nonce,
      evaluator: this.options.evaluatorHash(),
      nowMs: await this.chainNowMs(),
      deadlineSeconds: policy.deadlineSeconds,
      maxPointsPerSubmission: this.options.maxPointsPerSubmission,
    });
    const signature = await signer.sign(built);
    let record: BatchRecord;
    try {
      record = store.batches.create({
        nonce,
        evaluator: built.header.evaluator,
        rationaleRoot: built.header.rationaleRoot,
        deadline: built.header.deadline,
        items: built.entries.map((entry, i) => ({ item: built.items[i], rationaleJson: entry.rationaleJson })),
        digest: built.digest,
        signatures: [signature],
        state: "signed",
      });
    } catch (error) {
      // A reorg removed a submission since the queue was read, or the nonce has a live batch.
      logger.warn({ err: error, batchNonce: nonce.toString() }, "batch not stored; building again");
      return undefined;
    }
    metrics.batchItems.observe(record.items.length);
    logger.info({ batchNonce: nonce.toString(), items: record.items.length, digest: record.digest }, "batch built and signed");
    return record;
  }

  /** Posts a stored batch and applies the outcome; returns 0 to go on at once, or the backoff. */
  private async post(batch: BatchRecord): Promise<number> {
    const { store, poster, metrics, logger } = this.options;
    if (batch.state !== "posting") store.batches.transition(batch.id, "posting");
    const signed: SignedBatch = {
      header: { nonce: batch.nonce, evaluator: batch.evaluator, rationaleRoot: batch.rationaleRoot, deadline: batch.deadline },
      items: batch.items.map((item) => item.item),
      signatures: orderSignatures(batch.signatures),
    };
    const started = performance.now();
    const outcome = await poster.post(signed);
    if (this.options.stopping()) return 0;
    metrics.batchPostSeconds.observe({ outcome: outcomeLabel(outcome) }, (performance.now() - started) / 1000);
    const current = store.batches.get(batch.id);
    if (current?.state === "abandoned") {
      this.reconcileAbandoned(current, outcome);
      return 0;
    }
    switch (outcome.status) {
      case "landed":
        store.batches.transition(batch.id, "landed", { txHash: outcome.txHash });
        metrics.batches.inc({ state: "landed" });
        this.failures = 0;
        logger.info({ batchNonce: batch.nonce.toString(), items: batch.items.length, txHash: outcome.txHash, postedBySelf: outcome.postedBySelf }, "batch landed; its submissions are scored");
        return 0;
      case "superseded":
        store.batches.transition(batch.id, "abandoned");
        metrics.batches.inc({ state: "abandoned" });
        logger.warn({ batchNonce: batch.nonce.toString(), txHash: outcome.txHash }, "another batch took this nonce; items return to the queue");
        return 0;
      case "failed": {
        const { error } = outcome;
        if (error.retriable) {
          logger.warn({ batchNonce: batch.nonce.toString(), reason: error.reason, err: error }, "batch not posted; will retry");
          return this.backOff();
        }
        this.abandonRefused(batch, error.errorName, error.errorArgs);
        logger.error({ batchNonce: batch.nonce.toString(), reason: error.reason, errorName: error.errorName, err: error }, "batch refused; abandoned, items return to the queue");
        return this.backOff();
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

  private backOff(): number {
    this.failures += 1;
    const delayMs = backoffDelay(this.failures, this.options.backoff);
    // Real time, not the node's clock (which tests may hold still): a backoff always ends.
    this.retryAt = performance.now() + delayMs;
    return delayMs;
  }

  /** The batch deadline counts from the later of the wall clock and the chain's latest block. */
  private async chainNowMs(): Promise<number> {
    const latest = await this.options.provider.getBlock("latest");
    return Math.max(Date.now(), (latest?.timestamp ?? 0) * 1000);
  }
}

function outcomeLabel(outcome: PostOutcome): string {
  if (outcome.status !== "failed") return outcome.status;
  return outcome.error.reason === "reverted" ? "reverted" : "failed";
}
