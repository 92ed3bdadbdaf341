/**
 * The operators' agreement scorecard end to end: three operators on the in-process Hardhat chain (a 2-of-3
 * quorum) sign two score batches; challenges of their items are decided by verdicts that different pairs
 * co-sign (an upheld `duplicate` and an upheld `injection` co-signed by operators that had scored the item,
 * an upheld `spam`, a rejected one, one left open), then Ponder indexes them on PGlite (and PostgreSQL with
 * DATABASE_URL) and `/v1/operators/scorecard` is read back.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { Wallet, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployCashKey } from "../../scripts/deploy";
import { rewardsDomain, signScoreBatch } from "../../oracle/src/protocol/eip712";
import { HEURISTIC_EVALUATOR_HASH } from "../../oracle/src/protocol/evaluatorHash";
import { packScoreItem } from "../../oracle/src/protocol/scoreItem";
import { challengesDomain, signChallengeVerdict, verdictArgs } from "../../oracle/src/protocol/challengeVerdict";
import { submitHash } from "../oracle/node/nodeHarness";
import { tempDir } from "../oracle/store/fixtures";
import { Reason, verdictMessage } from "../helpers/challenges";
import { type IndexerDatabase, type RunningIndexer, startIndexer } from "./indexerHarness";

const TIMING = { votingDelay: 1, votingPeriod: 600, voteExtension: 60, timelockDelay: 120, epochLength: 3_600 };
const DAY = 86_400;

interface ChainServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

interface ScorecardRow {
  address: string;
  batchesSigned: number;
  itemsScored: number;
  challenged: number;
  upheld: number;
  upheldByReason: Record<string, number>;
  rejected: number;
  verdictsSigned: number;
  selfReversals: number;
}

const DATABASES: IndexerDatabase[] = process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

/** Signatures in ascending signer order, as the contracts require. */
function ordered(wallets: Wallet[]): Wallet[] {
  return [...wallets].sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
}

