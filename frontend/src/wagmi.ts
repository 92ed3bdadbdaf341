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

export function createWagmiConfig(config: RuntimeConfig, vaultStore: VaultStore = appVaultStore()) {
  const chain = deploymentChain(config);
  const connectors: CreateConnectorFn[] = [
    injected({ shimDisconnect: true }),
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
    transports: { [chain.id]: http(config.rpcUrl) },
    pollingInterval: 1_000,
  });
}

export type CashKeyWagmiConfig = ReturnType<typeof createWagmiConfig>;

declare module "wagmi" {
  interface Register {
    config: CashKeyWagmiConfig;
  }
}
