import { createRoute } from "@hono/zod-openapi";
import { type Content, boundAuthor } from "../../protocol/contentHash";
import { ContentWriter } from "../../store/contentWriter";
import { ApiError, validationError } from "../errors";
import { APPLICATION_JSON, TEXT_PLAIN, admitBody } from "../middleware/body";
import { createRouter } from "../router";
import { ContentSchema, ContentStoredSchema, ContentUploadSchema, ErrorSchema, HashParamsSchema, PlainTextContentSchema } from "../schemas";
import type { ApiDeps } from "../types";

const errors = (statuses: Record<number, string>) =>
  Object.fromEntries(Object.entries(statuses).map(([status, description]) => [status, { description, content: { [APPLICATION_JSON]: { schema: ErrorSchema } } }]));

const putContent = createRoute({
  method: "put",
  path: "/",
  summary: "Upload content; returns its content hash",
  description:
    "Stores content under keccak256 of its canonical bytes, the hash to pass to `Rewards.submit`. " +
    "Idempotent: the same content gives the same hash and is stored once (201 the first time, 200 after).",
  request: {
    body: {
      required: true,
      content: {
        [TEXT_PLAIN]: { schema: PlainTextContentSchema },
        [APPLICATION_JSON]: { schema: ContentUploadSchema },
      },
    },
  },
  responses: {
    201: { description: "Stored", content: { [APPLICATION_JSON]: { schema: ContentStoredSchema } } },
    200: { description: "Already stored", content: { [APPLICATION_JSON]: { schema: ContentStoredSchema } } },
    ...errors({
      400: "Malformed JSON, invalid UTF-8, or content the schema refuses",
      413: "Body larger than maxContentBytes",
      415: "Not text/plain or application/json in UTF-8",
      429: "Rate limited (see Retry-After)",
      503: "storage_unavailable: the node's disk is full or read-only (see Retry-After)",
    }),
  },
});

const getContent = createRoute({
  method: "get",
  path: "/{hash}",
  summary: "Content by hash",
  request: { params: HashParamsSchema },
  responses: {
    200: { description: "The content", content: { [APPLICATION_JSON]: { schema: ContentSchema } } },
    ...errors({ 400: "Malformed hash", 404: "Unknown hash, or bound content whose author's submission is not on-chain yet", 429: "Rate limited (see Retry-After)" }),
  },
});

export function contentRouter(deps: ApiDeps) {
  const { store, config, metrics, onContent, logger } = deps;
  const writer = new ContentWriter(store);
  const router = createRouter();

  // Documented with both body schemas; validated here by media type (the generated validator would
  // only see media types spelled in lower case), with the same schemas.
  router.openAPIRegistry.registerPath(putContent);
  router.openapi(
    {
      ...putContent,
      hide: true,
      request: {},
      middleware: [admitBody({ types: [TEXT_PLAIN, APPLICATION_JSON], maxBytes: config.maxContentBytes })],
    },
    async (c) => {
      const body = c.get("body");
      const parsed = body.type === APPLICATION_JSON ? ContentUploadSchema.safeParse(body.json) : PlainTextContentSchema.safeParse(body.text);
      if (!parsed.success) throw validationError("json", parsed.error);
      const content: Content = typeof parsed.data === "string" ? { text: parsed.data } : parsed.data;
      // Concurrent uploads share one commit; each answer waits for its own to be durable.
      const { hash, size, created } = await writer.put(content, "upload");
      deps.storageHealth?.succeeded();
      if (created) {
        metrics.contentStored.inc({ source: "upload" });
        notify(onContent, { hash, content, size, source: "upload" }, logger);
        c.header("Location", `/v1/content/${hash}`);
        return c.json({ hash, size }, 201);
      }
      return c.json({ hash, size }, 200);
    },
  );

  router.openapi(getContent, (c) => {
    const record = store.content.get(c.req.valid("param").hash);
    if (record === undefined) throw new ApiError(404, "content_not_found", "No content with this hash on this node.");
    // Bound content stays private until its author's submission is on-chain (seen here): a watcher of
    // the mempool learns only the hash, too late to copy the text ahead of the author. Operators'
    // nodes (signed requests) get it at once: they evaluate it.
    const author = boundAuthor(record.content);
    if (author !== undefined && c.get("peer") === undefined && !store.submissions.existsWithContent(record.hash, author)) {
      throw new ApiError(404, "content_not_found", "No content with this hash on this node.");
    }
    // Content never changes under its hash.
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.json({ hash: record.hash, content: record.content, size: record.size, receivedAt: new Date(record.receivedAt).toISOString() }, 200);
  });

  return router;
}

function notify(onContent: ApiDeps["onContent"], event: Parameters<NonNullable<ApiDeps["onContent"]>>[0], logger: ApiDeps["logger"]): void {
  if (onContent === undefined) return;
  const fail = (error: unknown) => logger?.error({ err: error, hash: event.hash }, "onContent failed");
  try {
    void Promise.resolve(onContent(event)).catch(fail);
  } catch (error) {
    fail(error);
  }
}
