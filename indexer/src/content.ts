/**
 * Reads a submission's content from the operator nodes (`GET /v1/content/:hash`), trying each known node
 * in turn, and keeps it only when its canonical hash is the one committed on-chain: a node (or anyone
 * in front of it) cannot make the indexer show text the author did not submit.
 */
import { z } from "zod";
import { type Content, contentHash } from "../../oracle/src/protocol/contentHash";

/** Larger answers are refused unread (nodes cap uploads far below this). */
const MAX_RESPONSE_BYTES = 1_048_576;

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

export type FetchedContent =
  | { status: "fetched"; content: Content; source: string }
  | { status: "unavailable" | "mismatch" };

export function nodeUrls(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.CASHKEY_INDEXER_NODE_URLS ?? "")
    .split(",")
    .map((url) => url.trim().replace(/\/+$/, ""))
    .filter((url) => url.length > 0);
}

export async function fetchContent(hash: string, urls: string[], timeoutMs = Number(process.env.CASHKEY_INDEXER_CONTENT_TIMEOUT_MS ?? 3_000)): Promise<FetchedContent> {
  let mismatch = false;
  for (const url of urls) {
    try {
      const response = await fetch(`${url}/v1/content/${hash}`, { signal: AbortSignal.timeout(timeoutMs) });
      if (response.status !== 200) continue;
      const body = await response.text();
      if (body.length > MAX_RESPONSE_BYTES) continue;
      const parsed = ContentResponse.safeParse(JSON.parse(body));
      if (!parsed.success) continue;
      const content = parsed.data.content;
      if (contentHash(content).toLowerCase() !== hash.toLowerCase()) {
        mismatch = true;
        continue;
      }
      return { status: "fetched", content, source: url };
    } catch {
      // An unreachable, slow or malformed node: try the next one.
    }
  }
  return { status: mismatch ? "mismatch" : "unavailable" };
}
