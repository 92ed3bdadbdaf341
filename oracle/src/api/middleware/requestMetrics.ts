import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { OracleMetrics } from "../../metrics";
import type { AppEnv } from "../types";

/**
 * Counts every response by method, route pattern and status, and times it. The route label is the
 * pattern (`/v1/content/:hash`), never the raw path, so the number of series stays bounded;
 * CORS preflights count as `preflight` and requests that match no route as `unmatched` (method
 * `OTHER`, as the method of an unmatched request is whatever the client sent).
 */
export function requestMetrics(metrics: OracleMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const handler = matchedRoutes(c)
        .filter((route) => route.method !== "ALL")
        .at(-1);
      const preflight = c.req.method === "OPTIONS";
      const route = handler?.path ?? (preflight ? "preflight" : "unmatched");
      const method = handler || preflight ? c.req.method : "OTHER";
      metrics.httpRequests.inc({ method, route, status: String(c.res.status) });
      metrics.httpRequestSeconds.observe({ method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}
