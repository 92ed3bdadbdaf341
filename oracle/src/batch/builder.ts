/**
 * Batch building, pure: which evaluated submissions close a batch and when (by size or by age), and
 * the batch they make — packed items, rationale tree, header and the EIP-712 digest the operators sign.
 * Nothing here reads a clock or the chain: the time, the nonce and the domain come in as arguments.
 */
import { CashKeyError } from "../errors";
import { type BatchHeader, type Eip712Domain, itemsHash, rewardsDomain, scoreBatchDigest } from "../protocol/eip712";
import { type RationaleTree, buildRationaleTree } from "../protocol/rationaleTree";
import { ScoreItemError, packScoreItem } from "../protocol/scoreItem";

/** A scored submission waiting for a batch. */
export interface EvaluatedSubmission {
  submissionId: bigint;
  /** 0..100 */
  score: number;
  points: number;
  /** The exact rationale JSON the oracle serves for this submission (its hash is the Merkle leaf). */
  rationaleJson: string;
  /** When it joined the queue, in ms (the node's clock). */
  queuedAtMs: number;
}

export interface BatchPolicy {
  /** A batch closes as soon as this many submissions wait; it never holds more. */
  maxItems: number;
  /** A batch closes once the oldest waiting submission has waited this long. */
  maxAgeMs: number;
  /** The batch deadline: this many seconds after the batch is built. */
  deadlineSeconds: number;
}

export type CloseReason = "size" | "age";

export interface BatchSelection {
  reason: CloseReason;
  /** The submissions taken, oldest first. */
  entries: EvaluatedSubmission[];
}

/** Everything a batch depends on besides its submissions. */
export interface BatchContext {
  chainId: bigint | number;
  rewardsAddress: string;
  /** `Rewards.nextBatchNonce()` (or the nonce this batch is meant to follow). */
  nonce: bigint;
  /** The approved evaluator hash the scores came from. */
  evaluator: string;
  /** The node's clock, in ms. */
  nowMs: number;
  deadlineSeconds: number;
  /** `Rewards.maxPointsPerSubmission()`, to refuse what the contract would. */
  maxPointsPerSubmission?: number;
}

export interface BuiltBatch {
  header: BatchHeader;
  /** Packed items, ascending by submission id. */
  items: bigint[];
  /** The submissions, in item order. */
  entries: EvaluatedSubmission[];
  itemsHash: string;
  domain: Eip712Domain;
  /** What the operators sign and what identifies the batch. */
  digest: string;
  rationaleTree: RationaleTree;
  /** The rationale Merkle proof of each submission, in item order. */
  rationaleProofs: { submissionId: bigint; proof: string[] }[];
}

export class BatchBuildError extends CashKeyError {
  override name = "BatchBuildError";
}

function byAgeThenId(a: EvaluatedSubmission, b: EvaluatedSubmission): number {
  return a.queuedAtMs - b.queuedAtMs || compareIds(a.submissionId, b.submissionId);
}

function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkPolicy(policy: BatchPolicy): void {
  if (!Number.isInteger(policy.maxItems) || policy.maxItems < 1) throw new BatchBuildError("maxItems must be an integer >= 1.");
  if (!(policy.maxAgeMs >= 0)) throw new BatchBuildError("maxAgeMs must be >= 0.");
  if (!Number.isInteger(policy.deadlineSeconds) || policy.deadlineSeconds < 1) {
    throw new BatchBuildError("deadlineSeconds must be an integer >= 1.");
  }
}

function checkUnique(entries: readonly EvaluatedSubmission[]): void {
  const seen = new Set<bigint>();
  for (const entry of entries) {
    if (seen.has(entry.submissionId)) throw new BatchBuildError(`Submission ${entry.submissionId} is queued twice.`);
    seen.add(entry.submissionId);
  }
}

/**
 * Whether the queue closes a batch at `nowMs`, and with which submissions: the `maxItems` oldest
 * once that many wait ("size"), or all of them once the oldest has waited `maxAgeMs` ("age").
 */
