import { expect } from "chai";
import { evaluationText } from "../../../oracle/src/eval/contentText";
import { applyQa } from "../../../oracle/src/eval/qa";
import { pointsFor } from "../../../oracle/src/eval/points";
import { CONTENT_UNAVAILABLE_DETAIL, contentUnavailableEvaluation } from "../../../oracle/src/eval/unavailable";
import { HEURISTIC_EVALUATOR_HASH } from "../../../oracle/src/protocol/evaluatorHash";

describe("what the node evaluates", function () {
  describe("evaluationText", function () {
    it("is the text alone for a plain upload", function () {
      expect(evaluationText({ text: "The Rhine is 1,230 km long." })).to.equal("The Rhine is 1,230 km long.");
    });

    it("puts the title first and the source URL last, a blank line apart", function () {
      expect(evaluationText({ title: "Rhine", text: "It is 1,230 km long.", url: "https://example.org/rhine" })).to.equal(
        "Rhine\n\nIt is 1,230 km long.\n\nSource: https://example.org/rhine",
      );
    });
  });

  describe("contentUnavailableEvaluation", function () {
    const evaluation = contentUnavailableEvaluation({ submissionId: 42n, evaluatorHash: HEURISTIC_EVALUATOR_HASH, graceMs: 600_000 });

    it("scores 0 with no points and the blocking flag content_unavailable", function () {
      expect(evaluation).to.deep.include({ submissionId: "42", score: 0, points: 0, evaluator: HEURISTIC_EVALUATOR_HASH });
      expect(evaluation.flags).to.deep.equal([{ code: "content_unavailable", severity: "blocking", detail: CONTENT_UNAVAILABLE_DETAIL, evidence: { graceMs: 600_000 } }]);
      expect(pointsFor(evaluation.score, evaluation.flags, 1000)).to.equal(0);
      expect(applyQa({ score: 90, subScores: { substance: 90, originality: 90, clarity: 90, evidence: 90 }, rationale: "" }, evaluation.flags).score).to.equal(0);
    });

    it("commits a rationale with no node-specific figure, so every node that gives up commits the same one", function () {
      const other = contentUnavailableEvaluation({ submissionId: 42n, evaluatorHash: HEURISTIC_EVALUATOR_HASH, graceMs: 5 });
      expect(other.rationaleJson).to.equal(evaluation.rationaleJson);
      expect(JSON.parse(evaluation.rationaleJson)).to.deep.equal({
        evaluator: HEURISTIC_EVALUATOR_HASH,
        flags: [{ code: "content_unavailable", detail: CONTENT_UNAVAILABLE_DETAIL }],
        score: 0,
        subScores: { clarity: 0, evidence: 0, originality: 0, substance: 0 },
        summary: `Not scored: ${CONTENT_UNAVAILABLE_DETAIL}`,
      });
    });
  });
});
