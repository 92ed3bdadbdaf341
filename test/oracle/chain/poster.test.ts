import hre from "hardhat";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Transaction, type Wallet } from "ethers";
import { BatchSigner } from "../../../oracle/src/batch/signer";
import { MemoryBatchLedger } from "../../../oracle/src/chain/memoryStores";
import { BatchPoster, type PosterOptions } from "../../../oracle/src/chain/poster";
import type { PostOutcome } from "../../../oracle/src/ports/batchLedger";
import type { DeploymentRecord } from "../../../oracle/src/chain/contracts";
import type { Rewards } from "../../../typechain-types";
import { useProxiedChain, waitUntil } from "./rpcProxy";
import { chainNowMs, fundedWallet, oracleFixture, randomWallet, signedBatchOf, submit } from "./oracleFixture";

describe("BatchPoster", function () {
  const http = useProxiedChain();

  async function setup(options: Partial<PosterOptions> = {}) {
    const deployment = await loadFixture(oracleFixture);
    const wallet = await fundedWallet(http.provider);
    const ledger = new MemoryBatchLedger();
    const retries: { operation: string; delayMs: number }[] = [];
    const poster = makePoster(deployment.record, deployment.rewards, wallet, ledger, {
      onRetry: ({ operation, delayMs }) => retries.push({ operation, delayMs }),
      ...options,
    });
    return { ...deployment, wallet, ledger, poster, retries };
  }

  function makePoster(record: DeploymentRecord, rewards: Rewards, signer: Wallet, ledger: MemoryBatchLedger, options: Partial<PosterOptions> = {}) {
    return new BatchPoster({
      signer,
      rewards,
      ledger,
      fromBlock: record.deployBlock,
      receiptPollMs: 10,
      backoff: { initialMs: 5, maxMs: 20, random: () => 0 },
      ...options,
    });
  }

  function expectStatus<S extends PostOutcome["status"]>(outcome: PostOutcome, status: S): Extract<PostOutcome, { status: S }> {
    if (outcome.status !== status) {
      throw new Error(`expected ${status}, got ${outcome.status}${outcome.status === "failed" ? `: ${outcome.error.message}` : ""}`);
    }
    return outcome as Extract<PostOutcome, { status: S }>;
  }

  async function batchPostedCount(rewards: Rewards, nonce: bigint): Promise<number> {
    return (await rewards.queryFilter(rewards.filters.BatchPosted(nonce))).length;
  }

  describe("posting", function () {
    it("posts a batch and sees it land", async function () {
      const { rewards, alice, operator, wallet, poster, ledger } = await setup();
      const ids = await submit(rewards, alice, 3);
      const { built, batch } = await signedBatchOf(rewards, operator, ids);

      const landed = expectStatus(await poster.post(batch), "landed");

      const receipt = (await hre.ethers.provider.getTransactionReceipt(landed.txHash))!;
      expect(receipt.from).to.equal(wallet.address);
      expect(landed).to.deep.equal({ status: "landed", txHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, postedBySelf: true });
      const scored = await rewards.queryFilter(rewards.filters.Scored(), landed.blockNumber, landed.blockNumber);
      expect(scored.map((e) => [e.args.id, Number(e.args.score), Number(e.args.points)])).to.deep.equal(built.entries.map((e) => [e.submissionId, e.score, e.points]));
      expect(await rewards.nextBatchNonce()).to.equal(1n);
      expect((await ledger.get(built.digest))?.outcome).to.deep.equal(landed);
    });

    it("answers a repeated post of a landed batch without sending again", async function () {
      const { rewards, alice, operator, wallet, poster, record } = await setup();
      const { batch } = await signedBatchOf(rewards, operator, await submit(rewards, alice, 2));
      const first = await poster.post(batch);

      const again = await poster.post(batch);
      const fromAnotherPoster = await makePoster(record, rewards, wallet, new MemoryBatchLedger()).post(batch);

      expect(again).to.deep.equal(first);
      expect(expectStatus(fromAnotherPoster, "landed").txHash).to.equal(expectStatus(first, "landed").txHash);
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(1);
      expect(await batchPostedCount(rewards, batch.header.nonce)).to.equal(1);
    });
  });

  describe("when another relayer posted the batch", function () {
    it("reports it landed with that relayer's transaction and sends nothing", async function () {
      const { rewards, alice, relayer, operator, wallet, poster } = await setup();
      const { batch } = await signedBatchOf(rewards, operator, await submit(rewards, alice, 2));
      const theirs = (await (await rewards.connect(relayer).postScores(batch.header, [...batch.items], [...batch.signatures])).wait())!;

      const landed = expectStatus(await poster.post(batch), "landed");

      expect(landed).to.deep.equal({ status: "landed", txHash: theirs.hash, blockNumber: theirs.blockNumber, gasUsed: theirs.gasUsed, postedBySelf: false });
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(0);
      expect(await batchPostedCount(rewards, batch.header.nonce)).to.equal(1);
    });
  });

  describe("when a different batch consumed the nonce", function () {
    it("reports superseded with the transaction that took the nonce", async function () {
      const { rewards, alice, relayer, operator, wallet, poster } = await setup();
      const [first, second] = await submit(rewards, alice, 2);
      const ours = await signedBatchOf(rewards, operator, [first]);
      const theirs = await signedBatchOf(rewards, operator, [second]);
      expect(ours.batch.header.nonce).to.equal(theirs.batch.header.nonce);
      const receipt = (await (await rewards.connect(relayer).postScores(theirs.batch.header, [...theirs.batch.items], [...theirs.batch.signatures])).wait())!;

      const outcome = await poster.post(ours.batch);

      expect(outcome).to.deep.equal({ status: "superseded", txHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed });
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(0);
      expect(await rewards.isScored(first)).to.equal(false);
    });

    it("reports superseded when the same items landed under another rationale root", async function () {
      const { rewards, alice, relayer, operator, poster } = await setup();
      const ids = await submit(rewards, alice, 2);
      const ours = await signedBatchOf(rewards, operator, ids);
      const header = { ...ours.batch.header, rationaleRoot: hre.ethers.ZeroHash };
      const { signature } = await new BatchSigner(operator).sign({ domain: ours.built.domain, header, items: ours.batch.items });
      await (await rewards.connect(relayer).postScores(header, [...ours.batch.items], [signature])).wait();

      expect((await poster.post(ours.batch)).status).to.equal("superseded");
    });
  });

  describe("preflight", function () {
    it("fails an expired batch with the decoded RewardsBatchExpired and sends no transaction", async function () {
      const { rewards, alice, operator, wallet, poster } = await setup();
      const ids = await submit(rewards, alice, 1);
      const { batch } = await signedBatchOf(rewards, operator, ids, { nowMs: (await chainNowMs()) - 7_200_000, deadlineSeconds: 60 });

      const failed = expectStatus(await poster.post(batch), "failed");

      expect(failed.error.reason).to.equal("preflight");
      expect(failed.error.errorName).to.equal("RewardsBatchExpired");
      expect(failed.error.errorArgs.deadline).to.equal(batch.header.deadline);
      expect(failed.error.message).to.contain(`RewardsBatchExpired(deadline: ${batch.header.deadline}, timestamp: `);
      expect(failed.error.retriable).to.equal(false);
      expect(failed.txHash).to.equal(undefined);
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(0);
      expect(await rewards.nextBatchNonce()).to.equal(0n);
    });

    it("names the signer a batch signed by a non-operator comes from", async function () {
      const { rewards, alice, wallet, poster } = await setup();
      const stranger = randomWallet();
      const { batch } = await signedBatchOf(rewards, stranger, await submit(rewards, alice, 1));

      const failed = expectStatus(await poster.post(batch), "failed");

      expect(failed.error.errorName).to.equal("RewardsUnknownSigner");
      expect(failed.error.errorArgs.signer).to.equal(stranger.address);
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(0);
    });

    it("marks a batch ahead of the chain's nonce as retriable", async function () {
      const { rewards, alice, operator, poster } = await setup();
      const { batch } = await signedBatchOf(rewards, operator, await submit(rewards, alice, 1), { nonce: 1n });

      const failed = expectStatus(await poster.post(batch), "failed");

      expect(failed.error.errorName).to.equal("RewardsInvalidNonce");
      expect(failed.error.errorArgs).to.deep.equal({ expected: 0n, given: 1n });
      expect(failed.error.retriable).to.equal(true);
    });
  });

  describe("account nonces", function () {
    it("keeps nonces straight for concurrent posts from the same signer", async function () {
      const { rewards, alice, operator, wallet, poster } = await setup();
      const ids = await submit(rewards, alice, 6);
      const batches = [];
      for (let k = 0; k < 3; k++) batches.push((await signedBatchOf(rewards, operator, ids.slice(2 * k, 2 * k + 2), { nonce: BigInt(k) })).batch);
      const pendingCount = async () =>
        ((await hre.network.provider.request({ method: "eth_getBlockByNumber", params: ["pending", false] })) as { transactions: string[] }).transactions.length;

      await hre.network.provider.request({ method: "evm_setAutomine", params: [false] });
      let outcomes: PostOutcome[];
      try {
        const posts = batches.map((batch) => poster.post(batch));
        await waitUntil(async () => (await pendingCount()) === 3, "three pending transactions");
        await hre.network.provider.request({ method: "evm_mine", params: [] });
        outcomes = await Promise.all(posts);
      } finally {
        await hre.network.provider.request({ method: "evm_setAutomine", params: [true] });
      }

      const nonces = [];
      for (const outcome of outcomes) {
        const landed = expectStatus(outcome, "landed");
        expect(landed.postedBySelf).to.equal(true);
        nonces.push((await http.provider.getTransaction(landed.txHash))!.nonce);
      }
      expect(nonces).to.deep.equal([0, 1, 2]);
      expect(await rewards.nextBatchNonce()).to.equal(3n);
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(3);
    });

    it("refetches the nonce after another transaction of the account took it", async function () {
      const warnings: string[] = [];
      const ignore = () => undefined;
      const logger = { debug: ignore, info: ignore, error: ignore, warn: (_: object, message: string) => warnings.push(message) };
      const { rewards, alice, operator, wallet, poster } = await setup({ logger });
      const ids = await submit(rewards, alice, 2);
      expectStatus(await poster.post((await signedBatchOf(rewards, operator, [ids[0]])).batch), "landed");
      await (await wallet.sendTransaction({ to: wallet.address, value: 1n })).wait();

      const landed = expectStatus(await poster.post((await signedBatchOf(rewards, operator, [ids[1]])).batch), "landed");

      expect(warnings).to.deep.equal(["account nonce conflict; refetching"]);
      expect((await http.provider.getTransaction(landed.txHash))!.nonce).to.equal(2);
      expect(await rewards.nextBatchNonce()).to.equal(2n);
    });
  });

  describe("RPC failures", function () {
    it("retries transient errors with backoff and lands the batch once", async function () {
      const { rewards, alice, operator, poster, retries } = await setup();
      const { batch } = await signedBatchOf(rewards, operator, await submit(rewards, alice, 2));
      http.proxy.failNext = 4;

      expectStatus(await poster.post(batch), "landed");

      expect(retries.map((r) => r.delayMs)).to.deep.equal([5, 10, 20, 20]);
      expect(await batchPostedCount(rewards, batch.header.nonce)).to.equal(1);
    });

    it("does not send twice when the node took the transaction but its answer was lost", async function () {
      const { rewards, alice, operator, poster, wallet } = await setup();
      const { batch } = await signedBatchOf(rewards, operator, await submit(rewards, alice, 2));
      http.proxy.loseResponses = { method: "eth_sendRawTransaction", count: 1 };

      const landed = expectStatus(await poster.post(batch), "landed");

      expect(http.proxy.loseResponses.count).to.equal(0);
      expect(landed.postedBySelf).to.equal(true);
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(1);
      expect(await batchPostedCount(rewards, batch.header.nonce)).to.equal(1);
    });

    it("reports a retriable rpc failure when the node stays down, and lands on a later post", async function () {
      const { rewards, alice, operator, poster, wallet } = await setup({ rpcAttempts: 3 });
      const { batch } = await signedBatchOf(rewards, operator, await submit(rewards, alice, 1));
      http.proxy.mode = "error";

      const failed = expectStatus(await poster.post(batch), "failed");
      expect(failed.error.reason).to.equal("rpc");
      expect(failed.error.retriable).to.equal(true);

      http.proxy.mode = "forward";
      expectStatus(await poster.post(batch), "landed");
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(1);
    });
  });

  describe("after a crash", function () {
    async function recordedButNotBroadcast() {
      const context = await setup();
      const { rewards, alice, operator, wallet, ledger, poster, record } = context;
      const { batch } = await signedBatchOf(rewards, operator, await submit(rewards, alice, 2));
      const data = rewards.interface.encodeFunctionData("postScores", [batch.header, [...batch.items], [...batch.signatures]]);
      const raw = await wallet.signTransaction(await wallet.populateTransaction({ to: record.rewards, data, nonce: 0, gasLimit: 1_000_000n }));
      const tx = { hash: Transaction.from(raw).hash!, accountNonce: 0, raw };
      await ledger.recordSent(await poster.batchIdOf(batch), batch.header.nonce, tx);
      return { ...context, batch, tx };
    }

    it("broadcasts the recorded transaction instead of signing another", async function () {
      const { batch, tx, poster, wallet, rewards } = await recordedButNotBroadcast();

      const landed = expectStatus(await poster.post(batch), "landed");

      expect(landed.txHash).to.equal(tx.hash);
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(1);
      expect(await batchPostedCount(rewards, batch.header.nonce)).to.equal(1);
    });

    it("waits for the recorded transaction when it was already mined", async function () {
      const { batch, tx, poster, wallet } = await recordedButNotBroadcast();
      await (await http.provider.broadcastTransaction(tx.raw)).wait();

      const landed = expectStatus(await poster.post(batch), "landed");

      expect(landed.txHash).to.equal(tx.hash);
      expect(landed.postedBySelf).to.equal(true);
      expect(await http.provider.getTransactionCount(wallet.address)).to.equal(1);
    });
  });
});
