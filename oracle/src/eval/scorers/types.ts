import type { EvaluatorDescriptor } from "../evaluator";
import type { Preprocessed } from "../preprocess";

/** The four rubric dimensions, each an integer 0..100. */
export interface SubScores {
  readonly substance: number;
  readonly originality: number;
  readonly clarity: number;
  readonly evidence: number;
}

/**
 * How the overall score weighs the sub-scores: the heuristic scorer computes it this way, the
 * LLM is asked to, and QA checks agreement against it.
 */
export const OVERALL_WEIGHTS: Readonly<SubScores> = { substance: 0.35, originality: 0.2, clarity: 0.15, evidence: 0.3 };

export const SUB_SCORE_KEYS = ["substance", "originality", "clarity", "evidence"] as const satisfies readonly (keyof SubScores)[];

export interface ScorerInput {
  /** keccak256 of the submitted content, as registered on-chain; the cache key. */
  readonly contentHash: string;
  readonly doc: Preprocessed;
  /** Highest similarity (0..1) to an earlier submission, from the fraud checks. */
  readonly maxSimilarity: number;
}

export interface ScorerResult {
  readonly subScores: SubScores;
  /** Overall score 0..100. */
  readonly score: number;
  /** Why, in a few sentences. */
  readonly rationale: string;
  /** Set when the result must be reviewed by an operator before it is posted (ensemble.ts). */
  readonly review?: { readonly reason: string; readonly detail: string };
}

/** A way of scoring content; its descriptor names it for the chain (see evaluator.ts). */
export interface Scorer {
  readonly descriptor: EvaluatorDescriptor;
  score(input: ScorerInput): Promise<ScorerResult>;
}
