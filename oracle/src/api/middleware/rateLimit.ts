import { isIPv4, isIPv6 } from "node:net";
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import { ApiError } from "../errors";
import { TokenBuckets } from "../../http/tokenBuckets";
import type { AppEnv } from "../types";
import { PeerRequestVerifier } from "../../network/peerAuth";

export interface RateLimitOptions {
  /** Requests per window a client may make in a burst, refilled evenly over the window. */
  max: number;
  windowMs: number;
  /** Read the client from the last X-Forwarded-For entry (set only behind a trusted proxy). */
  trustProxy: boolean;
  now: () => number;
  /** Paths that are never limited (health checks, metrics scrapes). */
  exempt?: readonly string[];
  /** Called once per refused request. */
  onLimited?: () => void;
  /** Buckets kept at most; full buckets are dropped first. Default 10,000. */
  maxClients?: number;
  /**
   * Operators' signed requests: checked by `verifier` and counted against the operator's own bucket
   * of `max` per window, not the public one. A request whose peer headers do not check out counts
   * against the public bucket of its client and is refused.
   */
  peers?: { verifier: PeerRequestVerifier; max: number };
}

/** A token bucket per client (http/tokenBuckets.ts); an empty bucket answers 429 with Retry-After (whole seconds until the next token). */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const buckets = new TokenBuckets(options);
  const peerBuckets = options.peers && new TokenBuckets({ ...options, max: options.peers.max });
  const exempt = new Set(options.exempt ?? []);
  const limited = (waitMs: number): ApiError => {
    options.onLimited?.();
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new ApiError(429, "rate_limited", `Too many requests; retry in ${seconds} s.`, {
      headers: { "Retry-After": String(seconds) },
      details: { retryAfterSeconds: seconds },
    });
  };
  return async (c, next) => {
    if (options.peers && peerBuckets && PeerRequestVerifier.claims((name) => c.req.header(name))) {
      const url = new URL(c.req.url);
      const result = await options.peers.verifier.verify({
        method: c.req.method,
        path: `${url.pathname}${url.search}`,
        host: c.req.header("host"),
        header: (name) => c.req.header(name),
      });
      if (!result.ok) {
        const waitMs = buckets.take(clientKey(c, options.trustProxy));
        if (waitMs > 0) throw limited(waitMs);
        throw new ApiError(result.status, result.code, result.message);
      }
      const waitMs = peerBuckets.take(`peer:${result.operator}`);
      if (waitMs > 0) throw limited(waitMs);
      c.set("peer", { operator: result.operator, bodySha256: result.bodySha256 });
      return next();
    }
    if (exempt.has(c.req.path)) return next();
    const waitMs = buckets.take(clientKey(c, options.trustProxy));
    if (waitMs > 0) throw limited(waitMs);
    return next();
  };
}

/**
 * The client a request counts against: the socket's address (IPv6 by its /64, which one host
 * usually controls whole), or with `trustProxy` the address the proxy appended last to
 * X-Forwarded-For. Requests without a socket (in-process tests) share one bucket.
 */
export function clientKey(c: Context<AppEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded && (isIPv4(forwarded) || isIPv6(forwarded))) return normalizeAddress(forwarded);
  }
  // getConnInfo needs node-server's bindings, which `app.request()` without an environment lacks.
  const address = c.env?.incoming === undefined ? undefined : getConnInfo(c).remote.address;
  return address ? normalizeAddress(address) : "unknown";
}

export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(":")}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head, tail] = address.split("%")[0].split("::");
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right];
  return groups.map((group) => (parseInt(group, 16) || 0).toString(16));
}
