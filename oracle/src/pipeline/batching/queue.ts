/**
 * The batch queue: evaluated submissions with this node's evaluation, in id order, without the ones
 * held for review or cooling off after a dispute. An item the chain already scored (through another
 * operator's batch) is dropped and marked scored here.
 */
import type { Rewards } from "../../bindings";
import type { EvaluatedSubmission } from "../../batch/builder";
import type { Store } from "../../store";

export interface BatchQueueOptions {
  store: Store;
  /** Rewards connected to a provider, for `isScored`. */
  rewards: Rewards;
  evaluatorHash: () => string;
  /** Most entries read: a batch's `maxItems`. */
  maxItems: number;
}

const PAGE = 200;

export class BatchQueue {
  /** Disputed submissions and when (performance.now) they may join a batch again. */
  private readonly cooling = new Map<bigint, number>();

  constructor(private readonly options: BatchQueueOptions) {}

  /** Keeps `submissionId` out of batches until `until` (performance.now, real time). */
  coolDown(submissionId: bigint, until: number): void {
    this.cooling.set(submissionId, until);
  }

  /** Evaluated submissions with this node's evaluation, by id; held and cooling ones left out. */
  entries(): EvaluatedSubmission[] {
    const { store, maxItems } = this.options;
    const evaluator = this.options.evaluatorHash();
    const clock = performance.now();
    const queue: EvaluatedSubmission[] = [];
    let afterId = 0n;
    for (;;) {
      const page = store.submissions.listByStatus("evaluated", { afterId, limit: PAGE });
      for (const submission of page) {
        afterId = submission.id;
        const coolingUntil = this.cooling.get(submission.id);
        if (coolingUntil !== undefined) {
          if (coolingUntil > clock) continue;
          this.cooling.delete(submission.id);
        }
        if (store.network.isHeld(submission.id)) continue;
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
        if (queue.length >= maxItems) return queue;
      }
      if (page.length < PAGE) return queue;
    }
  }

  /**
   * Drops the submissions the chain already scored (through a batch another operator posted) and
   * marks them scored here.
   */
  async withoutScored(entries: EvaluatedSubmission[]): Promise<EvaluatedSubmission[]> {
    const { rewards, store } = this.options;
    const scored = await Promise.all(entries.map((entry) => rewards.isScored(entry.submissionId)));
    const kept: EvaluatedSubmission[] = [];
    store.transaction(() => {
      entries.forEach((entry, i) => {
        if (scored[i]) store.submissions.setStatus(entry.submissionId, "scored");
        else kept.push(entry);
      });
    });
    return kept;
  }
}
