/**
 * The indexer's challenge tables and routes end to end: the in-process Hardhat chain on loopback, CashKey
 * deployed, scores posted by the operator key, and every Challenges event (opened, answered, verdict,
 * escalated, decided, resolved as upheld / rejected-then-upheld by governance / dismissed, and one left
 * open) driven through the contracts before Ponder indexes them on PGlite (and PostgreSQL with DATABASE_URL).
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
import { Reason, Status, verdictMessage } from "../helpers/challenges";
import { type IndexerDatabase, type RunningIndexer, startIndexer } from "./indexerHarness";

const TIMING = { votingDelay: 1, votingPeriod: 600, voteExtension: 60, timelockDelay: 120, epochLength: 3_600 };
const OPERATOR_KEY = "0x" + "1e".repeat(32);
const DAY = 86_400;
const POINTS = [40, 30, 20, 10];

interface ChainServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

const DATABASES: IndexerDatabase[] = process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

async function advance(seconds: number): Promise<void> {
  await hre.network.provider.request({ method: "evm_increaseTime", params: [seconds] });
  await hre.network.provider.request({ method: "evm_mine", params: [] });
}

for (const database of DATABASES)
  describe(`indexer: challenges on ${database === "postgres" ? "PostgreSQL" : "PGlite"}`, function () {
    this.timeout(240_000);

    let chain: ChainServer;
    let dir: string;
    let cleanup: () => void;
    let indexer: RunningIndexer;
    let deployment: Awaited<ReturnType<typeof deployCashKey>>;
    let author: HardhatEthersSigner;
    let challenger: HardhatEthersSigner;
    let snapshot: string;
    /** Submission ids, and the challenge on each: upheld, escalated and decided, dismissed, still open. */
    const ids: bigint[] = [];
    const challengeIds: bigint[] = [];
    const operator = new Wallet(OPERATOR_KEY);

    async function signVerdict(id: bigint, upheld: boolean) {
      const { challenges } = deployment;
      const message = await verdictMessage(challenges, id, upheld);
      const { chainId } = await hre.ethers.provider.getNetwork();
      const signature = await signChallengeVerdict(operator, challengesDomain(chainId, await challenges.getAddress()), message);
      await (await challenges.postVerdict(verdictArgs(message), [signature])).wait();
    }

    before(async function () {
      snapshot = (await hre.network.provider.request({ method: "evm_snapshot", params: [] })) as string;
      ({ dir, cleanup } = tempDir("cashkey-indexer-challenges-"));
      chain = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider })) as ChainServer;
      const { address, port } = await chain.listen();
      const rpcUrl = `http://${address}:${port}`;
      deployment = await deployCashKey(hre, { operators: [operator.address], threshold: 1, deploymentsDir: dir, ...TIMING });
      const { chainId } = await hre.ethers.provider.getNetwork();
      const deploymentFile = path.join(dir, `${chainId}.json`);
      expect(JSON.parse(fs.readFileSync(deploymentFile, "utf8")).challenges).to.equal(await deployment.challenges.getAddress());

      const signers = await hre.ethers.getSigners();
      [, author, challenger] = signers;
      const { rewards, token, challenges } = deployment;
      for (let i = 0; i < POINTS.length; i += 1) ids.push(await submitHash(rewards, author, keccak256(toUtf8Bytes(`challenged item ${i}`)), 1));
      const latest = await hre.ethers.provider.getBlock("latest");
      const header = { nonce: await rewards.nextBatchNonce(), evaluator: HEURISTIC_EVALUATOR_HASH, rationaleRoot: ZeroHash, deadline: BigInt(latest!.timestamp + 3_600) };
      const items = ids.map((submissionId, i) => packScoreItem({ submissionId, score: 70, points: POINTS[i]! }));
      await (await rewards.postScores(header, items, [await signScoreBatch(operator, rewardsDomain(chainId, await rewards.getAddress()), header, items)])).wait();

      const bond = (await challenges.params()).bond;
      await (await token.transfer(challenger.address, bond * 10n)).wait();
      await (await token.connect(challenger).approve(await challenges.getAddress(), bond * 10n)).wait();
      const epoch = Number(await rewards.currentEpoch());
      const reasons = [
        { reason: Reason.Spam, duplicateOf: 0n, text: "the same sentence five times" },
        { reason: Reason.Duplicate, duplicateOf: ids[0]!, text: "copies the first item" },
        { reason: Reason.Other, duplicateOf: 0n, text: "not information" },
        { reason: Reason.Injection, duplicateOf: 0n, text: "tells the scorer to give 100" },
      ];
      for (const [i, { reason, duplicateOf, text }] of reasons.entries()) {
        await (await challenges.connect(challenger).open(ids[i]!, epoch, POINTS[i]!, reason, duplicateOf, keccak256(toUtf8Bytes(text)))).wait();
        challengeIds.push(await challenges.challengeCount());
      }
      const [upheld, escalated, dismissed] = challengeIds as [bigint, bigint, bigint, bigint];
      await (await challenges.connect(author).answer(upheld, keccak256(toUtf8Bytes("it is not spam")))).wait();
      await signVerdict(upheld, true);
      await signVerdict(escalated, false);
      await (await challenges.connect(challenger).escalate(escalated)).wait();
      // The Governor's decision arrives through the Timelock: impersonated here (a proposal is tested in Challenges.test.ts).
      const timelock = await deployment.timelock.getAddress();
      await hre.network.provider.request({ method: "hardhat_impersonateAccount", params: [timelock] });
      await hre.network.provider.request({ method: "hardhat_setBalance", params: [timelock, "0xde0b6b3a7640000"] });
      await (await challenges.connect(await hre.ethers.getSigner(timelock)).decide(escalated, true)).wait();
      await hre.network.provider.request({ method: "hardhat_stopImpersonatingAccount", params: [timelock] });
      await advance(3 * DAY + 1);
      await (await challenges.finalize(upheld)).wait();
      await (await challenges.finalize(dismissed)).wait();

      indexer = await startIndexer({ rpcUrl, deploymentFile, nodeUrls: [], dir, database });
      await indexer.waitForBlock(await hre.ethers.provider.getBlockNumber(), 120_000);
    });

    after(async function () {
      if (this.currentTest?.state === "failed") console.log(indexer?.logs.slice(-40).join("\n"));
      await indexer?.stop();
      await chain?.close();
      cleanup?.();
      await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
    });

    it("records every challenge event with the contract's figures", async function () {
      const { challenges } = deployment;
      const [upheld, escalated, dismissed, open] = challengeIds as [bigint, bigint, bigint, bigint];
      const bond = (await challenges.params()).bond;
      const resolved = await challenges.queryFilter(challenges.filters.ChallengeResolved());
      const resolution = (id: bigint) => resolved.find((log) => log.args.id === id)!.args;

      const first = (await indexer.get(`/v1/challenges/${upheld}`)).body;
      expect(first.challenge).to.include({
        submissionId: String(ids[0]),
        challenger: challenger.address.toLowerCase(),
        author: author.address.toLowerCase(),
        points: String(POINTS[0]),
        reason: Reason.Spam,
        reasonName: "spam",
        reasonHash: keccak256(toUtf8Bytes("the same sentence five times")),
        bond: String(bond),
        status: "upheld",
        answerHash: keccak256(toUtf8Bytes("it is not spam")),
        verdictUpheld: true,
        verdictEvaluator: HEURISTIC_EVALUATOR_HASH,
        duplicateOf: null,
        toChallenger: String(resolution(upheld).toChallenger),
        reward: String(resolution(upheld).reward),
        pointsRemoved: String(POINTS[0]),
      });
      expect(BigInt(first.challenge.reward)).to.be.greaterThan(0n);
      expect(first.item.id).to.equal(String(ids[0]));
      expect((await challenges.challenge(upheld)).status).to.equal(BigInt(Status.Upheld));

      const second = (await indexer.get(`/v1/challenges/${escalated}`)).body.challenge;
      expect(second).to.include({
        reasonName: "duplicate",
        duplicateOf: String(ids[0]),
        verdictUpheld: false,
        escalatedBy: challenger.address.toLowerCase(),
        escalationBond: String(2n * bond),
        decidedUpheld: true,
        status: "upheld",
        toChallenger: String(resolution(escalated).toChallenger),
        toAuthor: String(resolution(escalated).toAuthor),
        toTreasury: String(resolution(escalated).toTreasury),
        pointsRemoved: String(POINTS[1]),
      });

      const third = (await indexer.get(`/v1/challenges/${dismissed}`)).body.challenge;
      expect(third).to.include({ status: "dismissed", toChallenger: String(bond), reward: "0", verdictUpheld: null });

      const fourth = (await indexer.get(`/v1/challenges/${open}`)).body.challenge;
      expect(fourth).to.include({ status: "open", reasonName: "injection", deadline: String((await challenges.challenge(open)).deadline), resolvedAt: null });
    });

    it("lists challenges newest first with status, challenger and author filters and a cursor", async function () {
      const ids = async (query: string) => ((await indexer.get(`/v1/challenges${query}`)).body.items as { id: string }[]).map((row) => row.id);
      const [upheld, escalated, dismissed, open] = challengeIds.map(String);
      expect(await ids("")).to.deep.equal([open, dismissed, escalated, upheld]);
      expect(await ids("?status=open")).to.deep.equal([open]);
      expect(await ids("?status=active")).to.deep.equal([open]);
      expect(await ids("?status=resolved")).to.deep.equal([dismissed, escalated, upheld]);
      expect(await ids("?status=upheld")).to.deep.equal([escalated, upheld]);
      expect(await ids("?status=dismissed")).to.deep.equal([dismissed]);
      expect(await ids("?status=escalated")).to.deep.equal([]);
      expect(await ids(`?challenger=${challenger.address}`)).to.have.length(4);
      expect(await ids(`?author=${challenger.address}`)).to.deep.equal([]);
      expect(await ids(`?author=${author.address}&status=resolved`)).to.deep.equal([dismissed, escalated, upheld]);
      const page = (await indexer.get("/v1/challenges?limit=3")).body;
      expect(page.items.map((row: { id: string }) => row.id)).to.deep.equal([open, dismissed, escalated]);
      const rest = (await indexer.get(`/v1/challenges?limit=3&cursor=${page.next}`)).body;
      expect(rest.items.map((row: { id: string }) => row.id)).to.deep.equal([upheld]);
      expect(rest.next).to.equal(null);
    });

    it("shows an item's challenges on the item and takes removed points off the leaderboard", async function () {
      const item = (await indexer.get(`/v1/items/${ids[0]}`)).body;
      expect(item.challenges.map((row: { id: string; status: string }) => [row.id, row.status])).to.deep.equal([[String(challengeIds[0]), "upheld"]]);
      const untouched = (await indexer.get(`/v1/items/${ids[3]}`)).body;
      expect(untouched.challenges.map((row: { status: string }) => row.status)).to.deep.equal(["open"]);
      const board = (await indexer.get("/v1/leaderboard?epoch=0")).body;
      const account = await deployment.rewards.accountOf(author.address);
      expect(board.items.map((row: { author: string; points: string }) => [row.author, row.points])).to.deep.equal([
        [author.address.toLowerCase(), String(account.lifetimePoints)],
      ]);
      expect(account.lifetimePoints).to.equal(BigInt(POINTS[2]! + POINTS[3]!));
    });

    it("answers bad challenge queries with 4xx JSON", async function () {
      for (const [query, status] of [
        ["/v1/challenges?status=won", 400],
        ["/v1/challenges?challenger=0x12", 400],
        ["/v1/challenges?cursor=nope", 400],
        ["/v1/challenges/abc", 400],
        ["/v1/challenges/999", 404],
      ] as const) {
        const response = await indexer.get(query);
        expect(response.status, query).to.equal(status);
        expect(response.body?.error?.code, query).to.be.a("string");
      }
    });
  });
