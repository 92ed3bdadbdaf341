import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, toUtf8Bytes } from "ethers";
import { deployStandard } from "../helpers/cashkey";
import { type Content, contentHash } from "../../oracle/src/protocol/contentHash";
import type { ProposalItem, ProposalJson } from "../../oracle/src/network/proposal";
import { readResponse, readVerifyBatchSource } from "../../oracle/src/functions/source";
import { type SimulationLimits, simulateSource } from "../../oracle/src/functions/toolkit";
import { boundToAnotherAuthorEvaluation } from "../../oracle/src/pipeline/boundContent";
import { HEURISTIC_EVALUATOR_HASH } from "../../oracle/src/protocol/evaluatorHash";
import { ChainServer, ProposalServer, USEFUL_TEXTS, buildProposal, evaluateAll, submitContent } from "./harness";

const SOURCE = readVerifyBatchSource();
const MAX_POINTS = 1000;

/** Alice submitted three useful texts (ids 1..3); Bob then submitted a copy of the first (id 4). */
async function fixture() {
  const d = await deployStandard();
  const contents: Content[] = USEFUL_TEXTS.slice(0, 3).map((text) => ({ text }));
  const submissions = [];
  for (const content of contents) submissions.push({ ...(await submitContent(d.rewards, d.alice, content)), content, author: d.alice.address });
  const copy = { ...(await submitContent(d.rewards, d.bob, contents[0])), content: contents[0], author: d.bob.address };
  const items = await evaluateAll(submissions, MAX_POINTS);
  const served = Object.fromEntries(contents.map((c) => [contentHash(c), c]));
  return { ...d, submissions, copy, items, served, leader: d.operatorSigners[0] };
}

