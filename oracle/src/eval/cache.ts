import type { ScorerResult } from "./scorers/types";

/**
 * Where scorer results are kept, keyed by `evaluationCacheKey`. Synchronous or asynchronous, so
 * that a database-backed store can implement it later.
 */
export interface EvaluationCache {
  get(key: string): ScorerResult | undefined | Promise<ScorerResult | undefined>;
  set(key: string, value: ScorerResult): void | Promise<void>;
}

/** One result per (content, evaluator): the same content scored by the same evaluator. */
export function evaluationCacheKey(contentHash: string, evaluatorHash: string): string {
  return `${contentHash.toLowerCase()}:${evaluatorHash.toLowerCase()}`;
}

/** A bounded in-memory cache that evicts the least recently used entry. */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
