import hre from "hardhat";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MemoryWatcherStore } from "../../../oracle/src/chain/memoryStores";
import { isError } from "ethers";
import { createRpcProvider, isTransientRpcError } from "../../../oracle/src/chain/rpc";
import { IncompleteLogsError, ReorgTooDeepError, SubmissionWatcher, type WatcherOptions } from "../../../oracle/src/chain/watcher";
import type { WatchedSubmission } from "../../../oracle/src/ports/watcherStore";
import { Rewards__factory } from "../../../typechain-types";
import { useProxiedChain, waitUntil } from "./rpcProxy";
import { mineBlocks, oracleFixture, submit } from "./oracleFixture";

describe("SubmissionWatcher", function () {
  const http = useProxiedChain();

  async function setup(options: Partial<WatcherOptions> = {}) {
    const deployment = await loadFixture(oracleFixture);
    const store = new MemoryWatcherStore();
    const watcher = new SubmissionWatcher({
      provider: http.provider,
      rewardsAddress: deployment.record.rewards,
      store,
      startBlock: deployment.record.deployBlock,
      ...options,
    });
    return { ...deployment, store, watcher };
  }

  function added(store: MemoryWatcherStore): WatchedSubmission[] {
    return store.steps.flatMap((s) => s.added);
  }

  function removed(store: MemoryWatcherStore): WatchedSubmission[] {
    return store.steps.flatMap((s) => s.removed);
  }

  async function blockNumber(): Promise<number> {
    return hre.ethers.provider.getBlockNumber();
  }

  describe("following Submitted", function () {
    it("delivers each submission once, with its event data and location", async function () {
      const { rewards, alice, bob, store, watcher } = await setup({ maxBlockRange: 3 });
      const ids = [...(await submit(rewards, alice, 4, 7)), ...(await submit(rewards, bob, 3, 2))];

      await watcher.sync();
      await watcher.sync();
      await mineBlocks(5);
      await watcher.sync();

      const seen = added(store);
      expect(seen.map((s) => s.id)).to.deep.equal(ids);
      expect(removed(store)).to.deep.equal([]);
      for (const submission of seen) {
        const [log] = await rewards.queryFilter(rewards.filters.Submitted(submission.id), submission.blockNumber, submission.blockNumber);
        expect(submission.author).to.equal(log.args.author);
        expect(submission.contentHash).to.equal(log.args.contentHash);
        expect(submission.category).to.equal(Number(log.args.category));
        expect(submission.blockHash).to.equal(log.blockHash);
        expect(submission.txHash).to.equal(log.transactionHash);
        expect(submission.logIndex).to.equal(log.index);
      }
      expect(seen.filter((s) => s.author === alice.address).map((s) => s.category)).to.deep.equal([7, 7, 7, 7]);
      expect(watcher.status().cursorBlock).to.equal(await blockNumber());
    });

    it("reads in windows of at most maxBlockRange blocks", async function () {
      const { rewards, alice, record, store, watcher } = await setup({ maxBlockRange: 4 });
      await submit(rewards, alice, 2);
      await mineBlocks(9);

      await watcher.sync();

      const head = await blockNumber();
      const cursors = store.steps.map((s) => s.checkpoint.cursor.blockNumber);
      let previous = record.deployBlock - 1;
      for (const cursor of cursors) {
        expect(cursor - previous).to.be.within(1, 4);
        previous = cursor;
      }
      expect(previous).to.equal(head);
      expect(added(store)).to.have.length(2);
    });
  });

  describe("confirmations", function () {
    it("processes only blocks at or below head - confirmations + 1", async function () {
      const { rewards, alice, store, watcher } = await setup({ confirmations: 3 });
      const [id] = await submit(rewards, alice);
      const submittedAt = await blockNumber();

      await watcher.sync();
      expect(added(store)).to.deep.equal([]);
      expect(watcher.status().cursorBlock).to.equal(submittedAt - 2);

      await mineBlocks(1);
      await watcher.sync();
      expect(added(store)).to.deep.equal([]);

      await mineBlocks(1);
      await watcher.sync();
      expect(added(store).map((s) => s.id)).to.deep.equal([id]);
      expect(watcher.status()).to.include({ cursorBlock: submittedAt, headBlock: submittedAt + 2, lagBlocks: 2 });
    });
  });

  describe("restart", function () {
    it("resumes from the persisted cursor without repeating a submission", async function () {
      const { rewards, alice, record, store, watcher } = await setup();
      const first = await submit(rewards, alice, 3);
      await watcher.sync();
      const cursor = watcher.status().cursorBlock;

      const second = await submit(rewards, alice, 2);
      await mineBlocks(2);
      const restarted = new SubmissionWatcher({ provider: http.provider, rewardsAddress: record.rewards, store, startBlock: record.deployBlock });
      const stepsBefore = store.steps.length;
      await restarted.sync();

      const newSteps = store.steps.slice(stepsBefore);
      expect(newSteps.flatMap((s) => s.added).map((s) => s.id)).to.deep.equal(second);
      expect(newSteps[0].checkpoint.cursor.blockNumber).to.be.greaterThan(cursor!);
      expect(store.submissions().map((s) => s.id)).to.deep.equal([...first, ...second]);
      expect(added(store)).to.have.length(5);
    });
  });

  describe("reorgs", function () {
    it("reports a submission of an orphaned block as removed and reads the new chain", async function () {
      const { rewards, alice, bob, store, watcher } = await setup();
      const [kept] = await submit(rewards, alice);
      await watcher.sync();

      const snapshot = await hre.network.provider.request({ method: "evm_snapshot", params: [] });
      const [orphaned] = await submit(rewards, alice);
      await mineBlocks(2);
      await watcher.sync();
      const orphanedEvent = store.submissions().find((s) => s.id === orphaned)!;
      const heightBefore = await blockNumber();

      await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
      const [replacement] = await submit(rewards, bob);
      await mineBlocks(heightBefore - (await blockNumber()));
      expect(await blockNumber()).to.equal(heightBefore);
      await watcher.sync();

      expect(replacement).to.equal(orphaned);
      expect(removed(store)).to.deep.equal([orphanedEvent]);
      const current = store.submissions();
      expect(current.map((s) => [s.id, s.author])).to.deep.equal([
        [kept, alice.address],
        [replacement, bob.address],
      ]);
      expect(current[1].blockHash).to.not.equal(orphanedEvent.blockHash);
      expect(current[1].blockHash).to.equal((await hre.ethers.provider.getBlock(current[1].blockNumber))!.hash);
      const rewind = store.steps.find((s) => s.removed.length > 0)!;
      expect(rewind.checkpoint.cursor.blockNumber).to.be.lessThan(orphanedEvent.blockNumber);
    });

    it("reports the removal when the new chain has no submission at all", async function () {
      const { rewards, alice, store, watcher } = await setup();
      const snapshot = await hre.network.provider.request({ method: "evm_snapshot", params: [] });
      const [orphaned] = await submit(rewards, alice);
      await watcher.sync();
      const heightBefore = await blockNumber();

      await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
      await mineBlocks(heightBefore - (await blockNumber()) + 1);
      await watcher.sync();

      expect(removed(store).map((s) => s.id)).to.deep.equal([orphaned]);
      expect(store.submissions()).to.deep.equal([]);
      expect(watcher.status().cursorBlock).to.equal(await blockNumber());
    });

    it("stops with ReorgTooDeepError when the fork is older than every remembered block", async function () {
      const { rewards, alice, watcher } = await setup({ reorgWindow: 2, maxBlockRange: 1 });
      const snapshot = await hre.network.provider.request({ method: "evm_snapshot", params: [] });
      await submit(rewards, alice, 4);
      await watcher.sync();

      await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
      await mineBlocks(6);

      let error: unknown;
      await watcher.sync().catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(ReorgTooDeepError);
    });
  });

  describe("RPC outages", function () {
    it("backs off while the node is unreachable and resumes with nothing lost or repeated", async function () {
      const delays: number[] = [];
      const { rewards, alice, bob, store, watcher } = await setup({
        pollIntervalMs: 20,
        backoff: { initialMs: 10, maxMs: 80, random: () => 0 },
        onRetry: ({ delayMs }) => delays.push(delayMs),
      });
      const before = await submit(rewards, alice, 2);
      watcher.start();
      try {
        await waitUntil(() => store.submissions().length === 2, "the first submissions");

        await http.proxy.refuse();
        const during = [...(await submit(rewards, bob, 2)), ...(await submit(rewards, alice, 1))];
        await waitUntil(() => delays.length >= 3, "retries while connections are refused");

        http.proxy.mode = "drop";
        await http.proxy.accept();
        await waitUntil(() => delays.length >= 5, "retries while connections are reset");
        http.proxy.mode = "error";
        await waitUntil(() => delays.length >= 7, "retries while the node answers 503");
        expect(store.submissions().map((s) => s.id)).to.deep.equal(before);

        http.proxy.mode = "forward";
        await waitUntil(() => store.submissions().length === 5, "the submissions made during the outage");
        await waitUntil(() => watcher.status().consecutiveFailures === 0, "a successful poll");

        expect(added(store).map((s) => s.id)).to.deep.equal([...before, ...during]);
        expect(removed(store)).to.deep.equal([]);
        // The schedule doubles from 10 ms and stays capped at 80 ms.
        expect(delays.slice(0, 7)).to.deep.equal([10, 20, 40, 80, 80, 80, 80]);
      } finally {
        await watcher.stop();
      }
      expect(watcher.status().running).to.equal(false);
    });

    describe("when eth_getLogs answers with nothing", function () {
      function counted(record: { rewards: string }): Partial<WatcherOptions> {
        const rewards = Rewards__factory.connect(record.rewards, http.provider);
        return { submissionCount: (blockNumber) => rewards.submissionCount({ blockTag: blockNumber }) };
      }

      it("refuses to move the cursor past submissions the chain counts, and reads them once the RPC answers", async function () {
        const { record } = await loadFixture(oracleFixture);
        const { rewards, alice, bob, store, watcher } = await setup(counted(record));
        const first = await submit(rewards, alice, 2);
        await watcher.sync();
        const cursor = watcher.status().cursorBlock;

        http.proxy.mode = "emptyLogs";
        const later = [...(await submit(rewards, bob, 2)), ...(await submit(rewards, alice, 1))];
        const failure = await watcher.sync().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(failure).to.be.instanceOf(IncompleteLogsError);
        expect(watcher.status().cursorBlock).to.equal(cursor);

        http.proxy.mode = "forward";
        await watcher.sync();
        expect(added(store).map((s) => s.id)).to.deep.equal([...first, ...later]);
        expect(watcher.status().cursorBlock).to.equal(await blockNumber());
      });

      it("catches up by itself when polling", async function () {
        const { record } = await loadFixture(oracleFixture);
        const { rewards, alice, store, watcher } = await setup({ ...counted(record), pollIntervalMs: 20, backoff: { initialMs: 10, maxMs: 40 } });
        http.proxy.mode = "emptyLogs";
        const ids = await submit(rewards, alice, 3);
        watcher.start();
        try {
          await waitUntil(() => watcher.status().consecutiveFailures >= 3, "failed polls while the logs are empty");
          expect(store.submissions()).to.deep.equal([]);
          expect(watcher.status().lastError).to.contain("miss submissions");
          http.proxy.mode = "forward";
          await waitUntil(() => store.submissions().length === 3, "the submissions");
          expect(store.submissions().map((s) => s.id)).to.deep.equal(ids);
        } finally {
          await watcher.stop();
        }
      });
    });

    it("gives up a request to an RPC that never answers after the configured timeout", async function () {
      const provider = createRpcProvider(http.proxy.url, (await hre.ethers.provider.getNetwork()).chainId, { timeoutMs: 300 });
      http.proxy.mode = "hang";
      try {
        const error = await provider.getBlockNumber().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isError(error, "TIMEOUT"), String(error)).to.equal(true);
        expect(isTransientRpcError(error)).to.equal(true);
      } finally {
        provider.destroy();
      }
    });
  });
});
