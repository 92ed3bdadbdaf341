/**
 * The one retry schedule of the node (chain reads and posts, the evaluation queue, the batcher, the
 * LLM client): capped exponential growth, with part of each delay taken off at random so that nodes
 * and requests that failed together do not retry in step.
 */

export interface BackoffOptions {
  /** First delay. Default 500 ms. */
  initialMs?: number;
  /** Largest delay. Default 30 s. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  factor?: number;
  /** Up to this fraction of each delay is taken off at random, so nodes do not retry in step. Default 0.2. */
  jitter?: number;
  /** Default Math.random; inject a constant for a reproducible schedule. */
  random?: () => number;
}

/** The delay before retry number `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const raw = Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  return Math.round(raw * (1 - jitter * random()));
}
