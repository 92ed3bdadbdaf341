/**
 * The history rule (lib/history.ts) against real HTTP servers on loopback: one answering JSON-RPC as a
 * provider does (recording every `eth_getLogs` range), one answering as the indexer's API, and a port
 * nothing listens on for an unreachable indexer.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type PublicClient, createPublicClient, http as httpTransport } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuntimeConfig } from "../src/config/runtimeConfig";
import { type BlockRange, fallbackRange, indexerDown, loadHistory } from "../src/lib/history";
import { IndexerError } from "../src/lib/indexer";
import { runtimeConfig } from "./render";

const HEAD = 20_000n;

function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

let rpc: { server: http.Server; url: string };
let indexer: { server: http.Server; url: string };
const logRanges: { fromBlock: string; toBlock: string }[] = [];
let indexerStatus = 200;

beforeAll(async () => {
  rpc = await listen(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const call = JSON.parse(Buffer.concat(chunks).toString()) as { id: number; method: string; params: [{ fromBlock: string; toBlock: string }] };
    const send = (result: unknown) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result }));
    if (call.method === "eth_blockNumber") return send(`0x${HEAD.toString(16)}`);
    if (call.method === "eth_getLogs") {
      logRanges.push({ fromBlock: call.params[0].fromBlock, toBlock: call.params[0].toBlock });
      return send([]);
    }
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ jsonrpc: "2.0", id: call.id, error: { code: -32601, message: "not served here" } }));
  });
  indexer = await listen((_request, response) => {
    const body = indexerStatus === 200 ? { items: [{ id: "7" }] } : { error: { code: "x", message: `answered ${indexerStatus}` } };
    response.writeHead(indexerStatus, { "content-type": "application/json", "access-control-allow-origin": "*" }).end(JSON.stringify(body));
  });
});

afterAll(async () => {
  await new Promise((resolve) => rpc.server.close(resolve));
  await new Promise((resolve) => indexer.server.close(resolve));
});

const client = () => createPublicClient({ transport: httpTransport(rpc.url, { retryCount: 0 }) }) as PublicClient;

/** A list read as the pages read theirs: the ids from the indexer, or `["chain"]` after reading the logs of `range`. */
const spec = {
  indexerPath: "/v1/items",
  fromIndexer: (body: { items: { id: string }[] }) => body.items.map((item) => item.id),
  fromChain: async (c: PublicClient, range: BlockRange, config: RuntimeConfig) => {
    await c.getLogs({ address: config.contracts.rewards, ...range });
    return ["chain"];
  },
};

describe("fallbackRange", () => {
  it("covers the latest blocks, never more than 10,000, never before the deployment", () => {
    expect(fallbackRange(20_000n, 0n, 5_000)).toEqual({ fromBlock: 15_001n, toBlock: 20_000n });
    expect(fallbackRange(20_000n, 0n, 50_000)).toEqual({ fromBlock: 10_001n, toBlock: 20_000n });
    expect(fallbackRange(20_000n, 18_000n, 5_000)).toEqual({ fromBlock: 18_000n, toBlock: 20_000n });
    expect(fallbackRange(100n, 0n, 5_000)).toEqual({ fromBlock: 0n, toBlock: 100n });
    expect(fallbackRange(100n, 200n, 5_000)).toEqual({ fromBlock: 100n, toBlock: 100n });
  });
});

describe("indexerDown", () => {
  it("falls back for no answer, a server error or a rate limit, not for a 4xx answer", () => {
    expect(indexerDown(new IndexerError("unreachable"))).toBe(true);
    expect(indexerDown(new IndexerError("x", 503))).toBe(true);
    expect(indexerDown(new IndexerError("x", 429))).toBe(true);
    expect(indexerDown(new IndexerError("x", 404))).toBe(false);
    expect(indexerDown(new IndexerError("x", 400))).toBe(false);
    expect(indexerDown(new Error("other"))).toBe(false);
  });
});

describe("loadHistory", () => {
  it("reads the indexer when it answers, and no log at all", async () => {
    indexerStatus = 200;
    logRanges.length = 0;
    const history = await loadHistory(spec, { ...runtimeConfig(), indexerUrl: indexer.url }, client());
    expect(history).toEqual({ source: "indexer", data: ["7"] });
    expect(logRanges).toEqual([]);
  });

  it("without an indexer, reads only the configured latest blocks, with an explicit end", async () => {
    logRanges.length = 0;
    const history = await loadHistory(spec, { ...runtimeConfig(), historyFallbackBlocks: 2_000 }, client());
    expect(history).toMatchObject({ source: "chain", reason: "unconfigured", data: ["chain"], range: { fromBlock: 18_001n, toBlock: HEAD } });
    expect(logRanges).toEqual([{ fromBlock: "0x4651", toBlock: "0x4e20" }]);
  });

  it("reads the chain's latest blocks when the indexer is unreachable or failing, and says why", async () => {
    const closed = await listen(() => undefined);
    await new Promise((resolve) => closed.server.close(resolve));
    const down = await loadHistory(spec, { ...runtimeConfig(), indexerUrl: closed.url }, client());
    expect(down).toMatchObject({ source: "chain", reason: "unreachable", detail: "The indexer is unreachable.", range: { fromBlock: 15_001n, toBlock: HEAD } });
    indexerStatus = 500;
    const failing = await loadHistory(spec, { ...runtimeConfig(), indexerUrl: indexer.url }, client());
    expect(failing).toMatchObject({ source: "chain", reason: "unreachable", detail: "answered 500" });
  });

  it("keeps a 4xx answer as the indexer's word: an error, or the spec's value for a row not indexed yet", async () => {
    indexerStatus = 404;
    logRanges.length = 0;
    await expect(loadHistory(spec, { ...runtimeConfig(), indexerUrl: indexer.url }, client())).rejects.toThrow("answered 404");
    expect(await loadHistory({ ...spec, whenNotIndexed: [] }, { ...runtimeConfig(), indexerUrl: indexer.url }, client())).toEqual({ source: "indexer", data: [] });
    expect(logRanges).toEqual([]);
  });
});
