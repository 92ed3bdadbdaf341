import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { evaluationText } from "../../../oracle/src/eval/contentText";
import { fingerprint } from "../../../oracle/src/eval/fingerprint";
import { preprocess } from "../../../oracle/src/eval/preprocess";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { eventually, submissionView, submitHash, upload } from "../node/nodeHarness";
import { type NetworkNode, createNetwork, distinctTexts, networkFixture, useNetworkTestChain } from "./networkHarness";

async function threeOperatorsThresholdTwo() {
  return networkFixture(3, 2);
}

async function oneOperator() {
  return networkFixture(1, 1);
}

/** Two texts that are the same content to the fraud checks (one content key) under two content hashes. */
function sameContentTwoHashes(): [string, string] {
  const [text] = distinctTexts(1, 7);
  const copy = `${text}\n`;
  const key = (t: string) => fingerprint(preprocess(evaluationText({ text: t }))).contentKey;
  expect(contentHash({ text })).to.not.equal(contentHash({ text: copy }));
  expect(key(text)).to.equal(key(copy));
  return [text, copy];
}

/** Content requests for the hashes in `delays` answered that many ms late (the peer is far, or busy). */
function slowContent(delays: ReadonlyMap<string, number>): typeof fetch {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const hash = /\/v1\/content\/(0x[0-9a-f]{64})/.exec(url)?.[1];
    const delay = hash === undefined ? 0 : (delays.get(hash) ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return fetch(input, init);
  };
}

function hasOwnEvaluation(node: NetworkNode, id: bigint): boolean {
  return node.test!.node.store.evaluations.forSubmission(id).some((e) => e.status === "ok");
}

function ownFlags(node: NetworkNode, id: bigint): string[] {
  return node
    .test!.node.store.evaluations.forSubmission(id)
    .filter((e) => e.status === "ok")
    .flatMap((e) => e.flags.map((f) => f.code));
}

