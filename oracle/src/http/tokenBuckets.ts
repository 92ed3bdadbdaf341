/**
 * Per-client token buckets: the API's rate limit (api/middleware/rateLimit.ts) and the relayer's
 * per-signer limit (relay/relayer.ts) count requests with them. Here, below both, so that relay/ does
 * not import api/.
 */

export interface TokenBucketOptions {
  /** Tokens a client may spend in a burst, refilled evenly over the window. */
  max: number;
  windowMs: number;
  now: () => number;
  /** Buckets kept at most; full buckets are dropped first. Default 10,000. */
  maxClients?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client: `max` tokens, refilled at `max / windowMs` per ms, one per request.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.perMs = options.max / options.windowMs;
  }

  /** Takes a token for `client`; returns 0 when allowed, else the ms until a token is available. */
  take(client: string): number {
    const now = this.options.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.options.max, at: now };
    bucket.tokens = Math.min(this.options.max, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > (this.options.maxClients ?? 10_000)) this.evict(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.perMs);
  }

  /** Drops buckets that have refilled (they equal a fresh one), then the least recently used. */
  private evict(now: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.options.max) this.buckets.delete(client);
    }
    const limit = this.options.maxClients ?? 10_000;
    for (const client of this.buckets.keys()) {
      if (this.buckets.size <= limit) break;
      this.buckets.delete(client);
    }
  }
}
