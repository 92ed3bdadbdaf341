import { type Address, getAddress, isAddress } from "viem";
import type { FrontendRuntimeConfig } from "../../../oracle/src/protocol/frontendConfig";

/**
 * `/config.json` as the app uses it: the wire form (`FrontendRuntimeConfig`, declared once in the
 * protocol module) validated, with checksummed addresses, absolute URLs and the deploy block as a bigint.
 */
export type RuntimeConfig = Omit<FrontendRuntimeConfig, "contracts" | "deployBlock" | "maxContentBytes" | "historyFallbackBlocks"> & {
  contracts: { [Name in keyof FrontendRuntimeConfig["contracts"]]: Address };
  deployBlock: bigint;
  /** The oracle node's upload limit; the node's default when `/config.json` has none. */
  maxContentBytes: number;
  /** Latest blocks read for history without an indexer; `DEFAULT_HISTORY_FALLBACK_BLOCKS` when `/config.json` has none. */
  historyFallbackBlocks: number;
};

/** The oracle node's default `maxContentBytes` (oracle/src/config.ts). */
export const DEFAULT_MAX_CONTENT_BYTES = 16_384;

/** History read from the chain covers this many latest blocks by default (docs/INDEXER.md "The dApp"). */
export const DEFAULT_HISTORY_FALLBACK_BLOCKS = 5_000;
/** The widest `eth_getLogs` range public providers serve: no history read from the chain spans more. */
export const MAX_HISTORY_FALLBACK_BLOCKS = 10_000;

export class RuntimeConfigError extends Error {
  override name = "RuntimeConfigError";
}

function address(value: unknown, field: string): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) throw new RuntimeConfigError(`config.json: ${field} is not an address`);
  return getAddress(value);
}

function url(value: unknown, field: string): string {
  if (typeof value !== "string") throw new RuntimeConfigError(`config.json: ${field} is missing`);
  try {
    return new URL(value, globalThis.location?.href).toString().replace(/\/$/, "");
  } catch {
    throw new RuntimeConfigError(`config.json: ${field} is not a URL`);
  }
}

function walletConnect(value: unknown): { walletConnectProjectId?: string } {
  if (value === undefined || value === null || value === "") return {};
  if (typeof value !== "string" || !/^[0-9a-f]{32}$/i.test(value)) {
    throw new RuntimeConfigError("config.json: walletConnectProjectId is not a WalletConnect project id (32 hex digits)");
  }
  return { walletConnectProjectId: value.toLowerCase() };
}

function explorer(value: unknown): { explorerUrl?: string } {
  if (value === undefined || value === null || value === "") return {};
  if (typeof value !== "string" || !/^https?:\/\//i.test(value)) throw new RuntimeConfigError("config.json: explorerUrl is not an http(s) URL");
  return { explorerUrl: url(value, "explorerUrl") };
}

function maxContentBytes(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_MAX_CONTENT_BYTES;
  if (!Number.isInteger(value) || (value as number) < 256 || (value as number) > 1_048_576)
    throw new RuntimeConfigError("config.json: maxContentBytes is not an integer in 256..1048576");
  return value as number;
}

function challengeNodes(value: unknown): { challengeNodeUrls?: string[] } {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value) || value.length > 16) throw new RuntimeConfigError("config.json: challengeNodeUrls is not a list of at most 16 URLs");
  return { challengeNodeUrls: value.map((entry, i) => url(entry, `challengeNodeUrls[${i}]`)) };
}

function historyFallbackBlocks(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_HISTORY_FALLBACK_BLOCKS;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_HISTORY_FALLBACK_BLOCKS)
    throw new RuntimeConfigError(`config.json: historyFallbackBlocks is not an integer in 1..${MAX_HISTORY_FALLBACK_BLOCKS}`);
  return value as number;
}

/** Validates the parsed `config.json`. */
export function parseRuntimeConfig(raw: unknown): RuntimeConfig {
  if (typeof raw !== "object" || raw === null) throw new RuntimeConfigError("config.json: not an object");
  const value = raw as Record<string, unknown>;
  const contracts = (value.contracts ?? {}) as Record<string, unknown>;
  if (!Number.isInteger(value.chainId) || (value.chainId as number) <= 0) throw new RuntimeConfigError("config.json: chainId is not a positive integer");
  const deployBlock = value.deployBlock ?? 0;
  if (!Number.isInteger(deployBlock) || (deployBlock as number) < 0) throw new RuntimeConfigError("config.json: deployBlock is not a block number");
  return {
    chainId: value.chainId as number,
    rpcUrl: url(value.rpcUrl, "rpcUrl"),
    oracleUrl: url(value.oracleUrl, "oracleUrl"),
    contracts: {
      token: address(contracts.token, "contracts.token"),
      rewards: address(contracts.rewards, "contracts.rewards"),
      governor: address(contracts.governor, "contracts.governor"),
      timelock: address(contracts.timelock, "contracts.timelock"),
      ...(contracts.forwarder === undefined ? {} : { forwarder: address(contracts.forwarder, "contracts.forwarder") }),
      ...(contracts.challenges === undefined ? {} : { challenges: address(contracts.challenges, "contracts.challenges") }),
    },
    deployBlock: BigInt(deployBlock as number),
    ...walletConnect(value.walletConnectProjectId),
    ...explorer(value.explorerUrl),
    maxContentBytes: maxContentBytes(value.maxContentBytes),
    ...challengeNodes(value.challengeNodeUrls),
    historyFallbackBlocks: historyFallbackBlocks(value.historyFallbackBlocks),
    ...(value.indexerUrl === undefined || value.indexerUrl === null || value.indexerUrl === "" ? {} : { indexerUrl: url(value.indexerUrl, "indexerUrl") }),
  };
}

/** Loads the runtime configuration next to the app. */
export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  // The server sends it with `cache-control: no-store`; index.html preloads it, which this request reuses.
  const response = await fetchImpl("./config.json", { credentials: "same-origin" });
  if (!response.ok) throw new RuntimeConfigError(`config.json: HTTP ${response.status}`);
  return parseRuntimeConfig(await response.json());
}
