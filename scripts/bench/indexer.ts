/**
 * `npm run bench:indexer`: the indexer's indexing throughput, database size and query latency, printed as JSON.
 *
 * 1. The live path. On the in-process Hardhat chain: N distinct ~2 KB texts (default 1,000,
 *    CASHKEY_BENCH_INDEXER_N) are submitted from 10 authors and scored in batches of 250 signed by the one
 *    operator (threshold 1): the same events the oracle flow produces, faster. A real HTTP content server
 *    serves each text by hash, so the indexer's fetch-and-verify path runs for every item. Ponder
 *    (`indexer/`) starts from scratch on PGlite (and on PostgreSQL when DATABASE_URL is set); the time
 *    until it has indexed the head is measured, then a few queries' latency.
 * 2. The scale path. A synthetic history (default 1,000,000 submissions on PostgreSQL,
 *    CASHKEY_BENCH_INDEXER_BULK_N; 100,000 on PGlite, CASHKEY_BENCH_INDEXER_BULK_N_PGLITE; 0 skips) is
 *    built by the handlers' own row functions and written in bulk into the same Ponder schema
 *    (scripts/bench/indexerBulk.ts); its load throughput and the schema's size are measured, then, on
 *    PostgreSQL, the latency of each dApp query through the running Ponder API server with parameters
 *    drawn as users would (200 sequential requests each, loopback).
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
import { type BulkHistory, type BulkSink, bulkSentences, loadSyntheticHistory, pgliteSink, postgresSink } from "./indexerBulk";
import { prng } from "../../test/helpers/prng";

const N = Number(process.env.CASHKEY_BENCH_INDEXER_N ?? 1_000);
/** The synthetic history loaded after the chain's (scripts/bench/indexerBulk.ts): 1,000,000 on PostgreSQL, 100,000 on PGlite by default. */
const BULK_N_POSTGRES = Number(process.env.CASHKEY_BENCH_INDEXER_BULK_N ?? 1_000_000);
const BULK_N_PGLITE = Number(process.env.CASHKEY_BENCH_INDEXER_BULK_N_PGLITE ?? 100_000);
const AUTHORS = 10;
const BATCH = 250;
const QUERIES = 200;
const SEARCH_WORDS = ["river", "population", "energy", "water", "climate", "history", "city", "species", "research", "government"];

interface ChainServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

async function latency(indexer: RunningIndexer, paths: () => string | Promise<string>): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < QUERIES; i += 1) {
    const pathAndQuery = await paths();
    const started = performance.now();
    const response = await indexer.get(pathAndQuery);
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
    const header = {
      nonce: await rewards.nextBatchNonce(),
      evaluator: HEURISTIC_EVALUATOR_HASH,
      rationaleRoot: "0x" + "00".repeat(32),
      deadline: BigInt(block!.timestamp + 3_600),
    };
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
    const indexer = await startIndexer({
      rpcUrl,
      deploymentFile,
      nodeUrls: [contentUrl],
      dir: path.join(dir, database),
      database,
      env: { CASHKEY_INDEXER_RATE_LIMIT_MAX: "100000000" },
    });
    const result: Record<string, unknown> = {};
    results[database] = result;
    try {
      await indexer.waitForBlock(head, 30 * 60_000);
      const seconds = (performance.now() - started) / 1000;
      result.chain = { secondsToHead: Number(seconds.toFixed(1)), eventsPerSecond: Math.round(events / seconds) };
      const author = signers[0]!.address;
      let i = 0;
      result.chainLatencyMs = {
        mySubmissions: await latency(indexer, () => `/v1/authors/${author}/submissions?limit=20`),
        leaderboard: await latency(indexer, () => "/v1/leaderboard?epoch=0&limit=20"),
        item: await latency(indexer, () => `/v1/items/${1 + ((i += 7919) % N)}`),
        search: await latency(indexer, () => `/v1/search?q=${SEARCH_WORDS[(i += 1) % SEARCH_WORDS.length]}&limit=20`),
      };
      const bulkN = database === "postgres" ? BULK_N_POSTGRES : BULK_N_PGLITE;
      if (bulkN > 0) {
        // PGlite is one process's: Ponder lets go of it before the loader opens it.
        if (database === "pglite") await indexer.stop();
        const sink = database === "postgres" ? await postgresSink(process.env.DATABASE_URL!) : await pgliteSink(path.join(dir, "pglite", "pglite"));
        try {
          const history = await loadSyntheticHistory({
            sink,
            schema: indexer.schema,
            submissions: bulkN,
            firstId: BigInt(N + 1),
            authors: Math.max(10, Math.round(bulkN / 50)),
            epochs: 100,
            proposals: 500,
            votesPerProposal: 20,
            maintenanceWorkMem: database === "postgres" ? "1GB" : "64MB",
            progress: (written) => console.error(`bulk ${database}: ${written}/${bulkN}`),
          });
          result.bulk = {
            submissions: bulkN,
            events: history.events,
            seconds: Number(history.seconds.toFixed(1)),
            eventsPerSecond: Math.round(history.events / history.seconds),
          };
          if (database === "postgres") {
            result.bulk = { ...(result.bulk as object), schemaBytes: await schemaBytes(sink, indexer.schema) };
            result.bulkLatencyMs = await bulkLatency(indexer, history, bulkN);
          }
        } finally {
          await sink.close();
        }
      }
    } finally {
      await indexer.stop();
    }
    if (database === "pglite") result.pgliteBytes = dirBytes(path.join(dir, "pglite", "pglite"));
    console.error(JSON.stringify({ [database]: result }));
  }
  console.log(JSON.stringify(results, null, 2));
  server.close();
  await chain.close();
  cleanup();
}

