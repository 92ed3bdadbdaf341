/**
 * The node's evaluation stage: every pending submission whose content is here is evaluated; content
 * that is missing is asked of the peers, and after the grace period the submission is scored 0 with
 * `content_unavailable`, so one missing upload never holds the queue. A scorer failure (an LLM that is
 * down or answers nonsense) is recorded and retried later with backoff — never replaced by a guess.
 *
 * The duplicate index lives in the store (migration 5) and is never rebuilt: its lookups see only
 * ids below the one judged, so the order in which items were registered does not matter, and after
 * a reorg the rows of removed or changed submissions are pruned. The author history lives in memory
 * and is rebuilt from the store at start and after a reorg, in submission id order.
 *
 * Duplicates are attributed in on-chain order (the first id wins), on every node alike, whatever
 * order content arrives in: evaluations start in ascending submission id, and a submission whose
 * content is still missing (also while a peer is being asked for it) holds back the ones after it
 * for up to `orderWaitMs`. Content that comes later still is judged against the ids before it only,
 * and the later submissions evaluated meanwhile that no batch holds yet are evaluated again after
 * it. A follower signs only if its flags agree, so every node must judge in the same order.
 */
import type { Logger } from "pino";
import { CashKeyError } from "../errors";
import { backoffDelay, type BackoffOptions } from "../backoff";
import { InMemoryAuthorHistory } from "../eval/authorHistory";
import { evaluationText } from "../eval/contentText";
import { DuplicateIndex } from "../eval/duplicateIndex";
import { EvaluationFailedError } from "../eval/errors";
import { type Evaluation, type Evaluator, createEvaluator } from "../eval/evaluate";
import { fingerprint, isEmptySignature } from "../eval/fingerprint";
import { preprocess } from "../eval/preprocess";
import type { Scorer } from "../eval/scorers/types";
import { Semaphore } from "../eval/semaphore";
import { contentUnavailableEvaluation } from "../eval/unavailable";
import type { OracleMetrics } from "../metrics";
import type { Store, SubmissionRecord } from "../store";
import { boundToAnotherAuthorEvaluation, mayClaim } from "./boundContent";
import { fetchContentFromPeers } from "./peerContent";

export interface EvaluationQueueOptions {
  store: Store;
  scorer: Scorer;
  /** Points for a perfect score: `Rewards.maxPointsPerSubmission()`. */
  maxPoints: number;
  /** How long a submission waits for its content before it is scored 0. */
  contentGraceMs: number;
  peers: readonly string[];
  /** Between two requests to the peers for the same content. */
  peerRetryMs: number;
  /** Evaluations in flight at most. */
  concurrency: number;
  /** Backoff of a submission whose evaluation failed. */
  retryBackoff: BackoffOptions;
  metrics: OracleMetrics;
  logger: Logger;
  now: () => number;
  fetch?: typeof fetch;
  /** Called after each evaluation is recorded (to wake the batcher). */
  onEvaluated?: () => void;
  /** How long a submission without content holds back later ones. Default 5000 ms. */
  orderWaitMs?: number;
  /** Called when content arrived from a peer (to wake the evaluation loop). */
  wake?: () => void;
}

const PAGE = 200;
/** The "peer" recorded for a hold this node's own scorer asked for (no peer disputed it). */
const SELF_REVIEW = "0x0000000000000000000000000000000000000000";

export class EvaluationQueue {
  private evaluator: Evaluator | undefined;
  private readonly semaphore: Semaphore;
  private readonly tasks = new Map<bigint, Promise<void>>();
  private readonly retries = new Map<bigint, { failures: number; at: number }>();
  private readonly peerAskedAt = new Map<string, number>();
  private halted = false;
  /** A submission judged out of order, against the ids before it only: nothing else starts meanwhile. */
  private judging: bigint | undefined;
  private pruneIndex = false;

  constructor(private readonly options: EvaluationQueueOptions) {
    this.semaphore = new Semaphore(options.concurrency);
  }

  /** The evaluator hash every evaluation of this node carries. */
  get evaluatorHash(): string {
    return this.current().evaluatorHash;
  }

  /** The duplicate index is pruned and the author history rebuilt before the next evaluation (after a reorg). */
  invalidateIndex(): void {
    this.evaluator = undefined;
    this.pruneIndex = true;
  }

