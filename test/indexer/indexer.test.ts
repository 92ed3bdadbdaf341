/**
 * The indexer end to end: the in-process Hardhat chain on loopback, CashKey deployed, a real oracle node
 * (heuristic scorer) scoring and posting batches, governance and staking driven through the contracts,
 * and Ponder (`indexer/`) indexing it all on PGlite, or on PostgreSQL when DATABASE_URL is set.
 * A second, lying content server stands first in the indexer's node list: its text never matches the
 * on-chain hash, so the indexer must refuse it and take the honest node's.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { Wallet, ZeroHash, parseEther } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployCashKey } from "../../scripts/deploy";
import type { DeploymentRecord } from "../../oracle/src/protocol/deployment";
import { contentHash } from "../../oracle/src/protocol/contentHash";
import { rewardsDomain, signScoreBatch } from "../../oracle/src/protocol/eip712";
import { HEURISTIC_EVALUATOR_HASH } from "../../oracle/src/protocol/evaluatorHash";
import { packScoreItem } from "../../oracle/src/protocol/scoreItem";
import { type TestNode, createTestNode, nodeConfig, submitHash, upload, waitUntil } from "../oracle/node/nodeHarness";
import { tempDir } from "../oracle/store/fixtures";
import { VoteType, encodeCall, propose, proposalOf, selfDelegate, startVoting } from "../helpers/governance";
import { type IndexerDatabase, type RunningIndexer, startIndexer } from "./indexerHarness";

const TIMING = { votingDelay: 1, votingPeriod: 600, voteExtension: 60, timelockDelay: 120, epochLength: 3_600 };
const OPERATOR_KEY = "0x" + "1d".repeat(32);
/** Requests per client per minute the indexer under test allows (the last test exhausts it). */
const RATE_LIMIT_MAX = 300;

/** What the authors submit: distinct words, so a search has one right answer. */
const TEXTS = [
  {
    author: 1,
    category: 1,
    text: "Volcanic eruptions in Iceland release sulfur dioxide; the 1783 Laki eruption cooled the northern hemisphere for two years and caused famine across Europe. Benjamin Franklin, then in Paris, described a persistent dry fog that summer and suspected it had come from Iceland. Crop failures followed in 1784, and parish registers show deaths in England rising sharply that winter.",
  },
  {
    author: 1,
    category: 2,
    text: "Glaciers in the Alps lost about half of their volume between 1931 and 2016, according to a reconstruction from historical maps and aerial images. The losses sped up after 1980, and the hot summer of 2022 alone removed about six percent of the ice left in Switzerland. Meltwater now feeds the reservoirs that hydropower plants depend on in late summer.",
  },
  {
    author: 2,
    category: 1,
    text: "The Rhine is about 1,230 km long and flows through six countries; its delta with the Meuse forms much of the Netherlands. Volcanic soils are rare there. Barges carry about 300 million tonnes of goods on the river each year, and the port of Rotterdam at its mouth is the largest in Europe. Low water in the dry summer of 2018 forced ships to sail half empty for weeks.",
  },
  {
    author: 2,
    category: 3,
    text: "Honeybees communicate the direction and distance of flowers with a waggle dance; the angle to vertical encodes the direction relative to the sun. Karl von Frisch decoded the dance in the 1940s and shared the Nobel Prize for it in 1973. The duration of the waggle run grows with the distance to the food, roughly one second for every kilometre.",
  },
];

interface ChainServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set (`.ci/run` starts one). */
const DATABASES: IndexerDatabase[] = process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

