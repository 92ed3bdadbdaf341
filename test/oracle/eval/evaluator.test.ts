import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { InvalidEvaluationInputError } from "../../../oracle/src/eval/errors";
import { canonicalEvaluatorJson, evaluatorHash, type EvaluatorDescriptor } from "../../../oracle/src/eval/evaluator";
import { HEURISTIC_EVALUATOR, HEURISTIC_EVALUATOR_HASH } from "../../../oracle/src/eval/scorers/heuristic";
import * as protocol from "../../../oracle/src/protocol/evaluatorHash";

const DESCRIPTOR: EvaluatorDescriptor = {
  name: "llm",
  model: "Qwen/Qwen2.5-7B-Instruct",
  quantization: "awq-int4",
  promptVersion: "1",
  rubricVersion: "1",
};

describe("evaluatorHash", function () {
  it("is keccak256 of the sorted, whitespace-free JSON of the five fields", function () {
    const canonical = '{"model":"Qwen/Qwen2.5-7B-Instruct","name":"llm","promptVersion":"1","quantization":"awq-int4","rubricVersion":"1"}';
    expect(canonicalEvaluatorJson(DESCRIPTOR)).to.equal(canonical);
    expect(evaluatorHash(DESCRIPTOR)).to.equal(keccak256(toUtf8Bytes(canonical)));
    expect(evaluatorHash(DESCRIPTOR)).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("does not depend on the order of the fields", function () {
    const reordered: EvaluatorDescriptor = {
      rubricVersion: "1",
      quantization: "awq-int4",
      promptVersion: "1",
      name: "llm",
      model: "Qwen/Qwen2.5-7B-Instruct",
    };
    expect(evaluatorHash(reordered)).to.equal(evaluatorHash(DESCRIPTOR));
  });

  it("changes with every field", function () {
    const hashes = new Set((Object.keys(DESCRIPTOR) as (keyof EvaluatorDescriptor)[]).map((key) => evaluatorHash({ ...DESCRIPTOR, [key]: `${DESCRIPTOR[key]}x` })));
    hashes.add(evaluatorHash(DESCRIPTOR));
    expect(hashes.size).to.equal(6);
  });

  it("refuses extra or missing fields and empty or non-NFC values", function () {
    expect(() => evaluatorHash({ ...DESCRIPTOR, temperature: "0" } as EvaluatorDescriptor)).to.throw(InvalidEvaluationInputError);
    const { model: _model, ...missing } = DESCRIPTOR;
    expect(() => evaluatorHash(missing as EvaluatorDescriptor)).to.throw(InvalidEvaluationInputError);
    expect(() => evaluatorHash({ ...DESCRIPTOR, model: " " })).to.throw(InvalidEvaluationInputError);
    expect(() => evaluatorHash({ ...DESCRIPTOR, model: "cafe\u0301" })).to.throw(InvalidEvaluationInputError);
  });

  it("agrees with the protocol module that deployments use", function () {
    expect(evaluatorHash(DESCRIPTOR)).to.equal(protocol.evaluatorHash(DESCRIPTOR));
    expect(HEURISTIC_EVALUATOR_HASH).to.equal(protocol.HEURISTIC_EVALUATOR_HASH);
    expect(HEURISTIC_EVALUATOR_HASH).to.equal(evaluatorHash(HEURISTIC_EVALUATOR));
    expect(HEURISTIC_EVALUATOR.name).to.equal("heuristic");
  });

  it("names the heuristic evaluator of rubric version 2 by the hash the docs publish", function () {
    // Rubric 2 (issue 10) scores differently from rubric 1, so it is a different evaluator on-chain.
    expect(HEURISTIC_EVALUATOR.rubricVersion).to.equal("2");
    expect(HEURISTIC_EVALUATOR_HASH).to.equal("0x095d8647e7db098a435783462a4dc1ed1ebf8f5a2e268ee2dacfe44be248a3e9");
    expect(HEURISTIC_EVALUATOR_HASH).to.not.equal(evaluatorHash({ ...HEURISTIC_EVALUATOR, rubricVersion: "1" }));
  });
});
