/** `evaluate <file>`: one text through the node's evaluation pipeline, without a chain or a database. */
import type { OracleConfig } from "../config";
import { type Evaluation, createEvaluator } from "../eval/evaluate";
import { contentHash } from "../protocol/contentHash";
import { createConfiguredScorer } from "../pipeline/scorer";

export async function evaluateText(
  text: string,
  config: Pick<OracleConfig, "scorer" | "llm">,
  options: { maxPoints: number; author: string },
): Promise<Evaluation & { scorer: string; maxPoints: number }> {
  const scorer = createConfiguredScorer(config);
  const evaluator = createEvaluator({ scorer, config: { maxPoints: options.maxPoints } });
  const evaluation = await evaluator.evaluate({ submissionId: 1n, author: options.author, text, contentHash: contentHash({ text }) });
  return { ...evaluation, scorer: scorer.descriptor.name, maxPoints: options.maxPoints };
}

export function formatEvaluation(evaluation: Awaited<ReturnType<typeof evaluateText>>): string {
  const { subScores } = evaluation;
  return [
    `score      ${evaluation.score}/100`,
    `points     ${evaluation.points} (of ${evaluation.maxPoints} for a perfect score)`,
    `sub-scores substance ${subScores.substance}, originality ${subScores.originality}, clarity ${subScores.clarity}, evidence ${subScores.evidence}`,
    evaluation.flags.length === 0 ? "flags      none" : `flags      ${evaluation.flags.map((f) => `${f.code} (${f.severity}): ${f.detail}`).join("\n           ")}`,
    `evaluator  ${evaluation.evaluator} (${evaluation.scorer})`,
    `rationale  ${evaluation.rationale.summary}`,
  ].join("\n");
}
