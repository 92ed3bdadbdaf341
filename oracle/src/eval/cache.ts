import type { ScorerResult } from "./scorers/types";

/**
 * Where scorer results are kept, keyed by `evaluationCacheKey`. Synchronous or asynchronous, so
 * that a database-backed store can implement it later.
 */
export interface EvaluationCache {
  get(key: string): ScorerResult | undefined | Promise<ScorerResult | undefined>;
  /** What it returns is ignored once awaited (lru-cache's `LRUCache` returns itself). */
  set(key: string, value: ScorerResult): unknown;
}

/** One result per (content, evaluator): the same content scored by the same evaluator. */
export function evaluationCacheKey(contentHash: string, evaluatorHash: string): string {
  return `${contentHash.toLowerCase()}:${evaluatorHash.toLowerCase()}`;
}
