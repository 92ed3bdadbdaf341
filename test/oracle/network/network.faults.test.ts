import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Rewards } from "../../../typechain-types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { eventually, submissionView, submitHash, upload } from "../node/nodeHarness";
import { type NetworkNode, createNetwork, distinctTexts, landedBatches, networkFixture, unexplainedReverts, useNetworkTestChain } from "./networkHarness";

async function threeOperatorsThresholdTwo() {
  return networkFixture(3, 2);
}

/** Uploads each text to one of `nodes` in turn and submits it; returns the ids. */
async function submitAll(rewards: Rewards, nodes: readonly NetworkNode[], authors: readonly HardhatEthersSigner[], texts: readonly string[]): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const [i, text] of texts.entries()) {
    const hash = await upload(nodes[i % nodes.length].url, text);
    ids.push(await submitHash(rewards, authors[i % authors.length], hash));
  }
  return ids;
}

async function allScored(rewards: Rewards, ids: readonly bigint[]): Promise<boolean> {
  return (await Promise.all(ids.map((id) => rewards.isScored(id)))).every(Boolean);
}

describe("operator network: faults", function () {
  const context = useNetworkTestChain();

  /** Each submission in exactly one landed batch, each batch with two distinct operator signatures, nothing reverted. */
  async function expectCleanHistory(rewards: Rewards, deployBlock: number, rewardsAddress: string, ids: readonly bigint[], signersAllowed: readonly string[]) {
    const batches = await landedBatches(rewards, deployBlock);
    const landed = batches.flatMap((b) => b.items.map((item) => item >> 40n)).sort((a, b) => (a < b ? -1 : 1));
    expect(landed).to.deep.equal([...ids].sort((a, b) => (a < b ? -1 : 1)));
    for (const batch of batches) {
      expect(new Set(batch.signers).size).to.equal(batch.signers.length);
      expect(batch.signers.length).to.be.at.least(2);
      for (const signer of batch.signers) expect(signersAllowed).to.include(signer);
    }
    expect(await unexplainedReverts(rewards, deployBlock)).to.deep.equal([]);
    return batches;
  }

  describe("when one node is down from the start", function () {
    it("the two others score everything, taking over the down node's turns as leader", async function () {
      const { rewards, record, keys, alice, bob } = await loadFixture(threeOperatorsThresholdTwo);
      const network = context.track(await createNetwork(keys, record, context.chain().proxy.url));
      const [first, second, down] = network.nodes;
      await first.start();
      await second.start();
      // Enough batches (of at most 16) for the down node's turn as leader (nonce 2) to come up.
      const ids = await submitAll(rewards, [first, second], [alice, bob], distinctTexts(60, 1));
      await eventually(() => allScored(rewards, ids), "every submission scored");
      const batches = await expectCleanHistory(rewards, record.deployBlock, record.rewards, ids, [first.address, second.address]);
      expect(batches.length).to.be.at.least(3);
      expect(batches.some((b) => b.signers.includes(down.address))).to.equal(false);
      expect(
        first
          .allLogs()
          .concat(second.allLogs())
          .some((line) => line.includes("takes over as leader")),
      ).to.equal(true);
    });
  });

  describe("when a node is killed mid-round", function () {
    it("the batches still land and nothing is lost or posted twice", async function () {
      const { rewards, record, keys, alice, bob, carol } = await loadFixture(threeOperatorsThresholdTwo);
      const network = context.track(await createNetwork(keys, record, context.chain().proxy.url));
      const nodes = network.nodes;
      for (const node of nodes) await node.start();
      const firstIds = await submitAll(rewards, nodes, [alice, bob, carol], distinctTexts(20, 2));
      await eventually(async () => (await rewards.nextBatchNonce()) >= 1n, "a first batch landed");
      // Content lives where it was uploaded until peers fetch it: kill once the survivors hold it.
      const hashes = await Promise.all(firstIds.map(async (id) => (await rewards.queryFilter(rewards.filters.Submitted(id)))[0].args.contentHash));
      await eventually(() => [nodes[0], nodes[2]].every((node) => hashes.every((hash) => node.test!.node.store.content.has(hash))), "content replicated");
      await nodes[1].kill();
      const laterIds = await submitAll(rewards, [nodes[0], nodes[2]], [alice, bob], distinctTexts(30, 3));
      const ids = [...firstIds, ...laterIds];
      await eventually(() => allScored(rewards, ids), "every submission scored");
      await expectCleanHistory(
        rewards,
        record.deployBlock,
        record.rewards,
        ids,
        keys.map((k) => k.address),
      );

      // The killed node comes back and catches up without posting anything again.
      await nodes[1].start();
      const moreIds = await submitAll(rewards, nodes, [carol], distinctTexts(6, 4));
      await eventually(() => allScored(rewards, moreIds), "the new submissions scored");
      await expectCleanHistory(
        rewards,
        record.deployBlock,
        record.rewards,
        [...ids, ...moreIds],
        keys.map((k) => k.address),
      );
      // It recorded the batches that landed while it was down, with rationales fetched from its peers.
      const missed = laterIds.at(-1)!;
      await eventually(async () => (await submissionView(nodes[1].url, missed)).batch?.state === "landed", "the restarted node recorded the missed batches");
      const view = await submissionView(nodes[1].url, missed);
      const posted = (await rewards.queryFilter(rewards.filters.BatchPosted(BigInt(view.batch!.nonce))))[0];
      expect(view.status).to.equal("scored");
      expect(verifyRationale(posted.args.rationaleRoot, { submissionId: missed, rationaleJson: view.rationaleJson! }, view.batch!.proof!)).to.equal(true);
    });
  });

  describe("when the leader is killed after proposing", function () {
    it("the next operator takes over the nonce and the batch lands once", async function () {
      const { rewards, record, keys, alice } = await loadFixture(threeOperatorsThresholdTwo);
      let leader: NetworkNode | undefined;
      let killed: Promise<void> | undefined;
      // The leader of nonce 0 dies as soon as a follower has answered its first proposal.
      const killingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).endsWith("/v1/peer/proposals") && killed === undefined) killed = leader!.kill();
        return response;
      };
      const network = context.track(await createNetwork(keys, record, context.chain().proxy.url));
      const nodes = network.nodes;
      leader = nodes[0];
      await nodes[0].start({ fetch: killingFetch });
      await nodes[1].start();
      await nodes[2].start();
      const ids = await submitAll(rewards, [nodes[1], nodes[2]], [alice], distinctTexts(10, 5));
      await eventually(() => killed !== undefined, "the leader proposed");
      await killed;
      await eventually(() => allScored(rewards, ids), "every submission scored");
      const batches = await expectCleanHistory(rewards, record.deployBlock, record.rewards, ids, [nodes[1].address, nodes[2].address]);
      expect(batches[0].nonce).to.equal(0n);

      // Restarted, the old leader abandons its stale batch instead of posting it.
      await nodes[0].start();
      await eventually(() => nodes[0].test!.node.store.batches.listByState("built").length === 0, "stale proposal abandoned");
      const more = await submitAll(rewards, nodes, [alice], distinctTexts(4, 6));
      await eventually(() => allScored(rewards, more), "later submissions scored");
      await expectCleanHistory(
        rewards,
        record.deployBlock,
        record.rewards,
        [...ids, ...more],
        keys.map((k) => k.address),
      );
    });
  });

  describe("when two leaders propose for the same nonce at once", function () {
    it("exactly one batch lands and the other's items are scored once, later", async function () {
      const { rewards, record, keys, alice, bob } = await loadFixture(threeOperatorsThresholdTwo);
      const network = context.track(await createNetwork(keys, record, context.chain().proxy.url));
      const nodes = network.nodes;
      // Node 0, the leader of nonce 0, is slow to reach its peers; node 1 gives up on it early and
      // proposes for the same nonce while node 0's proposal is still out.
      const slowFetch: typeof fetch = async (input, init) => {
        if (String(input).endsWith("/v1/peer/proposals")) await new Promise((resolve) => setTimeout(resolve, 900));
        return fetch(input, init);
      };
      nodes[1].config.network = { ...nodes[1].config.network, failoverTimeoutMs: 500 };
      await nodes[0].start({ fetch: slowFetch });
      await nodes[1].start();
      await nodes[2].start();
      const ids = await submitAll(rewards, nodes, [alice, bob], distinctTexts(12, 7));
      await eventually(() => allScored(rewards, ids), "every submission scored");
      await expectCleanHistory(
        rewards,
        record.deployBlock,
        record.rewards,
        ids,
        keys.map((k) => k.address),
      );
      const ledNonceZero = [nodes[0], nodes[1]].filter((node) => node.test!.node.store.network.proposalsFor(0n, "leader").length > 0);
      expect(ledNonceZero.length, "both nodes proposed for nonce 0").to.equal(2);
    });
  });
});