  /**
   * Starts what can start now; returns how long until a waiting submission may be decided
   * (its grace period ends or its peers may be asked again).
   */
  async pass(): Promise<number | void> {
    const now = this.options.now();
    // Retries and peer requests run on real time; grace periods on the node's clock (as `seenAt`).
    const clock = performance.now();
    // Its end wakes the loop.
    if (this.judging !== undefined) return;
    let nextCheck = Infinity;
    let afterId = 0n;
    let blocked = false;
    const orderWaitMs = this.options.orderWaitMs ?? 5000;
    const highestEvaluated = this.options.store.submissions.highestEvaluatedId();
    for (;;) {
      const page = this.options.store.submissions.listByStatus("pending", { afterId, limit: PAGE });
      for (const submission of page) {
        afterId = submission.id;
        const hasContent = this.options.store.content.has(submission.contentHash);
        // Content still missing holds later submissions back, also while a peer is being asked for it.
        if (!hasContent && now - submission.seenAt < orderWaitMs) {
          blocked = true;
          nextCheck = Math.min(nextCheck, orderWaitMs - (now - submission.seenAt));
        }
        if (this.tasks.has(submission.id)) continue;
        const retry = this.retries.get(submission.id);
        if (retry !== undefined && retry.at > clock) {
          nextCheck = Math.min(nextCheck, retry.at - clock);
          continue;
        }
        if (hasContent && blocked) {
          // An earlier submission still waits for its content: keep the on-chain order.
          continue;
        }
        if (hasContent && highestEvaluated !== undefined && highestEvaluated > submission.id) {
          this.judgeOutOfOrder(submission);
          return;
        }
        const waitMs = this.decide(submission, now, clock);
        if (waitMs !== undefined) nextCheck = Math.min(nextCheck, waitMs);
      }
      if (page.length < PAGE) break;
    }
    return Number.isFinite(nextCheck) ? Math.max(1, nextCheck) : undefined;
  }

  /**
   * Evaluates one pending submission now (a follower checking a proposal needs its own evaluation):
   * joins the evaluation already in flight, else fetches the content from `peers` (default: the
   * configured peers) when it is missing, then evaluates. Resolves when done or after `timeoutMs`;
   * the caller reads the result from the store. A failure is recorded and retried as usual.
   */
  async evaluateNow(id: bigint, options: { timeoutMs: number; peers?: readonly string[] }): Promise<void> {
    const { store } = this.options;
    const deadline = performance.now() + options.timeoutMs;
    while (!this.halted && performance.now() < deadline) {
      const submission = store.submissions.get(id);
      if (submission === undefined || submission.status !== "pending") return;
      let task = this.tasks.get(id);
      if (task === undefined) {
        if (!store.content.has(submission.contentHash)) this.track(id, this.fetchFromPeers(submission, options.peers));
        // Evaluations start in order: a pass starts this one unless an earlier one holds it back.
        else await this.pass();
        task = this.tasks.get(id);
      }
      const remaining = Math.max(0, deadline - performance.now());
      await withTimeout(task ?? new Promise((resolve) => setTimeout(resolve, Math.min(20, remaining))), remaining);
    }
  }

  /** Waits for the evaluations in flight. */
  async drain(): Promise<void> {
    await Promise.all([...this.tasks.values()]);
  }

  /** Whatever is in flight finishes without recording anything more. */
  halt(): void {
    this.halted = true;
  }

  /** Starts the work a pending submission needs now; returns the wait before it needs a look again. */
  private decide(submission: SubmissionRecord, now: number, clock: number): number | undefined {
    const { store, peers, contentGraceMs, peerRetryMs } = this.options;
    if (store.content.has(submission.contentHash)) {
      this.track(submission.id, this.evaluate(submission));
      return undefined;
    }
    const waited = now - submission.seenAt;
    if (waited >= contentGraceMs) {
      this.track(submission.id, this.giveUp(submission));
      return undefined;
    }
    const untilGrace = contentGraceMs - waited;
    if (peers.length === 0) return untilGrace;
    const askedAt = this.peerAskedAt.get(submission.contentHash);
    if (askedAt !== undefined && clock - askedAt < peerRetryMs) return Math.min(untilGrace, askedAt + peerRetryMs - clock);
    this.peerAskedAt.set(submission.contentHash, clock);
    this.track(submission.id, this.fetchFromPeers(submission), (found) => {
      // Only now that the fetch no longer counts as in flight: the next pass evaluates it, in order.
      if (found === true) this.options.wake?.();
    });
    return Math.min(untilGrace, peerRetryMs);
  }

