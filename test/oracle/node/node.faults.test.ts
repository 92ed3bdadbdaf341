import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import hre from "hardhat";
import { expect } from "chai";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { ChainReader } from "../../../oracle/src/ports/chainReader";
import type { OracleConfig } from "../../../oracle/src/config";
import type { DeploymentRecord } from "../../../oracle/src/chain/contracts";
import type { BatchLedger, BatchLedgerEntry, PostOutcome, SentTransaction } from "../../../oracle/src/ports/batchLedger";
import { startApiNode } from "../../../oracle/src/apiServer";
import { LLM_PROMPT_VERSION, LLM_RUBRIC_VERSION } from "../../../oracle/src/eval/scorers/llm";
import { DEFAULT_ENSEMBLE, ensembleRubricVersion } from "../../../oracle/src/eval/scorers/ensemble";
import { scoreHeuristically } from "../../../oracle/src/eval/scorers/heuristic";
import { preprocess } from "../../../oracle/src/eval/preprocess";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { evaluatorHash } from "../../../oracle/src/protocol/evaluatorHash";
import { orderSignatures } from "../../../oracle/src/protocol/eip712";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { type Store, openStore } from "../../../oracle/src/store";
import { SqliteBatchLedger } from "../../../oracle/src/store/batchLedger";
import type { Rewards } from "../../../typechain-types";
import { impersonate } from "../../helpers/impersonate";
import { oracleFixture } from "../chain/oracleFixture";
import { FakeOpenAiServer, evaluationAnswer } from "../helpers/fakeOpenAiServer";
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

const USEFUL = [
  "The Rhine is 1,230 km long and flows through six countries. Its mean discharge at Lobith is about 2,200 m3/s (Rijkswaterstaat, 2020), and barges carry roughly 300 million tonnes of freight on it each year.",
  "Sourdough needs a starter fed at a 1:1:1 ratio of starter, flour and water by weight. At 24 °C it peaks after 4 to 6 hours; bake when it has doubled. A 75% hydration dough at 500 g flour needs 375 g water and 10 g salt.",
  "To replace a bicycle chain, count the links of the old one, break it with a chain tool at a pin that is not the master link, and thread the new chain over the smallest cog. An 11-speed chain is 5.5 mm wide; a worn chain stretches more than 0.5% and wears the cassette.",
  "Lisbon's tram 28 runs 7 km from Martim Moniz to Campo de Ourique through Alfama and Baixa. The Remodelado cars date from the 1930s; a single ticket bought on board cost 3.10 EUR in 2024, while a 24-hour Carris pass cost 6.80 EUR.",
];

/** Where a ledger stops the node: before the first read of a batch, after recording a transaction, or before recording an outcome. */
type FreezePoint = "first-get" | "after-record-sent" | "before-outcome";

/** The node's SQLite ledger, which stops answering at one point: the node is frozen there as a crash would leave it. */
class FreezingLedger implements BatchLedger {
  readonly reached: Promise<void>;
  private signal!: () => void;
  private frozen = false;

  constructor(
    private readonly inner: BatchLedger,
    private readonly at: FreezePoint,
    /** Resolves to let a frozen `first-get` go on (else it never does). */
    private readonly release: Promise<void> = new Promise(() => undefined),
  ) {
    this.reached = new Promise((resolve) => (this.signal = resolve));
  }

  async get(batchId: string): Promise<BatchLedgerEntry | undefined> {
    if (this.at === "first-get" && !this.frozen) {
      this.freeze();
      await this.release;
    }
    return this.inner.get(batchId);
  }

  async recordSent(batchId: string, batchNonce: bigint, tx: SentTransaction): Promise<void> {
    await this.inner.recordSent(batchId, batchNonce, tx);
    if (this.at === "after-record-sent" && !this.frozen) {
      this.freeze();
      await new Promise(() => undefined);
    }
  }

  async recordOutcome(batchId: string, batchNonce: bigint, outcome: PostOutcome): Promise<void> {
    if (this.at === "before-outcome" && !this.frozen) {
      this.freeze();
      await new Promise(() => undefined);
    }
    await this.inner.recordOutcome(batchId, batchNonce, outcome);
  }

