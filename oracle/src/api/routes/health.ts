import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../router";
import { HealthSchema } from "../schemas";
import { withTimeout } from "../timeout";
import type { ApiDeps, HealthIssue } from "../types";

const getHealth = createRoute({
  method: "get",
  path: "/",
  summary: "Database and chain status",
  description:
    "Not rate limited. 503 `down` when the database fails or cannot store; `degraded` when the chain does not answer or the node is behind or missing items. `reasons` says why.",
  responses: {
    200: { description: "ok or degraded", content: { "application/json": { schema: HealthSchema } } },
    503: { description: "down: the database fails or cannot store", content: { "application/json": { schema: HealthSchema } } },
  },
});

export function healthRouter(deps: ApiDeps) {
  const { store, chainReader, logger } = deps;
  const chainTimeoutMs = deps.chainTimeoutMs ?? 3000;
  const router = createRouter();

  router.openapi(getHealth, async (c) => {
    let dbOk = true;
    let schemaVersion: number | null = null;
    let lastProcessedBlock: number | null = null;
    try {
      store.ping();
      schemaVersion = store.schemaVersion();
      lastProcessedBlock = store.cursor.get()?.blockNumber ?? null;
    } catch (error) {
      dbOk = false;
      logger?.error({ err: error }, "health: database check failed");
    }
    let headBlock: number | null = null;
    try {
      headBlock = await withTimeout(chainReader.blockNumber(), chainTimeoutMs);
    } catch (error) {
      logger?.warn({ err: error }, "health: chain check failed");
    }
    const lagBlocks = headBlock !== null && lastProcessedBlock !== null ? Math.max(0, headBlock - lastProcessedBlock) : null;
    const issues: HealthIssue[] = [];
    if (!dbOk) issues.push({ severity: "down", reason: "The database does not answer." });
    if (headBlock === null) issues.push({ severity: "degraded", reason: "The chain does not answer." });
    const storage = deps.storageHealth?.reason();
    if (storage !== undefined) issues.push({ severity: "down", reason: storage });
    try {
      issues.push(...(deps.healthIssues?.() ?? []));
    } catch (error) {
      logger?.error({ err: error }, "health: a check failed");
    }
    const down = issues.some((issue) => issue.severity === "down");
    const body = {
      status: down ? ("down" as const) : issues.length > 0 ? ("degraded" as const) : ("ok" as const),
      reasons: issues.map((issue) => issue.reason),
      db: { ok: dbOk, schemaVersion },
      chain: { ok: headBlock !== null, headBlock, lastProcessedBlock, lagBlocks },
      operator: deps.operatorAddress ?? null,
    };
    c.header("Cache-Control", "no-store");
    return down ? c.json(body, 503) : c.json(body, 200);
  });

  return router;
}