for (const database of DATABASES)
  describe(`indexer on ${database === "postgres" ? "PostgreSQL" : "PGlite"}`, function () {
    this.timeout(240_000);

    let chain: ChainServer;
    let rpcUrl: string;
    let dir: string;
    let cleanup: () => void;
    let oracle: TestNode;
    let liar: http.Server;
    let liarUrl: string;
    let liarRequests = 0;
    let indexer: RunningIndexer;
    let deployment: Awaited<ReturnType<typeof deployCashKey>>;
    let signers: HardhatEthersSigner[];
    let ids: bigint[];
    let proposalId: bigint;

    before(async function () {
      ({ dir, cleanup } = tempDir("cashkey-indexer-"));
      chain = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider })) as ChainServer;
      const { address, port } = await chain.listen();
      rpcUrl = `http://${address}:${port}`;

      const operatorKey = new Wallet(OPERATOR_KEY);
      deployment = await deployCashKey(hre, { operators: [operatorKey.address], threshold: 1, deploymentsDir: dir, ...TIMING });
      const { chainId } = await hre.ethers.provider.getNetwork();
      const deploymentFile = path.join(dir, `${chainId}.json`);
      const record = JSON.parse(fs.readFileSync(deploymentFile, "utf8")) as DeploymentRecord;

      oracle = createTestNode(nodeConfig(dir, record, rpcUrl, { CASHKEY_ORACLE_CONFIRMATIONS: "0", CASHKEY_ORACLE_SCORER: "heuristic" }), operatorKey);
      await oracle.node.start();

      // Serves, for any hash, content whose hash is something else.
      liar = http.createServer((request, response) => {
        liarRequests += 1;
        const hash = request.url?.split("/").pop();
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hash, content: { text: "Buy cheap volcanic pills now" }, size: 27 }));
      });
      await new Promise<void>((resolve) => liar.listen(0, "127.0.0.1", resolve));
      liarUrl = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;

      signers = await hre.ethers.getSigners();
      const { rewards, token, governor } = deployment;
      ids = [];
      for (const { author, category, text } of TEXTS) {
        const hash = await upload(oracle.node.url, text);
        ids.push(await submitHash(rewards, signers[author], hash, category));
      }
      await waitUntil(async () => (await rewards.queryFilter(rewards.filters.Scored())).length === TEXTS.length, "every submission scored", 60_000);

      // Staking, delegation, a proposal with votes and reasons.
      const [deployer] = signers;
      await (await token.transfer(signers[3].address, parseEther("1000"))).wait();
      await (await token.connect(signers[3]).stake(parseEther("400"))).wait();
      await (await token.connect(signers[3]).requestUnstake(parseEther("100"))).wait();
      await selfDelegate(token, [deployer, signers[3]]);
      const proposal = proposalOf([await encodeCall(rewards, "setEpochBudget", [parseEther("2000")])], "Double the epoch budget");
      proposalId = await propose(governor, deployer, proposal);
      await startVoting(governor, proposalId);
      await (await governor.connect(deployer).castVoteWithReason(proposalId, VoteType.For, "More budget brings more writers")).wait();
      await (await governor.connect(signers[3]).castVoteWithReason(proposalId, VoteType.Against, "Dilutes the token")).wait();

      // Close the epoch and let its challenge window pass (as the deployed Challenges sets it), then claim.
      const challengeWindow = Number((await deployment.challenges.params()).window);
      await hre.network.provider.request({ method: "evm_increaseTime", params: [TIMING.epochLength + challengeWindow] });
      await hre.network.provider.request({ method: "evm_mine", params: [] });
      await (await rewards.connect(signers[1]).claim(signers[1].address)).wait();

      indexer = await startIndexer({
        rpcUrl,
        deploymentFile,
        nodeUrls: [liarUrl, oracle.node.url],
        dir,
        database,
        env: { CASHKEY_INDEXER_RATE_LIMIT_MAX: String(RATE_LIMIT_MAX) },
      });
      await indexer.waitForBlock(await hre.ethers.provider.getBlockNumber(), 120_000);
    });

    after(async function () {
      if (this.currentTest?.state === "failed") console.log(indexer?.logs.slice(-40).join("\n"));
      await indexer?.stop();
      await oracle?.node.stop();
      await new Promise<void>((resolve) => (liar ? liar.close(() => resolve()) : resolve()));
      await chain?.close();
      cleanup?.();
    });

    it("indexes every submission with its score and its text, checked against the on-chain hash", async function () {
      const { status, body } = await indexer.get(`/v1/authors/${signers[1].address}/submissions`);
      expect(status).to.equal(200);
      expect(body.items.map((item: { id: string }) => item.id)).to.deep.equal([ids[1], ids[0]].map(String));
      for (const item of body.items) {
        expect(item.contentStatus).to.equal("fetched");
        expect(item.score).to.be.a("number");
        expect(item.batchNonce).to.match(/^\d+$/);
        const posted = await indexer.get(`/v1/batches/${item.batchNonce}`);
        expect(posted.body.items.map((row: { id: string }) => row.id)).to.include(item.id);
      }
      // The snippet is the text's first 280 characters (these texts are longer, and ASCII).
      expect(TEXTS[0].text.length).to.be.greaterThan(280);
      expect(body.items[1].snippet).to.equal(TEXTS[0].text.slice(0, 280));
      // The liar, first in the list, was asked and refused (then tried last while it is in backoff).
      expect(liarRequests).to.be.at.least(1);
      for (const [i, id] of ids.entries()) {
        const { body } = await indexer.get(`/v1/items/${id}`);
        expect(body.item.text).to.equal(TEXTS[i].text);
        expect(body.item.contentSource).to.equal(oracle.node.url);
      }
      const detail = await indexer.get(`/v1/items/${ids[0]}`);
      expect(detail.status).to.equal(200);
      expect(detail.body.batch.signers).to.deep.equal([new Wallet(OPERATOR_KEY).address]);
      expect(detail.body.batch.rationaleRoot).to.match(/^0x[0-9a-f]{64}$/);
      const onchain = await deployment.rewards.submission(ids[0]);
      expect(detail.body.item.author).to.equal(onchain.author.toLowerCase());
    });

    it("finds by words with stemming, ranks the better match first, and filters", async function () {
      const eruption = await indexer.get("/v1/search?q=eruptions%20famine");
      expect(eruption.body.items.map((item: { id: string }) => item.id)).to.deep.equal([String(ids[0])]);
      const highlighted = eruption.body.items[0].highlights
        .filter((segment: { match: boolean }) => segment.match)
        .map((segment: { text: string }) => segment.text.toLowerCase());
      expect(highlighted).to.include.members(["famine"]);

      // Both words against one of them: the eruption text ranks above the Rhine text, which mentions volcanic soils once.
      const either = await indexer.get("/v1/search?q=volcanic%20or%20eruption");
      expect(either.body.items.map((item: { id: string }) => item.id)).to.deep.equal([String(ids[0]), String(ids[2])]);
      expect(either.body.items[0].rank).to.be.greaterThan(either.body.items[1].rank);
      const filtered = await indexer.get(`/v1/search?q=volcanic&author=${signers[2].address}`);
      expect(filtered.body.items.map((item: { id: string }) => item.id)).to.deep.equal([String(ids[2])]);
      const byCategory = await indexer.get("/v1/search?q=volcanic&category=2");
      expect(byCategory.body.items).to.deep.equal([]);
      const paged = await indexer.get("/v1/search?q=volcanic&limit=1");
      expect(paged.body.items).to.have.length(1);
      const second = await indexer.get(`/v1/search?q=volcanic&limit=1&cursor=${paged.body.next}`);
      expect([...paged.body.items, ...second.body.items].map((item: { id: string }) => item.id)).to.have.members([String(ids[0]), String(ids[2])]);
      expect(second.body.next).to.equal(null);
    });

    it("answers bad input with 4xx JSON", async function () {
      for (const [query, status] of [
        ["/v1/search", 400],
        ["/v1/search?q=x&minScore=101", 400],
        ["/v1/search?q=x&cursor=not-a-cursor", 400],
        ["/v1/authors/0x1234/submissions", 400],
        ["/v1/items/abc", 400],
        ["/v1/items/999999", 404],
        ["/v1/proposals/1", 404],
        ["/v1/leaderboard?epoch=-1", 400],
        ["/v1/nothing", 404],
      ] as const) {
        const response = await indexer.get(query);
        expect(response.status, query).to.equal(status);
        expect(response.body?.error?.code, `${query}: ${JSON.stringify(response.body)}`).to.be.a("string");
      }
    });

    it("serves the leaderboard, epochs, batches, claims and earnings", async function () {
      const board = await indexer.get("/v1/leaderboard?epoch=0");
      expect(board.status).to.equal(200);
      const points = async (address: string) => (await deployment.rewards.accountOf(address)).lifetimePoints;
      const expected = [
        { author: signers[1].address.toLowerCase(), points: String(await points(signers[1].address)) },
        { author: signers[2].address.toLowerCase(), points: String(await points(signers[2].address)) },
      ].sort((a, b) => Number(BigInt(b.points) - BigInt(a.points)));
      expect(board.body.items.map(({ author, points }: { author: string; points: string }) => ({ author, points }))).to.deep.equal(expected);

      const batches = await indexer.get("/v1/batches");
      expect(batches.body.items.length).to.be.at.least(1);
      const items = await indexer.get(`/v1/batches/${batches.body.items[0].nonce}`);
      expect(items.body.items.length).to.equal(batches.body.items[0].count);

      const claims = await indexer.get(`/v1/authors/${signers[1].address}/claims`);
      const claimed = (await deployment.rewards.queryFilter(deployment.rewards.filters.Claimed(signers[1].address)))[0];
      expect(claims.body.items.map((row: { tokens: string }) => row.tokens)).to.deep.equal([String(claimed.args.tokens)]);
      const earnings = await indexer.get(`/v1/authors/${signers[1].address}/earnings`);
      expect(earnings.body.items[0].tokens).to.equal(String(claimed.args.tokens));
    });

    it("serves proposals with their voters and reasons, stakes and delegations", async function () {
      const list = await indexer.get("/v1/proposals");
      expect(list.body.items.map((row: { id: string }) => row.id)).to.deep.equal([String(proposalId)]);
      const detail = await indexer.get(`/v1/proposals/${proposalId}`);
      expect(detail.body.proposal.description).to.equal("Double the epoch budget");
      const [againstVotes, forVotes] = await deployment.governor.proposalVotes(proposalId);
      expect(detail.body.proposal.forVotes).to.equal(String(forVotes));
      expect(detail.body.proposal.againstVotes).to.equal(String(againstVotes));
      expect(detail.body.proposal.voterCount).to.equal(2);
      expect(
        detail.body.votes.map(({ voter, support, reason }: { voter: string; support: number; reason: string }) => ({ voter, support, reason })),
      ).to.have.deep.members([
        { voter: signers[0].address.toLowerCase(), support: VoteType.For, reason: "More budget brings more writers" },
        { voter: signers[3].address.toLowerCase(), support: VoteType.Against, reason: "Dilutes the token" },
      ]);
      const stakes = await indexer.get(`/v1/authors/${signers[3].address}/stakes`);
      expect(stakes.body.stakes.map(({ kind, amount }: { kind: string; amount: string }) => ({ kind, amount }))).to.deep.equal([
        { kind: "unstake_requested", amount: String(parseEther("100")) },
        { kind: "staked", amount: String(parseEther("400")) },
      ]);
      expect(stakes.body.delegations.map((row: { toDelegate: string }) => row.toDelegate)).to.deep.equal([signers[3].address.toLowerCase()]);
    });

    it("follows a reorg: a submission in blocks the chain drops leaves the index", async function () {
      // The node would score the submission: stop it, so only the chain changes.
      await oracle.node.stop();
      const author = signers[4];
      const snapshot = (await hre.network.provider.request({ method: "evm_snapshot", params: [] })) as string;
      const hash = "0x" + "ab".repeat(32);
      const id = await submitHash(deployment.rewards, author, hash, 7);
      const listed = async () => ((await indexer.get(`/v1/authors/${author.address}/submissions`)).body.items as { id: string }[]).map((item) => item.id);
      await waitUntil(async () => (await listed()).includes(String(id)), "the submission indexed", 30_000);
      const dropped = await hre.ethers.provider.getBlockNumber();
      await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
      // A longer chain without it.
      for (let i = 0; i < 3; i += 1) await hre.network.provider.request({ method: "evm_mine", params: [] });
      expect(await hre.ethers.provider.getBlockNumber()).to.be.greaterThan(dropped);
      await waitUntil(async () => (await listed()).length === 0, "the dropped submission gone", 30_000);
      expect(await deployment.rewards.submissionCount()).to.equal(id - 1n);
    });

    it("keeps no text for an item whose content no node serves under its hash", async function () {
      // The honest node is down (previous test); the liar answers with other bytes.
      const { rewards } = deployment;
      const hash = contentHash({ text: "Uploaded nowhere: only the liar answers for it." });
      const id = await submitHash(rewards, signers[5], hash, 1);
      const { chainId } = await hre.ethers.provider.getNetwork();
      const latest = await hre.ethers.provider.getBlock("latest");
      const header = { nonce: await rewards.nextBatchNonce(), evaluator: HEURISTIC_EVALUATOR_HASH, rationaleRoot: ZeroHash, deadline: BigInt(latest!.timestamp + 3_600) };
      const items = [packScoreItem({ submissionId: id, score: 60, points: 5 })];
      const signature = await signScoreBatch(new Wallet(OPERATOR_KEY), rewardsDomain(chainId, await rewards.getAddress()), header, items);
      await (await rewards.postScores(header, items, [signature])).wait();
      const requestsBefore = liarRequests;
      let item: { contentStatus: string; text: string | null; score: number | null } | undefined;
      await waitUntil(
        async () => {
          item = (await indexer.get(`/v1/items/${id}`)).body.item;
          return item !== undefined && item.contentStatus !== "pending";
        },
        "the item scored and its content looked up",
        30_000,
      );
      expect(item!.score).to.equal(60);
      expect(item!.contentStatus).to.equal("mismatch");
      expect(item!.text).to.equal(null);
      expect(liarRequests).to.be.greaterThan(requestsBefore);
    });

    it("limits each client's requests with 429 JSON and Retry-After", async function () {
      let limited: Awaited<ReturnType<RunningIndexer["get"]>> | undefined;
      for (let i = 0; i <= RATE_LIMIT_MAX && limited === undefined; i += 1) {
        const response = await indexer.get("/v1/epochs");
        if (response.status === 429) limited = response;
      }
      expect(limited, "no 429 within the limit").to.not.equal(undefined);
      expect(limited!.body.error.code).to.equal("rate_limited");
      expect(Number(limited!.headers.get("retry-after"))).to.be.greaterThan(0);
    });
  });
