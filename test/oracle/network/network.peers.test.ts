import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { eventually, submitHash, upload } from "../node/nodeHarness";
import { type NetworkNode, createNetwork, distinctTexts, networkFixture, useNetworkTestChain } from "./networkHarness";

async function threeOperatorsThresholdTwo() {
  return networkFixture(3, 2);
}

async function rateLimited(node: NetworkNode): Promise<number> {
  const metrics = await (await fetch(`${node.url}/metrics`)).text();
  return Number(/^cashkey_oracle_http_rate_limited_total (\d+)/m.exec(metrics)?.[1] ?? "NaN");
}

/** Every node serves every id as scored, with the landed score and a rationale proof that verifies. */
async function everyNodeProves(
  nodes: readonly NetworkNode[],
  ids: readonly bigint[],
  rewards: Awaited<ReturnType<typeof threeOperatorsThresholdTwo>>["rewards"],
  fromBlock: number,
) {
  const scored = new Map((await rewards.queryFilter(rewards.filters.Scored(), fromBlock)).map((e) => [e.args.id, e.args]));
  const roots = new Map((await rewards.queryFilter(rewards.filters.BatchPosted(), fromBlock)).map((e) => [e.args.nonce.toString(), e.args.rationaleRoot]));
  for (const node of nodes) {
    for (const id of ids) {
      const view = node.test!.node.store.submissions.get(id);
      expect(view?.status, `node ${node.index}, ${id}`).to.equal("scored");
      const batch = node.test!.node.store.batches.liveBatchOf(id);
      expect(batch?.state, `node ${node.index}, ${id}: batch`).to.equal("landed");
      const served = await (await fetch(`${node.url}/v1/submissions/${id}`)).json();
      const {
        score,
        points,
        rationaleJson,
        batch: servedBatch,
      } = served as { score: number; points: number; rationaleJson: string; batch: { nonce: string; proof: string[] } };
      expect([score, points], `node ${node.index}, ${id}: score`).to.deep.equal([Number(scored.get(id)!.score), Number(scored.get(id)!.points)]);
      expect(verifyRationale(roots.get(servedBatch.nonce)!, { submissionId: id, rationaleJson }, servedBatch.proof), `node ${node.index}, ${id}: proof`).to.equal(true);
    }
  }
}

describe("operator network: peers and the public rate limit", function () {
  const context = useNetworkTestChain();

  it("peers never throttle each other under a tight public limit, which still holds for everyone else", async function () {
    const { rewards, record, keys, alice, bob } = await loadFixture(threeOperatorsThresholdTwo);
    // All on loopback: peers and the test's own client share one address, as NATed clients can.
    const network = context.track(await createNetwork(keys, record, context.chain().proxy.url, { CASHKEY_ORACLE_RATE_LIMIT_MAX: "12" }));
    for (const node of network.nodes) await node.start();
    const ids: bigint[] = [];
    for (const [i, text] of distinctTexts(24, 21).entries()) {
      ids.push(await submitHash(rewards, i % 2 ? alice : bob, await upload(network.nodes[i % 3].url, text)));
    }
    await eventually(async () => (await Promise.all(ids.map((id) => rewards.isScored(id)))).every(Boolean), "every submission scored");
    await eventually(
      () => network.nodes.every((node) => ids.every((id) => node.test!.node.store.batches.liveBatchOf(id)?.state === "landed")),
      "every node recorded every landed batch",
    );
    // Each node fetched 16 contents from its peers and answered proposals: none of it was refused.
    for (const node of network.nodes) expect(await rateLimited(node), `node ${node.index}: requests refused`).to.equal(0);

    // The public limit holds: a burst of unsigned requests from one client is refused past the limit.
    const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${network.nodes[0].url}/v1/submissions/${ids[0]}`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 429).length).to.be.greaterThan(0);
    // …and a request that claims to be a peer without a valid signature gets nothing more.
    const forged = await fetch(`${network.nodes[1].url}/v1/content/0x${"ab".repeat(32)}`, {
      headers: {
        "x-cashkey-peer": keys[0].address,
        "x-cashkey-peer-at": "1",
        "x-cashkey-peer-nonce": "00",
        "x-cashkey-peer-body-sha256": "00",
        "x-cashkey-peer-signature": "0x00",
      },
    });
    expect(forged.status).to.be.oneOf([401, 429]);
  });

  it("a node that recorded landed batches without rationales backfills them from its peers", async function () {
    const { rewards, record, keys, alice } = await loadFixture(threeOperatorsThresholdTwo);
    const network = context.track(await createNetwork(keys, record, context.chain().proxy.url));
    const [first, second, late] = network.nodes;
    await first.start();
    await second.start();
    const ids: bigint[] = [];
    for (const [i, text] of distinctTexts(8, 22).entries()) ids.push(await submitHash(rewards, alice, await upload(network.nodes[i % 2].url, text)));
    await eventually(async () => (await Promise.all(ids.map((id) => rewards.isScored(id)))).every(Boolean), "every submission scored");

    // The late node starts while its peers will not give it the proposals (they are busy, or down).
    let proposalsReachable = false;
    const flaky: typeof fetch = async (input, init) => {
      if (!proposalsReachable && String(input instanceof Request ? input.url : input).includes("/v1/peer/proposals/")) throw new TypeError("fetch failed");
      return fetch(input, init);
    };
    await late.start({ fetch: flaky });
    await eventually(() => ids.every((id) => late.test!.node.store.submissions.get(id)?.status === "scored"), "the late node marked every item scored");
    const health = (await (await fetch(`${late.url}/v1/health`)).json()) as { status: string; reasons: string[] };
    expect(health.status).to.equal("degraded");
    expect(health.reasons.join(" ")).to.contain("lack their rationales");

    proposalsReachable = true;
    await eventually(() => ids.every((id) => late.test!.node.store.batches.liveBatchOf(id)?.state === "landed"), "the late node backfilled every batch");
    await everyNodeProves([late], ids, rewards, record.deployBlock);
    expect(((await (await fetch(`${late.url}/v1/health`)).json()) as { status: string }).status).to.equal("ok");
  });
});
