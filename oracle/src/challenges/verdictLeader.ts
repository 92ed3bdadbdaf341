/**
 * The leader's side of a first-round verdict (docs/OPERATORS.md, "Challenges").
 *
 * Who leads challenge `id`: `leaderFor(operators, id, attempt)` (network/leaderSchedule.ts, the batch
 * rotation with the challenge id for the nonce), where `attempt` counts the failover timeouts since
 * this node first saw the challenge. A leader that is down or silent costs one failover timeout: the
 * next operator then proposes. Two nodes that briefly both think they lead are harmless: a challenge
 * takes one verdict, the second `postVerdict` reverts.
 *
 * A round: judge the challenge (judge.ts), sign the `ChallengeVerdict`, send the proposal to every other
 * current operator's node at once, keep the signatures that recover to the operator at that URL, and
 * once `threshold` signatures are held post them (ascending by signer, as the contract's check wants).
 */
import { type Signer, getAddress, recoverAddress } from "ethers";
import type { Logger } from "pino";
import type { Challenges } from "../bindings";
import { CashKeyError } from "../errors";
import { leaderFor } from "../network/leaderSchedule";
import { type ChallengeVerdictMessage, challengeVerdictDigest, challengesDomain, signChallengeVerdict, verdictArgs } from "../protocol/challengeVerdict";
import type { ChallengeRecord, Store } from "../store";
import type { ChallengeChain } from "./chainFacts";
import type { ChallengeJudge, Judgement } from "./judge";
import type { ChallengeMetrics } from "./metrics";
import { type VerdictProposalJson, type VerdictVoteJson, encodeVerdictProposal } from "./verdictProposal";

/** `IChallenges.Status.Open`. */
const OPEN_STATUS = 1;

export interface VerdictLeaderOptions {
  store: Store;
  signer: Signer;
  /** Challenges, connected to the signer (it sends `postVerdict`). */
  challenges: Challenges;
  chainId: bigint;
  challengesAddress: string;
  chain: ChallengeChain;
  judge: ChallengeJudge;
  /** Operator → peer URL of the nodes this node knows. */
  peerUrls: () => Promise<ReadonlyMap<string, string>>;
  /** Sends a proposal to one peer; rejects when there is no usable answer. */
  requestVote: (url: string, proposal: VerdictProposalJson) => Promise<VerdictVoteJson>;
  failoverTimeoutMs: number;
  /** A verdict's `deadline`: chain time plus this. */
  deadlineSeconds: number;
  /** Least time between two rounds this node leads for one challenge. */
  retryMs: number;
  /**
   * How long after seeing a challenge no verdict is proposed, so that its author can answer and the
   * challenger's text can arrive first (both together end the wait). Default 0.
   */
  answerGraceMs?: number;
  metrics: ChallengeMetrics;
  logger: Logger;
  now: () => number;
}

export class VerdictLeader {
  private readonly lastRound = new Map<bigint, number>();

  constructor(private readonly options: VerdictLeaderOptions) {}

  /** Leads a round for every open challenge this node leads now. */
  async pass(): Promise<void> {
    const { store } = this.options;
    const open = store.challenges.awaitingVerdict();
    if (open.length === 0) return;
    const { operators, threshold } = await this.options.chain.operators();
    const self = getAddress(await this.options.signer.getAddress());
    if (!operators.includes(self)) return;
    for (const challenge of open) {
      // The author may still answer and the challenger's text may still be on its way (it spreads to the
      // peers with the proposal): no verdict before the grace is over, unless both are here.
      const complete = challenge.answerHash !== null && this.options.store.challenges.text(challenge.reasonHash) !== null;
      const from = complete ? challenge.seenAt : challenge.seenAt + (this.options.answerGraceMs ?? 0);
      if (this.options.now() < from) continue;
      const attempt = Math.floor((this.options.now() - from) / this.options.failoverTimeoutMs);
      if (leaderFor(operators, challenge.id, attempt) !== self) continue;
      const last = this.lastRound.get(challenge.id);
      if (last !== undefined && this.options.now() - last < this.options.retryMs) continue;
      this.lastRound.set(challenge.id, this.options.now());
      try {
        await this.round(challenge, operators, threshold, self);
      } catch (error) {
        this.options.metrics.verdictsLed.inc({ outcome: "failed" });
        this.options.logger.warn({ err: error, challenge: challenge.id.toString() }, "verdict round failed");
      }
    }
  }