for (const database of DATABASES)
  describe(`indexer: operator scorecard on ${database === "postgres" ? "PostgreSQL" : "PGlite"}`, function () {
    this.timeout(240_000);

    let chain: ChainServer;
    let cleanup: () => void;
    let indexer: RunningIndexer;
    let deployment: Awaited<ReturnType<typeof deployCashKey>>;
    let snapshot: string;
    const [a, b, c] = ["0x" + "a1".repeat(32), "0x" + "b2".repeat(32), "0x" + "c3".repeat(32)].map((key) => new Wallet(key)) as [Wallet, Wallet, Wallet];
    const challengeIds: Record<string, bigint> = {};

    async function postBatch(ids: bigint[], signers: Wallet[]): Promise<void> {
      const { rewards } = deployment;
      const { chainId } = await hre.ethers.provider.getNetwork();
      const latest = await hre.ethers.provider.getBlock("latest");
      const header = { nonce: await rewards.nextBatchNonce(), evaluator: HEURISTIC_EVALUATOR_HASH, rationaleRoot: ZeroHash, deadline: BigInt(latest!.timestamp + 3_600) };
      const items = ids.map((submissionId) => packScoreItem({ submissionId, score: 70, points: 10 }));
      const domain = rewardsDomain(chainId, await rewards.getAddress());
      const signatures = await Promise.all(ordered(signers).map((signer) => signScoreBatch(signer, domain, header, items)));
      await (await rewards.postScores(header, items, signatures)).wait();
    }

    async function postVerdict(id: bigint, upheld: boolean, signers: Wallet[]): Promise<void> {
      const { challenges } = deployment;
      const message = await verdictMessage(challenges, id, upheld);
      const { chainId } = await hre.ethers.provider.getNetwork();
      const domain = challengesDomain(chainId, await challenges.getAddress());
      const signatures = await Promise.all(ordered(signers).map((signer) => signChallengeVerdict(signer, domain, message)));
      await (await challenges.postVerdict(verdictArgs(message), signatures)).wait();
    }

    before(async function () {
      snapshot = (await hre.network.provider.request({ method: "evm_snapshot", params: [] })) as string;
      let dir: string;
      ({ dir, cleanup } = tempDir("cashkey-indexer-scorecard-"));
      chain = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider })) as ChainServer;
      const { address, port } = await chain.listen();
      deployment = await deployCashKey(hre, { operators: [a.address, b.address, c.address], threshold: 2, deploymentsDir: dir, ...TIMING });
      const { chainId } = await hre.ethers.provider.getNetwork();
      const deploymentFile = path.join(dir, `${chainId}.json`);
      expect(fs.existsSync(deploymentFile)).to.equal(true);

      // Two authors: Rewards takes at most five submissions per author per epoch.
      const [, author, challenger, otherAuthor] = (await hre.ethers.getSigners()) as HardhatEthersSigner[] as [
        HardhatEthersSigner,
        HardhatEthersSigner,
        HardhatEthersSigner,
        HardhatEthersSigner,
      ];
      const { rewards, token, challenges } = deployment;
      const ids: bigint[] = [];
      for (let i = 0; i < 6; i += 1) ids.push(await submitHash(rewards, i < 3 ? author : otherAuthor, keccak256(toUtf8Bytes(`scorecard item ${i}`)), 1));
      await postBatch(ids.slice(0, 4), [a, b]);
      await postBatch(ids.slice(4), [b, c]);

      const bond = (await challenges.params()).bond;
      await (await token.transfer(challenger.address, bond * 10n)).wait();
      await (await token.connect(challenger).approve(await challenges.getAddress(), bond * 10n)).wait();
      const epoch = Number(await rewards.currentEpoch());
      const opened: [string, number, Reason, bigint][] = [
        ["duplicate", 1, Reason.Duplicate, ids[0]!],
        ["rejected", 2, Reason.Injection, 0n],
        ["spam", 3, Reason.Spam, 0n],
        ["injection", 4, Reason.Injection, 0n],
        ["open", 5, Reason.Other, 0n],
      ];
      for (const [name, item, reason, duplicateOf] of opened) {
        await (await challenges.connect(challenger).open(ids[item]!, epoch, 10, reason, duplicateOf, keccak256(toUtf8Bytes(name)))).wait();
        challengeIds[name] = await challenges.challengeCount();
      }
      await postVerdict(challengeIds.duplicate!, true, [b, c]);
      await postVerdict(challengeIds.rejected!, false, [a, c]);
      await postVerdict(challengeIds.spam!, true, [a, b]);
      await postVerdict(challengeIds.injection!, true, [b, c]);
      await hre.network.provider.request({ method: "evm_increaseTime", params: [3 * DAY + 1] });
      await hre.network.provider.request({ method: "evm_mine", params: [] });
      for (const name of ["duplicate", "rejected", "spam", "injection"]) await (await challenges.finalize(challengeIds[name]!)).wait();

      indexer = await startIndexer({ rpcUrl: `http://${address}:${port}`, deploymentFile, nodeUrls: [], dir, database });
      await indexer.waitForBlock(await hre.ethers.provider.getBlockNumber(), 120_000);
    });

    after(async function () {
      if (this.currentTest?.state === "failed") console.log(indexer?.logs.slice(-40).join("\n"));
      await indexer?.stop();
      await chain?.close();
      cleanup?.();
      await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
    });

    async function scorecard(wallet: Wallet): Promise<ScorecardRow> {
      const response = await indexer.get(`/v1/operators/scorecard?operator=${wallet.address}`);
      expect(response.status).to.equal(200);
      expect(response.body.items).to.have.length(1);
      return response.body.items[0] as ScorecardRow;
    }

    const reasons = (counts: Partial<Record<string, number>>) => ({ duplicate: 0, injection: 0, decoration: 0, spam: 0, "off-topic": 0, other: 0, ...counts });

    it("records the recovered verdict co-signers on each challenge", async function () {
      const signersOf = async (name: string) => (await indexer.get(`/v1/challenges/${challengeIds[name]}`)).body.challenge.verdictSigners as string[];
      const lower = (wallets: Wallet[]) => ordered(wallets).map((w) => w.address.toLowerCase());
      expect((await signersOf("duplicate")).map((s) => s.toLowerCase())).to.deep.equal(lower([b, c]));
      expect((await signersOf("rejected")).map((s) => s.toLowerCase())).to.deep.equal(lower([a, c]));
      expect(await signersOf("open")).to.equal(null);
    });

    it("tallies each operator's batches, challenged items, outcomes by reason, verdicts and self-reversals", async function () {
      expect(await scorecard(a)).to.deep.include({
        address: a.address.toLowerCase(),
        batchesSigned: 1,
        itemsScored: 4,
        challenged: 3,
        upheld: 2,
        upheldByReason: reasons({ duplicate: 1, spam: 1 }),
        rejected: 1,
        verdictsSigned: 2,
        selfReversals: 0,
      });
      // b scored items 1 and 4, then co-signed the upheld duplicate and injection verdicts against them.
      expect(await scorecard(b)).to.deep.include({
        batchesSigned: 2,
        itemsScored: 6,
        challenged: 5,
        upheld: 3,
        upheldByReason: reasons({ duplicate: 1, injection: 1, spam: 1 }),
        rejected: 1,
        verdictsSigned: 3,
        selfReversals: 2,
      });
      expect(await scorecard(c)).to.deep.include({
        batchesSigned: 1,
        itemsScored: 2,
        challenged: 2,
        upheld: 1,
        upheldByReason: reasons({ injection: 1 }),
        rejected: 0,
        verdictsSigned: 3,
        selfReversals: 1,
      });
    });

    it("lists every operator by address with a cursor", async function () {
      const all = ordered([a, b, c]).map((w) => w.address.toLowerCase());
      const first = (await indexer.get("/v1/operators/scorecard?limit=2")).body;
      expect(first.items.map((row: ScorecardRow) => row.address)).to.deep.equal(all.slice(0, 2));
      const rest = (await indexer.get(`/v1/operators/scorecard?limit=2&cursor=${first.next}`)).body;
      expect(rest.items.map((row: ScorecardRow) => row.address)).to.deep.equal(all.slice(2));
      expect(rest.next).to.equal(null);
      const stranger = (await indexer.get(`/v1/operators/scorecard?operator=${"0x" + "99".repeat(20)}`)).body;
      expect(stranger.items).to.deep.equal([]);
    });

    it("answers bad scorecard queries with 4xx JSON", async function () {
      for (const query of ["?operator=0x12", "?cursor=nope", "?limit=0", "?limit=101", "?sort=upheld"]) {
        const response = await indexer.get(`/v1/operators/scorecard${query}`);
        expect(response.status, query).to.equal(400);
        expect(response.body?.error?.code, query).to.be.a("string");
      }
    });
  });
