/**
 * Reads a submission's content from the operator nodes (`GET /v1/content/:hash`), trying each known node
 * in turn, and keeps it only when its canonical hash is the one committed on-chain: a node (or anyone
 * in front of it) cannot make the indexer show text the author did not submit.
 */
import { z } from "zod";
import { type Content, contentHash } from "../../oracle/src/protocol/contentHash";

/** Larger answers are refused, reading no further (nodes cap uploads far below this). */
const MAX_RESPONSE_BYTES = 1_048_576;
/** A node that failed (unreachable, slow, malformed, lying) is skipped this long, so one bad entry in the list cannot stall indexing a timeout per item. */
const NODE_BACKOFF_MS = 30_000;
const failedUntil = new Map<string, number>();

const ContentResponse = z.object({
  hash: z.string(),
  content: z.object({
    text: z.string(),
    title: z.string().optional(),
    url: z.string().optional(),
    author: z.string().optional(),
    salt: z.string().optional(),
  }),
});

export type FetchedContent = { status: "fetched"; content: Content; source: string } | { status: "unavailable" | "mismatch" };

export function nodeUrls(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.CASHKEY_INDEXER_NODE_URLS ?? "")
    .split(",")
    .map((url) => url.trim().replace(/\/+$/, ""))
    .filter((url) => url.length > 0);
}

export async function fetchContent(hash: string, urls: string[], timeoutMs = Number(process.env.CASHKEY_INDEXER_CONTENT_TIMEOUT_MS ?? 3_000)): Promise<FetchedContent> {
  let mismatch = false;
  const now = Date.now();
  // Nodes in backoff are tried last, not never: one may be the only one holding the content.
  const ordered = [...urls.filter((url) => (failedUntil.get(url) ?? 0) <= now), ...urls.filter((url) => (failedUntil.get(url) ?? 0) > now)];
  for (const url of ordered) {
    const outcome = await fetchFrom(url, hash, timeoutMs);
    if (outcome.status === "fetched") {
      failedUntil.delete(url);
      return outcome;
    }
    // 404 is an honest answer (the node does not hold it), not a failure.
    if (outcome.status !== "absent") failedUntil.set(url, Date.now() + NODE_BACKOFF_MS);
    if (outcome.status === "mismatch") mismatch = true;
  }
  return { status: mismatch ? "mismatch" : "unavailable" };
}

type NodeOutcome = { status: "fetched"; content: Content; source: string } | { status: "absent" | "failed" | "mismatch" };

async function fetchFrom(url: string, hash: string, timeoutMs: number): Promise<NodeOutcome> {
  try {
    const response = await fetch(`${url}/v1/content/${hash}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.status === 404) {
      await response.body?.cancel();
      return { status: "absent" };
    }
    if (response.status !== 200 || response.body === null) {
      await response.body?.cancel();
      return { status: "failed" };
    }
    const body = await readCapped(response.body, MAX_RESPONSE_BYTES);
    if (body === undefined) return { status: "failed" };
    const parsed = ContentResponse.safeParse(JSON.parse(body));
    if (!parsed.success) return { status: "failed" };
    const content = parsed.data.content;
    if (contentHash(content).toLowerCase() !== hash.toLowerCase()) return { status: "mismatch" };
    return { status: "fetched", content, source: url };
  } catch {
    // Unreachable, too slow, or not JSON.
    return { status: "failed" };
  }
}

/** The body as UTF-8 text, or undefined once it passes `maxBytes` (the rest is not read). */
async function readCapped(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<string | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
