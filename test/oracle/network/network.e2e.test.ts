import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { HEURISTIC_EVALUATOR_HASH } from "../../../oracle/src/protocol/evaluatorHash";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { adversarialText } from "../../../scripts/bench/scoring/adversarial";
import { perturb } from "../../../scripts/bench/scoring/copies";
import { decorateAll } from "../../../scripts/bench/scoring/decorations";
import { embed, payload } from "../../../scripts/bench/scoring/injection";
import { fillerPlain, listicle, wordSalad } from "../../../scripts/bench/scoring/lowEffort";
import { Random } from "../../../scripts/bench/scoring/random";
import fixtures from "../../fixtures/submissions.json";
import { submissionView, submitHash, upload } from "../node/nodeHarness";
import { waitUntil } from "../chain/rpcProxy";
import { createNetwork, distinctTexts, landedBatches, networkFixture, unexplainedReverts, useNetworkTestChain } from "./networkHarness";

const SUBMISSIONS = 100;

/**
 * Texts where a node-dependent result would show first: obfuscated copies of earlier items, encoded
 * and foreign-language injections, decorated filler, word salad, mixed scripts and worst-case shapes.
 */
function adversarialTexts(): string[] {
  const random = new Random(10);
  const useful = fixtures.items.filter((item) => item.label === "useful").map((item) => item.text);
  const context = (i: number) => ({ original: useful[i]!, secondOriginal: useful[i + 1]!, other: useful[i + 2]!, vocabulary: ["harbor", "violet", "engine"] });
  return [
    ...(["homoglyphs", "invisible", "substitute_15", "adjacent_swaps", "synonyms", "fillers", "spliced", "embedded"] as const).map((kind, i) =>
      perturb(kind, context(i), random),
    ),
    ...(["base64", "unicode_tags", "foreign_language", "fake_output", "html_comment", "homoglyphs"] as const).map((family, i) =>
      embed(useful[i]!, payload(family, random, "heldout"), random),
    ),
    decorateAll(fillerPlain(random, "heldout"), random, "heldout"),
    decorateAll(listicle(random, "heldout"), random, "heldout"),
    wordSalad(random, "heldout"),
    "Le canal du Midi relie Toulouse à la Méditerranée sur 240 km ; 長江は中国で最も長い川です。 Ünïcödé ǅ ﬁ ﬀ Ⅻ ⑫ ½ — NFKC matters.",
    adversarialText("digit_run", 12 * 1024),
    adversarialText("nested_brackets", 8 * 1024),
    adversarialText("mixed_script", 4 * 1024),
    adversarialText("number_unit_chain", 8 * 1024),
  ];
}

async function threeOperatorsThresholdTwo() {
  return networkFixture(3, 2);
}

describe("operator network: three honest nodes, threshold 2", function () {
  const context = useNetworkTestChain();

  it(`scores ${SUBMISSIONS} submissions on-chain, each batch signed by at least two operators`, async function () {
    // Three nodes, a chain and 100 evaluations on two cores: bounded, but with room for a busy machine
    // (the followers record the landed batches after the leader; under load that took over 90 s).
    this.timeout(360_000);
    const { rewards, record, keys, alice, bob, carol } = await loadFixture(threeOperatorsThresholdTwo);
    const network = context.track(await createNetwork(keys, record, context.chain().proxy.url));
    for (const node of network.nodes) await node.start();
    const nodes = network.nodes;
    const authors = [alice, bob, carol];

    const texts = [...fixtures.items.map((item) => item.text), ...adversarialTexts(), ...distinctTexts(SUBMISSIONS)].slice(0, SUBMISSIONS);
    const ids: bigint[] = [];
    for (const [i, text] of texts.entries()) {
      // Each upload reaches one node only; the others fetch the content from their peers.
      const hash = await upload(nodes[i % 3].url, text);
      ids.push(await submitHash(rewards, authors[i % 3], hash));
    }
    await waitUntil(async () => (await Promise.all(ids.map((id) => rewards.isScored(id)))).every(Boolean), "every submission scored on-chain", 180_000);

    const operators = new Set(keys.map((k) => k.address));
    const batches = await landedBatches(rewards, record.deployBlock);
    expect(batches.length).to.be.greaterThan(1);
    for (const batch of batches) {
      const signers = new Set(batch.signers);
      expect(signers.size, `batch ${batch.nonce} signers`).to.equal(batch.signers.length);
      expect(batch.signers.length, `batch ${batch.nonce} signatures`).to.be.at.least(2);
      for (const signer of batch.signers) expect(operators.has(signer), `${signer} is an operator`).to.equal(true);
    }
    // Every submission in exactly one landed batch; nonces 0..n-1 each once.
    const landedIds = batches.flatMap((b) => b.items.map((item) => item >> 40n)).sort((a, b) => (a < b ? -1 : 1));
    expect(landedIds).to.deep.equal(ids);
    expect(batches.map((b) => b.nonce)).to.deep.equal(batches.map((_, i) => BigInt(i)));
    expect(await unexplainedReverts(rewards, record.deployBlock)).to.deep.equal([]);

    // Every node — not only the batch's leader — serves each submission as scored, with the score
    // that landed and a rationale whose Merkle proof verifies against the batch's on-chain root.
    const roots = new Map((await rewards.queryFilter(rewards.filters.BatchPosted(), record.deployBlock)).map((e) => [e.args.nonce.toString(), e.args.rationaleRoot]));
    await waitUntil(
      async () => (await Promise.all(nodes.map(async (node) => (await submissionView(node.url, ids.at(-1)!)).batch?.state === "landed"))).every(Boolean),
      "every node recorded the last batch",
      180_000,
    );
    const scored = await rewards.queryFilter(rewards.filters.Scored(), record.deployBlock);
    for (const event of scored.filter((_, i) => i % 7 === 0)) {
      for (const node of nodes) {
        const view = await submissionView(node.url, event.args.id);
        expect(view.status, `node ${node.index}, submission ${event.args.id}`).to.equal("scored");
        expect([view.score, view.points]).to.deep.equal([Number(event.args.score), Number(event.args.points)]);
        const root = roots.get(view.batch!.nonce)!;
        expect(view.batch!.rationaleRoot).to.equal(root);
        expect(verifyRationale(root, { submissionId: event.args.id, rationaleJson: view.rationaleJson! }, view.batch!.proof!)).to.equal(true);
      }
    }
    // Determinism: every node computed the same evaluation of every submission on its own —
    // score, points, sub-scores, flags with their evidence, and the rationale byte for byte.
    for (const id of ids) {
      const [first, ...others] = nodes.map((node) => node.test!.node.store.evaluations.get(id, HEURISTIC_EVALUATOR_HASH));
      expect(first?.status, `submission ${id} evaluated by node 0`).to.equal("ok");
      const view = ({ score, points, subScores, flags, rationaleJson }: NonNullable<typeof first>) => ({ score, points, subScores, flags, rationaleJson });
      for (const [i, other] of others.entries()) expect(other && view(other), `submission ${id}, node ${i + 1} vs node 0`).to.deep.equal(view(first!));
    }
    const leaders = new Set(nodes.flatMap((node) => (node.test!.node.store.network.agreements().some((a) => a.role === "leader") ? [node.index] : [])));
    expect(leaders.size, "operators that led a batch").to.be.at.least(2);
    for (const node of nodes) {
      const agreements = node.test!.node.store.network.agreements();
      for (const agreement of agreements) expect(agreement.rate, `${agreement.peer} ${agreement.role}`).to.equal(1);
    }
  });
});
