/**
 * The indexer's chain, contracts and database, all from the environment:
 * - CASHKEY_DEPLOYMENT_FILE: the deployment record (default ../deployments/31337.json, what `npm start` writes);
 * - CASHKEY_RPC_URL: the chain's JSON-RPC endpoint (default http://127.0.0.1:8545);
 * - DATABASE_URL: PostgreSQL when set; otherwise embedded PGlite in CASHKEY_INDEXER_PGLITE_DIR
 *   (default ../data/local/indexer).
 * See docs/INDEXER.md.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createConfig } from "ponder";
import { challengesAbi, governorAbi, rewardsAbi, tokenAbi } from "./abis/generated";

const here = path.dirname(fileURLToPath(import.meta.url));

interface DeploymentRecord {
  chainId: number;
  token: `0x${string}`;
  rewards: `0x${string}`;
  governor: `0x${string}`;
  /** Absent in records written before Rewards 1.3.0: then no challenge is indexed. */
  challenges?: `0x${string}`;
  deployBlock: number;
}

const deploymentFile = process.env.CASHKEY_DEPLOYMENT_FILE ?? path.join(here, "..", "deployments", "31337.json");
if (!fs.existsSync(deploymentFile)) throw new Error(`indexer: no deployment record at ${deploymentFile} (set CASHKEY_DEPLOYMENT_FILE)`);
const deployment = JSON.parse(fs.readFileSync(deploymentFile, "utf8")) as DeploymentRecord;

const chain = {
  id: deployment.chainId,
  rpc: process.env.CASHKEY_RPC_URL ?? "http://127.0.0.1:8545",
  pollingInterval: Number(process.env.CASHKEY_INDEXER_POLL_MS ?? 1_000),
  // Providers refuse wider eth_getLogs ranges; never ask for more.
  ethGetLogsBlockRange: Number(process.env.CASHKEY_INDEXER_LOGS_RANGE ?? 10_000),
  // A local chain is restarted from scratch under the same id: cached RPC results would be stale.
  disableCache: deployment.chainId === 31337,
};

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.CASHKEY_INDEXER_PGLITE_DIR ?? path.join(here, "..", "data", "local", "indexer") },
  chains: { cashkey: chain },
  contracts: {
    Rewards: { chain: "cashkey", abi: rewardsAbi, address: deployment.rewards, startBlock: deployment.deployBlock },
    CashKeyToken: { chain: "cashkey", abi: tokenAbi, address: deployment.token, startBlock: deployment.deployBlock },
    CashKeyGovernor: { chain: "cashkey", abi: governorAbi, address: deployment.governor, startBlock: deployment.deployBlock },
    // Ponder needs every contract with handlers configured; without a Challenges record it watches the zero address (no logs).
    Challenges: {
      chain: "cashkey",
      abi: challengesAbi,
      address: deployment.challenges ?? "0x0000000000000000000000000000000000000000",
      startBlock: deployment.deployBlock,
    },
  },
});
