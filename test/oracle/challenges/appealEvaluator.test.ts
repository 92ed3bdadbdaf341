import { expect } from "chai";
import { HEURISTIC_APPEAL_EVALUATOR, HEURISTIC_APPEAL_EVALUATOR_HASH, evaluateAppeal } from "../../../oracle/src/challenges/appealEvaluator";
import { APPEAL_LEAF, ORIGINAL_LEAF, verdictRoot } from "../../../oracle/src/challenges/judge";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { HEURISTIC_EVALUATOR_HASH, evaluatorHash } from "../../../oracle/src/protocol/evaluatorHash";
import { buildRationaleTree, rationaleProof, verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { decorateAll } from "../../../scripts/bench/scoring/decorations";
import { fillerPlain } from "../../../scripts/bench/scoring/lowEffort";
import { Random } from "../../../scripts/bench/scoring/random";
import fixtures from "../../fixtures/submissions.json";

const AUTHOR = "0x70997970c51812dc3a010c7d01b50e0f4b2f0b5c";
const OTHER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const useful = fixtures.items.filter((i) => i.label === "useful").map((i) => i.text);

function item(submissionId: bigint, text: string, author = AUTHOR) {
  const content = { text };
  return { submissionId, author, contentHash: contentHash(content), content };
}

describe("heuristic appeal evaluator", function () {
  it("has its own evaluator hash, distinct from the scoring heuristic's, that names its verdict rule", function () {
    expect(HEURISTIC_APPEAL_EVALUATOR_HASH).to.equal(evaluatorHash(HEURISTIC_APPEAL_EVALUATOR));
    expect(HEURISTIC_APPEAL_EVALUATOR_HASH).to.not.equal(HEURISTIC_EVALUATOR_HASH);
    expect(HEURISTIC_APPEAL_EVALUATOR.rubricVersion).to.contain("verdict-1");
  });

  it("gives decorated filler no points and a useful text points, deterministically", async function () {
    const random = new Random(13);
    const filler = decorateAll(fillerPlain(random, "heldout"), random, "heldout");
    const a = await evaluateAppeal({ item: item(7n, filler), maxPoints: 1000 });
    const b = await evaluateAppeal({ item: item(7n, filler), maxPoints: 1000 });
    expect(a.points).to.equal(0);
    expect(a.rationaleJson).to.equal(b.rationaleJson);
    expect(a.rationale.evaluator).to.equal(HEURISTIC_APPEAL_EVALUATOR_HASH);
    const good = await evaluateAppeal({ item: item(8n, useful[0]!), maxPoints: 1000 });
    expect(good.points).to.be.greaterThan(0);
  });

  it("judges a Duplicate challenge against the earlier item it names, and only that one", async function () {
    const original = item(3n, useful[1]!, OTHER);
    const copy = item(9n, useful[1]!);
    const against = await evaluateAppeal({ item: copy, duplicateOf: original, maxPoints: 1000 });
    expect(against.flags.map((f) => f.code)).to.include("exact_duplicate");
    expect(against.points).to.equal(0);
    const alone = await evaluateAppeal({ item: copy, maxPoints: 1000 });
    expect(alone.flags.map((f) => f.code)).to.not.include("exact_duplicate");
    const unrelated = await evaluateAppeal({ item: copy, duplicateOf: item(2n, useful[2]!, OTHER), maxPoints: 1000 });
    expect(unrelated.flags.map((f) => f.code)).to.not.include("exact_duplicate");
  });

  it("commits both rationales in a verdict root that verifyRationale checks leaf by leaf", function () {
    const original = '{"score":80}';
    const appeal = '{"score":20}';
    const root = verdictRoot(original, appeal);
    const tree = buildRationaleTree([
      { submissionId: ORIGINAL_LEAF, rationaleJson: original },
      { submissionId: APPEAL_LEAF, rationaleJson: appeal },
    ]);
    expect(root).to.equal(tree.root);
    expect(verifyRationale(root, { submissionId: APPEAL_LEAF, rationaleJson: appeal }, rationaleProof(tree, APPEAL_LEAF))).to.equal(true);
    expect(verifyRationale(root, { submissionId: ORIGINAL_LEAF, rationaleJson: original }, rationaleProof(tree, ORIGINAL_LEAF))).to.equal(true);
    expect(verifyRationale(root, { submissionId: APPEAL_LEAF, rationaleJson: '{"score":21}' }, rationaleProof(tree, APPEAL_LEAF))).to.equal(false);
    expect(verdictRoot(original, '{"score":21}')).to.not.equal(root);
  });
});
