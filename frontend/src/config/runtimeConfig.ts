import { type Address, getAddress, isAddress } from "viem";

/** What the server answers at `/config.json` (written by `scripts/lib/frontendServer.ts` from `deployments/<chainId>.json`). */
export interface RuntimeConfig {
  chainId: number;
  rpcUrl: string;
  oracleUrl: string;
  contracts: { token: Address; rewards: Address; governor: Address; timelock: Address; forwarder?: Address };
  deployBlock: bigint;
  /** WalletConnect Cloud project id (32 hex digits); absent, the app offers no WalletConnect. */
  walletConnectProjectId?: string;
  /** The indexer's HTTP API (docs/INDEXER.md); absent, Explore says so. */
  indexerUrl?: string;
}

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
    },
    deployBlock: BigInt(deployBlock as number),
    ...walletConnect(value.walletConnectProjectId),
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
