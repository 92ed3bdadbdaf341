import { InvalidEvaluationInputError } from "./errors";
import type { Flag } from "./fraud";

/** Scores below this earn nothing. */
export const DEFAULT_MIN_SCORE = 40;
export const MAX_UINT32 = 0xffffffff;

/**
 * The published points formula (docs/SCORING.md):
 *
 *   points = 0                                                  if a flag is blocking
 *   points = 0                                                  if score < minScore
 *   points = ⌊ maxPoints × (score − minScore + 1)² ÷ (101 − minScore)² ⌋   otherwise
 *
 * Quadratic, so quality pays more than volume: with minScore 40, a score of 70 earns about a
 * quarter of a score of 100. Integer arithmetic only (BigInt), so every node, the frontend and
 * a Solidity port agree to the unit; the result fits a uint32 because maxPoints does.
 */
export function pointsFor(score: number, flags: readonly Pick<Flag, "severity">[], maxPoints: number, minScore: number = DEFAULT_MIN_SCORE): number {
  requireInteger("score", score, 0, 100);
  requireInteger("maxPoints", maxPoints, 0, MAX_UINT32);
  requireInteger("minScore", minScore, 1, 100);
  if (score < minScore || flags.some((flag) => flag.severity === "blocking")) return 0;
  const above = BigInt(score - minScore + 1);
  const span = BigInt(101 - minScore);
  return Number((BigInt(maxPoints) * above * above) / (span * span));
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidEvaluationInputError(`${name} must be an integer in ${min}..${max}.`, {
      details: `${name}=${String(value)}`,
    });
  }
}