export function selectBatch(queue: readonly EvaluatedSubmission[], policy: BatchPolicy, nowMs: number): BatchSelection | undefined {
  checkPolicy(policy);
  if (queue.length === 0) return undefined;
  checkUnique(queue);
  const ordered = [...queue].sort(byAgeThenId);
  if (ordered.length >= policy.maxItems) return { reason: "size", entries: ordered.slice(0, policy.maxItems) };
  if (nowMs - ordered[0].queuedAtMs >= policy.maxAgeMs) return { reason: "age", entries: ordered };
  return undefined;
}

/** When the queue will close a batch by age if nothing else happens (undefined for an empty queue). */
export function nextCloseByAgeMs(queue: readonly EvaluatedSubmission[], policy: BatchPolicy): number | undefined {
  if (queue.length === 0) return undefined;
  return Math.min(...queue.map((e) => e.queuedAtMs)) + policy.maxAgeMs;
}

/** Builds the batch of `entries`: items ascending by id (cheapest for the contract's scored bitmap). */
export function buildBatch(entries: readonly EvaluatedSubmission[], context: BatchContext): BuiltBatch {
  if (entries.length === 0) throw new BatchBuildError("A batch needs at least one submission.");
  if (!Number.isInteger(context.deadlineSeconds) || context.deadlineSeconds < 1) {
    throw new BatchBuildError("deadlineSeconds must be an integer >= 1.");
  }
  checkUnique(entries);
  const ordered = [...entries].sort((a, b) => compareIds(a.submissionId, b.submissionId));

  const items = ordered.map((entry) => {
    if (context.maxPointsPerSubmission !== undefined && entry.points > context.maxPointsPerSubmission) {
      throw new BatchBuildError(`Submission ${entry.submissionId} has ${entry.points} points, above the maximum ${context.maxPointsPerSubmission}.`);
    }
    try {
      return packScoreItem({ submissionId: entry.submissionId, score: entry.score, points: entry.points });
    } catch (cause) {
      if (cause instanceof ScoreItemError) throw new BatchBuildError(`Submission ${entry.submissionId} cannot be packed.`, { cause });
      throw cause;
    }
  });

  const rationaleTree = buildRationaleTree(ordered.map(({ submissionId, rationaleJson }) => ({ submissionId, rationaleJson })));
  const header: BatchHeader = {
    nonce: context.nonce,
    evaluator: context.evaluator,
    rationaleRoot: rationaleTree.root,
    deadline: BigInt(Math.floor(context.nowMs / 1000) + context.deadlineSeconds),
  };
  const domain = rewardsDomain(context.chainId, context.rewardsAddress);
  return {
    header,
    items,
    entries: ordered,
    itemsHash: itemsHash(items),
    domain,
    digest: scoreBatchDigest(domain, header, items),
    rationaleTree,
    rationaleProofs: proofsOf(rationaleTree, ordered),
  };
}

function proofsOf(tree: RationaleTree, ordered: readonly EvaluatedSubmission[]): BuiltBatch["rationaleProofs"] {
  const bySubmission = new Map<bigint, string[]>();
  for (const [index, leaf] of tree.entries()) bySubmission.set(BigInt(leaf[0]), tree.getProof(index));
  return ordered.map(({ submissionId }) => ({ submissionId, proof: bySubmission.get(submissionId) as string[] }));
}

/** Selects and builds in one step: the batch the queue closes now, with the reason, or undefined. */
export function closeBatch(
  queue: readonly EvaluatedSubmission[],
  policy: BatchPolicy,
  context: Omit<BatchContext, "deadlineSeconds">,
): (BuiltBatch & { reason: CloseReason }) | undefined {
  const selection = selectBatch(queue, policy, context.nowMs);
  if (!selection) return undefined;
  return { ...buildBatch(selection.entries, { ...context, deadlineSeconds: policy.deadlineSeconds }), reason: selection.reason };
}