describe("verify-batch.js under simulateScript", function () {
  const operator = new ProposalServer();
  const chain = new ChainServer();
  before(async function () {
    await operator.start();
    await chain.start();
  });
  after(async function () {
    await operator.stop();
    await chain.stop();
  });

  /** Serves the proposal and runs the source for `digest` (default: the proposal's), counting requests. */
  async function verify(
    d: Awaited<ReturnType<typeof fixture>>,
    proposal: ProposalJson,
    contents: Record<string, Content>,
    options: { digest?: string; rpcUrl?: string; limits?: SimulationLimits } = {},
  ) {
    operator.serve(proposal, contents);
    const digest = options.digest ?? proposal.digest;
    const before = operator.requests + chain.requests;
    const args = [digest, operator.urlOf(proposal.digest), await d.rewards.getAddress(), options.rpcUrl ?? chain.url, "0"];
    const result = await simulateSource(SOURCE, args, options.limits);
    const requests = operator.requests + chain.requests - before;
    if (result.response) expect((result.response.length - 2) / 2).to.be.at.most(256);
    return { ...result, requests, outcome: result.response ? readResponse(result.response) : undefined };
  }

  async function expectReason(d: Awaited<ReturnType<typeof fixture>>, items: ProposalItem[], contents: Record<string, Content>, reason: string) {
    const { proposal } = await buildProposal(d.rewards, d.leader, items);
    const result = await verify(d, proposal, contents);
    expect(result.error, result.log).to.equal(undefined);
    expect(result.outcome).to.deep.equal({ reason });
  }

  describe("with an honest batch", function () {
    it("returns the batch digest, with two HTTP requests", async function () {
      const d = await loadFixture(fixture);
      const { proposal, digest } = await buildProposal(d.rewards, d.leader, d.items);
      const result = await verify(d, proposal, d.served);
      expect(result.error, result.log).to.equal(undefined);
      expect(result.outcome).to.deep.equal({ digest });
      expect(result.requests).to.equal(2);
    });

    it("stays within Functions' limits when they are tightened to what it needs", async function () {
      const d = await loadFixture(fixture);
      const { proposal, digest } = await buildProposal(d.rewards, d.leader, d.items);
      const limits = { numAllowedQueries: 2, maxOnChainResponseBytes: 32, maxExecutionTimeMs: 10_000, maxQueryRequestBytes: 2048 };
      const result = await verify(d, proposal, d.served, { limits });
      expect(result.outcome).to.deep.equal({ digest });
    });

    it("accepts an exact duplicate that the evaluation flagged and paid nothing", async function () {
      const d = await loadFixture(fixture);
      const items = await evaluateAll([...d.submissions, d.copy], MAX_POINTS);
      expect(JSON.parse(items[3].rationaleJson).flags.map((f: { code: string }) => f.code)).to.include("exact_duplicate");
      expect(items[3].points).to.equal(0);
      const { proposal, digest } = await buildProposal(d.rewards, d.leader, items);
      expect((await verify(d, proposal, d.served)).outcome).to.deep.equal({ digest });
    });

    it("is within the source size a request can carry", function () {
      expect(Buffer.byteLength(SOURCE, "utf8")).to.be.below(30_000);
    });
  });

  describe("when the served content does not hash to the item's content hash", function () {
    it("returns CONTENT", async function () {
      const d = await loadFixture(fixture);
      const tampered = { ...d.served, [d.items[1].contentHash]: { text: `${USEFUL_TEXTS[1]} (edited)` } };
      await expectReason(d, d.items, tampered, "CONTENT");
    });
  });

  describe("when an item's content hash is not the one its submission committed", function () {
    it("returns HASH", async function () {
      const d = await loadFixture(fixture);
      const other: Content = { text: USEFUL_TEXTS[3] };
      const items = d.items.map((i, n) => (n === 1 ? { ...i, contentHash: contentHash(other) } : i));
      await expectReason(d, items, { ...d.served, [contentHash(other)]: other }, "HASH");
    });
  });

  describe("when an item's submission does not exist", function () {
    it("returns UNKNOWN", async function () {
      const d = await loadFixture(fixture);
      const items = [...d.items, { ...d.items[2], submissionId: 99n }];
      await expectReason(d, items, d.served, "UNKNOWN");
    });
  });

  describe("when points do not follow the published formula", function () {
    it("returns POINTS", async function () {
      const d = await loadFixture(fixture);
      const items = d.items.map((i, n) => (n === 0 ? { ...i, points: i.points + 1 } : i));
      await expectReason(d, items, d.served, "POINTS");
    });
  });

  describe("when a score is out of range", function () {
    it("returns SCORE", async function () {
      const d = await loadFixture(fixture);
      const items = d.items.map((i, n) => (n === 2 ? { ...i, score: 101 } : i));
      await expectReason(d, items, d.served, "SCORE");
    });
  });

  describe("when an item is an exact duplicate of earlier content but not flagged", function () {
    it("returns DUPLICATE", async function () {
      const d = await loadFixture(fixture);
      // A leader that evaluates the copy as if nothing came before it: no flag, full points.
      const [copy] = await evaluateAll([d.copy], MAX_POINTS);
      expect(copy.points).to.be.above(0);
      await expectReason(d, [copy], d.served, "DUPLICATE");
    });
  });

  describe("with content bound to its author, whose hash another sender submitted first", function () {
    async function frontRun() {
      const d = await loadFixture(fixture);
      const bound: Content = { text: USEFUL_TEXTS[3], author: d.carol.address, salt: keccak256(toUtf8Bytes("carol's salt")) };
      // Bob copies the hash from the mempool and gets in first; Carol's own submission comes after.
      const stolen = await submitContent(d.rewards, d.bob, bound);
      const own = await submitContent(d.rewards, d.carol, bound);
      const thief: ProposalItem = {
        submissionId: stolen.id,
        score: 0,
        points: 0,
        contentHash: stolen.hash,
        rationaleJson: boundToAnotherAuthorEvaluation({ submissionId: stolen.id, evaluatorHash: HEURISTIC_EVALUATOR_HASH }).rationaleJson,
      };
      const [author] = await evaluateAll([{ ...own, content: bound, author: d.carol.address }], MAX_POINTS);
      return { d, bound, stolen, own, thief, author, served: { [stolen.hash]: bound } };
    }

    it("accepts the author's item as the first, paid, and the copied hash scored 0", async function () {
      const { d, thief, author, served } = await frontRun();
      expect(author.points).to.be.above(0);
      const { proposal, digest } = await buildProposal(d.rewards, d.leader, [thief, author]);
      const result = await verify(d, proposal, served);
      expect(result.error, result.log).to.equal(undefined);
      expect(result.outcome).to.deep.equal({ digest });
    });

    it("returns BOUND when the sender who copied the hash is paid", async function () {
      const { d, stolen, bound, author, served } = await frontRun();
      const [paid] = await evaluateAll([{ ...stolen, content: bound, author: d.bob.address }], MAX_POINTS);
      await expectReason(d, [paid, author], served, "BOUND");
    });
  });

  describe("when the rationale root is not the root of the served rationales", function () {
    it("returns RATIONALE", async function () {
      const d = await loadFixture(fixture);
      const { proposal } = await buildProposal(d.rewards, d.leader, d.items, { rationaleRoot: keccak256(toUtf8Bytes("another root")) });
      expect((await verify(d, proposal, d.served)).outcome).to.deep.equal({ reason: "RATIONALE" });
    });

    it("returns RATIONALE when a rationale states another score than its item", async function () {
      const d = await loadFixture(fixture);
      const items = d.items.map((i, n) => (n === 0 ? { ...i, rationaleJson: i.rationaleJson.replace(`"score":${i.score}`, `"score":${i.score - 1}`) } : i));
      await expectReason(d, items, d.served, "RATIONALE");
    });
  });

  describe("when the proposal served is not the batch requested", function () {
    it("returns DIGEST", async function () {
      const d = await loadFixture(fixture);
      const { proposal } = await buildProposal(d.rewards, d.leader, d.items);
      const result = await verify(d, proposal, d.served, { digest: keccak256(toUtf8Bytes("another batch")) });
      expect(result.outcome).to.deep.equal({ reason: "DIGEST" });
    });
  });

  describe("when the chain cannot be read", function () {
    it("fails with an error instead of a response", async function () {
      const d = await loadFixture(fixture);
      const { proposal } = await buildProposal(d.rewards, d.leader, d.items);
      const result = await verify(d, proposal, d.served, { rpcUrl: `${operator.url}/no-rpc-here` });
      expect(result.response).to.equal(undefined);
      expect(result.error).to.equal("RPC unavailable");
    });
  });
});
