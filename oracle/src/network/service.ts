/**
 * The operator network's API surface over the node's parts: votes from the follower, proposals with
 * their content from the store, and the overview of peers, agreement and held submissions.
 */
import type { Content } from "../protocol/contentHash";
import type { Store } from "../store";
import type { NetworkApi, NetworkOverview } from "./api";
import type { Follower } from "./follower";
import type { OperatorRoster } from "./roster";

export interface NetworkServiceOptions {
  store: Store;
  follower: Follower;
  roster: OperatorRoster;
  operator: string;
}

export function createNetworkApi({ store, follower, roster, operator }: NetworkServiceOptions): NetworkApi {
  return {
    vote: (body) => follower.vote(body),

    bundle(digest) {
      const stored = store.network.proposal(digest);
      if (stored === undefined) return undefined;
      const contents: Record<string, Content> = {};
      const items = (stored.proposal as { items?: { contentHash?: unknown }[] }).items ?? [];
      for (const item of items) {
        if (typeof item.contentHash !== "string" || item.contentHash in contents) continue;
        const record = store.content.get(item.contentHash);
        if (record !== undefined) contents[item.contentHash] = record.content;
      }
      return { proposal: stored.proposal, contents };
    },

    async overview(fresh): Promise<NetworkOverview> {
      const [view, peers] = await Promise.all([roster.chain(), roster.peerStatuses(fresh)]);
      const agreements = store.network.agreements();
      const find = (peer: string | null, role: "leader" | "follower") =>
        peer === null ? null : (agreements.find((a) => a.peer === peer.toLowerCase() && a.role === role) ?? null);
      return {
        operator,
        operators: view.operators,
        threshold: view.threshold,
        nextBatchNonce: view.nextNonce.toString(),
        peers: peers.map((peer) => ({ ...peer, agreement: { asLeader: find(peer.operator, "leader"), asFollower: find(peer.operator, "follower") } })),
        agreements,
        held: store.network.held().map((d) => ({
          submissionId: d.submissionId.toString(),
          disputes: d.count,
          lastReason: d.lastReason,
          lastDetail: d.lastDetail,
          lastPeer: d.lastPeer,
          updatedAt: d.updatedAt,
        })),
      };
    },
  };
}
