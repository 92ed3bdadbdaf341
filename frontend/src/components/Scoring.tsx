/**
 * Scores in words: how scoring works (sub-scores, flags, the points formula of oracle/src/eval/points.ts,
 * docs/SCORING.md), and why one submission earned what it did.
 */
import { DEFAULT_MIN_SCORE, pointsFor } from "../../../oracle/src/eval/points";
import { OVERALL_WEIGHTS } from "../../../oracle/src/eval/scorers/types";
import { rewardsAbi } from "../generated/abis";
import { useChainQuery } from "../hooks/useChain";

/** What each sub-score measures. */
export const SUB_SCORES: Record<string, string> = {
  substance: "how much concrete information: content words, numbers, named specifics",
  originality: "not a copy or near-copy of earlier content, varied wording",
  clarity: "readable sentences and structure",
  evidence: "sources, citations, measured quantities and dates",
};

const weight = (name: string) => {
  const value = (OVERALL_WEIGHTS as unknown as Record<string, number | undefined>)[name];
  return value === undefined ? "" : ` (${Math.round(value * 100)} % of the score)`;
};

/** Governance's maximum points per submission (Rewards.maxPointsPerSubmission). */
export function useMaxPoints() {
  return useChainQuery(["max-points"], async (client, { contracts }) =>
    Number(await client.readContract({ address: contracts.rewards, abi: rewardsAbi, functionName: "maxPointsPerSubmission" })),
  );
}

/** Why a score earned its points: one sentence, in the formula's terms. */
export function explainPoints(
  score: number,
  points: number,
  flags: readonly { code: string; severity: string }[],
  maxPoints: number | undefined,
  minScore = DEFAULT_MIN_SCORE,
): string {
  const blocking = flags.filter((f) => f.severity === "blocking");
  if (blocking.length > 0) return `No points: flagged ${blocking.map((f) => f.code).join(", ")}, which zeroes the score and the points.`;
  if (score < minScore) {
    const capped = flags.length > 0 ? ` (capped by the ${flags.map((f) => f.code).join(", ")} flag)` : "";
    return `No points: a score of ${score}${capped} is below the minimum of ${minScore}; points start at ${minScore}.`;
  }
  if (maxPoints === undefined) return `${points} points for a score of ${score}.`;
  return `${points} points = ⌊${maxPoints.toLocaleString("en-US")} × (${score} − ${minScore} + 1)² ÷ (101 − ${minScore})²⌋: quadratic, so quality pays more than volume.`;
}

export function HowScoring() {
  const maxPoints = useMaxPoints().data;
  const max = maxPoints ?? 1000;
  const example = (score: number) => pointsFor(score, [], max).toLocaleString("en-US");
  return (
    <details className="card" data-testid="how-scoring">
      <summary>
        <strong>How scoring works</strong>
      </summary>
      <p>
        Each oracle operator scores your text from 0 to 100, then a quorum of operators signs the scores and posts them on-chain in a batch. The score is a weighted mean
        of four sub-scores:
      </p>
      <dl className="explain">
        {Object.entries(SUB_SCORES).map(([name, what]) => (
          <div key={name}>
            <dt>
              {name}
              {weight(name)}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p>
        Fraud checks flag copies, spam, link farms, repetition and text aimed at the scorer. A <em>blocking</em> flag (exact duplicate, prompt injection, empty or missing
        content) sets the score to 0; other flags cap it at 10 to 35. Every cap is below the minimum for points.
      </p>
      <p>Points per submission:</p>
      <p className="mono formula">
        points = 0 if score &lt; {DEFAULT_MIN_SCORE} or a flag is blocking
        <br />
        points = ⌊ {max.toLocaleString("en-US")} × (score − {DEFAULT_MIN_SCORE} + 1)² ÷ (101 − {DEFAULT_MIN_SCORE})² ⌋ otherwise
      </p>
      <p>
        So a 30/100 earns 0, a 40 earns {example(40)}, a 70 earns {example(70)} and a 100 earns {example(100)}. When an epoch closes, its CKEY budget is shared in
        proportion to the points earned in it. ({max.toLocaleString("en-US")} is the governance-set maximum per submission; {DEFAULT_MIN_SCORE} is the operators&apos;
        default minimum score.)
      </p>
    </details>
  );
}
