/**
 * The node's challenge part, assembled: it follows the Challenges contract's events into the store,
 * judges open challenges with the appeal evaluator, leads verdict rounds when its turn comes and
 * answers other leaders' proposals, and serves challenges with their texts and rationales
 * (api/routes/challenges.ts). node.ts builds it with `startChallengeService` in one block.
 */
import { type JsonRpcProvider, type Signer, ZeroAddress, getAddress } from "ethers";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { Challenges__factory, type Rewards } from "../bindings";
import { PassLoop } from "../pipeline/loop";
import { buildRationaleTree, rationaleProof } from "../protocol/rationaleTree";
import { CHALLENGE_REASONS } from "../protocol/challengeVerdict";
import type { ChallengeRecord, ChallengeStatus, Store } from "../store";
import { HEURISTIC_APPEAL_EVALUATOR_HASH } from "./appealEvaluator";
import { rewardsChallengeChain } from "./chainFacts";
import { ChallengeEventFollower } from "./eventFollower";
import { APPEAL_LEAF, ChallengeJudge, ORIGINAL_LEAF } from "./judge";
import { createChallengeMetrics } from "./metrics";
import { countOverturnedScores } from "./overturnedScores";
import { verdictVoteRequester } from "./peerVotes";
import { VerdictLeader } from "./verdictLeader";
import { type VerdictVoteJson, textHash } from "./verdictProposal";
import { VerdictVoter } from "./verdictVoter";

/** The node's challenge settings (config `challenges.*`, `CASHKEY_ORACLE_CHALLENGE_*`). */
export interface ChallengeSettings {
  enabled: boolean;
  /** How often the follower reads new events and the leader looks for due verdicts. */
  pollIntervalMs: number;
  /** A verdict's deadline: chain time plus this. */
  verdictDeadlineSeconds: number;
  /** How long an unanswered challenge waits for its author's answer before a verdict is proposed. */
  answerGraceSeconds: number;
}

export interface ChallengeServiceOptions {
  settings: ChallengeSettings;
  store: Store;
  provider: JsonRpcProvider;
  rewards: Rewards;
  /** The operator key, connected: signs verdicts and pays for posting them. */
  signer: Signer;
  chainId: bigint;
  startBlock: number;
  confirmations: number;
  maxPoints: number;
  failoverTimeoutMs: number;
  peerTimeoutMs: number;
  peerUrls: () => Promise<ReadonlyMap<string, string>>;
  /** Signed requests to peers (network/peerAuth.ts). */
  fetch: typeof fetch;
  registry: Registry;
  logger: Logger;
  now: () => number;
}

export type ChallengeTextKind = "reason" | "answer";

export class ChallengeTextError extends Error {
  constructor(
    readonly code: "challenge_not_found" | "challenge_no_answer" | "challenge_text_mismatch",
    message: string,
  ) {
    super(message);
  }
}

/** What the API serves and takes (api/routes/challenges.ts). */
export interface ChallengesApi {
  list(query: { status?: ChallengeStatus; submissionId?: bigint; before?: bigint; limit: number }): ReturnType<typeof challengeSummary>[];
  detail(id: bigint): ReturnType<typeof challengeDetail> | undefined;
  /** Stores a reason or answer text that hashes to what the chain committed for challenge `id`. */
  submitText(id: bigint, kind: ChallengeTextKind, text: string): Promise<{ hash: string; stored: boolean }>;
  vote(body: unknown): Promise<VerdictVoteJson>;
}

export interface ChallengeService {
  readonly api: ChallengesApi;
  start(): void;
  stop(): Promise<void>;
  halt(): void;
  /** One follower read and leader pass now (tests, and the node after a Submitted step). */
  wake(): void;
}