  /** Runs `task` as the submission's work in flight; `settled` runs once it no longer is. */
  private track(id: bigint, task: Promise<unknown>, settled?: (result: unknown) => void): void {
    const tracked = task
      .catch((error: unknown) => {
        if (!this.halted) this.options.logger.error({ err: error, submissionId: id.toString() }, "evaluation task failed");
      })
      .then((result) => {
        this.tasks.delete(id);
        settled?.(result);
      });
    this.tasks.set(id, tracked);
  }

  /**
   * A submission whose content came after later ones were evaluated (past the order wait): the later
   * ones that no batch holds yet go back to the queue, and it is judged against the ids before it
   * only, alone; then the duplicate index is rebuilt in id order and the queue goes on. A later one
   * that a batch already holds keeps its score (it is on its way on-chain), and no longer counts as
   * earlier than this one.
   */
  private judgeOutOfOrder(submission: SubmissionRecord): void {
    const { store, logger } = this.options;
    const requeued = store.submissions.rewindEvaluatedAfter(submission.id);
    logger.info(
      { submissionId: submission.id.toString(), requeued: requeued.map(String) },
      "content arrived after later submissions were evaluated; judging in id order",
    );
    this.judging = submission.id;
    this.track(submission.id, this.evaluate(submission, this.buildEvaluator(submission.id)), () => {
      this.judging = undefined;
      this.invalidateIndex();
      this.options.wake?.();
    });
  }

  /** Stores the content if a peer has it; true when it did. It is evaluated by a later pass, in order. */
  private async fetchFromPeers(submission: SubmissionRecord, askPeers?: readonly string[]): Promise<boolean> {
    const { store, metrics, logger } = this.options;
    const peers = askPeers ?? this.options.peers;
    const found = await fetchContentFromPeers(submission.contentHash, { peers, fetch: this.options.fetch, logger });
    if (found === undefined || this.halted) return false;
    const { created } = store.content.putCanonical(found.bytes, "peer");
    if (created) metrics.contentStored.inc({ source: "peer" });
    logger.info({ submissionId: submission.id.toString(), hash: submission.contentHash, peer: found.peer }, "content fetched from a peer");
    return true;
  }

  private async evaluate(submission: SubmissionRecord, evaluator: Evaluator = this.current()): Promise<void> {
    const { store, metrics, logger, scorer } = this.options;
    const record = store.content.get(submission.contentHash);
    if (record === undefined) return;
    if (!mayClaim(record.content, submission.author)) {
      const evaluation = boundToAnotherAuthorEvaluation({ submissionId: submission.id, evaluatorHash: evaluator.evaluatorHash });
      if (this.record(submission, evaluation))
        logger.warn({ submissionId: submission.id.toString(), hash: submission.contentHash }, "content bound to another author; scored 0");
      return;
    }
    // Timed from the start of the evaluation itself, not from the wait for a free slot.
    let started = performance.now();
    let evaluation: Evaluation;
    try {
      evaluation = await this.semaphore.run(() => {
        started = performance.now();
        return evaluator.evaluate({
          submissionId: submission.id,
          author: submission.author,
          text: evaluationText(record.content),
          contentHash: submission.contentHash,
        });
      });
    } catch (error) {
      if (this.halted) return;
      metrics.evaluationSeconds.observe({ scorer: scorer.descriptor.name, outcome: "failed" }, (performance.now() - started) / 1000);
      this.recordFailure(submission, evaluator.evaluatorHash, error);
      return;
    }
    if (this.halted) return;
    metrics.evaluationSeconds.observe({ scorer: scorer.descriptor.name, outcome: "ok" }, (performance.now() - started) / 1000);
    if (this.record(submission, evaluation)) {
      logger.debug({ submissionId: submission.id.toString(), score: evaluation.score, points: evaluation.points }, "submission evaluated");
    }
  }

  private async giveUp(submission: SubmissionRecord): Promise<void> {
    const evaluation = contentUnavailableEvaluation({
      submissionId: submission.id,
      evaluatorHash: this.current().evaluatorHash,
      graceMs: this.options.contentGraceMs,
    });
    if (this.record(submission, evaluation)) {
      this.options.logger.warn({ submissionId: submission.id.toString(), hash: submission.contentHash }, "content never received; scored 0");
    }
  }

