import type { MiddlewareHandler } from "hono";
import { sha256Hex } from "../../network/peerAuth";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

export const TEXT_PLAIN = "text/plain";
export const APPLICATION_JSON = "application/json";

/** The media type without parameters, lowercased, and the charset parameter if any. */
export function mediaTypeOf(header: string | undefined): { type: string; charset?: string } {
  if (header === undefined) return { type: "" };
  const [type, ...params] = header.split(";");
  const charset = params
    .map((param) => param.trim().split("="))
    .find(([name]) => name.trim().toLowerCase() === "charset")?.[1]
    ?.trim()
    .replace(/^"|"$/g, "")
    .toLowerCase();
  return { type: type.trim().toLowerCase(), ...(charset === undefined ? {} : { charset }) };
}

/**
 * Admits a body of one of `types`, in UTF-8, of at most `maxBytes`, before anything reads it:
 * 415 for another media type or charset, 413 when too large (from Content-Length when declared,
 * else while reading), 400 for bytes that are not UTF-8 or, for JSON, text that does not parse.
 * The decoded (and for JSON, parsed) body is kept as the `body` variable for the handler.
 */
export function admitBody(options: { types: readonly string[]; maxBytes: number }): MiddlewareHandler<AppEnv> {
  const accepted = options.types.join(" or ");
  return async (c, next) => {
    const { type, charset } = mediaTypeOf(c.req.header("content-type"));
    if (!options.types.includes(type)) {
      throw new ApiError(415, "unsupported_media_type", `Send ${accepted}${type ? `, not ${type}` : ""}.`);
    }
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
      throw new ApiError(415, "unsupported_media_type", `Send UTF-8, not ${charset}.`);
    }
    const declared = Number(c.req.header("content-length"));
    if (Number.isFinite(declared) && declared > options.maxBytes) throw tooLarge(options.maxBytes);
    const bytes = await readAtMost(c.req.raw, options.maxBytes);
    const peer = c.get("peer");
    if (peer !== undefined && sha256Hex(bytes) !== peer.bodySha256) {
      throw new ApiError(401, "peer_auth_body", "The body is not the one the peer signed.");
    }

    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new ApiError(400, "invalid_encoding", "The body is not valid UTF-8.");
    }
    let json: unknown;
    if (type === APPLICATION_JSON) {
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new ApiError(400, "malformed_json", "The body is not valid JSON.", { details: (error as Error).message });
      }
    }
    c.set("body", type === APPLICATION_JSON ? { type, text, json } : { type, text });
    await next();
  };
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `The body exceeds ${maxBytes} bytes.`, { details: { maxBytes } });
}

async function readAtMost(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      // The client hung up (or the connection broke) mid-body: its failure, not the node's.
      throw new ApiError(400, "incomplete_body", "The body ended before it was complete.", { details: cause instanceof Error ? cause.message : undefined });
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Stop reading; the server discards the rest of the body after the response.
      reader.releaseLock();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
