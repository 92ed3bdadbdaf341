import { expect } from "chai";
import fc from "fast-check";
import { EvaluationFailedError, InvalidEvaluationInputError } from "../../../oracle/src/eval/errors";
import { FLAG_SEVERITY, type Flag, type FlagCode } from "../../../oracle/src/eval/fraud";
import { DEFAULT_MIN_SCORE, MAX_UINT32, pointsFor } from "../../../oracle/src/eval/points";
import { AGREEMENT_TOLERANCE, applyQa, FLAG_CAPS } from "../../../oracle/src/eval/qa";
import type { ScorerResult } from "../../../oracle/src/eval/scorers/types";

function flagOf(code: FlagCode): Flag {
  return { code, severity: FLAG_SEVERITY[code], detail: code, evidence: {} };
}

const GOOD: ScorerResult = { subScores: { substance: 80, originality: 70, clarity: 90, evidence: 60 }, score: 74, rationale: "ok" };

describe("QA", function () {
  it("passes an in-bounds, consistent result through", function () {
    expect(applyQa(GOOD, [])).to.deep.equal({ score: 74, subScores: GOOD.subScores, adjustments: [] });
  });

  it("rounds and clamps every score into 0..100", function () {
    const qa = applyQa({ subScores: { substance: 120, originality: -5, clarity: 70.6, evidence: 50 }, score: 64.4, rationale: "x" }, []);
    expect(qa.subScores).to.deep.equal({ substance: 100, originality: 0, clarity: 71, evidence: 50 });
    expect(qa.score).to.equal(64);
    expect(qa.adjustments.filter((a) => a.rule === "bounds")).to.have.length(4);
  });

  it("fails rather than guesses on a non-finite score", function () {
    const bad = { ...GOOD, subScores: { ...GOOD.subScores, clarity: Number.NaN } };
    expect(() => applyQa(bad, [])).to.throw(EvaluationFailedError);
  });

  it("replaces an overall score that disagrees with the sub-scores", function () {
    const qa = applyQa({ ...GOOD, score: 74 + AGREEMENT_TOLERANCE + 1 }, []);
    expect(qa.score).to.equal(74);
    expect(qa.adjustments[0]!.rule).to.equal("agreement");
    expect(applyQa({ ...GOOD, score: 74 + AGREEMENT_TOLERANCE }, []).score).to.equal(74 + AGREEMENT_TOLERANCE);
  });

  for (const code of Object.keys(FLAG_CAPS) as FlagCode[]) {
    it(`caps the score at ${FLAG_CAPS[code]} for ${code}`, function () {
      const qa = applyQa(GOOD, [flagOf(code)]);
      expect(qa.score).to.equal(Math.min(GOOD.score, FLAG_CAPS[code]));
      expect(qa.subScores).to.deep.equal(GOOD.subScores);
    });
  }

  it("zeroes blocking flags and caps the rest below the minimum score for points", function () {
    for (const code of Object.keys(FLAG_CAPS) as FlagCode[]) {
      if (FLAG_SEVERITY[code] === "blocking") expect(FLAG_CAPS[code]).to.equal(0);
      else expect(FLAG_CAPS[code]).to.be.below(DEFAULT_MIN_SCORE);
    }
  });

  it("applies the lowest cap of several flags", function () {
    expect(applyQa(GOOD, [flagOf("shouting"), flagOf("near_duplicate"), flagOf("boilerplate")]).score).to.equal(FLAG_CAPS.near_duplicate);
  });

  it("scores 0 when the scorer was skipped", function () {
    const qa = applyQa(undefined, [flagOf("prompt_injection")]);
    expect(qa.score).to.equal(0);
    expect(qa.subScores).to.deep.equal({ substance: 0, originality: 0, clarity: 0, evidence: 0 });
  });
});

describe("pointsFor", function () {
  const score = fc.integer({ min: 0, max: 100 });
  const maxPoints = fc.integer({ min: 0, max: MAX_UINT32 });
  const minScore = fc.integer({ min: 1, max: 100 });

  it("matches the worked example of docs/SCORING.md", function () {
    expect(pointsFor(70, [], 1000)).to.equal(258);
    expect(pointsFor(39, [], 1000)).to.equal(0);
    expect(pointsFor(40, [], 1000)).to.equal(0);
    expect(pointsFor(41, [], 1000)).to.equal(1);
    expect(pointsFor(100, [], 1000)).to.equal(1000);
  });

  it("is an integer uint32 no larger than maxPoints", function () {
    fc.assert(
      fc.property(score, maxPoints, minScore, (s, max, min) => {
        const points = pointsFor(s, [], max, min);
        return Number.isInteger(points) && points >= 0 && points <= max && points <= MAX_UINT32;
      }),
    );
  });

  it("is 0 below the minimum score and maxPoints at 100", function () {
    fc.assert(
      fc.property(score, maxPoints, minScore, (s, max, min) => {
        if (s < min) return pointsFor(s, [], max, min) === 0;
        return pointsFor(100, [], max, min) === max;
      }),
    );
  });

  it("never decreases as the score grows", function () {
    fc.assert(
      fc.property(score, score, maxPoints, minScore, (a, b, max, min) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        return pointsFor(low, [], max, min) <= pointsFor(high, [], max, min);
      }),
    );
  });

  it("grows strictly above the minimum score when maxPoints is large enough", function () {
    for (let s = DEFAULT_MIN_SCORE + 1; s < 100; s++) expect(pointsFor(s + 1, [], 1_000_000)).to.be.greaterThan(pointsFor(s, [], 1_000_000));
  });

  it("is 0 with a blocking flag and unaffected by other flags", function () {
    fc.assert(
      fc.property(score, maxPoints, (s, max) => {
        const blocked = pointsFor(s, [flagOf("exact_duplicate")], max) === 0;
        const minor = pointsFor(s, [flagOf("shouting")], max) === pointsFor(s, [], max);
        return blocked && minor;
      }),
    );
  });

  it("refuses inputs outside its domain", function () {
    for (const [s, max, min] of [
      [101, 10, 40],
      [-1, 10, 40],
      [50.5, 10, 40],
      [50, MAX_UINT32 + 1, 40],
      [50, -1, 40],
      [50, 10, 0],
    ] as const) {
      expect(() => pointsFor(s, [], max, min), `${s}, ${max}, ${min}`).to.throw(InvalidEvaluationInputError);
    }
  });
});
