/**
 * The follower's side of a proposal (docs/OPERATORS.md, "What a follower checks").
 *
 * Refused outright (an error the API turns into a 4xx, nothing recorded): a proposal that is
 * malformed or inconsistent (see decodeProposal), for another chain, from an address that is not a
 * current operator, for a nonce other than `nextBatchNonce()`, past its deadline, or made with an
 * evaluator other than this node's (it could not compare scores).
 *
 * Otherwise every item is checked against this node's own evaluation of the same submission —
 * evaluated now if it was not yet, its content fetched from the peers (the leader first) when
 * missing. The follower signs only when no item is disputed:
 *   - the submission exists here with the proposed content hash and is not scored yet;
 *   - the proposed score is within `tolerance` of this node's score;
 *   - the rationale is this evaluator's, states the proposed score, and its flags are known codes;
 *   - every flag this node raised appears in the proposed rationale, and the proposed score obeys
 *     that flag's cap;
 *   - the points are the published formula applied to the proposed score and flags.
 */
import { getAddress } from "ethers";
import type { Logger } from "pino";
import { z } from "zod";
import type { BatchSigner } from "../batch/signer";
import { FLAG_SEVERITY, type FlagCode } from "../eval/fraud";
import { pointsFor } from "../eval/points";
import { FLAG_CAPS } from "../eval/qa";
import type { OracleMetrics } from "../metrics";
import type { Store } from "../store";
import {
  DEFERRING_REASONS,
  type DisputeJson,
  type DisputeReason,
  type Proposal,
  ProposalError,
  type ProposalItem,
  type VoteJson,
  checkRationaleRoot,
  decodeSignedProposal,
} from "./proposal";
import type { ChainView } from "./roster";

export interface FollowerOptions {
  store: Store;
  signer: BatchSigner;
  chainId: bigint;
  rewardsAddress: string;
  /** This node's evaluator hash. */
  evaluatorHash: () => string;
  /** Fresh chain facts. */
  chain: () => Promise<ChainView>;
  /** The latest block's timestamp (s), for the deadline check. */
  chainTime: () => Promise<bigint>;
  /** Evaluates a pending submission now (EvaluationQueue.evaluateNow). */
  evaluateNow: (id: bigint, options: { timeoutMs: number; peers?: readonly string[] }) => Promise<void>;
  /** The peer URL of an operator, when known (to fetch content from the leader first). */
  peerUrlOf: (operator: string) => Promise<string | undefined>;
  peers: readonly string[];
  /** Points for a perfect score. */
  maxPoints: number;
  minScore: number;
  /** Largest |proposed − own| score difference accepted. */
  tolerance: number;
  /** Time allowed to evaluate the items this node has not evaluated yet. */
  evaluationTimeoutMs: number;
  metrics: OracleMetrics;
  logger: Logger;
}

const RationaleSchema = z
  .object({
    evaluator: z.string(),
    score: z.number(),
    flags: z.array(z.object({ code: z.string(), detail: z.string() }).passthrough()),
  })
  .passthrough();

export class Follower {
  constructor(private readonly options: FollowerOptions) {}

  /** Checks a proposal body; returns this node's vote or throws a ProposalError (a refusal). */
  async vote(body: unknown): Promise<VoteJson> {
    const { chainId, rewardsAddress, store, signer, metrics, logger } = this.options;
    let proposal: Proposal;
    try {
      // Who signed it, and whether they may lead this nonce, before any rationale is hashed or item checked.
      proposal = decodeSignedProposal(body, { chainId, rewards: rewardsAddress });
      await this.admit(proposal);
      checkRationaleRoot(proposal);
    } catch (error) {
      if (error instanceof ProposalError) metrics.proposalsReceived.inc({ outcome: error.code });
      throw error;
    }

    const disputes = await this.check(proposal);
    const self = await signer.getAddress();
    const substantive = disputes.filter((d) => !DEFERRING_REASONS.has(d.reason as DisputeReason)).length;
    store.network.saveProposal({
      digest: proposal.digest,
      role: "follower",
      nonce: proposal.header.nonce,
      leader: proposal.leader,
      proposal: body,
      decision: disputes.length === 0 ? "signed" : "disputed",
    });
    store.network.recordAgreement({
      peer: proposal.leader,
      role: "follower",
      signed: disputes.length === 0,
      items: proposal.items.length,
      itemsAgreed: proposal.items.length - substantive,
    });
    for (const dispute of disputes) metrics.disputesRaised.inc({ reason: dispute.reason });

    if (disputes.length > 0) {
      metrics.proposalsReceived.inc({ outcome: "disputed" });
      logger.warn({ batchNonce: proposal.header.nonce.toString(), leader: proposal.leader, disputes: disputes.length, first: disputes[0] }, "proposal disputed");
      return { decision: "disputed", digest: proposal.digest, signer: self, disputes };
    }
    const { signature } = await signer.sign({ domain: proposal.domain, header: proposal.header, items: proposal.packedItems });
    metrics.proposalsReceived.inc({ outcome: "signed" });
    logger.info({ batchNonce: proposal.header.nonce.toString(), leader: proposal.leader, items: proposal.items.length }, "proposal signed");
    return { decision: "signed", digest: proposal.digest, signer: self, signature };
  }

