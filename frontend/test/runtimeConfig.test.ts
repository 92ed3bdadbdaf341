import { describe, expect, it } from "vitest";
import { DEFAULT_HISTORY_FALLBACK_BLOCKS, DEFAULT_MAX_CONTENT_BYTES, RuntimeConfigError, loadRuntimeConfig, parseRuntimeConfig } from "../src/config/runtimeConfig";
import type { FrontendRuntimeConfig } from "../../oracle/src/protocol/frontendConfig";
import { runtimeConfig } from "./render";

describe("runtime configuration", () => {
  it("parses config.json into checksummed addresses and a bigint deploy block", () => {
    const config = runtimeConfig();
    expect(config.chainId).toBe(31337);
    expect(config.contracts.rewards).toBe("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    expect(config.deployBlock).toBe(0n);
    expect(config.rpcUrl).toBe("http://127.0.0.1:9");
  });

  it("reads the wire form the server writes (FrontendRuntimeConfig, declared once in the protocol module)", () => {
    const written: FrontendRuntimeConfig = {
      chainId: 31337,
      rpcUrl: "http://127.0.0.1:8545/",
      oracleUrl: "http://127.0.0.1:8787",
      contracts: {
        token: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        rewards: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
        governor: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0",
        timelock: "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9",
      },
      deployBlock: 12,
    };
    const config = parseRuntimeConfig(JSON.parse(JSON.stringify(written)));
    expect(config).toEqual({
      chainId: 31337,
      rpcUrl: "http://127.0.0.1:8545",
      oracleUrl: "http://127.0.0.1:8787",
      contracts: {
        token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        rewards: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        governor: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
        timelock: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
      },
      deployBlock: 12n,
      // Absent on the wire: the node's default upload limit.
      maxContentBytes: DEFAULT_MAX_CONTENT_BYTES,
      historyFallbackBlocks: DEFAULT_HISTORY_FALLBACK_BLOCKS,
    });
  });

  it("takes a history fallback window of at most 10,000 blocks (what public providers serve per eth_getLogs)", () => {
    const { deployBlock, ...rest } = runtimeConfig();
    const base = { ...rest, deployBlock: Number(deployBlock) };
    expect(parseRuntimeConfig(base).historyFallbackBlocks).toBe(5_000);
    expect(parseRuntimeConfig({ ...base, historyFallbackBlocks: 10_000 }).historyFallbackBlocks).toBe(10_000);
    for (const bad of [0, 10_001, 2.5, "500"]) {
      expect(() => parseRuntimeConfig({ ...base, historyFallbackBlocks: bad })).toThrow(/historyFallbackBlocks is not an integer in 1\.\.10000/);
    }
  });

  it("refuses a config without a valid address, naming the field", () => {
    expect(() => parseRuntimeConfig({ chainId: 1, rpcUrl: "http://x", oracleUrl: "http://y", contracts: { token: "0x1" } })).toThrow(
      /contracts\.token is not an address/,
    );
  });

  it("refuses a chain id that is not a positive integer", () => {
    expect(() => parseRuntimeConfig({ chainId: "31337" })).toThrow(RuntimeConfigError);
  });

  it("loads ./config.json at startup and reports an HTTP failure", async () => {
    const fetchOk = (async () => new Response(JSON.stringify({ ...runtimeConfig(), deployBlock: 7 }))) as typeof fetch;
    expect((await loadRuntimeConfig(fetchOk)).deployBlock).toBe(7n);
    const fetch404 = (async () => new Response("no", { status: 404 })) as typeof fetch;
    await expect(loadRuntimeConfig(fetch404)).rejects.toThrow(/HTTP 404/);
  });
});

describe("runtime configuration: forwarder and WalletConnect", () => {
  it("reads the forwarder and a WalletConnect project id, and offers no WalletConnect without one", () => {
    const raw = { ...runtimeConfig(), deployBlock: 0, contracts: { ...runtimeConfig().contracts, forwarder: "0x5fbdb2315678afecb367f032d93f642f64180aa3" } };
    const config = parseRuntimeConfig({ ...raw, walletConnectProjectId: "0123456789ABCDEF0123456789abcdef" });
    expect(config.contracts.forwarder).toBe("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(config.walletConnectProjectId).toBe("0123456789abcdef0123456789abcdef");
    expect(parseRuntimeConfig({ ...raw, walletConnectProjectId: "" }).walletConnectProjectId).toBeUndefined();
    expect(() => parseRuntimeConfig({ ...raw, walletConnectProjectId: "not-an-id" })).toThrow(/walletConnectProjectId/);
    expect(() => parseRuntimeConfig({ ...raw, contracts: { ...raw.contracts, forwarder: "0x12" } })).toThrow(/contracts\.forwarder/);
  });
});

describe("runtime configuration: explorer and upload limit", () => {
  it("reads an explorer base URL and the node's upload limit, with the node's default", () => {
    const raw = { ...runtimeConfig(), deployBlock: 0 };
    expect(parseRuntimeConfig(raw).maxContentBytes).toBe(16_384);
    expect(parseRuntimeConfig(raw).explorerUrl).toBeUndefined();
    const config = parseRuntimeConfig({ ...raw, explorerUrl: "https://basescan.org/", maxContentBytes: 32_768 });
    expect(config.explorerUrl).toBe("https://basescan.org");
    expect(config.maxContentBytes).toBe(32_768);
    expect(() => parseRuntimeConfig({ ...raw, explorerUrl: "javascript:alert(1)" })).toThrow(/explorerUrl/);
    expect(() => parseRuntimeConfig({ ...raw, maxContentBytes: 10 })).toThrow(/maxContentBytes/);
  });
});
