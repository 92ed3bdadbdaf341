/**
 * A batch's rationale root from the receipt of the transaction that posted it (lib/batchRoot.ts), against
 * a JSON-RPC server on loopback answering that receipt: only Rewards' own `BatchPosted` with the
 * batch's nonce counts, whoever named the transaction.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Address, type Hex, type PublicClient, createPublicClient, encodeAbiParameters, encodeEventTopics, http as httpTransport } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewardsAbi } from "../src/generated/abis";
import { batchRootFromTx } from "../src/lib/batchRoot";

const REWARDS: Address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const IMPOSTOR: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const TX: Hex = `0x${"77".repeat(32)}`;
const root = (byte: string): Hex => `0x${byte.repeat(32)}`;

function batchPosted(address: Address, nonce: bigint, rationaleRoot: Hex, logIndex: number) {
  return {
    address,
    topics: encodeEventTopics({ abi: rewardsAbi, eventName: "BatchPosted", args: { nonce } }),
    data: encodeAbiParameters([{ type: "bytes32" }, { type: "bytes32" }, { type: "uint256" }], [root("ee"), rationaleRoot, 1n]),
    blockNumber: "0x10",
    blockHash: `0x${"11".repeat(32)}`,
    transactionHash: TX,
    transactionIndex: "0x0",
    logIndex: `0x${logIndex.toString(16)}`,
    removed: false,
  };
}

let server: http.Server;
let client: PublicClient;

beforeAll(async () => {
  server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const call = JSON.parse(Buffer.concat(chunks).toString()) as { id: number; method: string };
    const result =
      call.method === "eth_getTransactionReceipt"
        ? {
            transactionHash: TX,
            transactionIndex: "0x0",
            blockHash: `0x${"11".repeat(32)}`,
            blockNumber: "0x10",
            from: IMPOSTOR,
            to: IMPOSTOR,
            cumulativeGasUsed: "0x1",
            gasUsed: "0x1",
            effectiveGasPrice: "0x1",
            contractAddress: null,
            logsBloom: `0x${"00".repeat(256)}`,
            status: "0x1",
            type: "0x2",
            // An impostor's BatchPosted for nonce 3 first, then Rewards' own for nonce 4.
            logs: [batchPosted(IMPOSTOR, 3n, root("aa"), 0), batchPosted(REWARDS, 4n, root("bb"), 1)],
          }
        : null;
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  client = createPublicClient({ transport: httpTransport(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { retryCount: 0 }) }) as PublicClient;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("batchRootFromTx", () => {
  it("reads the root from Rewards' own BatchPosted with the batch's nonce", async () => {
    expect(await batchRootFromTx(client, REWARDS, 4n, TX)).toBe(root("bb"));
  });

  it("ignores a BatchPosted emitted by another contract, and a nonce the transaction did not post", async () => {
    expect(await batchRootFromTx(client, REWARDS, 3n, TX)).toBeNull();
    expect(await batchRootFromTx(client, REWARDS, 5n, TX)).toBeNull();
  });
});
