/**
 * `npm run bench:indexer`: the indexer's indexing throughput and query latency, printed as JSON.
 *
 * On the in-process Hardhat chain: N distinct ~2 KB texts (default 2,000, CASHKEY_BENCH_INDEXER_N) are
 * submitted from 10 authors and scored in batches of 250 signed by the one operator (threshold 1): the
 * same events the oracle flow produces, faster. A real HTTP content server serves each text by hash, so
 * the indexer's fetch-and-verify path runs for every item. Then Ponder (`indexer/`) starts from scratch
 * on PGlite (and on PostgreSQL when DATABASE_URL is set) and the time until it has indexed the head is
 * measured, then the latency of each dApp query over loopback (200 requests each, sequential).
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { Wallet } from "ethers";
import { deployCashKey } from "../deploy";
import { type Content, contentHash } from "../../oracle/src/protocol/contentHash";
import { orderSignatures, rewardsDomain, signScoreBatch } from "../../oracle/src/protocol/eip712";
import { packScoreItem } from "../../oracle/src/protocol/scoreItem";
import { HEURISTIC_EVALUATOR_HASH } from "../../oracle/src/protocol/evaluatorHash";
import { type IndexerDatabase, type RunningIndexer, startIndexer } from "../../test/indexer/indexerHarness";
import { tempDir } from "../../test/oracle/store/fixtures";
import { articleText, percentile } from "./evaluation";

const N = Number(process.env.CASHKEY_BENCH_INDEXER_N ?? 2_000);
const AUTHORS = 10;
const BATCH = 250;
const QUERIES = 200;
const SEARCH_WORDS = ["river", "population", "energy", "water", "climate", "history", "city", "species", "research", "government"];

interface ChainServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

async function latency(indexer: RunningIndexer, paths: () => string): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < QUERIES; i += 1) {
    const started = performance.now();
    const response = await indexer.get(paths());
    samples.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
  }
  samples.sort((a, b) => a - b);
  return { p50: Number(percentile(samples, 50).toFixed(1)), p95: Number(percentile(samples, 95).toFixed(1)) };
}

async function main() {
  const { dir, cleanup } = tempDir("cashkey-bench-indexer-");
  const chain = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider })) as ChainServer;
  const { address, port } = await chain.listen();
  const rpcUrl = `http://${address}:${port}`;
  const operator = Wallet.createRandom();
  const deployment = await deployCashKey(hre, { operators: [operator.address], threshold: 1, deploymentsDir: dir, baseQuota: N, quotaTiers: [] });
  const { chainId } = await hre.ethers.provider.getNetwork();
  const deploymentFile = path.join(dir, `${chainId}.json`);
  const { rewards } = deployment;
  const signers = (await hre.ethers.getSigners()).slice(1, 1 + AUTHORS);

  const store = new Map<string, Content>();
  const server = http.createServer((request, response) => {
    const hash = request.url?.split("/").pop() ?? "";
    const content = store.get(hash);
    if (content === undefined) response.writeHead(404).end();
    else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hash, content }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const contentUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const generating = performance.now();
  const ids: bigint[] = [];
  for (let i = 0; i < N; i += 1) {
    const content = { text: articleText(), title: `Note ${i}` };
    const hash = contentHash(content);
    store.set(hash, content);
    await (await rewards.connect(signers[i % AUTHORS]).submit(hash, 1 + (i % 5))).wait();
    ids.push(BigInt(i + 1));
  }
  const domain = rewardsDomain(chainId, await rewards.getAddress());
  for (let start = 0; start < N; start += BATCH) {
    const items = ids.slice(start, start + BATCH).map((id) => packScoreItem({ submissionId: id, score: Number(id % 101n), points: Number(id % 97n) + 1 }));
    const block = await hre.ethers.provider.getBlock("latest");
    const header = { nonce: await rewards.nextBatchNonce(), evaluator: HEURISTIC_EVALUATOR_HASH, rationaleRoot: "0x" + "00".repeat(32), deadline: BigInt(block!.timestamp + 3_600) };
    const signatures = orderSignatures([{ signer: operator.address, signature: await signScoreBatch(operator, domain, header, items) }]);
    await (await rewards.postScores(header, items, signatures)).wait();
  }
  const head = await hre.ethers.provider.getBlockNumber();
  const events = 2 * N + Math.ceil(N / BATCH);
  const generatedSeconds = (performance.now() - generating) / 1000;

  const databases: IndexerDatabase[] = process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
  const results: Record<string, unknown> = { submissions: N, events, blocks: head, chainHistorySeconds: Number(generatedSeconds.toFixed(1)) };
  for (const database of databases) {
    fs.mkdirSync(path.join(dir, database));
    const started = performance.now();
    const indexer = await startIndexer({ rpcUrl, deploymentFile, nodeUrls: [contentUrl], dir: path.join(dir, database), database, env: { CASHKEY_INDEXER_RATE_LIMIT_MAX: "1000000" } });
    try {
      await indexer.waitForBlock(head, 30 * 60_000);
      const seconds = (performance.now() - started) / 1000;
      const author = signers[0]!.address;
      let i = 0;
      results[database] = {
        secondsToHead: Number(seconds.toFixed(1)),
        eventsPerSecond: Math.round(events / seconds),
        latencyMs: {
          mySubmissions: await latency(indexer, () => `/v1/authors/${author}/submissions?limit=20`),
          leaderboard: await latency(indexer, () => "/v1/leaderboard?epoch=0&limit=20"),
          recent: await latency(indexer, () => "/v1/items?sort=recent&limit=20"),
          top: await latency(indexer, () => "/v1/items?sort=top&limit=20"),
          item: await latency(indexer, () => `/v1/items/${1 + ((i += 7919) % N)}`),
          search: await latency(indexer, () => `/v1/search?q=${SEARCH_WORDS[(i += 1) % SEARCH_WORDS.length]}&limit=20`),
          searchFiltered: await latency(indexer, () => `/v1/search?q=${SEARCH_WORDS[(i += 1) % SEARCH_WORDS.length]}&category=2&minScore=50&limit=20`),
        },
      };
    } finally {
      await indexer.stop();
    }
  }
  if (fs.existsSync(path.join(dir, "pglite", "pglite"))) results.pgliteBytes = dirBytes(path.join(dir, "pglite", "pglite"));
  console.log(JSON.stringify(results, null, 2));
  server.close();
  await chain.close();
  cleanup();
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(file) : fs.statSync(file).size;
  }
  return total;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
