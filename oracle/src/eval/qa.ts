import { EvaluationFailedError } from "./errors";
import type { Flag, FlagCode } from "./fraud";
import { OVERALL_WEIGHTS, SUB_SCORE_KEYS, type ScorerResult, type SubScores } from "./scorers/types";

/**
 * QA rules, applied in this order to whatever a scorer returned (docs/SCORING.md has the table):
 *
 * 1. Bounds: every sub-score and the overall score must be a finite number; each is rounded to
 *    an integer and clamped to 0..100. A non-finite value fails the evaluation (never guessed).
 * 2. Agreement: when the overall score differs from the weighted mean of the sub-scores
 *    (OVERALL_WEIGHTS) by more than AGREEMENT_TOLERANCE points, the weighted mean replaces it.
 * 3. Flags: each flag caps the overall score at FLAG_CAPS[code]; the lowest cap wins. Blocking
 *    flags cap at 0. Sub-scores are left as the scorer gave them: they describe the content.
 */
export const FLAG_CAPS: Readonly<Record<FlagCode, number>> = {
  empty_content: 0,
  content_unavailable: 0,
  exact_duplicate: 0,
  prompt_injection: 0,
  near_duplicate: 10,
  link_density: 10,
  promotional: 10,
  repetition: 10,
  author_velocity: 20,
  boilerplate: 15,
  shouting: 35,
  obfuscation: 10,
  template_farm: 10,
  same_facts: 10,
};

export const AGREEMENT_TOLERANCE = 25;

export interface QaAdjustment {
  readonly rule: "bounds" | "agreement" | "flag_cap";
  readonly detail: string;
}

export interface QaResult {
  readonly score: number;
  readonly subScores: SubScores;
  readonly adjustments: readonly QaAdjustment[];
}

export const ZERO_SUB_SCORES: SubScores = { substance: 0, originality: 0, clarity: 0, evidence: 0 };

/** Applies the rules above; `result` is undefined when the scorer was skipped (score 0). */
export function applyQa(result: ScorerResult | undefined, flags: readonly Flag[]): QaResult {
  const adjustments: QaAdjustment[] = [];
  if (result === undefined) {
    return { score: 0, subScores: ZERO_SUB_SCORES, adjustments: [{ rule: "flag_cap", detail: "not scored: blocking flag" }] };
  }

  const subScores = { ...ZERO_SUB_SCORES };
  for (const key of SUB_SCORE_KEYS) subScores[key] = bounded(key, result.subScores[key], adjustments);
  let score = bounded("overall", result.score, adjustments);

  const mean = Math.round(SUB_SCORE_KEYS.reduce((sum, key) => sum + OVERALL_WEIGHTS[key] * subScores[key], 0));
  if (Math.abs(score - mean) > AGREEMENT_TOLERANCE) {
    adjustments.push({ rule: "agreement", detail: `overall ${score} replaced by the sub-score mean ${mean}` });
    score = mean;
  }

  let cap = 100;
  let capBy: FlagCode | undefined;
  for (const flag of flags) {
    if (FLAG_CAPS[flag.code] < cap) {
      cap = FLAG_CAPS[flag.code];
      capBy = flag.code;
    }
  }
  if (capBy !== undefined && score > cap) {
    adjustments.push({ rule: "flag_cap", detail: `${capBy} caps the score at ${cap} (was ${score})` });
    score = cap;
  }
  return { score, subScores, adjustments };
}

function bounded(name: string, value: number, adjustments: QaAdjustment[]): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new EvaluationFailedError("The scorer returned a score that is not a finite number.", {
      reason: "invalid_output",
      attempts: 1,
      details: `${name}=${String(value)}`,
    });
  }
  const fixed = Math.max(0, Math.min(100, Math.round(value)));
  if (fixed !== value) adjustments.push({ rule: "bounds", detail: `${name} ${value} set to ${fixed}` });
  return fixed;
}