  private freeze(): void {
    this.frozen = true;
    this.signal();
  }
}

describe("oracle node under faults", function () {
  let chain: TestChain;
  let running: TestNode[] = [];
  let cleanups: (() => void | Promise<void>)[] = [];

  before(async function () {
    chain = await startTestChain();
  });

  after(async function () {
    await chain.close();
  });

  afterEach(async function () {
    printLogsOnFailure(this.currentTest, running);
    chain.proxy.mode = "forward";
    for (const { node } of running) await node.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
    running = [];
    cleanups = [];
  });

  async function setup(env: Record<string, string> = {}) {
    const deployment = await loadFixture(oracleFixture);
    const { dir, cleanup } = testDir();
    cleanups.push(cleanup);
    const config = nodeConfig(dir, deployment.record, chain.proxy.url, env);
    const operatorTxsBefore = await sentTransactions(deployment.operator.address);
    return { ...deployment, dir, config, operatorTxsBefore };
  }

  async function startNode(config: OracleConfig, operator: Parameters<typeof createTestNode>[1], options: Parameters<typeof createTestNode>[2] = {}) {
    const testNode = createTestNode(config, operator, options);
    running.push(testNode);
    await testNode.node.start();
    return testNode;
  }

  /** A node frozen by `ledger` and then halted as a crash would leave it. */
  async function crashAt(config: OracleConfig, operator: Parameters<typeof createTestNode>[1], at: FreezePoint) {
    let ledger: FreezingLedger | undefined;
    const testNode = await startNode(config, operator, { ledger: (store) => (ledger = new FreezingLedger(new SqliteBatchLedger(store), at)) });
    return {
      testNode,
      crash: async () => {
        await ledger!.reached;
        await testNode.node.halt();
        running = running.filter((n) => n !== testNode);
      },
    };
  }

  async function allScored(rewards: Rewards, ids: readonly bigint[]): Promise<boolean> {
    return (await Promise.all(ids.map((id) => rewards.isScored(id)))).every(Boolean);
  }

  async function batchPostedCount(rewards: Rewards, fromBlock: number): Promise<number> {
    return (await rewards.queryFilter(rewards.filters.BatchPosted(), fromBlock)).length;
  }

  /** Reads the node's database as it was left (the node is stopped or halted). */
  function inspect<T>(config: OracleConfig, read: (store: Store) => T): T {
    const store = openStore(config.dbPath);
    try {
      return read(store);
    } finally {
      store.close();
    }
  }

  describe("when the node stops in the middle of a batch and restarts", function () {
    it("after recording the signed transaction but before broadcasting it: sends that same transaction, once", async function () {
      const { rewards, alice, operator, record, config, operatorTxsBefore } = await setup();
      const { testNode, crash } = await crashAt(config, operator, "after-record-sent");
      const ids: bigint[] = [];
      for (const text of USEFUL.slice(0, 3)) ids.push(await submitHash(rewards, alice, await upload(testNode.node.url, text)));

      await crash();
      expect(await rewards.nextBatchNonce()).to.equal(0n);
      const recorded = inspect(config, (store) => store.batches.listByState("posting"));
      expect(recorded).to.have.length(1);
      expect(recorded[0].txHash).to.match(/^0x[0-9a-f]{64}$/);

      const restarted = await startNode(config, operator);
      await eventually(() => allScored(rewards, ids), "every submission scored after the restart");
      await eventually(() => restarted.node.store.submissions.countByStatus().scored === ids.length, "the node saw its batches land");

      const posted = await postedOnce(rewards, record.deployBlock, ids);
      expect(posted[0].transactionHash).to.equal(recorded[0].txHash);
      expect(await sentTransactions(operator.address)).to.equal(operatorTxsBefore + posted.length);
    });

    it("after broadcasting but before recording the outcome: recognizes its landed batch and sends nothing more", async function () {
      const { rewards, alice, operator, record, config, operatorTxsBefore } = await setup();
      const { testNode, crash } = await crashAt(config, operator, "before-outcome");
      const ids = [await submitHash(rewards, alice, await upload(testNode.node.url, USEFUL[0]))];

      await crash();
      expect(await allScored(rewards, ids)).to.equal(true);
      expect(inspect(config, (store) => store.submissions.countByStatus().scored)).to.equal(0);

      const restarted = await startNode(config, operator);
      await eventually(() => restarted.node.store.submissions.countByStatus().scored === ids.length, "the node saw its batch land");

      const posted = await postedOnce(rewards, record.deployBlock, ids);
      expect(await sentTransactions(operator.address)).to.equal(operatorTxsBefore + posted.length);
      const view = await submissionView(restarted.node.url, ids[0]);
      expect(view.status).to.equal("scored");
      expect(view.batch?.state).to.equal("landed");
    });

    it("after storing the signed batch but before posting it: posts that batch, and loses no submission seen meanwhile", async function () {
      const { rewards, alice, bob, operator, record, config, operatorTxsBefore } = await setup();
      const { testNode, crash } = await crashAt(config, operator, "first-get");
      const first = await submitHash(rewards, alice, await upload(testNode.node.url, USEFUL[0]));
      const later = await upload(testNode.node.url, USEFUL[1]);

      await crash();
      const stored = inspect(config, (store) => store.batches.listByState("posting"));
      expect(stored.map((b) => b.items.map((i) => i.submissionId))).to.deep.equal([[first]]);
      const second = await submitHash(rewards, bob, later);

      await startNode(config, operator);
      await eventually(() => allScored(rewards, [first, second]), "both submissions scored");

      const posted = await postedOnce(rewards, record.deployBlock, [first, second]);
      expect(posted[0].args.rationaleRoot).to.equal(stored[0].rationaleRoot);
      expect(await sentTransactions(operator.address)).to.equal(operatorTxsBefore + posted.length);
    });
  });

  describe("when another relayer posts the node's batch first", function () {
    it("recognizes the batch as landed and does not post it again", async function () {
      const { rewards, alice, relayer, operator, record, config, operatorTxsBefore } = await setup();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let ledger: FreezingLedger | undefined;
      const { node } = await startNode(config, operator, {
        ledger: (store) => (ledger = new FreezingLedger(new SqliteBatchLedger(store), "first-get", released)),
      });
      const ids = [await submitHash(rewards, alice, await upload(node.url, USEFUL[0]))];
      await ledger!.reached;

      const [batch] = node.store.batches.listByState("posting");
      const header = { nonce: batch.nonce, evaluator: batch.evaluator, rationaleRoot: batch.rationaleRoot, deadline: batch.deadline };
      const items = batch.items.map((i) => i.item);
      const theirs = (await (await rewards.connect(relayer).postScores(header, items, orderSignatures(batch.signatures))).wait())!;
      release();

      await eventually(() => node.store.batches.get(batch.id)?.state === "landed", "the node recorded its batch as landed");
      expect(node.store.batches.get(batch.id)?.txHash).to.equal(theirs.hash);
      expect(await allScored(rewards, ids)).to.equal(true);
      expect(await batchPostedCount(rewards, record.deployBlock)).to.equal(1);
      expect(await sentTransactions(operator.address)).to.equal(operatorTxsBefore);
    });
  });

  describe("when the RPC endpoint is down for a while", function () {
    it("rides it out and scores what was submitted meanwhile once it is back", async function () {
      const { rewards, alice, operator, config } = await setup();
      const { node, logs } = await startNode(config, operator);
      const hashes = [await upload(node.url, USEFUL[0]), await upload(node.url, USEFUL[1])];

      chain.proxy.mode = "drop";
      const ids = [await submitHash(rewards, alice, hashes[0]), await submitHash(rewards, alice, hashes[1])];
      await eventually(() => logs.some((line) => line.includes("watcher poll failed")), "the watcher noticed the outage");
      const health = (await (await fetch(`${node.url}/v1/health`)).json()) as { status: string };
      expect(health.status).to.equal("degraded");
      expect(await rewards.isScored(ids[0])).to.equal(false);

      chain.proxy.mode = "forward";
      await eventually(() => allScored(rewards, ids), "scored after the outage");
      await eventually(() => node.store.submissions.countByStatus().scored === ids.length, "the node saw its batch land");
    });
  });

  describe("when the RPC answers eth_getLogs with nothing for a while", function () {
    it("reports itself degraded with the reason, skips no submission and scores them all once the RPC answers", async function () {
      const { rewards, alice, operator, config } = await setup();
      const { node } = await startNode(config, operator);
      const hashes = [await upload(node.url, USEFUL[0]), await upload(node.url, USEFUL[1]), await upload(node.url, USEFUL[2])];

      chain.proxy.mode = "emptyLogs";
      const ids: bigint[] = [];
      for (const hash of hashes) ids.push(await submitHash(rewards, alice, hash));
      await eventually(async () => {
        const health = (await (await fetch(`${node.url}/v1/health`)).json()) as { status: string; reasons: string[] };
        return health.status === "degraded" && health.reasons.some((r) => r.includes("miss submissions"));
      }, "health degraded with the reason");
      expect(node.store.submissions.countByStatus().pending + node.store.submissions.countByStatus().scored).to.equal(0);

      chain.proxy.mode = "forward";
      await eventually(() => allScored(rewards, ids), "scored once the RPC answers");
      await eventually(() => node.store.submissions.countByStatus().scored === ids.length, "the node saw its batch land");
      await eventually(async () => ((await (await fetch(`${node.url}/v1/health`)).json()) as { status: string }).status === "ok", "healthy again");
    });
  });

  describe("when the RPC accepts connections and never answers", function () {
    it("gives up each request after rpcTimeoutMs and recovers once the RPC answers", async function () {
      const { rewards, alice, operator, config } = await setup({ CASHKEY_ORACLE_RPC_TIMEOUT_MS: "500" });
      const { node, logs } = await startNode(config, operator);
      const hash = await upload(node.url, USEFUL[3]);
      chain.proxy.mode = "hang";
      const id = await submitHash(rewards, alice, hash);
      await eventually(() => logs.some((line) => line.includes("watcher poll failed") && line.includes("TIMEOUT")), "a request timed out");
      chain.proxy.mode = "forward";
      await eventually(() => rewards.isScored(id), "scored once the RPC answers");
    });
  });

  describe("when a reorg removes a submission event", function () {
    const BATCH_WINDOW_MS = 3_600_000;

    async function setupWithClock() {
      const context = await setup({ CASHKEY_ORACLE_BATCH_MAX_AGE_MS: String(BATCH_WINDOW_MS) });
      let clock = Date.now();
      return { ...context, now: () => clock, advance: (ms: number) => (clock += ms) };
    }

    it("marks it removed and scores the id's new submission with its own evaluation", async function () {
      const { rewards, alice, bob, operator, config, now, advance } = await setupWithClock();
      const { node } = await startNode(config, operator, { now });
      const snapshot = (await hre.network.provider.send("evm_snapshot")) as string;
      const orphan = await submitHash(rewards, alice, await upload(node.url, USEFUL[0]));
      await eventually(() => node.store.submissions.get(orphan)?.status === "evaluated", "the orphan evaluated");

      await hre.network.provider.send("evm_revert", [snapshot]);
      await mine(2);
      await eventually(() => node.store.submissions.get(orphan)?.status === "removed", "the orphan marked removed");
      const replacementHash = await upload(node.url, USEFUL[1]);
      const replacement = await submitHash(rewards, bob, replacementHash);
      expect(replacement).to.equal(orphan);
      await eventually(() => {
        const record = node.store.submissions.get(replacement);
        return record?.contentHash === replacementHash && record.status === "evaluated";
      }, "the new submission evaluated");

      advance(BATCH_WINDOW_MS);
      await eventually(() => rewards.isScored(replacement), "scored on-chain");
      await expectScoredAs(rewards, node.url, replacement, bob.address, replacementHash);
      expect(node.store.evaluations.forSubmission(replacement).map((e) => e.contentHash)).to.deep.equal([replacementHash]);
    });

    it("abandons a batch holding it before the batch is sent, and never sends it", async function () {
      const { rewards, alice, bob, operator, record, config, now, advance, operatorTxsBefore } = await setupWithClock();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let ledger: FreezingLedger | undefined;
      const { node } = await startNode(config, operator, {
        now,
        ledger: (store) => (ledger = new FreezingLedger(new SqliteBatchLedger(store), "first-get", released)),
      });
      const snapshot = (await hre.network.provider.send("evm_snapshot")) as string;
      const orphan = await submitHash(rewards, alice, await upload(node.url, USEFUL[0]));
      await eventually(() => node.store.submissions.get(orphan)?.status === "evaluated", "the orphan evaluated");
      advance(BATCH_WINDOW_MS);
      await ledger!.reached;
      const [doomed] = node.store.batches.listByState("posting");
      expect(doomed.items.map((i) => i.submissionId)).to.deep.equal([orphan]);

      await hre.network.provider.send("evm_revert", [snapshot]);
      const replacementHash = await upload(node.url, USEFUL[1]);
      const replacement = await submitHash(rewards, bob, replacementHash);
      await eventually(() => node.store.batches.get(doomed.id)?.state === "abandoned", "the batch abandoned");
      await eventually(() => node.store.submissions.get(replacement)?.status === "evaluated", "the new submission evaluated");
      release();
      advance(BATCH_WINDOW_MS);

      await eventually(() => rewards.isScored(replacement), "scored on-chain");
      await expectScoredAs(rewards, node.url, replacement, bob.address, replacementHash);
      expect(await batchPostedCount(rewards, record.deployBlock)).to.equal(1);
      expect(await sentTransactions(operator.address)).to.equal(operatorTxsBefore + 1);
    });
  });

  describe("when the LLM server fails", function () {
    it("records the failures, retries later, and scores with the model's answer once it recovers — never a guess", async function () {
      const fake = await FakeOpenAiServer.start();
      cleanups.push(() => fake.close());
      const model = "test/llm-7b";
      const { rewards, alice, timelock, operator, config } = await setup({
        CASHKEY_ORACLE_SCORER: "llm",
        CASHKEY_ORACLE_LLM_BASE_URL: fake.baseURL,
        CASHKEY_ORACLE_LLM_MODEL: model,
        CASHKEY_ORACLE_LLM_MAX_RETRIES: "0",
        CASHKEY_ORACLE_LLM_TIMEOUT_MS: "5000",
      });
      const evaluator = evaluatorHash({
        name: "llm",
        model,
        quantization: "none",
        promptVersion: LLM_PROMPT_VERSION,
        rubricVersion: ensembleRubricVersion(LLM_RUBRIC_VERSION),
      });
      await rewards.connect(await impersonate(await timelock.getAddress())).setEvaluator(evaluator, true);
      let healthy = false;
      fake.enqueue(...Array.from({ length: 3 }, () => ({ kind: "answer" as const, content: "I would rate this 90/100." })));
      fake.fallback = () => (healthy ? { kind: "answer", content: evaluationAnswer() } : { kind: "error", status: 503, message: "overloaded" });
      const { node } = await startNode(config, operator);

      const id = await submitHash(rewards, alice, await upload(node.url, USEFUL[0]));
      await eventually(() => (node.store.evaluations.forSubmission(id)[0]?.attempts ?? 0) >= 3, "three failed attempts recorded");
      expect(node.store.submissions.get(id)?.status).to.equal("pending");
      expect(node.store.evaluations.forSubmission(id)[0]).to.include({ status: "failed", score: null });
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).to.match(/^cashkey_oracle_llm_errors_total\{reason="invalid_output"\} 1$/m);
      expect(metrics).to.match(/^cashkey_oracle_llm_errors_total\{reason="unavailable"\} [1-9]\d*$/m);

      healthy = true;
      await eventually(() => rewards.isScored(id), "scored once the server recovered");
      const view = await submissionView(node.url, id);
      expect(view.evaluator).to.equal(evaluator);
      // The model's answer, bounded by the heuristic (the ensemble, docs/SCORING.md).
      const heuristic = scoreHeuristically({ doc: preprocess(USEFUL[0]), maxSimilarity: 0 });
      expect(view.score).to.equal(Math.min(JSON.parse(evaluationAnswer()).overall, heuristic.score + DEFAULT_ENSEMBLE.margin));
    });
  });

  describe("when the model and the heuristic disagree beyond the ensemble tolerance", function () {
    it("holds the submission for review instead of posting it, and posts the others", async function () {
      const fake = await FakeOpenAiServer.start();
      cleanups.push(() => fake.close());
      const model = "test/naive-judge";
      const { rewards, alice, timelock, operator, config } = await setup({
        CASHKEY_ORACLE_SCORER: "llm",
        CASHKEY_ORACLE_LLM_BASE_URL: fake.baseURL,
        CASHKEY_ORACLE_LLM_MODEL: model,
      });
      const evaluator = evaluatorHash({
        name: "llm",
        model,
        quantization: "none",
        promptVersion: LLM_PROMPT_VERSION,
        rubricVersion: ensembleRubricVersion(LLM_RUBRIC_VERSION),
      });
      await rewards.connect(await impersonate(await timelock.getAddress())).setEvaluator(evaluator, true);
      // A naive judge: full marks for anything with a heading, a fair score otherwise.
      const perfect = { substance: 100, originality: 100, clarity: 100, evidence: 100, overall: 100 };
      fake.fallback = (request) => ({
        kind: "answer",
        content: request.body.messages.some((m) => m.content.includes("# 5 Ways")) ? evaluationAnswer(perfect) : evaluationAnswer(),
      });
      const { node } = await startNode(config, operator);

      const listicle =
        "# 5 Ways Remote Work Can Boost Your Growth\n\n1. **Boost Engagement**: Remote work can boost engagement for teams who want to improve outcomes.\n2. **Drive Growth**: By focusing on remote work, organizations can drive growth and maximize results.";
      const held = await submitHash(rewards, alice, await upload(node.url, listicle));
      const posted = await submitHash(rewards, alice, await upload(node.url, USEFUL[0]));
      await eventually(() => rewards.isScored(posted), "the agreeing submission scored");
      expect(node.store.network.isHeld(held)).to.equal(true);
      expect(node.store.network.dispute(held)?.lastReason).to.equal("ensemble_disagreement");
      expect(await rewards.isScored(held)).to.equal(false);
    });
  });

  describe("when content never arrives", function () {
    it("waits for it through the grace period, then scores the submission 0 with content_unavailable", async function () {
      const graceMs = 600_000;
      const { rewards, alice, operator, config } = await setup({ CASHKEY_ORACLE_CONTENT_GRACE_MS: String(graceMs) });
      let clock = Date.now();
      const { node } = await startNode(config, operator, { now: () => clock });
      const missing = await submitHash(rewards, alice, contentHash({ text: "never uploaded" }));
      const late = await submitHash(rewards, alice, contentHash({ text: USEFUL[2] }));
      await eventually(() => node.store.submissions.get(late)?.status === "pending", "both seen");

      await upload(node.url, USEFUL[2]);
      // Evaluations keep the on-chain order: the earlier submission, still without content, holds
      // the later one back for evaluationOrderWaitMs (on the node's clock), no longer.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(node.store.submissions.get(late)?.status).to.equal("pending");
      clock += config.evaluationOrderWaitMs;
      await eventually(() => node.store.submissions.get(late)?.status === "evaluated", "the late upload evaluated");
      clock += 1_000;
      await eventually(() => rewards.isScored(late), "the late upload scored");
      expect(node.store.submissions.get(missing)?.status).to.equal("pending");

      clock += graceMs;
      await eventually(() => node.store.submissions.get(missing)?.status === "evaluated", "given up on after the grace period");
      clock += 1_000;
      await eventually(() => rewards.isScored(missing), "scored 0 on-chain");
      const view = await submissionView(node.url, missing);
      expect([view.score, view.points]).to.deep.equal([0, 0]);
      expect(view.flags.map((f) => f.code)).to.deep.equal(["content_unavailable"]);
      expect(verifyRationale(view.batch!.rationaleRoot, { submissionId: missing, rationaleJson: view.rationaleJson! }, view.batch!.proof!)).to.equal(true);
      const [event] = await rewards.queryFilter(rewards.filters.Scored(missing));
      expect([Number(event.args.score), Number(event.args.points)]).to.deep.equal([0, 0]);
      expect((await submissionView(node.url, late)).flags.map((f) => f.code)).to.not.include("content_unavailable");
    });
  });

  describe("when the content is on a peer node only", function () {
    it("fetches it from the peer, checks its hash, and evaluates it", async function () {
      const { rewards, alice, operator, dir, record, config: base } = await setup();
      const peer = await startPeer(path.join(dir, "peer"), record, USEFUL[3]);
      const liar = await startLyingPeer();
      cleanups.push(
        () => peer.close(),
        () => liar.close(),
      );
      const config = { ...base, peers: [liar.url, peer.url] };
      const { node } = await startNode(config, operator);

      const id = await submitHash(rewards, alice, peer.hash);
      await eventually(() => rewards.isScored(id), "scored with the peer's content");

      expect(node.store.content.get(peer.hash)?.source).to.equal("peer");
      expect(liar.requests).to.be.greaterThan(0);
      const view = await submissionView(node.url, id);
      expect(view.flags.map((f) => f.code)).to.not.include("content_unavailable");
      expect(view.score).to.be.greaterThan(0);
      const served = (await (await fetch(`${node.url}/v1/content/${peer.hash}`)).json()) as { content: { text: string } };
      expect(served.content.text).to.equal(USEFUL[3]);
    });
  });
});

