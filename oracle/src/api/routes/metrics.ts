import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../router";
import type { ApiDeps } from "../types";

const getMetrics = createRoute({
  method: "get",
  path: "/",
  summary: "Prometheus metrics",
  description: "Not rate limited. Metric names and what to alert on: docs/OPERATORS.md.",
  responses: {
    200: { description: "Prometheus text exposition format", content: { "text/plain": { schema: z.string() } } },
  },
});

export function metricsRouter(deps: ApiDeps) {
  const { registry } = deps.metrics;
  const router = createRouter();
  router.openapi(getMetrics, async (c) => {
    c.header("Content-Type", registry.contentType);
    c.header("Cache-Control", "no-store");
    return c.text(await registry.metrics(), 200);
  });
  return router;
}
