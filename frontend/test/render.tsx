import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { type Address, defineChain } from "viem";
import { type CreateConnectorFn, WagmiProvider, createConfig, http, mock } from "wagmi";
import { RuntimeConfigContext } from "../src/config/context";
import { type RuntimeConfig, parseRuntimeConfig } from "../src/config/runtimeConfig";
import { createWagmiConfig } from "../src/wagmi";

export const ACCOUNT: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

export function runtimeConfig(chainId = 31337): RuntimeConfig {
  return parseRuntimeConfig({
    chainId,
    // Nothing listens here: reads fail fast, which these tests do not depend on.
    rpcUrl: "http://127.0.0.1:9/",
    oracleUrl: "http://127.0.0.1:9",
    contracts: {
      token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      rewards: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      governor: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
      timelock: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
    },
    deployBlock: 0,
  });
}

/** The app's own wagmi config, or one with a mock wallet connected to `walletChainId`. */
export function wagmiConfigFor(runtime: RuntimeConfig, walletChainId?: number) {
  if (walletChainId === undefined) return createWagmiConfig(runtime);
  const chain = defineChain({
    id: runtime.chainId,
    name: "test",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [runtime.rpcUrl] } },
  });
  const other = defineChain({ ...chain, id: walletChainId, name: "other" });
  const chains = walletChainId === runtime.chainId ? ([chain] as const) : ([chain, other] as const);
  const connectors: CreateConnectorFn[] = [mock({ accounts: [ACCOUNT], features: { reconnect: true } })];
  return createConfig({
    chains: chains as never,
    connectors,
    transports: Object.fromEntries(chains.map((c) => [c.id, http(runtime.rpcUrl, { retryCount: 0 })])),
  });
}

export function renderWithProviders(
  ui: ReactNode,
  runtime: RuntimeConfig,
  wagmiConfig = wagmiConfigFor(runtime),
  queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } }),
) {
  return render(
    <RuntimeConfigContext.Provider value={runtime}>
      <WagmiProvider config={wagmiConfig}>
        <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>
      </WagmiProvider>
    </RuntimeConfigContext.Provider>,
  );
}
