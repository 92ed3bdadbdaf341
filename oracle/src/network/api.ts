/**
 * What the API needs from the operator network, so the routes stay thin and testable.
 */
import type { Content } from "../protocol/contentHash";
import type { PeerAgreement } from "../store";
import type { VoteJson } from "./proposal";
import type { PeerStatus } from "./roster";

export interface NetworkOverview {
  operator: string;
  operators: string[];
  threshold: number;
  nextBatchNonce: string;
  peers: (PeerStatus & { agreement: { asLeader: PeerAgreement | null; asFollower: PeerAgreement | null } })[];
  /** Agreement with operators this node knows no URL for (or any peer not configured). */
  agreements: PeerAgreement[];
  /** Submissions held for review after repeated disputes. */
  held: { submissionId: string; disputes: number; lastReason: string; lastDetail: string; lastPeer: string; updatedAt: number }[];
}

export interface NetworkApi {
  /** Checks a proposal and answers with this node's vote; throws ProposalError to refuse it. */
  vote(body: unknown): Promise<VoteJson>;
  /** A proposal this node made or received, with the content of its items (for peers and verifiers). */
  bundle(digest: string): { proposal: unknown; contents: Record<string, Content> } | undefined;
  overview(fresh: boolean): Promise<NetworkOverview>;
}
