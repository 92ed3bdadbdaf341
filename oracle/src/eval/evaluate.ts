import { InMemoryAuthorHistory, type AuthorHistoryRegistry } from "./authorHistory";
import { canonicalJson } from "../protocol/canonicalJson";
import { DuplicateIndex, type DuplicateRegistry } from "./duplicateIndex";
import { InvalidEvaluationInputError } from "./errors";
import { evaluatorHash, type EvaluatorDescriptor } from "./evaluator";
import { fingerprint, isEmptySignature } from "./fingerprint";
import { DEFAULT_FRAUD_CONFIG, runFraudChecks, type Flag, type FlagCode, type FraudConfig } from "./fraud";
import { DEFAULT_MIN_SCORE, pointsFor } from "./points";
import { preprocess } from "./preprocess";
import { applyQa, type QaAdjustment } from "./qa";
import type { Scorer, ScorerResult, SubScores } from "./scorers/types";

export interface EvaluatorConfig {
  /** Points for a perfect score (the governance-set maximum per submission). */
  readonly maxPoints: number;
  /** Scores below this earn no points. */
  readonly minScore: number;
  readonly fraud: FraudConfig;
}

export const DEFAULT_EVALUATOR_CONFIG: EvaluatorConfig = {
  maxPoints: 1000,
  minScore: DEFAULT_MIN_SCORE,
  fraud: DEFAULT_FRAUD_CONFIG,
};

export interface EvaluationInput {
  /** The on-chain submission id (uint64). */
  readonly submissionId: string | number | bigint;
  /** The author's address. */
  readonly author: string;
  readonly text: string;
  /** keccak256 of the content, as submitted on-chain. */
  readonly contentHash: string;
}

/**
 * The explanation served by the oracle and committed to on-chain through the batch's
 * rationaleRoot (a leaf holds keccak256 of its canonical JSON). Always exactly these keys.
 */
export interface Rationale {
  /** The evaluator hash (bytes32 hex). */
  readonly evaluator: string;
  readonly score: number;
  readonly subScores: SubScores;
  readonly flags: readonly { readonly code: FlagCode; readonly detail: string }[];
  readonly summary: string;
}

export interface Evaluation {
  readonly submissionId: string;
  readonly score: number;
  readonly subScores: SubScores;
  readonly flags: readonly Flag[];
  readonly points: number;
  readonly rationale: Rationale;
  /** The rationale's canonical JSON: the exact text to serve and to hash into the rationale tree. */
  readonly rationaleJson: string;
  /** The evaluator hash (bytes32 hex) that goes into the batch header. */
  readonly evaluator: string;
  /** Set when the scorer asks for an operator's review before the score is posted (the LLM ensemble). */
  readonly review?: { readonly reason: string; readonly detail: string };
}

export interface Evaluator {
  readonly descriptor: EvaluatorDescriptor;
  readonly evaluatorHash: string;
  evaluate(input: EvaluationInput): Promise<Evaluation>;
}

export interface CreateEvaluatorOptions {
  readonly scorer: Scorer;
  /** Earlier content; defaults to a fresh in-memory index. */
  readonly index?: DuplicateRegistry;
  /** Earlier submissions per author; defaults to a fresh in-memory history. */
  readonly history?: AuthorHistoryRegistry;
  readonly config?: Partial<EvaluatorConfig>;
}

/**
 * The evaluation pipeline: preprocess → fingerprint → fraud checks → scorer (skipped when a
 * blocking flag already fixes the score at 0) → QA → points.
 *
 * The content is registered in the index and the author history right after the fraud checks,
 * before the scorer is awaited, so duplicates are judged in call order even when evaluations
 * overlap. Evaluating the same submission id again (after a failed scorer call) is idempotent:
 * a submission never counts as its own duplicate and is registered only once.
 */
export function createEvaluator(options: CreateEvaluatorOptions): Evaluator {
  const { scorer } = options;
  const index = options.index ?? new DuplicateIndex();
  const history = options.history ?? new InMemoryAuthorHistory();
  const config: EvaluatorConfig = { ...DEFAULT_EVALUATOR_CONFIG, ...options.config };
  const hash = evaluatorHash(scorer.descriptor);

  async function evaluate(input: EvaluationInput): Promise<Evaluation> {
    const submissionId = idOf(input.submissionId);
    const doc = preprocess(input.text);
    const fp = fingerprint(doc);
    const fraud = runFraudChecks(doc, fp, { submissionId, author: input.author, duplicates: index, history }, config.fraud);

    if (!isEmptySignature(fp.signature)) {
      index.register(submissionId, input.author, fp.sketch, input.contentHash);
      history.record(input.author, { id: submissionId, signature: fp.signature });
    }

    const blocking = fraud.flags.find((flag) => flag.severity === "blocking");
    let result: ScorerResult | undefined;
    if (!blocking) result = await scorer.score({ contentHash: input.contentHash, doc, maxSimilarity: fraud.maxSimilarity });
    const qa = applyQa(result, fraud.flags);
    const points = pointsFor(qa.score, fraud.flags, config.maxPoints, config.minScore);
    const summary = blocking ? `Not scored: ${blocking.detail}` : summarize(result?.rationale ?? "", qa.adjustments);

    const rationale: Rationale = {
      evaluator: hash,
      score: qa.score,
      subScores: qa.subScores,
      flags: fraud.flags.map(({ code, detail }) => ({ code, detail })),
      summary,
    };
    return {
      submissionId,
      score: qa.score,
      subScores: qa.subScores,
      flags: fraud.flags,
      points,
      rationale,
      rationaleJson: canonicalJson(rationale),
      evaluator: hash,
      ...(result?.review ? { review: result.review } : {}),
    };
  }

  return { descriptor: scorer.descriptor, evaluatorHash: hash, evaluate };
}

function summarize(scorerRationale: string, adjustments: readonly QaAdjustment[]): string {
  const notes = adjustments.map((a) => a.detail);
  return notes.length === 0 ? scorerRationale : `${scorerRationale} QA: ${notes.join("; ")}.`;
}

function idOf(id: string | number | bigint): string {
  const text = typeof id === "string" ? id : id.toString();
  if (!/^(?:0|[1-9]\d*)$/.test(text) || BigInt(text) >= 1n << 64n) {
    throw new InvalidEvaluationInputError("A submission id is a uint64 in decimal.", { details: `id=${text}` });
  }
  return text;
}
