import { defineChain } from "viem";
import { type CreateConnectorFn, createConfig, http, injected } from "wagmi";
import type { RuntimeConfig } from "./config/runtimeConfig";
import { DEV_CHAIN_ID, devConnector } from "./lib/devConnector";
import { embeddedWallet } from "./wallet/connector";
import { appVaultStore } from "./wallet/appVaultStore";
import type { VaultStore } from "./wallet/store";

/** The one chain of the deployment, built from the runtime configuration. */
export function deploymentChain(config: RuntimeConfig) {
  const local = config.chainId === DEV_CHAIN_ID;
  return defineChain({
    id: config.chainId,
    name: local ? "Local Hardhat chain" : `Chain ${config.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    testnet: local,
  });
}

/**
 * The connectors that exist only with some configuration, loaded on demand: WalletConnect's code is
 * fetched only when `/config.json` names a project id (docs/USERS.md "Connect"). When it cannot be
 * fetched (offline start of the installed app) the app starts without it.
 */
export async function optionalConnectors(
  config: RuntimeConfig,
  appUrl: string = globalThis.location?.href ?? "http://localhost/",
  load: () => Promise<typeof import("./wallet/walletConnect")> = () => import("./wallet/walletConnect"),
): Promise<CreateConnectorFn[]> {
  if (!config.walletConnectProjectId) return [];
  try {
    const { lazyWalletConnect } = await load();
    return [lazyWalletConnect({ projectId: config.walletConnectProjectId, appUrl })];
  } catch {
    return [];
  }
}

export function createWagmiConfig(config: RuntimeConfig, vaultStore: VaultStore = appVaultStore(), extraConnectors: CreateConnectorFn[] = []) {
  const chain = deploymentChain(config);
  const connectors: CreateConnectorFn[] = [
    injected({ shimDisconnect: true }),
    ...extraConnectors,
    // The embedded wallet is unlocked in its own panel (EmbeddedWalletPanel), never through a prompt.
    embeddedWallet({
      store: vaultStore,
      rpcUrl: config.rpcUrl,
      chainId: config.chainId,
      askPassphrase: () => Promise.reject(new Error("Unlock the CashKey wallet with its passphrase first.")),
    }),
  ];
  // The development connector exists only on the local chain.
  if (config.chainId === DEV_CHAIN_ID) connectors.push(devConnector({ rpcUrl: config.rpcUrl, chainId: config.chainId }));
  return createConfig({
    chains: [chain],
    connectors,
    // The reads of one render go out as one JSON-RPC batch; the head is polled once a second
    // (useRefreshOnNewBlock), and every chain read refreshes when it moves.
    transports: { [chain.id]: http(config.rpcUrl, { batch: true }) },
    pollingInterval: 1_000,
  });
}

export type CashKeyWagmiConfig = ReturnType<typeof createWagmiConfig>;

declare module "wagmi" {
  interface Register {
    config: CashKeyWagmiConfig;
  }
}
