/**
 * The appeal evaluator: how an operator re-evaluates a challenged item (docs/CONTRACTS.md,
 * "Challenges", and docs/OPERATORS.md, "Challenges").
 *
 * It is the heuristic evaluation pipeline (preprocess → fraud checks → heuristic scorer → QA →
 * points) run on the item's text ALONE — no model can lift the score above what the measured features
 * support — against a duplicate index that holds exactly the earlier item a `Duplicate` challenge
 * names (`duplicateOf`), so a copy is judged against the item the challenger points at. It is
 * deterministic: every operator computes the same evaluation, the same rationale text and the same
 * verdict from the same on-chain facts and content, which is what lets k of them co-sign it.
 *
 * Its descriptor is hashed like a scoring evaluator's; governance approves the hash on Challenges
 * (`setAppealEvaluator`). A change of the pipeline or of the verdict rule (verdictRule.ts) is a new
 * rubric version, hence a new hash to approve.
 */
import { type EvaluatorDescriptor, evaluatorHash } from "../protocol/evaluatorHash";
import { InMemoryAuthorHistory } from "../eval/authorHistory";
import { evaluationText } from "../eval/contentText";
import { DuplicateIndex } from "../eval/duplicateIndex";
import { type Evaluation, createEvaluator } from "../eval/evaluate";
import { fingerprint, isEmptySignature } from "../eval/fingerprint";
import { preprocess } from "../eval/preprocess";
import { HEURISTIC_EVALUATOR, createHeuristicScorer } from "../eval/scorers/heuristic";
import type { Scorer } from "../eval/scorers/types";
import type { Content } from "../protocol/contentHash";

export const HEURISTIC_APPEAL_EVALUATOR: EvaluatorDescriptor = {
  name: "heuristic-appeal",
  model: "none",
  quantization: "none",
  promptVersion: "none",
  // The heuristic rubric it runs, and the verdict rule's version.
  rubricVersion: `heuristic-${HEURISTIC_EVALUATOR.rubricVersion};verdict-1`,
};

export const HEURISTIC_APPEAL_EVALUATOR_HASH = evaluatorHash(HEURISTIC_APPEAL_EVALUATOR);

export interface AppealItem {
  submissionId: bigint;
  author: string;
  contentHash: string;
  content: Content;
}

export interface AppealInput {
  item: AppealItem;
  /** The earlier item a `Duplicate` challenge names, with its content; absent for other reasons. */
  duplicateOf?: AppealItem;
  /** `Rewards.maxPointsPerSubmission()`. */
  maxPoints: number;
}

/** The appeal evaluation of one challenged item (its rationale names the appeal evaluator's hash). */
export async function evaluateAppeal(input: AppealInput): Promise<Evaluation> {
  const heuristic = createHeuristicScorer();
  const scorer: Scorer = { descriptor: HEURISTIC_APPEAL_EVALUATOR, score: (scorerInput) => heuristic.score(scorerInput) };
  const index = new DuplicateIndex();
  const earlier = input.duplicateOf;
  if (earlier !== undefined) {
    const fp = fingerprint(preprocess(evaluationText(earlier.content)));
    if (!isEmptySignature(fp.signature)) index.register(earlier.submissionId.toString(), earlier.author.toLowerCase(), fp.sketch, earlier.contentHash);
  }
  const evaluator = createEvaluator({ scorer, index, history: new InMemoryAuthorHistory(), config: { maxPoints: input.maxPoints } });
  return evaluator.evaluate({
    submissionId: input.item.submissionId,
    author: input.item.author.toLowerCase(),
    text: evaluationText(input.item.content),
    contentHash: input.item.contentHash,
  });
}