  /** Records an ok evaluation (holding it for review when the scorer asks); false when the submission changed meanwhile (a reorg) and the result no longer applies. */
  private record(submission: SubmissionRecord, evaluation: Evaluation): boolean {
    const { store, metrics, logger } = this.options;
    const current = store.submissions.get(submission.id);
    if (current === undefined || current.contentHash !== submission.contentHash || current.status !== "pending") {
      logger.info({ submissionId: submission.id.toString() }, "submission changed during its evaluation; result dropped");
      return false;
    }
    store.transaction(() => {
      store.evaluations.recordOk({
        submissionId: submission.id,
        evaluator: evaluation.evaluator,
        contentHash: submission.contentHash,
        score: evaluation.score,
        points: evaluation.points,
        subScores: evaluation.subScores,
        flags: evaluation.flags,
        rationaleJson: evaluation.rationaleJson,
      });
      // Held at once (limit 1): an operator reviews it before it can be posted (docs/SCORING.md, "Ensemble").
      if (evaluation.review !== undefined) {
        const { reason, detail } = evaluation.review;
        store.network.recordDispute({ submissionId: submission.id, reason, detail, peer: SELF_REVIEW, limit: 1 });
      }
    });
    if (evaluation.review !== undefined) {
      logger.warn({ submissionId: submission.id.toString(), detail: evaluation.review.detail }, "evaluation held for review");
    }
    this.retries.delete(submission.id);
    metrics.evaluations.inc({ outcome: "ok" });
    for (const flag of evaluation.flags) metrics.evaluationFlags.inc({ flag: flag.code });
    this.options.onEvaluated?.();
    return true;
  }

  private recordFailure(submission: SubmissionRecord, evaluatorHash: string, error: unknown): void {
    const { store, metrics, logger, scorer, retryBackoff } = this.options;
    const failures = (this.retries.get(submission.id)?.failures ?? 0) + 1;
    const delayMs = backoffDelay(failures, retryBackoff);
    this.retries.set(submission.id, { failures, at: performance.now() + delayMs });
    metrics.evaluations.inc({ outcome: "failed" });
    if (error instanceof EvaluationFailedError && scorer.descriptor.name === "llm") metrics.llmErrors.inc({ reason: error.reason });
    const message = error instanceof CashKeyError ? error.shortMessage : error instanceof Error ? error.message : String(error);
    try {
      store.evaluations.recordFailure({ submissionId: submission.id, evaluator: evaluatorHash, contentHash: submission.contentHash, error: message, final: false });
    } catch (storeError) {
      // The submission changed under the evaluation (a reorg); the next pass sees the new one.
      logger.info({ err: storeError, submissionId: submission.id.toString() }, "failure not recorded");
    }
    logger.warn({ err: error, submissionId: submission.id.toString(), failures, retryInMs: delayMs }, "evaluation failed; will retry");
  }

  /** The evaluator, its duplicate index and author history rebuilt from the store when needed. */
  private current(): Evaluator {
    if (this.evaluator === undefined) this.evaluator = this.buildEvaluator();
    return this.evaluator;
  }

  /** An evaluator whose duplicate index and author history hold the evaluated submissions (before `beforeId`), in id order. */
  private buildEvaluator(beforeId?: bigint): Evaluator {
    const { store, scorer, maxPoints, logger } = this.options;
    if (this.pruneIndex) {
      const pruned = store.copies.prune();
      if (pruned > 0) logger.info({ pruned }, "duplicate index rows of reorged submissions dropped");
      this.pruneIndex = false;
    }
    const index = new DuplicateIndex(store.copies);
    const history = new InMemoryAuthorHistory();
    let learned = 0;
    for (const { id, author, contentHash } of store.submissions.listEvaluatedInOrder()) {
      if (beforeId !== undefined && id >= beforeId) break;
      const record = store.content.get(contentHash);
      if (record === undefined || !mayClaim(record.content, author)) continue;
      const fp = fingerprint(preprocess(evaluationText(record.content)));
      if (isEmptySignature(fp.signature)) continue;
      // Already there unless the database predates the persisted index (migration 5): then it fills it.
      index.register(id.toString(), author, fp.sketch, contentHash);
      history.record(author, { id: id.toString(), signature: fp.signature });
      learned += 1;
    }
    if (learned > 0 && beforeId === undefined) logger.info({ submissions: learned }, "author history rebuilt from the store");
    return createEvaluator({ scorer, index, history, config: { maxPoints } });
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first (never rejects). */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
