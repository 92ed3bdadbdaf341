/**
 * The follower's side of a verdict proposal (docs/OPERATORS.md, "Challenges").
 *
 * Refused outright (a 4xx, nothing signed): a malformed or inconsistent proposal (decodeVerdictProposal),
 * a leader that is not a current operator, a challenge this node has not seen or that is no longer
 * open, facts (submission, epoch, points, reason) other than the challenge's as the chain stated them,
 * a deadline in the past, an appeal evaluator other than this node's, or a reason/answer text whose
 * hash is not the committed one.
 *
 * Otherwise this node judges the challenge itself (judge.ts) and signs only when it reaches the same
 * verdict with the same rationale root; a disagreement is answered as a dispute and recorded
 * (`challenge_votes`), so that a leader can never make this node sign a verdict it did not reach.
 */
import { type Signer, getAddress } from "ethers";
import type { Logger } from "pino";
import { challengesDomain, signChallengeVerdict } from "../protocol/challengeVerdict";
import type { Store } from "../store";
import type { ChallengeChain } from "./chainFacts";
import type { ChallengeJudge } from "./judge";
import type { ChallengeMetrics } from "./metrics";
import { type VerdictProposal, VerdictProposalError, type VerdictVoteJson, decodeVerdictProposal, textHash } from "./verdictProposal";

/** Proposed evaluations kept per challenge at most (besides this node's own). */
export const MAX_PROPOSED_EVALUATIONS = 8;

export interface VerdictVoterOptions {
  store: Store;
  signer: Signer;
  chainId: bigint;
  challengesAddress: string;
  chain: ChallengeChain;
  judge: ChallengeJudge;
  /** This node's appeal evaluator hash. */
  evaluator: string;
  /** Reads the chain's events now (a proposal may come before this node's next poll). */
  sync: () => Promise<unknown>;
  metrics: ChallengeMetrics;
  logger: Logger;
}

export class VerdictVoter {
  constructor(private readonly options: VerdictVoterOptions) {}

  async vote(body: unknown): Promise<VerdictVoteJson> {
    const { metrics } = this.options;
    let proposal: VerdictProposal;
    try {
      proposal = decodeVerdictProposal(body, { chainId: this.options.chainId, challenges: this.options.challengesAddress });
      await this.admit(proposal);
    } catch (error) {
      if (error instanceof VerdictProposalError) metrics.verdictVotes.inc({ outcome: error.code });
      throw error;
    }
    return this.judgeAndVote(proposal);
  }

  private async admit(proposal: VerdictProposal): Promise<void> {
    const { store, chain, evaluator } = this.options;
    const [{ operators }, now] = await Promise.all([chain.operators(), chain.time()]);
    if (!operators.includes(getAddress(proposal.leader))) {
      throw new VerdictProposalError("not_operator", "The proposal's leader is not a current operator.", { details: proposal.leader });
    }
    const m = proposal.message;
    if (m.deadline < now) throw new VerdictProposalError("expired", "The proposal's deadline has passed.", { details: `deadline ${m.deadline}, chain time ${now}` });
    if (m.evaluator !== evaluator.toLowerCase()) {
      throw new VerdictProposalError("evaluator", "The proposal was made with another appeal evaluator than this node's.", {
        details: `proposed ${m.evaluator}, this node ${evaluator}`,
      });
    }
    let challenge = store.challenges.get(m.challengeId);
    if (challenge === undefined) {
      await this.options.sync().catch(() => undefined);
      challenge = store.challenges.get(m.challengeId);
    }
    if (challenge === undefined) throw new VerdictProposalError("unknown_challenge", `This node has not seen challenge ${m.challengeId} yet.`);
    if (challenge.status !== "open") throw new VerdictProposalError("not_open", `Challenge ${m.challengeId} is ${challenge.status}, not open.`);
    if (challenge.submissionId !== m.submissionId || challenge.epoch !== m.epoch || challenge.points !== m.points || challenge.reason !== m.reason) {
      throw new VerdictProposalError("facts", "The proposal's facts are not the challenge's.", {
        details: `challenge: submission ${challenge.submissionId}, epoch ${challenge.epoch}, points ${challenge.points}, reason ${challenge.reason}`,
      });
    }
    if (proposal.reasonText !== null && textHash(proposal.reasonText) !== challenge.reasonHash) {
      throw new VerdictProposalError("text_hash", "The reason text is not the one the challenge committed.");
    }
    if (proposal.answerText !== null && (challenge.answerHash === null || textHash(proposal.answerText) !== challenge.answerHash)) {
      throw new VerdictProposalError("text_hash", "The answer text is not the one the author committed.");
    }
  }

  private async judgeAndVote(proposal: VerdictProposal): Promise<VerdictVoteJson> {
    const { store, signer, judge, metrics, logger } = this.options;
    const m = proposal.message;
    const self = getAddress(await signer.getAddress());
    const challenge = store.challenges.get(m.challengeId)!;
    if (proposal.reasonText !== null) store.challenges.putText(challenge.reasonHash, proposal.reasonText);
    if (proposal.answerText !== null && challenge.answerHash !== null) store.challenges.putText(challenge.answerHash, proposal.answerText);
    // Kept to serve them if the verdict commits to them; a few per challenge (an operator sending
    // ever new rationales cannot fill the disk).
    const known = store.challenges.evaluation(m.challengeId, m.rationaleRoot) !== undefined;
    if (!known && store.challenges.evaluationCount(m.challengeId) < MAX_PROPOSED_EVALUATIONS) {
      store.challenges.putEvaluation({
        challengeId: m.challengeId,
        rationaleRoot: m.rationaleRoot,
        evaluator: m.evaluator,
        upheld: m.upheld,
        originalRationale: proposal.originalRationale,
        appealRationale: proposal.appealRationale,
        own: false,
      });
    }

    const own = await judge.judge(challenge);
    let dispute: { reason: "verdict" | "rationale" | "unavailable"; detail: string } | undefined;
    if ("unavailable" in own) dispute = { reason: "unavailable", detail: own.detail };
    else if (own.upheld !== m.upheld)
      dispute = { reason: "verdict", detail: `this node's appeal evaluation ${own.upheld ? "upholds" : "rejects"} the challenge (${own.grounds})` };
    else if (own.rationaleRoot !== m.rationaleRoot) dispute = { reason: "rationale", detail: `this node's rationale root is ${own.rationaleRoot}` };

    store.challenges.recordVote({
      challengeId: m.challengeId,
      peer: proposal.leader.toLowerCase(),
      role: "follower",
      decision: dispute === undefined ? "signed" : "disputed",
      detail: dispute?.detail ?? "same verdict and rationale",
    });
    if (dispute !== undefined) {
      metrics.verdictVotes.inc({ outcome: "disputed" });
      logger.warn({ challenge: m.challengeId.toString(), leader: proposal.leader, ...dispute }, "verdict proposal disputed");
      return { decision: "disputed", digest: proposal.digest, signer: self, reason: dispute.reason, detail: dispute.detail.slice(0, 500) };
    }
    const signature = await signChallengeVerdict(signer, challengesDomain(proposal.chainId, proposal.challenges), m);
    metrics.verdictVotes.inc({ outcome: "signed" });
    logger.info({ challenge: m.challengeId.toString(), leader: proposal.leader, upheld: m.upheld }, "verdict proposal signed");
    return { decision: "signed", digest: proposal.digest, signer: self, signature };
  }
}
