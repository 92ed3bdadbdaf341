/**
 * Content this node never received, asked of the other operators' nodes by hash
 * (`GET {peer}/v1/content/{hash}`). A peer's answer is trusted only when its content hashes to the
 * hash asked for under the content hash rule, so a faulty or hostile peer cannot substitute anything.
 */
import { keccak256 } from "ethers";
import { z } from "zod";
import { canonicalContentBytes } from "../protocol/contentHash";
import type { ChainLogger } from "../ports/runtime";

const PeerContentSchema = z.object({
  content: z.object({ text: z.string(), title: z.string().optional(), url: z.string().optional(), author: z.string().optional(), salt: z.string().optional() }).strict(),
});

export interface PeerContentOptions {
  /** Peer API base URLs, asked in this order. */
  peers: readonly string[];
  /** Per peer. Default 5 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  logger?: ChainLogger;
}

/** The canonical bytes of the content with `hash` from the first peer that has it, or undefined. */
export async function fetchContentFromPeers(hash: string, options: PeerContentOptions): Promise<{ bytes: Uint8Array; peer: string } | undefined> {
  const fetchImpl = options.fetch ?? fetch;
  for (const peer of options.peers) {
    const url = new URL(`v1/content/${hash}`, peer.endsWith("/") ? peer : `${peer}/`);
    try {
      const response = await fetchImpl(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
      if (response.status === 404) {
        await response.body?.cancel();
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        options.logger?.warn({ peer, hash, status: response.status }, "peer refused a content request");
        continue;
      }
      const parsed = PeerContentSchema.safeParse(await response.json());
      if (!parsed.success) {
        options.logger?.warn({ peer, hash }, "peer answered a content request with something else than content");
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = canonicalContentBytes(parsed.data.content);
      } catch {
        options.logger?.warn({ peer, hash }, "peer served content that is not canonical; ignored");
        continue;
      }
      if (keccak256(bytes) !== hash.toLowerCase()) {
        options.logger?.warn({ peer, hash }, "peer served content that does not match its hash; ignored");
        continue;
      }
      return { bytes, peer };
    } catch (error) {
      options.logger?.warn({ peer, hash, err: error }, "content request to a peer failed");
    }
  }
  return undefined;
}
