/**
 * Chain reads refresh when a new block arrives, not on a timer, and go out as JSON-RPC batches: the
 * app's own wagmi config against a real loopback JSON-RPC server whose head the test moves.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { screen, waitFor } from "@testing-library/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RefreshOnNewBlock } from "../src/components/RefreshOnNewBlock";
import { useChainQuery } from "../src/hooks/useChain";
import { renderWithProviders, runtimeConfig } from "./render";

const ALICE = "0x00000000000000000000000000000000000a11ce";
const BOB = "0x0000000000000000000000000000000000000b0b";

let head = 1;
const bodies: unknown[] = [];
let server: http.Server;
let rpcUrl: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    request.on("end", () => {
      const body = JSON.parse(raw) as { id: number; method: string } | { id: number; method: string }[];
      bodies.push(body);
      const answer = ({ id, method }: { id: number; method: string }) => {
        const result =
          method === "eth_chainId"
            ? "0x7a69"
            : method === "eth_blockNumber"
              ? `0x${head.toString(16)}`
              : method === "eth_getBalance"
                ? `0x${(head * 10).toString(16)}`
                : null;
        return result === null ? { jsonrpc: "2.0", id, error: { code: -32601, message: `no ${method}` } } : { jsonrpc: "2.0", id, result };
      };
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(Array.isArray(body) ? body.map(answer) : answer(body)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  rpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function Balances() {
  const read = useChainQuery(["test-balances"], (client) => Promise.all([client.getBalance({ address: ALICE }), client.getBalance({ address: BOB })]));
  return <p data-testid="balances">{read.data ? read.data.map(String).join(" ") : "…"}</p>;
}

describe("chain reads", () => {
  it("refresh when the chain's head moves, and batch the reads of one render", async () => {
    renderWithProviders(
      <>
        <RefreshOnNewBlock />
        <Balances />
      </>,
      { ...runtimeConfig(), rpcUrl },
    );
    await waitFor(() => expect(screen.getByTestId("balances").textContent).toBe("10 10"));
    head = 2;
    // Bounded wait for the next poll of the head (a bound on a hung refresh, not a timing assertion).
    await waitFor(() => expect(screen.getByTestId("balances").textContent).toBe("20 20"), { timeout: 10_000 });
    const batched = bodies.filter((body): body is { method: string }[] => Array.isArray(body) && body.filter((call) => call.method === "eth_getBalance").length === 2);
    expect(batched.length).toBeGreaterThan(0);
  });
});
