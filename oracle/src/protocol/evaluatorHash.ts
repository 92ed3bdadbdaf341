/**
 * The evaluator hash committed with each batch: keccak256 of the canonical description of the scorer.
 * Canonical form: the UTF-8 bytes of JSON with exactly the five keys below, sorted, no whitespace.
 * A change of any field is a different evaluator that governance must approve.
 */
import { keccak256, stringToBytes } from "viem";

export interface EvaluatorDescriptor {
  name: string;
  model: string;
  quantization: string;
  promptVersion: string;
  rubricVersion: string;
}

export function canonicalEvaluatorJson(d: EvaluatorDescriptor): string {
  const canonical = {
    model: d.model,
    name: d.name,
    promptVersion: d.promptVersion,
    quantization: d.quantization,
    rubricVersion: d.rubricVersion,
  };
  return JSON.stringify(canonical);
}

export function evaluatorHash(d: EvaluatorDescriptor): string {
  return keccak256(stringToBytes(canonicalEvaluatorJson(d)));
}

/**
 * The embedded deterministic scorer, approved by default on local deployments. Its rubric version
 * changes whenever the heuristic evaluation (features, flags, thresholds, formula) changes what it
 * computes for some text: a live network moves to it through governance (docs/OPERATORS.md,
 * "Moving to a new evaluator"). 2: issue 10, evaluation that cannot be farmed.
 */
export const HEURISTIC_EVALUATOR: EvaluatorDescriptor = {
  name: "heuristic",
  model: "none",
  quantization: "none",
  promptVersion: "none",
  rubricVersion: "2",
};

export const HEURISTIC_EVALUATOR_HASH = evaluatorHash(HEURISTIC_EVALUATOR);
