/**
 * The API's edges: query validation (zod) with 4xx JSON errors, a fixed-window rate limit per client
 * address, opaque cursors, and JSON without bigints.
 */
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { replaceBigInts } from "ponder";
import { z } from "zod";

export class ApiError extends HTTPException {
  constructor(
    status: 400 | 404 | 429,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(status, { message });
  }
}

export function errorResponse(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    return c.json({ error: { code: error.code, message: error.message, details: error.details } }, error.status);
  }
  if (error instanceof HTTPException) return c.json({ error: { code: "http_error", message: error.message } }, error.status);
  console.error(error);
  return c.json({ error: { code: "internal", message: "Internal error." } }, 500);
}

export function notFound(c: Context): Response {
  return c.json({ error: { code: "not_found", message: `No route ${c.req.method} ${c.req.path}.` } }, 404);
}

/** Parses the query string (or path params) with `schema`; 400 with the issues otherwise. */
export function parse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ApiError(
      400,
      "invalid_request",
      "Invalid request.",
      result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  return result.data;
}

export const Address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "a 20-byte 0x-hex address")
  .transform((value) => value.toLowerCase() as `0x${string}`);
export const UintString = z
  .string()
  .regex(/^\d{1,78}$/, "a non-negative integer")
  .transform((value) => BigInt(value));
export const Limit = z.coerce.number().int().min(1).max(100).default(20);
export const EpochNumber = z.coerce.number().int().min(0).max(4_294_967_295);

/** Cursors are opaque to clients: base64url of a JSON array of the last row's sort keys. */
export function encodeCursor(keys: (string | number)[]): string {
  return Buffer.from(JSON.stringify(keys)).toString("base64url");
}

export function decodeCursor<T extends z.ZodTypeAny>(cursor: string | undefined, shape: T): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new ApiError(400, "invalid_cursor", "Malformed cursor.");
  }
  const result = shape.safeParse(raw);
  if (!result.success) throw new ApiError(400, "invalid_cursor", "Malformed cursor.");
  return result.data;
}

export function json(c: Context, body: unknown): Response {
  return c.json(replaceBigInts(body as object, (value) => value.toString()) as object);
}

/**
 * At most `max` requests per `windowMs` per client address (the socket's peer: a proxy in front must
 * enforce its own limit per end user). Over it: 429 JSON with Retry-After.
 */
export function rateLimit(max: number, windowMs: number): MiddlewareHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    const client = incoming?.socket?.remoteAddress ?? "unknown";
    const now = Date.now();
    let window = windows.get(client);
    if (window === undefined || now - window.start >= windowMs) {
      if (windows.size > 100_000) windows.clear();
      window = { start: now, count: 0 };
      windows.set(client, window);
    }
    window.count += 1;
    if (window.count > max) {
      c.header("Retry-After", String(Math.ceil((window.start + windowMs - now) / 1000)));
      throw new ApiError(429, "rate_limited", "Too many requests.");
    }
    await next();
  };
}
