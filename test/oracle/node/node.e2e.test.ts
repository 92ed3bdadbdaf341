import hre from "hardhat";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { DEFAULT_MIN_SCORE, pointsFor } from "../../../oracle/src/eval/points";
import type { FlagSeverity } from "../../../oracle/src/eval/fraud";
import { HEURISTIC_EVALUATOR_HASH } from "../../../oracle/src/protocol/evaluatorHash";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import fixtures from "../../fixtures/submissions.json";
import { oracleFixture } from "../chain/oracleFixture";
import {
  type TestChain,
  type TestNode,
  createTestNode,
  eventually,
  nodeConfig,
  printLogsOnFailure,
  sentTransactions,
  startTestChain,
  submissionView,
  submitHash,
  testDir,
  upload,
} from "./nodeHarness";

const SUBMISSIONS = 50;

describe("oracle node, end to end", function () {
  let chain: TestChain;
  let running: TestNode[] = [];
  let cleanups: (() => void)[] = [];

  before(async function () {
    chain = await startTestChain();
  });

  after(async function () {
    await chain.close();
  });

  afterEach(async function () {
    printLogsOnFailure(this.currentTest, running);
    for (const { node } of running) await node.stop();
    for (const cleanup of cleanups) cleanup();
    running = [];
    cleanups = [];
  });

  async function setup() {
    const deployment = await loadFixture(oracleFixture);
    const { dir, cleanup } = testDir();
    cleanups.push(cleanup);
    const config = nodeConfig(dir, deployment.record, chain.proxy.url);
    const testNode = createTestNode(config, deployment.operator);
    // The deployment staked for the operator from its own address.
    const operatorTxsBefore = await sentTransactions(deployment.operator.address);
    await testNode.node.start();
    running.push(testNode);
    return { ...deployment, ...testNode, operatorTxsBefore };
  }

  describe(`when ${SUBMISSIONS} submissions are uploaded and submitted on-chain`, function () {
    it("scores every one on-chain, with the published points and rationales that verify against their batch roots", async function () {
      const { node, rewards, alice, bob, operator, record, operatorTxsBefore } = await setup();
      const texts = fixtures.items.slice(0, SUBMISSIONS).map((item) => item.text);
      const ids: bigint[] = [];
      for (const [i, text] of texts.entries()) {
        const hash = await upload(node.url, text);
        ids.push(await submitHash(rewards, i % 2 === 0 ? alice : bob, hash));
      }

      await eventually(async () => (await Promise.all(ids.map((id) => rewards.isScored(id)))).every(Boolean), "every submission scored on-chain");

      const scored = await rewards.queryFilter(rewards.filters.Scored(), record.deployBlock);
      expect(scored.map((e) => e.args.id).sort((a, b) => (a < b ? -1 : 1))).to.deep.equal(ids);
      const roots = new Map((await rewards.queryFilter(rewards.filters.BatchPosted(), record.deployBlock)).map((e) => [e.args.nonce.toString(), e.args.rationaleRoot]));
      const maxPoints = Number(await rewards.maxPointsPerSubmission());
      for (const event of scored) {
        const view = await submissionView(node.url, event.args.id);
        expect(view.status).to.equal("scored");
        expect(view.evaluator).to.equal(HEURISTIC_EVALUATOR_HASH);
        expect([view.score, view.points]).to.deep.equal([Number(event.args.score), Number(event.args.points)]);
        const flags = view.flags.map((f) => ({ severity: f.severity as FlagSeverity }));
        expect(view.points).to.equal(pointsFor(view.score!, flags, maxPoints, DEFAULT_MIN_SCORE));
        const root = roots.get(view.batch!.nonce);
        expect(view.batch!.rationaleRoot).to.equal(root);
        expect(verifyRationale(root!, { submissionId: event.args.id, rationaleJson: view.rationaleJson! }, view.batch!.proof!)).to.equal(true);
      }
      const total = scored.reduce((sum, e) => sum + e.args.points, 0n);
      expect((await rewards.pointsOf(alice.address)) + (await rewards.pointsOf(bob.address))).to.equal(total);
      expect(await sentTransactions(operator.address)).to.equal(operatorTxsBefore + roots.size);
      expect(await rewards.nextBatchNonce()).to.equal(BigInt(roots.size));
    });

    it("reports what it did in its metrics and health", async function () {
      const { node, rewards, alice } = await setup();
      const ids: bigint[] = [];
      for (const text of fixtures.items.slice(0, 5).map((item) => item.text)) ids.push(await submitHash(rewards, alice, await upload(node.url, text)));
      await eventually(async () => (await Promise.all(ids.map((id) => rewards.isScored(id)))).every(Boolean), "scored on-chain");
      // The chain shows the scores as soon as the batch is mined; the node records "landed" when it
      // has processed the receipt, a moment later.
      await eventually(
        async () => (await Promise.all(ids.map((id) => submissionView(node.url, id)))).every((view) => view.status === "scored"),
        "the node saw its batches land",
      );

      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).to.match(/^cashkey_oracle_submissions_seen_total 5$/m);
      expect(metrics).to.match(/^cashkey_oracle_evaluations_total\{outcome="ok"\} 5$/m);
      expect(metrics).to.match(/^cashkey_oracle_batches_total\{state="landed"\} [1-5]$/m);
      expect(metrics).to.match(/^cashkey_oracle_batch_post_duration_seconds_count\{outcome="landed"\} [1-5]$/m);
      expect(metrics).to.match(/^cashkey_oracle_submissions\{status="scored"\} 5$/m);
      const health = (await (await fetch(`${node.url}/v1/health`)).json()) as { status: string; operator: string; chain: { headBlock: number } };
      expect(health.status).to.equal("ok");
      expect(health.operator).to.equal(node.operatorAddress);
      expect(health.chain.headBlock).to.equal(await hre.ethers.provider.getBlockNumber());
    });
  });
});
