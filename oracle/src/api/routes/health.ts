import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../router";
import { HealthSchema } from "../schemas";
import { withTimeout } from "../timeout";
import type { ApiDeps } from "../types";

const getHealth = createRoute({
  method: "get",
  path: "/",
  summary: "Database and chain status",
  description: "Not rate limited. 503 when the database fails; `degraded` when the chain does not answer.",
  responses: {
    200: { description: "ok or degraded", content: { "application/json": { schema: HealthSchema } } },
    503: { description: "down: the database fails", content: { "application/json": { schema: HealthSchema } } },
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
    const body = {
      status: !dbOk ? ("down" as const) : headBlock === null ? ("degraded" as const) : ("ok" as const),
      db: { ok: dbOk, schemaVersion },
      chain: { ok: headBlock !== null, headBlock, lastProcessedBlock, lagBlocks },
      operator: deps.operatorAddress ?? null,
    };
    c.header("Cache-Control", "no-store");
    return dbOk ? c.json(body, 200) : c.json(body, 503);
  });

  return router;
}
