import { describe, expect, it } from "vitest";
import { localNodeProvider } from "../src/lib/devConnector";

function fakeNode() {
  const calls: { method: string; params: unknown }[] = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    const { id, method, params } = JSON.parse(String(init.body)) as { id: number; method: string; params: unknown };
    calls.push({ method, params });
    if (method === "eth_accounts") return new Response(JSON.stringify({ jsonrpc: "2.0", id, result: ["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"] }));
    return new Response(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32603, message: "reverted", data: "0xdeadbeef00" } }));
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

describe("local dev connector provider", () => {
  it("answers eth_requestAccounts with the node's unlocked accounts", async () => {
    const node = fakeNode();
    const provider = localNodeProvider("http://node", 31337, node.fetchImpl);
    expect(await provider.request({ method: "eth_requestAccounts" } as never)).toEqual(["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"]);
    expect(node.calls.map((c) => c.method)).toEqual(["eth_accounts"]);
  });

  it("is pinned to its chain and refuses to switch away", async () => {
    const node = fakeNode();
    const provider = localNodeProvider("http://node", 31337, node.fetchImpl);
    expect(await provider.request({ method: "eth_chainId" } as never)).toBe("0x7a69");
    await expect(provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: "0x1" }] } as never)).rejects.toMatchObject({ code: 4902 });
    expect(node.calls).toEqual([]);
  });

  it("forwards everything else and keeps the node's error code and revert data", async () => {
    const node = fakeNode();
    const provider = localNodeProvider("http://node", 31337, node.fetchImpl);
    await expect(provider.request({ method: "eth_sendTransaction", params: [{ to: "0x0" }] } as never)).rejects.toMatchObject({ code: -32603, data: "0xdeadbeef00" });
    expect(node.calls).toEqual([{ method: "eth_sendTransaction", params: [{ to: "0x0" }] }]);
  });
});
