import { canonicalJson } from "../protocol/canonicalJson";
import type { Evaluation, Rationale } from "./evaluate";
import { FLAG_SEVERITY, type Flag } from "./fraud";
import { ZERO_SUB_SCORES } from "./qa";

export const CONTENT_UNAVAILABLE_DETAIL = "The content was never received: it was not uploaded to this operator and no peer operator had it within the grace period.";

/**
 * The evaluation of a submission whose content never arrived: score 0, no points, the blocking
 * flag `content_unavailable`. Without it one missing upload would hold back every later batch.
 * The rationale holds no node-specific figure, so every node that gives up commits the same text.
 */
export function contentUnavailableEvaluation(input: { submissionId: bigint; evaluatorHash: string; graceMs: number }): Evaluation {
  const flag: Flag = {
    code: "content_unavailable",
    severity: FLAG_SEVERITY.content_unavailable,
    detail: CONTENT_UNAVAILABLE_DETAIL,
    evidence: { graceMs: input.graceMs },
  };
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
