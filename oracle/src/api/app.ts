/**
 * The oracle's HTTP API: one Hono app, one router per resource. Middleware order matters:
 * request metrics see every response (errors included); CORS answers preflights before the rate
 * limit; the rate limit runs before any handler reads a body or writes the store.
 */
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { OpenAPIHono } from "@hono/zod-openapi";
import { ApiError, renderError } from "./errors";
import { rateLimit } from "./middleware/rateLimit";
import { requestMetrics } from "./middleware/requestMetrics";
import { challengeVerdictsRouter, challengesRouter } from "./routes/challenges";
import { contentRouter } from "./routes/content";
import { healthRouter } from "./routes/health";
import { homeRouter } from "./routes/home";
import { metricsRouter } from "./routes/metrics";
import { peerRouter } from "./routes/peer";
import { relayRouter } from "./routes/relay";
import { submissionsRouter } from "./routes/submissions";
import type { ApiDeps, AppEnv } from "./types";
import { StorageHealth } from "../store/storageHealth";

export const API_VERSION = "1.0.0";
export const OPENAPI_PATH = "/v1/openapi.json";
/** Paths the rate limit never applies to: monitoring must see a node under load. */
export const RATE_LIMIT_EXEMPT = ["/v1/health", "/metrics"] as const;

/** Signed requests per rate-limit window each operator may make (its own budget). */
export const DEFAULT_PEER_RATE_LIMIT_MAX = 60_000;

export function createApp(inputDeps: ApiDeps) {
  const deps: ApiDeps = { ...inputDeps, storageHealth: inputDeps.storageHealth ?? new StorageHealth(inputDeps.metrics) };
  const storage = deps.storageHealth!;
  const { config, metrics, logger } = deps;
  const allowedOrigins = new Set(config.corsOrigins);
  const app = new OpenAPIHono<AppEnv>();

  app.use(requestMetrics(metrics));
  app.use(requestId());
  app.use(async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
  });
  app.use(
    cors({
      origin: (origin) => (allowedOrigins.has(origin) ? origin : null),
      allowMethods: ["GET", "PUT", "POST", "OPTIONS"],
      allowHeaders: ["Content-Type"],
      exposeHeaders: ["Location", "Retry-After", "X-Request-Id"],
      maxAge: 600,
    }),
  );
  app.use(
    rateLimit({
      max: config.rateLimit.max,
      windowMs: config.rateLimit.windowMs,
      trustProxy: config.trustProxy,
      now: deps.now ?? Date.now,
      exempt: RATE_LIMIT_EXEMPT,
      onLimited: () => metrics.rateLimited.inc(),
      peers: deps.peerVerifier && { verifier: deps.peerVerifier, max: config.rateLimit.peerMax ?? DEFAULT_PEER_RATE_LIMIT_MAX },
    }),
  );

  app.route("/v1/content", contentRouter(deps));
  app.route("/v1/submissions", submissionsRouter(deps));
  app.route("/v1/health", healthRouter(deps));
  app.route("/metrics", metricsRouter(deps));
  app.route("/v1", peerRouter(deps));
  app.route("/v1/challenges", challengesRouter(deps));
  app.route("/v1/peer", challengeVerdictsRouter(deps));
  app.route("/v1/relay", relayRouter({ relayer: deps.relayer, config, now: deps.now, ...deps.relayClientLimit }));
  const documentConfig = {
    openapi: "3.0.3",
    info: {
      title: "CashKey oracle node",
      version: API_VERSION,
      description: "Upload content, read submissions' scores and rationales with their Merkle proofs. Errors are `{ error: { code, message, details? } }`.",
    },
  };
  app.doc(OPENAPI_PATH, documentConfig);
  app.route(
    "/",
    homeRouter(() => app.getOpenAPIDocument(documentConfig), OPENAPI_PATH),
  );

  app.notFound((c) => renderError(new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}.`), c, () => undefined));
  app.onError((error, c) => {
    const code = storage.failed(error);
    if (code !== undefined) {
      logger?.warn({ err: error, method: c.req.method, path: c.req.path, code }, "the database cannot store");
      const refusal = new ApiError(503, "storage_unavailable", "This node cannot store right now (its disk is full or read-only); try another node or later.", {
        headers: { "Retry-After": "30" },
        details: { code },
      });
      return renderError(refusal, c, () => undefined);
    }
    return renderError(error, c, (cause, id) => logger?.error({ err: cause, requestId: id, method: c.req.method, path: c.req.path }, "request failed"));
  });
  return app;
}

export type OracleApp = ReturnType<typeof createApp>;
