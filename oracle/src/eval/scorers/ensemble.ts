import { InvalidEvaluationInputError } from "../errors";
import type { EvaluatorDescriptor } from "../evaluator";
import { HEURISTIC_EVALUATOR, scoreHeuristically } from "./heuristic";
import { SUB_SCORE_KEYS, type Scorer, type ScorerResult, type SubScores } from "./types";

/**
 * The ensemble that the LLM scorer runs in (issue 10, item 6). A model can be flattered by
 * listicles and talked into high scores by text it should ignore; the heuristic's substance
 * features cannot. So:
 *
 * - a blocking flag means 0 (the pipeline does not even ask the model);
 * - every sub-score and the overall score are min(LLM, heuristic + margin): the model can
 *   lower a score as far as it judges, but raise it at most `margin` points above what the
 *   measured features support, so decoration that the heuristic does not pay for cannot be
 *   bought from the model either;
 * - when |LLM − heuristic| on the overall score exceeds `tolerance`, the result is marked for
 *   review, and the node holds the submission (the store's held submissions) instead of posting
 *   it, until an operator releases it.
 *
 * Both numbers are part of the evaluator descriptor (rubricVersion), so they are in the
 * evaluator hash that governance approves: changing them is a governance decision, visible on
 * chain. Integer arithmetic only.
 */
export interface EnsembleSettings {
  /** How far above the heuristic the LLM may lift a score. */
  readonly margin: number;
  /** The largest |LLM − heuristic| overall difference that is posted without review. */
  readonly tolerance: number;
}

export const DEFAULT_ENSEMBLE: EnsembleSettings = { margin: 10, tolerance: 30 };

/** Why a result should be held for review rather than posted. */
export interface ReviewRequest {
  readonly reason: "ensemble_disagreement";
  readonly detail: string;
}

/** The rubric version of an LLM scorer inside the ensemble: the model's rubric, the heuristic's, and the settings. */
export function ensembleRubricVersion(llmRubricVersion: string, settings: EnsembleSettings = DEFAULT_ENSEMBLE): string {
  return `${llmRubricVersion}+heuristic-${HEURISTIC_EVALUATOR.rubricVersion};margin=${settings.margin};tolerance=${settings.tolerance}`;
}

export function createEnsembleScorer(llm: Scorer, settings: EnsembleSettings = DEFAULT_ENSEMBLE): Scorer {
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 0 || value > 100) {
      throw new InvalidEvaluationInputError(`The ensemble ${name} must be an integer in 0..100.`, { details: `${name}=${String(value)}` });
    }
  }
  const descriptor: EvaluatorDescriptor = { ...llm.descriptor, rubricVersion: ensembleRubricVersion(llm.descriptor.rubricVersion, settings) };
  return {
    descriptor,
    async score(input) {
      const heuristic = scoreHeuristically(input);
      const model = await llm.score(input);
      return combineEnsemble(model, heuristic, settings);
    },
  };
}

/** The ensemble's result from the model's and the heuristic's (pure). */
export function combineEnsemble(model: ScorerResult, heuristic: ScorerResult, settings: EnsembleSettings): ScorerResult {
  const bounded = { ...model.subScores } as { -readonly [K in keyof SubScores]: number };
  for (const key of SUB_SCORE_KEYS) bounded[key] = Math.min(model.subScores[key], heuristic.subScores[key] + settings.margin);
  const score = Math.min(model.score, heuristic.score + settings.margin);
  const gap = Math.abs(model.score - heuristic.score);
  const lifted = score < model.score ? ` bounded to heuristic + ${settings.margin} = ${score}` : "";
  const review: ReviewRequest | undefined =
    gap > settings.tolerance
      ? { reason: "ensemble_disagreement", detail: `LLM ${model.score} and heuristic ${heuristic.score} differ by ${gap} (tolerance ${settings.tolerance})` }
      : undefined;
  const rationale = `${model.rationale} Ensemble: LLM ${model.score}, heuristic ${heuristic.score}${lifted}${review ? `; held for review: ${review.detail}` : ""}.`;
  return { subScores: bounded, score, rationale, ...(review ? { review } : {}) };
}