/** Tables, their indexes and TOAST in the indexer's schema. */
async function schemaBytes(sink: BulkSink, schema: string): Promise<number> {
  const [row] = await sink.rows<{ bytes: string }>(
    `select sum(pg_total_relation_size(c.oid))::text as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}' and c.relkind = 'r'`,
  );
  return Number(row?.bytes ?? 0);
}

/**
 * The dApp's queries over the synthetic history, with parameters drawn as users would: authors as they
 * are distributed among submissions, any of the 100 epochs, words drawn from the texts themselves
 * (so common words come up as often as they occur), any item, the proposal list and any proposal.
 */
async function bulkLatency(indexer: RunningIndexer, history: BulkHistory, bulkN: number) {
  const random = prng(7);
  const draw = () => Math.floor(random() * bulkN);
  const words = searchWords();
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return {
    mySubmissions: await latency(indexer, () => `/v1/authors/${history.authorOfSubmission(draw())}/submissions?limit=20`),
    mySubmissionsPage2: await latency(indexer, async () => {
      const author = history.authorOfSubmission(draw());
      const first = await indexer.get(`/v1/authors/${author}/submissions?limit=20`);
      return `/v1/authors/${author}/submissions?limit=20${first.body.next ? `&cursor=${first.body.next}` : ""}`;
    }),
    leaderboard: await latency(indexer, () => `/v1/leaderboard?epoch=${Math.floor(random() * 100)}&limit=20`),
    leaderboardLatest: await latency(indexer, () => "/v1/leaderboard?limit=20"),
    search: await latency(indexer, () => `/v1/search?q=${encodeURIComponent(pick(words))}&limit=20`),
    searchTwoWords: await latency(indexer, () => `/v1/search?q=${encodeURIComponent(`${pick(words)} ${pick(words)}`)}&limit=20`),
    searchFiltered: await latency(indexer, () => `/v1/search?q=${encodeURIComponent(pick(words))}&category=2&minScore=50&limit=20`),
    item: await latency(indexer, () => `/v1/items/${history.firstId + BigInt(draw())}`),
    recent: await latency(indexer, () => "/v1/items?sort=recent&limit=20"),
    top: await latency(indexer, () => `/v1/items?sort=top&epoch=${Math.floor(random() * 100)}&limit=20`),
    proposals: await latency(indexer, () => "/v1/proposals?limit=20"),
    proposal: await latency(indexer, () => `/v1/proposals/${pick(history.proposalIds)}`),
  };
}

/** Words as they occur in the synthetic texts' sentences (four letters or more), with repeats. */
function searchWords(): string[] {
  return bulkSentences()
    .slice(0, 20_000)
    .flatMap((sentence) => sentence.toLowerCase().match(/[a-z]{4,}/g) ?? []);
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
