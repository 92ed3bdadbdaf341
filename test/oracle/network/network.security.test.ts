import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import hre from "hardhat";
import { buildBatch } from "../../../oracle/src/batch/builder";
import { createHeuristicScorer } from "../../../oracle/src/eval/scorers/heuristic";
import type { Scorer } from "../../../oracle/src/eval/scorers/types";
import { encodeProposal } from "../../../oracle/src/network/proposal";
import { signScoreBatch } from "../../../oracle/src/protocol/eip712";
import { HEURISTIC_EVALUATOR_HASH } from "../../../oracle/src/protocol/evaluatorHash";
import { randomWallet } from "../chain/oracleFixture";
import { eventually, submissionView, submitHash, upload } from "../node/nodeHarness";
import { createNetwork, distinctTexts, landedBatches, networkFixture, unexplainedReverts, useNetworkTestChain } from "./networkHarness";

async function threeOperatorsThresholdTwo() {
  return networkFixture(3, 2);
}

/** The heuristic scorer with every score pushed up by 40: the same evaluator hash, dishonest results. */
function inflatingScorer(): Scorer {
  const honest = createHeuristicScorer();
  const up = (value: number) => Math.min(100, value + 40);
  return {
    descriptor: honest.descriptor,
    async score(input) {
      const result = await honest.score(input);
      const subScores = Object.fromEntries(Object.entries(result.subScores).map(([key, value]) => [key, up(value)])) as unknown as typeof result.subScores;
      return { ...result, score: up(result.score), subScores };
    },
  };
}

async function post(url: string, body: string, contentType = "application/json"): Promise<{ status: number; json: { error?: { code: string } } }> {
  const response = await fetch(`${url}/v1/peer/proposals`, { method: "POST", headers: { "content-type": contentType }, body });
  return { status: response.status, json: (await response.json()) as { error?: { code: string } } };
}