  /** The refusals that need the chain: operator, nonce, deadline, evaluator. */
  private async admit(proposal: Proposal): Promise<void> {
    const [view, now] = await Promise.all([this.options.chain(), this.options.chainTime()]);
    if (!view.operators.some((operator) => operator === getAddress(proposal.leader))) {
      throw new ProposalError("not_operator", "The proposal's leader is not a current operator.", { details: proposal.leader });
    }
    if (proposal.header.nonce !== view.nextNonce) {
      const code = proposal.header.nonce < view.nextNonce ? "stale_nonce" : "future_nonce";
      throw new ProposalError(code, `The proposal is for nonce ${proposal.header.nonce}; the chain expects ${view.nextNonce}.`);
    }
    if (proposal.header.deadline < now) {
      throw new ProposalError("expired", "The proposal's deadline has passed.", { details: `deadline ${proposal.header.deadline}, chain time ${now}` });
    }
    if (proposal.header.evaluator.toLowerCase() !== this.options.evaluatorHash().toLowerCase()) {
      throw new ProposalError("evaluator", "The proposal was made with another evaluator than this node's; it cannot compare scores.", {
        details: `proposed ${proposal.header.evaluator}, this node ${this.options.evaluatorHash()}`,
      });
    }
  }

  private async check(proposal: Proposal): Promise<DisputeJson[]> {
    const { store, evaluationTimeoutMs } = this.options;
    const evaluator = this.options.evaluatorHash();
    // Evaluate what this node has not evaluated yet, in parallel, within one time budget.
    const leaderUrl = await this.options.peerUrlOf(proposal.leader);
    const peers = leaderUrl === undefined ? this.options.peers : [leaderUrl, ...this.options.peers.filter((p) => p !== leaderUrl)];
    const missing = proposal.items.filter((item) => store.submissions.get(item.submissionId)?.status === "pending");
    if (missing.length > 0) {
      await Promise.all(missing.map((item) => this.options.evaluateNow(item.submissionId, { timeoutMs: evaluationTimeoutMs, peers })));
    }
    const disputes: DisputeJson[] = [];
    for (const item of proposal.items) {
      const found = this.checkItem(item, proposal, evaluator);
      if (found) disputes.push({ submissionId: item.submissionId.toString(), reason: found.reason, detail: found.detail.slice(0, 500) });
    }
    return disputes;
  }

  private checkItem(item: ProposalItem, proposal: Proposal, evaluator: string): { reason: DisputeReason; detail: string } | undefined {
    const { store, tolerance, maxPoints, minScore } = this.options;
    const submission = store.submissions.get(item.submissionId);
    if (submission === undefined || submission.status === "removed") return { reason: "unknown_submission", detail: "this node has not seen the submission on-chain" };
    if (submission.contentHash !== item.contentHash) {
      return { reason: "content_hash", detail: `the submission committed ${submission.contentHash}, not ${item.contentHash}` };
    }
    if (submission.status === "scored") return { reason: "already_scored", detail: "the submission is scored on-chain" };

    let rationale: z.infer<typeof RationaleSchema>;
    try {
      rationale = RationaleSchema.parse(JSON.parse(item.rationaleJson));
    } catch {
      return { reason: "rationale", detail: "the rationale is not a rationale object" };
    }
    if (rationale.evaluator.toLowerCase() !== proposal.header.evaluator.toLowerCase()) return { reason: "rationale", detail: "the rationale names another evaluator" };
    if (rationale.score !== item.score) return { reason: "rationale", detail: `the rationale says ${rationale.score}, the item ${item.score}` };
    const proposedCodes = new Set<string>();
    for (const flag of rationale.flags) {
      if (!(flag.code in FLAG_SEVERITY)) return { reason: "flags", detail: `unknown flag ${flag.code}` };
      proposedCodes.add(flag.code);
    }
    const expectedPoints = pointsFor(
      item.score,
      [...proposedCodes].map((code) => ({ severity: FLAG_SEVERITY[code as FlagCode] })),
      maxPoints,
      minScore,
    );
    if (item.points !== expectedPoints) return { reason: "points", detail: `score ${item.score} with these flags earns ${expectedPoints} points, not ${item.points}` };

    const own = store.evaluations.get(item.submissionId, evaluator);
    if (own?.status !== "ok") {
      const reason = store.content.has(submission.contentHash) ? "not_evaluated" : "content_unavailable";
      return { reason, detail: reason === "not_evaluated" ? "this node has no evaluation yet" : "this node could not get the content yet" };
    }
    for (const flag of own.flags) {
      if (!proposedCodes.has(flag.code)) return { reason: "flags", detail: `this node flagged ${flag.code}: ${flag.detail}` };
      const cap = FLAG_CAPS[flag.code as FlagCode];
      if (cap !== undefined && item.score > cap) return { reason: "flags", detail: `${flag.code} caps the score at ${cap}` };
    }
    if (Math.abs(own.score - item.score) > tolerance) {
      return { reason: "score", detail: `proposed ${item.score}, this node ${own.score} (tolerance ${tolerance})` };
    }
    return undefined;
  }
}
