/**
 * `/config.json`, the dApp's runtime configuration as JSON (binding: written by
 * `scripts/lib/frontendServer.ts` from `deployments/<chainId>.json`, validated in the browser by
 * `frontend/src/config/runtimeConfig.ts`). Types only, so that importing it adds nothing to the bundle.
 */
export interface FrontendRuntimeConfig {
  chainId: number;
  rpcUrl: string;
  oracleUrl: string;
  contracts: { token: string; rewards: string; governor: string; timelock: string; forwarder?: string };
  /** The block the dApp starts its log scans from. */
  deployBlock: number;
  /** WalletConnect Cloud project id (32 hex digits); absent, the app offers no WalletConnect. */
  walletConnectProjectId?: string;
}