describe("operator network: dishonest and hostile peers", function () {
  const context = useNetworkTestChain();

  describe("when one node of three inflates its scores", function () {
    it("its proposals are refused and only the honest scores land", async function () {
      const { rewards, record, keys, alice, bob } = await loadFixture(threeOperatorsThresholdTwo);
      const network = context.track(await createNetwork(keys, record, context.chain().proxy.url));
      const [honestA, honestB, dishonest] = network.nodes;
      await honestA.start();
      await honestB.start();
      await dishonest.start({ scorer: inflatingScorer() });
      const texts = distinctTexts(60, 8);
      const ids: bigint[] = [];
      for (const [i, text] of texts.entries()) ids.push(await submitHash(rewards, i % 2 ? alice : bob, await upload(network.nodes[i % 3].url, text)));
      await eventually(async () => (await Promise.all(ids.map((id) => rewards.isScored(id)))).every(Boolean), "every submission scored");

      // Every on-chain score is the honest evaluation; the dishonest node never led a landed batch.
      for (const event of await rewards.queryFilter(rewards.filters.Scored(), record.deployBlock)) {
        const honest = await submissionView(honestA.url, event.args.id);
        expect(Number(event.args.score), `score of ${event.args.id}`).to.equal(honest.score);
      }
      const batches = await landedBatches(rewards, record.deployBlock);
      expect(batches.length).to.be.at.least(3);
      for (const batch of batches) expect(batch.signers.filter((s) => s !== dishonest.address).length).to.be.at.least(2);
      expect(await unexplainedReverts(rewards, record.deployBlock)).to.deep.equal([]);
      // Its proposals were disputed on score, and the honest nodes' agreement with it shows it.
      const disputedByA = honestA.test!.node.store.network.agreements().find((a) => a.peer === dishonest.address.toLowerCase() && a.role === "follower");
      expect(disputedByA, "honest node A checked a proposal of the dishonest node").to.not.equal(undefined);
      expect(disputedByA!.rate).to.be.lessThan(0.5);
      const metrics = await (await fetch(`${honestA.url}/metrics`)).text();
      expect(metrics).to.match(/cashkey_oracle_disputes_raised_total\{reason="score"\} [1-9]/);
      const overview = (await (await fetch(`${honestA.url}/v1/network`)).json()) as {
        threshold: number;
        peers: { operator: string; agreement: { asFollower: { rate: number } | null } }[];
      };
      expect(overview.threshold).to.equal(2);
      const peer = overview.peers.find((p) => p.operator === dishonest.address);
      expect(peer!.agreement.asFollower!.rate).to.be.lessThan(0.5);
    });
  });

  describe("proposals a node must refuse", function () {
    async function runningNetwork() {
      const fixture = await loadFixture(threeOperatorsThresholdTwo);
      const network = context.track(await createNetwork(fixture.keys, fixture.record, context.chain().proxy.url));
      for (const node of network.nodes) await node.start();
      const hash = await upload(network.nodes[0].url, distinctTexts(1, 9)[0]);
      const id = await submitHash(fixture.rewards, fixture.alice, hash);
      await eventually(() => fixture.rewards.isScored(id), "a first batch landed");
      return { ...fixture, nodes: network.nodes, id, hash };
    }

    /** A batch for the chain's next nonce over submission `id`, signed by `signer`. */
    async function proposalBy(signer: ReturnType<typeof randomWallet>, rewardsAddress: string, id: bigint, hash: string, nonce: bigint, points = 0) {
      const { chainId } = await hre.ethers.provider.getNetwork();
      const rationaleJson = JSON.stringify({ evaluator: HEURISTIC_EVALUATOR_HASH, flags: [], score: 0, subScores: {}, summary: "x" });
      const latest = await hre.ethers.provider.getBlock("latest");
      const built = buildBatch([{ submissionId: id, score: 0, points, rationaleJson, queuedAtMs: 0 }], {
        chainId,
        rewardsAddress,
        nonce,
        evaluator: HEURISTIC_EVALUATOR_HASH,
        nowMs: latest!.timestamp * 1000,
        deadlineSeconds: 600,
      });
      const signature = await signScoreBatch(signer, built.domain, built.header, built.items);
      return encodeProposal({
        chainId,
        rewards: rewardsAddress,
        leader: signer.address,
        header: built.header,
        items: [{ submissionId: id, score: 0, points, contentHash: hash, rationaleJson }],
        digest: built.digest,
        signature,
      });
    }

    it("refuses a forged, replayed, tampered, malformed or oversized proposal, and keeps working", async function () {
      const { rewards, record, nodes, id, hash, keys, bob } = await runningNetwork();
      const target = nodes[2];
      const nonce = await rewards.nextBatchNonce();

      // Signed by a key that is not an operator.
      const forged = await proposalBy(randomWallet(), record.rewards, id, hash, nonce);
      let answer = await post(target.url, JSON.stringify(forged));
      expect([answer.status, answer.json.error?.code]).to.deep.equal([403, "proposal_not_operator"]);
      // Who signed is checked before any rationale is hashed: a stranger's proposal whose rationales
      // do not match its root is refused as the stranger's, not for its rationales.
      answer = await post(target.url, JSON.stringify({ ...forged, items: [{ ...forged.items[0], rationale: "{}" }] }));
      expect([answer.status, answer.json.error?.code]).to.deep.equal([403, "proposal_not_operator"]);

      // A real proposal for a nonce already used: replayed.
      const landed = (await landedBatches(rewards, record.deployBlock))[0];
      const stored = nodes.map((n) => n.test!.node.store.network.proposalsFor(landed.nonce, "leader")).flat()[0];
      expect(stored, "the leader kept its proposal").to.not.equal(undefined);
      answer = await post(target.url, JSON.stringify(stored.proposal));
      expect([answer.status, answer.json.error?.code]).to.deep.equal([409, "proposal_stale_nonce"]);

      // Signed by an operator, then altered: the digest no longer matches.
      const genuine = await proposalBy(keys[0], record.rewards, id, hash, nonce);
      answer = await post(target.url, JSON.stringify({ ...genuine, items: [{ ...genuine.items[0], points: 999 }] }));
      expect([answer.status, answer.json.error?.code]).to.deep.equal([400, "proposal_digest"]);
      // Altered and re-digested by someone else: the leader's signature no longer recovers.
      const other = await proposalBy(randomWallet(), record.rewards, id, hash, nonce, 7);
      answer = await post(target.url, JSON.stringify({ ...other, leader: keys[0].address }));
      expect([answer.status, answer.json.error?.code]).to.deep.equal([403, "proposal_leader_signature"]);

      // Malformed, wrong media type, oversized.
      answer = await post(target.url, "{not json");
      expect(answer.status).to.equal(400);
      answer = await post(target.url, JSON.stringify({ version: 1, items: "many" }));
      expect([answer.status, answer.json.error?.code]).to.deep.equal([400, "proposal_malformed"]);
      answer = await post(target.url, JSON.stringify(genuine), "text/plain");
      expect(answer.status).to.equal(415);
      answer = await post(target.url, JSON.stringify({ ...genuine, padding: "x".repeat(5 * 1024 * 1024) }));
      expect(answer.status).to.equal(413);

      // Nothing was recorded for the refused proposals, and the node still scores new work.
      expect(target.test!.node.store.network.proposalsFor(nonce, "follower")).to.deep.equal([]);
      const next = await submitHash(rewards, bob, await upload(target.url, distinctTexts(1, 10)[0]));
      await eventually(() => rewards.isScored(next), "a later submission scored");
      expect((await fetch(`${target.url}/v1/health`)).status).to.equal(200);
    });

    it("a follower answers a genuine proposal with points off the published formula with a dispute", async function () {
      const { rewards, record, nodes, keys, alice } = await runningNetwork();
      for (const node of nodes) await node.stop();
      // The nodes are stopped: a new submission stays unscored while we ask one of them by hand.
      await nodes[2].start();
      const hash = await upload(nodes[2].url, distinctTexts(1, 11)[0]);
      const id = await submitHash(rewards, alice, hash);
      await eventually(() => nodes[2].test!.node.store.submissions.get(id)?.status === "evaluated", "evaluated by the follower");
      const nonce = await rewards.nextBatchNonce();
      const proposal = await proposalBy(keys[0], record.rewards, id, hash, nonce, 123);
      const answer = (await (
        await fetch(`${nodes[2].url}/v1/peer/proposals`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(proposal) })
      ).json()) as {
        decision: string;
        disputes: { submissionId: string; reason: string }[];
      };
      expect(answer.decision).to.equal("disputed");
      expect(answer.disputes.map((d) => [d.submissionId, d.reason])).to.deep.equal([[id.toString(), "points"]]);
    });
  });
});
