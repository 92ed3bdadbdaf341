/**
 * `/config.json`, the dApp's runtime configuration as JSON (binding: written by
 * `scripts/lib/frontendServer.ts` from `deployments/<chainId>.json`, validated in the browser by
 * `frontend/src/config/runtimeConfig.ts`). Types only, so that importing it adds nothing to the bundle.
 */
export interface FrontendRuntimeConfig {
  chainId: number;
  rpcUrl: string;
  oracleUrl: string;
  contracts: { token: string; rewards: string; governor: string; timelock: string; forwarder?: string; challenges?: string };
  /** The deployment's first block: the dApp's bounded history reads (no indexer) never start before it. */
  deployBlock: number;
  /** WalletConnect Cloud project id (32 hex digits); absent, the app offers no WalletConnect. */
  walletConnectProjectId?: string;
  /** A block explorer's base URL (`https://basescan.org`, from CASHKEY_EXPLORER_URL): transactions link to `<explorerUrl>/tx/<hash>`; absent, no links. */
  explorerUrl?: string;
  /** The oracle node's upload limit in bytes (the whole JSON body; the oracle's own CASHKEY_ORACLE_MAX_CONTENT_BYTES); the node's default when absent. */
  maxContentBytes?: number;
  /** The indexer's HTTP API (docs/INDEXER.md, from CASHKEY_INDEXER_URL); absent, Explore says so. */
  indexerUrl?: string;
  /**
   * Nodes the dApp sends a challenger's reason text to after `Challenges.open` (best effort, checked by
   * them against the on-chain reasonHash; from CASHKEY_CHALLENGE_NODE_URLS, comma-separated). Absent: the
   * oracle node (`oracleUrl`); empty: the text is not sent anywhere.
   */
  challengeNodeUrls?: string[];
  /**
   * How many of the latest blocks the dApp reads history from when the indexer is unreachable or not
   * configured (1..10000, from CASHKEY_HISTORY_FALLBACK_BLOCKS; public providers refuse `eth_getLogs`
   * over wider ranges); 5,000 when absent. docs/INDEXER.md "The dApp".
   */
  historyFallbackBlocks?: number;
}
