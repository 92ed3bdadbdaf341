/**
 * Bound content (docs/SCORING.md, "Who was first") names the one address whose submission may claim
 * it. A submission of its hash by anyone else — typically a copy of the hash seen in the mempool —
 * is scored 0 at once with the blocking flag `content_unavailable`: the content is not available to
 * that sender. It is never put in the duplicate index, so the author's own submission, even with a
 * later id, is not its duplicate.
 */
import { canonicalJson } from "../protocol/canonicalJson";
import type { Evaluation, Rationale } from "../eval/evaluate";
import { FLAG_SEVERITY, type Flag } from "../eval/fraud";
import { ZERO_SUB_SCORES } from "../eval/qa";
import { type Content, boundAuthor } from "../protocol/contentHash";

export const BOUND_TO_ANOTHER_AUTHOR_DETAIL = "The content is bound to another author: its content hash commits to that author's address, not the submitter's.";

/** Whether `submitter` may claim `content` (unbound content: anyone). */
export function mayClaim(content: Content, submitter: string): boolean {
  const author = boundAuthor(content);
  return author === undefined || author === submitter.toLowerCase();
}

/** Score 0, no points, `content_unavailable`, the same text on every node. */
export function boundToAnotherAuthorEvaluation(input: { submissionId: bigint; evaluatorHash: string }): Evaluation {
  const flag: Flag = { code: "content_unavailable", severity: FLAG_SEVERITY.content_unavailable, detail: BOUND_TO_ANOTHER_AUTHOR_DETAIL, evidence: {} };
  const rationale: Rationale = {
    evaluator: input.evaluatorHash,
    score: 0,
    subScores: ZERO_SUB_SCORES,
    flags: [{ code: flag.code, detail: flag.detail }],
    summary: `Not scored: ${flag.detail}`,
  };
  return {
    submissionId: input.submissionId.toString(),
    score: 0,
    subScores: ZERO_SUB_SCORES,
    flags: [flag],
    points: 0,
    rationale,
    rationaleJson: canonicalJson(rationale),
    evaluator: input.evaluatorHash,
  };
}
