import type { BackoffOptions } from "../backoff";

/** How often the node's loops look for work when nothing wakes them, and how they back off. */
export interface NodeTiming {
  /** Evaluation queue. Default 1000 ms. */
  evaluationPollMs: number;
  /** Batcher, when no batch is due. Default 1000 ms. */
  batchPollMs: number;
  /** Between two requests to the peers for the same missing content. Default 5000 ms. */
  peerRetryMs: number;
  /** Between receipt polls of a batch transaction. Default 1000 ms. */
  receiptPollMs: number;
  /** RPC failures (watcher, poster), failed posts and failed evaluations. */
  backoff: BackoffOptions;
}

export const DEFAULT_NODE_TIMING: NodeTiming = {
  evaluationPollMs: 1000,
  batchPollMs: 1000,
  peerRetryMs: 5000,
  receiptPollMs: 1000,
  backoff: { initialMs: 500, maxMs: 30_000 },
};