  private async round(challenge: ChallengeRecord, operators: readonly string[], threshold: number, self: string): Promise<void> {
    const { store, judge, signer, chainId, challengesAddress, logger, metrics } = this.options;
    // The chain may be ahead of the follower: a verdict already posted, or the verdict time over.
    const [onChain, now] = await Promise.all([this.options.challenges.challenge(challenge.id), this.options.chain.time()]);
    if (Number(onChain.status) !== OPEN_STATUS || now > onChain.deadline) return;
    const judgement = await judge.judge(challenge);
    if ("unavailable" in judgement) {
      logger.info({ challenge: challenge.id.toString(), ...judgement }, "cannot judge the challenge yet");
      return;
    }
    const message = this.message(challenge, judgement, now + BigInt(this.options.deadlineSeconds));
    const domain = challengesDomain(chainId, challengesAddress);
    const digest = challengeVerdictDigest(domain, message).toLowerCase();
    const signature = await signChallengeVerdict(signer, domain, message);
    const proposal = encodeVerdictProposal({
      chainId,
      challenges: challengesAddress,
      leader: self,
      message,
      originalRationale: judgement.originalRationale,
      appealRationale: judgement.appealRationale,
      reasonText: store.challenges.text(challenge.reasonHash),
      answerText: store.challenges.text(challenge.answerHash),
      digest,
      signature,
    });

    const signatures = new Map<string, string>([[self, signature]]);
    const urls = await this.options.peerUrls();
    await Promise.all(
      operators
        .filter((operator) => operator !== self)
        .map(async (operator) => {
          const url = urls.get(operator);
          if (url === undefined) return;
          try {
            const vote = await this.options.requestVote(url, proposal);
            if (getAddress(vote.signer) !== operator || vote.digest.toLowerCase() !== digest) {
              throw new CashKeyError("The vote is for another verdict or from another signer than the operator at that URL.");
            }
            if (vote.decision === "signed") {
              if (getAddress(recoverAddress(digest, vote.signature)) !== operator) throw new CashKeyError("The peer's signature does not recover to its operator.");
              signatures.set(operator, vote.signature);
            }
            store.challenges.recordVote({
              challengeId: challenge.id,
              peer: operator.toLowerCase(),
              role: "leader",
              decision: vote.decision,
              detail: vote.decision === "signed" ? "signed" : `${vote.reason}: ${vote.detail}`,
            });
          } catch (error) {
            logger.warn({ err: error, peer: operator, challenge: challenge.id.toString() }, "verdict proposal not answered");
          }
        }),
    );

    if (signatures.size < threshold) {
      metrics.verdictsLed.inc({ outcome: "short" });
      logger.warn({ challenge: challenge.id.toString(), signatures: signatures.size, threshold }, "too few signatures for the verdict");
      return;
    }
    const ordered = [...signatures.entries()].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1)).map(([, s]) => s);
    const tx = await this.options.challenges.postVerdict(verdictArgs(message), ordered);
    const receipt = await tx.wait();
    if (receipt?.status !== 1) throw new CashKeyError("The verdict transaction reverted.", { details: tx.hash });
    metrics.verdictsLed.inc({ outcome: "posted" });
    logger.info({ challenge: challenge.id.toString(), upheld: message.upheld, signatures: ordered.length, tx: tx.hash }, "verdict posted");
  }

  private message(challenge: ChallengeRecord, judgement: Judgement, deadline: bigint): ChallengeVerdictMessage {
    return {
      challengeId: challenge.id,
      submissionId: challenge.submissionId,
      epoch: challenge.epoch,
      points: challenge.points,
      reason: challenge.reason,
      upheld: judgement.upheld,
      evaluator: judgement.evaluator,
      rationaleRoot: judgement.rationaleRoot,
      deadline,
    };
  }
}