/** The challenge part, or undefined when it is disabled or Rewards names no Challenges contract. */
export async function startChallengeService(options: ChallengeServiceOptions): Promise<ChallengeService | undefined> {
  const { store, rewards, provider, logger: parentLogger, settings } = options;
  if (!settings.enabled) return undefined;
  const address = await rewards.challenges().catch(() => ZeroAddress);
  if (address === ZeroAddress) {
    parentLogger.info("no Challenges contract on this Rewards: the node follows no challenges");
    return undefined;
  }
  const logger = parentLogger.child({ part: "challenges" });
  const challengesAddress = getAddress(address);
  const challenges = Challenges__factory.connect(challengesAddress, options.signer);
  const chain = rewardsChallengeChain(rewards, options.startBlock);
  const metrics = createChallengeMetrics(options.registry, store);
  const judge = new ChallengeJudge({ store, chain, maxPoints: options.maxPoints });
  const operator = await options.signer.getAddress();
  const follower = new ChallengeEventFollower({
    store,
    challenges,
    provider,
    startBlock: options.startBlock,
    confirmations: options.confirmations,
    logger,
    onResolved: (ids) => countOverturnedScores(store, operator, metrics.scoresOverturned, ids),
  });
  let syncing: Promise<unknown> | undefined;
  const sync = () => (syncing ??= follower.sync().finally(() => (syncing = undefined)));
  const voter = new VerdictVoter({
    store,
    signer: options.signer,
    chainId: options.chainId,
    challengesAddress,
    chain,
    judge,
    evaluator: HEURISTIC_APPEAL_EVALUATOR_HASH,
    sync,
    metrics,
    logger,
  });
  const leader = new VerdictLeader({
    store,
    signer: options.signer,
    challenges,
    chainId: options.chainId,
    challengesAddress,
    chain,
    judge,
    peerUrls: options.peerUrls,
    requestVote: verdictVoteRequester({ fetch: options.fetch, timeoutMs: options.peerTimeoutMs }),
    failoverTimeoutMs: options.failoverTimeoutMs,
    deadlineSeconds: settings.verdictDeadlineSeconds,
    answerGraceMs: settings.answerGraceSeconds * 1000,
    retryMs: Math.max(settings.pollIntervalMs, Math.floor(options.failoverTimeoutMs / 2)),
    metrics,
    logger,
    now: options.now,
  });
  const loop = new PassLoop({
    pass: async () => {
      await sync();
      await leader.pass();
    },
    intervalMs: settings.pollIntervalMs,
    onError: (error) => logger.error({ err: error }, "challenge pass failed"),
  });
  if (!(await challenges.isAppealEvaluator(HEURISTIC_APPEAL_EVALUATOR_HASH).catch(() => false))) {
    logger.warn(
      { evaluator: HEURISTIC_APPEAL_EVALUATOR_HASH },
      "this node's appeal evaluator is not approved on Challenges: its verdicts will be refused until governance approves it",
    );
  }

  const api: ChallengesApi = {
    list({ status, submissionId, before, limit }) {
      const records =
        submissionId === undefined
          ? store.challenges.list({ status, before, limit })
          : store.challenges
              .forSubmission(submissionId)
              .filter((c) => status === undefined || c.status === status)
              .slice(0, limit);
      return records.map(challengeSummary);
    },
    detail(id) {
      const record = store.challenges.get(id);
      return record === undefined ? undefined : challengeDetail(store, record);
    },
    async submitText(id, kind, text) {
      let record = store.challenges.get(id);
      if (record === undefined) {
        await sync();
        record = store.challenges.get(id);
      }
      if (record === undefined)
        throw new ChallengeTextError(
          "challenge_not_found",
          `This node has not seen challenge ${id} (yet): try again after its transaction has ${options.confirmations} confirmations.`,
        );
      let committed = kind === "reason" ? record.reasonHash : record.answerHash;
      if (committed === null) {
        await sync();
        committed = store.challenges.get(id)?.answerHash ?? null;
      }
      if (committed === null) throw new ChallengeTextError("challenge_no_answer", `The author has not answered challenge ${id} on-chain (yet).`);
      const hash = textHash(text);
      if (hash !== committed) throw new ChallengeTextError("challenge_text_mismatch", `keccak256 of the text is ${hash}; the challenge committed ${committed}.`);
      const stored = store.challenges.text(hash) === null;
      store.challenges.putText(hash, text);
      return { hash, stored };
    },
    vote: (body) => voter.vote(body),
  };

  logger.info({ challenges: challengesAddress, evaluator: HEURISTIC_APPEAL_EVALUATOR_HASH }, "following challenges");
  return {
    api,
    start: () => loop.start(),
    stop: () => loop.stop(),
    halt: () => loop.halt(),
    wake: () => loop.wake(),
  };
}

export function challengeSummary(c: ChallengeRecord) {
  return {
    id: c.id.toString(),
    submissionId: c.submissionId.toString(),
    challenger: getAddress(c.challenger),
    author: getAddress(c.author),
    epoch: c.epoch,
    points: c.points,
    reason: CHALLENGE_REASONS[c.reason] ?? "other",
    duplicateOf: c.duplicateOf === 0n ? null : c.duplicateOf.toString(),
    bond: c.bond.toString(),
    status: c.status,
    verdict: c.verdict,
    resolution: c.resolution,
    openedBlock: c.openedBlock,
    openedTx: c.openedTx,
  };
}

/** A rationale with its proof against a verdict's root (leaf index as the tree's id). */
function proved(json: string, proof: string[] | null) {
  return { rationale: JSON.parse(json) as unknown, rationaleJson: json, proof };
}

export function challengeDetail(store: Store, c: ChallengeRecord) {
  // The evaluation the posted verdict commits to when this node holds it, else this node's own.
  const posted = c.verdict === null ? undefined : store.challenges.evaluation(c.id, c.verdict.rationaleRoot);
  const own = store.challenges.ownEvaluation(c.id);
  const shown = posted ?? own;
  let evaluations = null;
  if (shown !== undefined) {
    const tree = buildRationaleTree([
      { submissionId: ORIGINAL_LEAF, rationaleJson: shown.originalRationale },
      { submissionId: APPEAL_LEAF, rationaleJson: shown.appealRationale },
    ]);
    evaluations = {
      rationaleRoot: shown.rationaleRoot,
      committed: posted !== undefined,
      upheld: shown.upheld,
      evaluator: shown.evaluator,
      original: proved(shown.originalRationale, rationaleProof(tree, ORIGINAL_LEAF)),
      appeal: proved(shown.appealRationale, rationaleProof(tree, APPEAL_LEAF)),
    };
  }
  return {
    ...challengeSummary(c),
    reason: { code: CHALLENGE_REASONS[c.reason] ?? "other", hash: c.reasonHash, text: store.challenges.text(c.reasonHash) },
    answer: c.answerHash === null ? null : { hash: c.answerHash, text: store.challenges.text(c.answerHash) },
    evaluations,
    thisNode:
      own === undefined
        ? null
        : { upheld: own.upheld, rationaleRoot: own.rationaleRoot, agreesWithVerdict: c.verdict === null ? null : own.rationaleRoot === c.verdict.rationaleRoot },
    votes: store.challenges.votes(c.id).map((v) => ({ peer: getAddress(v.peer), role: v.role, decision: v.decision, detail: v.detail, updatedAt: v.updatedAt })),
  };
}
