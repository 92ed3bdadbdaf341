/**
 * This node's judgement of a challenge: the appeal evaluation of the challenged item, the verdict the
 * rule gives, and the two rationales the verdict commits to.
 *
 * The verdict's `rationaleRoot` is a rationale tree (protocol/rationaleTree.ts, the tree of score
 * batches) over two leaves: `[0, keccak256(original rationale)]`, the rationale the item's landed
 * batch committed, and `[1, keccak256(appeal rationale)]`, the canonical JSON below. Anyone checks a
 * served rationale against the root in `VerdictPosted` with `verifyRationale` and the leaf index as
 * the "submission id". Everything in the appeal rationale is fixed when the challenge is opened (the
 * author's answer, which may come later, is served but not committed), so every operator writes the
 * same bytes.
 */
import { canonicalJson } from "../protocol/canonicalJson";
import { CHALLENGE_REASONS } from "../protocol/challengeVerdict";
import { buildRationaleTree } from "../protocol/rationaleTree";
import type { ChallengeRecord, Store } from "../store";
import { HEURISTIC_APPEAL_EVALUATOR_HASH, evaluateAppeal, type AppealItem } from "./appealEvaluator";
import type { ChallengeChain } from "./chainFacts";
import { decideVerdict, type VerdictGrounds } from "./verdictRule";

/** Leaf indexes of the verdict's rationale tree. */
export const ORIGINAL_LEAF = 0n;
export const APPEAL_LEAF = 1n;

export interface Judgement {
  challengeId: bigint;
  upheld: boolean;
  grounds: VerdictGrounds;
  evaluator: string;
  originalRationale: string;
  appealRationale: string;
  rationaleRoot: string;
}

/** Why this node cannot judge a challenge yet (it says so to a leader instead of voting). */
export type Unjudgeable = { unavailable: "submission" | "content" | "original_rationale" | "duplicate_content" | "scored_event"; detail: string };

export function verdictRoot(originalRationale: string, appealRationale: string): string {
  return buildRationaleTree([
    { submissionId: ORIGINAL_LEAF, rationaleJson: originalRationale },
    { submissionId: APPEAL_LEAF, rationaleJson: appealRationale },
  ]).root.toLowerCase();
}

export class ChallengeJudge {
  constructor(private readonly options: { store: Store; chain: ChallengeChain; maxPoints: number }) {}

  /** The judgement, computed once and kept (its inputs are fixed once the challenge is opened). */
  async judge(challenge: ChallengeRecord): Promise<Judgement | Unjudgeable> {
    const { store } = this.options;
    const kept = store.challenges.ownEvaluation(challenge.id);
    if (kept !== undefined) {
      const grounds = (JSON.parse(kept.appealRationale) as { grounds: VerdictGrounds }).grounds;
      return {
        challengeId: challenge.id,
        upheld: kept.upheld,
        grounds,
        evaluator: kept.evaluator,
        originalRationale: kept.originalRationale,
        appealRationale: kept.appealRationale,
        rationaleRoot: kept.rationaleRoot,
      };
    }
    const item = this.item(challenge.submissionId);
    if ("unavailable" in item) return item;
    const batch = store.batches.liveBatchOf(challenge.submissionId);
    const original = batch?.items.find((i) => i.submissionId === challenge.submissionId)?.rationaleJson ?? null;
    if (original === null) return { unavailable: "original_rationale", detail: "this node lacks the rationale the item's batch committed" };
    let duplicateOf: AppealItem | undefined;
    if (CHALLENGE_REASONS[challenge.reason] === "duplicate") {
      const earlier = this.item(challenge.duplicateOf);
      if ("unavailable" in earlier) return { unavailable: "duplicate_content", detail: `the named earlier item ${challenge.duplicateOf}: ${earlier.detail}` };
      duplicateOf = earlier;
    }

    const [scored, appeal] = await Promise.all([
      this.options.chain.scoredFacts(challenge.submissionId, batch?.state === "landed" ? batch.txHash : null),
      evaluateAppeal({ item, ...(duplicateOf && { duplicateOf }), maxPoints: this.options.maxPoints }),
    ]);
    // `open` requires a scored item, so a missing Scored event means this node's read is behind (or
    // starts after it): it does not judge rather than reject on facts it failed to read.
    if (scored === undefined) return { unavailable: "scored_event", detail: `this node finds no Scored event of submission ${challenge.submissionId}` };
    const decision = decideVerdict({ challenge, scored, appeal: { points: appeal.points, flags: appeal.flags } });
    const appealRationale = canonicalJson({
      kind: "cashkey-challenge-appeal",
      version: 1,
      challengeId: challenge.id.toString(),
      submissionId: challenge.submissionId.toString(),
      epoch: challenge.epoch,
      points: challenge.points,
      reason: CHALLENGE_REASONS[challenge.reason] ?? "other",
      duplicateOf: challenge.duplicateOf.toString(),
      reasonHash: challenge.reasonHash,
      scored,
      appeal: { ...appeal.rationale, points: appeal.points },
      upheld: decision.upheld,
      grounds: decision.grounds,
      detail: decision.detail,
    });
    const judgement: Judgement = {
      challengeId: challenge.id,
      upheld: decision.upheld,
      grounds: decision.grounds,
      evaluator: HEURISTIC_APPEAL_EVALUATOR_HASH,
      originalRationale: original,
      appealRationale,
      rationaleRoot: verdictRoot(original, appealRationale),
    };
    store.challenges.putEvaluation({
      challengeId: challenge.id,
      rationaleRoot: judgement.rationaleRoot,
      evaluator: judgement.evaluator,
      upheld: judgement.upheld,
      originalRationale: original,
      appealRationale,
      own: true,
    });
    return judgement;
  }

  private item(submissionId: bigint): AppealItem | Unjudgeable {
    const submission = this.options.store.submissions.get(submissionId);
    if (submission === undefined || submission.status === "removed") return { unavailable: "submission", detail: `this node has not seen submission ${submissionId}` };
    const content = this.options.store.content.get(submission.contentHash);
    if (content === undefined) return { unavailable: "content", detail: `this node lacks the content of submission ${submissionId}` };
    return { submissionId, author: submission.author, contentHash: submission.contentHash, content: content.content };
  }
}