/** Each submission scored exactly once, each batch nonce posted exactly once; returns the BatchPosted events. */
async function postedOnce(rewards: Rewards, fromBlock: number, ids: readonly bigint[]) {
  const scored = await rewards.queryFilter(rewards.filters.Scored(), fromBlock);
  expect(scored.map((e) => e.args.id).sort((a, b) => (a < b ? -1 : 1))).to.deep.equal([...ids].sort((a, b) => (a < b ? -1 : 1)));
  const posted = await rewards.queryFilter(rewards.filters.BatchPosted(), fromBlock);
  expect(posted.map((e) => e.args.nonce)).to.deep.equal(posted.map((_, i) => BigInt(i)));
  expect(await rewards.nextBatchNonce()).to.equal(BigInt(posted.length));
  return posted;
}

async function expectScoredAs(rewards: Rewards, nodeUrl: string, id: bigint, author: string, contentHash: string): Promise<void> {
  const [event] = await rewards.queryFilter(rewards.filters.Scored(id));
  expect(event.args.author).to.equal(author);
  const view = await submissionView(nodeUrl, id);
  expect(view.author).to.equal(author);
  expect(view.contentHash).to.equal(contentHash);
  expect([view.score, view.points]).to.deep.equal([Number(event.args.score), Number(event.args.points)]);
  const [posted] = await rewards.queryFilter(rewards.filters.BatchPosted(BigInt(view.batch!.nonce)));
  expect(verifyRationale(posted.args.rationaleRoot, { submissionId: id, rationaleJson: view.rationaleJson! }, view.batch!.proof!)).to.equal(true);
}

/** Another operator's API holding `text` (its chain is out of reach: only its content matters here). */
async function startPeer(dir: string, record: DeploymentRecord, text: string) {
  const offline: ChainReader = {
    blockNumber: async () => 0,
    submission: async () => undefined,
    isScored: async () => false,
  };
  fs.mkdirSync(dir, { recursive: true });
  const config = nodeConfig(dir, record, "http://127.0.0.1:1", { CASHKEY_ORACLE_LOG_LEVEL: "silent" });
  const api = await startApiNode({ config, chainReader: offline });
  const hash = api.store.content.put({ text }, "upload").hash;
  return { url: api.server.url, hash, close: () => api.close() };
}

/** A "peer" that answers every content request with other content. */
async function startLyingPeer() {
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ content: { text: "something else entirely" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