describe("operator network: duplicates are attributed in on-chain order", function () {
  const context = useNetworkTestChain();

  it("flags the later id on every node, whichever content each node receives first", async function () {
    const { rewards, record, keys, alice, bob } = await loadFixture(threeOperatorsThresholdTwo);
    const [first, copy] = sameContentTwoHashes();
    const [firstHash, copyHash] = [contentHash({ text: first }), contentHash({ text: copy })];
    const network = context.track(await createNetwork(keys, record, context.chain().proxy.url));
    const nodes = network.nodes;
    // Node 0 holds the first text and fetches the copy; node 1 holds the copy and gets the first text
    // late; node 2 holds neither and gets the copy before the first text.
    await nodes[0].start({ fetch: slowContent(new Map([[copyHash, 300]])) });
    await nodes[1].start({ fetch: slowContent(new Map([[firstHash, 600]])) });
    await nodes[2].start({ fetch: slowContent(new Map([[firstHash, 900]])) });
    await upload(nodes[0].url, first);
    await upload(nodes[1].url, copy);

    const firstId = await submitHash(rewards, alice, firstHash);
    const copyId = await submitHash(rewards, bob, copyHash);
    await eventually(async () => (await rewards.isScored(firstId)) && (await rewards.isScored(copyId)), "both scored on-chain");

    const scored = new Map((await rewards.queryFilter(rewards.filters.Scored(), record.deployBlock)).map((e) => [e.args.id, e.args]));
    expect(Number(scored.get(firstId)!.points), "the first author's points").to.be.greaterThan(0);
    expect(Number(scored.get(copyId)!.points), "the copy's points").to.equal(0);

    // Each node's own judgement, not only the landed one (a node may record the landed batch before it
    // evaluates the items itself; the two that signed evaluated them).
    let judged = 0;
    for (const node of nodes) {
      if (!hasOwnEvaluation(node, firstId) || !hasOwnEvaluation(node, copyId)) continue;
      judged += 1;
      expect(ownFlags(node, firstId), `node ${node.index}: first`).to.not.include("exact_duplicate");
      expect(ownFlags(node, copyId), `node ${node.index}: copy`).to.include("exact_duplicate");
    }
    expect(judged, "nodes that judged both").to.be.at.least(2);
    await eventually(
      async () => (await Promise.all(nodes.map(async (node) => (await submissionView(node.url, copyId)).batch?.state === "landed"))).every(Boolean),
      "every node recorded the batches",
    );
    for (const node of nodes) {
      for (const id of [firstId, copyId]) {
        const view = await submissionView(node.url, id);
        expect([view.score, view.points], `node ${node.index}, ${id}`).to.deep.equal([Number(scored.get(id)!.score), Number(scored.get(id)!.points)]);
        expect(
          view.flags.some((f) => f.code === "exact_duplicate"),
          `node ${node.index}, ${id} flags`,
        ).to.equal(id === copyId);
      }
    }
  });

  it("judges content that came after a later copy was batched against the earlier ids only", async function () {
    const { rewards, record, keys, alice, bob } = await loadFixture(oneOperator);
    const [first, copy] = sameContentTwoHashes();
    const network = context.track(
      await createNetwork(keys, record, context.chain().proxy.url, { CASHKEY_ORACLE_EVALUATION_ORDER_WAIT_MS: "100", CASHKEY_ORACLE_CONTENT_GRACE_MS: "600000" }),
    );
    const [node] = network.nodes;
    await node.start();
    // The first author submits before uploading (or the upload is slow); the copy is uploaded at once.
    const firstId = await submitHash(rewards, alice, contentHash({ text: first }));
    await upload(node.url, copy);
    const copyId = await submitHash(rewards, bob, contentHash({ text: copy }));
    await eventually(() => rewards.isScored(copyId), "the copy scored on-chain");

    await upload(node.url, first);
    await eventually(() => rewards.isScored(firstId), "the first scored on-chain");
    const firstScored = (await rewards.queryFilter(rewards.filters.Scored(firstId), record.deployBlock))[0].args;
    expect(ownFlags(node, firstId)).to.not.include("exact_duplicate");
    expect(Number(firstScored.points)).to.be.greaterThan(0);
    const view = await submissionView(node.url, firstId);
    expect(view.points).to.equal(Number(firstScored.points));
    expect(verifyRationale(view.batch!.rationaleRoot, { submissionId: firstId, rationaleJson: view.rationaleJson! }, view.batch!.proof!)).to.equal(true);
  });

  it("evaluates a later copy again after the first content comes late, while no batch holds it", async function () {
    const { rewards, record, keys, alice, bob } = await loadFixture(oneOperator);
    const [first, copy] = sameContentTwoHashes();
    const network = context.track(
      await createNetwork(keys, record, context.chain().proxy.url, {
        CASHKEY_ORACLE_EVALUATION_ORDER_WAIT_MS: "100",
        CASHKEY_ORACLE_BATCH_MAX_AGE_MS: "3600000",
      }),
    );
    const [node] = network.nodes;
    await node.start();
    const store = node.test!.node.store;
    const firstId = await submitHash(rewards, alice, contentHash({ text: first }));
    await upload(node.url, copy);
    const copyId = await submitHash(rewards, bob, contentHash({ text: copy }));
    await eventually(() => store.submissions.get(copyId)?.status === "evaluated", "the copy evaluated");
    expect(ownFlags(node, copyId)).to.not.include("exact_duplicate");

    await upload(node.url, first);
    await eventually(() => store.submissions.get(firstId)?.status === "evaluated" && store.submissions.get(copyId)?.status === "evaluated", "both evaluated");
    expect(ownFlags(node, firstId)).to.not.include("exact_duplicate");
    expect(ownFlags(node, copyId)).to.include("exact_duplicate");
  });

  it("gives nothing to a sender who copies a bound content hash ahead of its author, and keeps the text private until the author's submission is on-chain", async function () {
    const { rewards, record, keys, alice, bob } = await loadFixture(threeOperatorsThresholdTwo);
    const network = context.track(await createNetwork(keys, record, context.chain().proxy.url));
    const nodes = network.nodes;
    for (const node of nodes) await node.start();
    const [text] = distinctTexts(1, 31);
    const bound = { text, author: alice.address, salt: `0x${"5a".repeat(32)}` };
    const response = await fetch(`${nodes[0].url}/v1/content`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(bound) });
    expect(response.status).to.equal(201);
    const { hash } = (await response.json()) as { hash: string };
    expect(hash).to.equal(contentHash(bound));
    expect(hash).to.not.equal(contentHash({ text }));
    // Someone who saw the hash (in the mempool) cannot read the text yet.
    expect((await fetch(`${nodes[0].url}/v1/content/${hash}`)).status).to.equal(404);

    const stolenId = await submitHash(rewards, bob, hash);
    const ownId = await submitHash(rewards, alice, hash);
    await eventually(async () => (await rewards.isScored(stolenId)) && (await rewards.isScored(ownId)), "both scored on-chain");
    const scored = new Map((await rewards.queryFilter(rewards.filters.Scored(), record.deployBlock)).map((e) => [e.args.id, e.args]));
    expect(Number(scored.get(stolenId)!.points), "the copied hash's points").to.equal(0);
    expect(Number(scored.get(ownId)!.points), "the author's points").to.be.greaterThan(0);
    for (const node of nodes) {
      expect(ownFlags(node, stolenId), `node ${node.index}: copied hash`).to.include("content_unavailable");
      expect(ownFlags(node, ownId), `node ${node.index}: author`).to.deep.equal(ownFlags(nodes[0], ownId));
      expect(ownFlags(node, ownId), `node ${node.index}: author`).to.not.include("exact_duplicate");
    }
    // The author's submission is on-chain: the text is public now.
    expect((await fetch(`${nodes[1].url}/v1/content/${hash}`)).status).to.equal(200);
  });
});
