/**
 * The first-round verdict rule (docs/CONTRACTS.md, "Challenges", "The operators' verdict rule").
 * Pure: the same facts and appeal evaluation give every operator the same verdict.
 *
 * 1. **Facts.** The challenge states the item's credit (`epoch`, `points`) as its `Scored` event gives
 *    it; the verdict signs them. A challenge whose facts are not the item's (not scored, other points,
 *    another epoch) is rejected: removing points on misstated facts would aim the removal.
 * 2. **Upheld** when the appeal evaluation
 *    - raises a blocking flag (an exact duplicate, a prompt injection, empty content), or
 *    - raises the flag the challenge's reason names (`Duplicate`: exact or near duplicate of the
 *      named item; `Injection`: prompt injection), or
 *    - earns less than `UPHOLD_BELOW_BPS` (half) of the challenged points.
 * 3. Otherwise **rejected**: the appeal evaluation confirms the score within that margin.
 */
import type { ChallengeReason } from "../protocol/challengeVerdict";
import { CHALLENGE_REASONS } from "../protocol/challengeVerdict";

/** A challenge is upheld when the appeal's points fall below this share of the challenged points. */
export const UPHOLD_BELOW_BPS = 5_000;

/** Flags that confirm a challenge of each reason (besides any blocking flag). */
export const CONFIRMING_FLAGS: Readonly<Partial<Record<ChallengeReason, readonly string[]>>> = {
  duplicate: ["exact_duplicate", "near_duplicate"],
  injection: ["prompt_injection"],
};

export type VerdictGrounds = "facts_not_scored" | "facts_points" | "facts_epoch" | "blocking_flag" | "reason_confirmed" | "points_below_threshold" | "score_confirmed";

export interface VerdictInput {
  /** What the challenge states. */
  challenge: { reason: number; epoch: number; points: number };
  /** The item's credit as its `Scored` event gives it, or undefined when it is not scored. */
  scored: { epoch: number; points: number } | undefined;
  /** The appeal evaluation's points and flags. */
  appeal: { points: number; flags: readonly { code: string; severity: string }[] };
}

export interface VerdictDecision {
  upheld: boolean;
  grounds: VerdictGrounds;
  /** One sentence for the rationale. */
  detail: string;
}

export function decideVerdict({ challenge, scored, appeal }: VerdictInput): VerdictDecision {
  if (scored === undefined) return { upheld: false, grounds: "facts_not_scored", detail: "The item has no Scored event." };
  if (scored.points !== challenge.points) {
    return { upheld: false, grounds: "facts_points", detail: `The challenge states ${challenge.points} points; the item was credited ${scored.points}.` };
  }
  if (scored.epoch !== challenge.epoch) {
    return { upheld: false, grounds: "facts_epoch", detail: `The challenge states epoch ${challenge.epoch}; the item was credited in epoch ${scored.epoch}.` };
  }
  const blocking = appeal.flags.find((flag) => flag.severity === "blocking");
  if (blocking !== undefined) return { upheld: true, grounds: "blocking_flag", detail: `The appeal evaluation raises ${blocking.code}.` };
  const reason = CHALLENGE_REASONS[challenge.reason];
  const confirming = (reason === undefined ? undefined : CONFIRMING_FLAGS[reason]) ?? [];
  const confirmed = appeal.flags.find((flag) => confirming.includes(flag.code));
  if (confirmed !== undefined) return { upheld: true, grounds: "reason_confirmed", detail: `The appeal evaluation raises ${confirmed.code}, as the challenge says.` };
  // appeal.points / challenge.points < UPHOLD_BELOW_BPS / 10_000, in integers.
  if (BigInt(appeal.points) * 10_000n < BigInt(challenge.points) * BigInt(UPHOLD_BELOW_BPS)) {
    return {
      upheld: true,
      grounds: "points_below_threshold",
      detail: `The appeal evaluation earns ${appeal.points} points, less than ${UPHOLD_BELOW_BPS / 100} % of the ${challenge.points} challenged.`,
    };
  }
  return {
    upheld: false,
    grounds: "score_confirmed",
    detail: `The appeal evaluation earns ${appeal.points} points, at least ${UPHOLD_BELOW_BPS / 100} % of the ${challenge.points} challenged.`,
  };
}
