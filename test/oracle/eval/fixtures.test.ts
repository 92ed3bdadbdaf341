import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { createEvaluator, type Evaluation } from "../../../oracle/src/eval/evaluate";
import { createHeuristicScorer } from "../../../oracle/src/eval/scorers/heuristic";
import fixtures from "../../fixtures/submissions.json";

type Label = "useful" | "low_effort" | "spam" | "filler" | "exact_duplicate" | "near_duplicate" | "injection";

interface Fixture {
  id: string;
  label: Label;
  author: string;
  language: string;
  text: string;
  duplicateOf?: string;
}

const items = fixtures.items as Fixture[];

describe("labelled submissions (test/fixtures/submissions.json)", function () {
  const results = new Map<string, Evaluation>();

  before(async function () {
    const evaluator = createEvaluator({ scorer: createHeuristicScorer() });
    for (const item of items) {
      results.set(item.id, await evaluator.evaluate({ submissionId: item.id, author: item.author, text: item.text, contentHash: keccak256(toUtf8Bytes(item.text)) }));
    }
  });

  function scoresOf(label: Label): number[] {
    return items.filter((item) => item.label === label).map((item) => results.get(item.id)!.score);
  }

  function average(label: Label): number {
    const scores = scoresOf(label);
    return scores.reduce((sum, s) => sum + s, 0) / scores.length;
  }

  it("holds at least 60 items of every class, a few of them not in English", function () {
    expect(items.length).to.be.at.least(60);
    for (const label of fixtures.labels as Label[]) expect(scoresOf(label).length, label).to.be.at.least(5);
    expect(new Set(items.map((item) => item.language)).size).to.be.at.least(3);
  });

  it("ranks average scores useful > low_effort > filler > spam", function () {
    expect(average("useful")).to.be.greaterThan(average("low_effort"));
    expect(average("low_effort")).to.be.greaterThan(average("filler"));
    expect(average("filler")).to.be.greaterThan(average("spam"));
  });

  it("scores every useful item above every low-effort, filler and spam item", function () {
    const worstUseful = Math.min(...scoresOf("useful"));
    const bestOther = Math.max(...scoresOf("low_effort"), ...scoresOf("filler"), ...scoresOf("spam"));
    expect(worstUseful).to.be.greaterThan(bestOther);
  });

  it("awards points to useful items only", function () {
    for (const item of items) {
      const { points } = results.get(item.id)!;
      if (item.label === "useful") expect(points, item.id).to.be.greaterThan(0);
      else expect(points, `${item.label} ${item.id}`).to.equal(0);
    }
  });

  it("raises no flag on a useful item", function () {
    for (const item of items.filter((i) => i.label === "useful")) expect(results.get(item.id)!.flags, item.id).to.deep.equal([]);
  });

  it("flags every exact duplicate with its original", function () {
    for (const item of items.filter((i) => i.label === "exact_duplicate")) {
      const flag = results.get(item.id)!.flags.find((f) => f.code === "exact_duplicate");
      expect(flag?.evidence.originalId, item.id).to.equal(item.duplicateOf);
      expect(results.get(item.id)!.score).to.equal(0);
    }
  });

  it("flags every near duplicate with its original", function () {
    for (const item of items.filter((i) => i.label === "near_duplicate")) {
      const flag = results.get(item.id)!.flags.find((f) => f.code === "near_duplicate");
      expect(flag?.evidence.originalId, item.id).to.equal(item.duplicateOf);
    }
  });

  it("flags every injection attempt and scores it 0", function () {
    for (const item of items.filter((i) => i.label === "injection")) {
      const result = results.get(item.id)!;
      expect(
        result.flags.map((f) => f.code),
        item.id,
      ).to.include("prompt_injection");
      expect(result.score).to.equal(0);
    }
  });

  it("flags every spam item with a spam signal", function () {
    const spamSignals = ["link_density", "promotional", "repetition", "shouting"];
    for (const item of items.filter((i) => i.label === "spam")) {
      expect(
        results.get(item.id)!.flags.some((f) => spamSignals.includes(f.code)),
        item.id,
      ).to.equal(true);
    }
  });
});
