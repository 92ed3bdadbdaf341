/**
 * `npm start`: the local CashKey stack on loopback. A Hardhat chain served over JSON-RPC, the contracts
 * deployed through `deployCashKey` with a local oracle operator (threshold 1), `deployments/31337.json`
 * written, and that operator's oracle node (heuristic scorer) running in this process; then it runs
 * until Ctrl-C.
 *
 * Environment: CASHKEY_HOST (default 127.0.0.1), CASHKEY_CHAIN_PORT (default 8545), CASHKEY_ORACLE_PORT
 * (default 8701), CASHKEY_FRONTEND_PORT (default 5173) and the other CASHKEY_ORACLE_* settings of
 * docs/OPERATORS.md. The dApp is built when needed and served on the frontend port.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { loadConfig } from "../oracle/src/config";
import { createKeystore, loadOperatorKey } from "../oracle/src/keys";
import { OracleNode } from "../oracle/src/node";
import { deployCashKey } from "./deploy";
import { frontendOrigins, startFrontend } from "./lib/frontendServer";

interface JsonRpcServerLike {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

/**
 * LOCAL DEVELOPMENT ONLY. The local operator's keystore is encrypted with this fixed, public password
 * so that `npm start` needs no setup; it guards nothing. Never fund or register this key on a real
 * network (docs/OPERATORS.md, Keys, says how to make a real one).
 */
const LOCAL_DEV_KEYSTORE_PASSWORD = "cashkey-local-dev-only";
/** A cheap scrypt cost: this keystore's password is public anyway. */
const LOCAL_DEV_SCRYPT_N = 2 ** 14;

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}: "${raw}" is not a TCP port`);
  }
  return value;
}

/** The local operator's key, created under data/local/ on the first start and kept across starts. */
async function localOperatorKey(dataDir: string) {
  const keystore = path.join(dataDir, "operator-keystore.json");
  if (!fs.existsSync(keystore)) await createKeystore(keystore, LOCAL_DEV_KEYSTORE_PASSWORD, { scryptN: LOCAL_DEV_SCRYPT_N });
  return loadOperatorKey(keystore, LOCAL_DEV_KEYSTORE_PASSWORD);
}

async function main(): Promise<void> {
  if (hre.network.name !== "hardhat") throw new Error("npm start runs its own chain; do not pass --network");
  const hostname = process.env.CASHKEY_HOST ?? "127.0.0.1";
  const chainPort = port("CASHKEY_CHAIN_PORT", 8545);
  const oraclePort = port("CASHKEY_ORACLE_PORT", 8701);
  const root = hre.config.paths.root;
  const frontendPort = port("CASHKEY_FRONTEND_PORT", 5173);
  // The oracle nodes read their settings from the environment: let them answer the app's origin.
  process.env.CASHKEY_ORACLE_CORS_ORIGINS ??= frontendOrigins(hostname, frontendPort);
  const dataDir = path.join(root, "data", "local");

  const server = (await hre.run(TASK_NODE_CREATE_SERVER, {
    hostname,
    port: chainPort,
    provider: hre.network.provider,
  })) as JsonRpcServerLike;
  const { address, port: actualPort } = await server.listen();
  const rpcUrl = `http://${address}:${actualPort}`;

  const operatorKey = await localOperatorKey(dataDir);
  const { token, rewards, governor, timelock } = await deployCashKey(hre, { operators: [operatorKey.address], threshold: 1 });
  const [deployer] = await hre.ethers.getSigners();

  const nodeDir = path.join(dataDir, `oracle-${oraclePort}`);
  // The chain is new on every start, so is the node's database (the keystore stays).
  fs.rmSync(nodeDir, { recursive: true, force: true });
  const config = loadConfig({
    env: {
      CASHKEY_ORACLE_HOST: hostname,
      CASHKEY_ORACLE_LOG_LEVEL: "warn",
      ...process.env,
      CASHKEY_ORACLE_PORT: String(oraclePort),
      CASHKEY_ORACLE_RPC_URL: rpcUrl,
      CASHKEY_ORACLE_DEPLOYMENT_FILE: path.join(root, "deployments", "31337.json"),
      CASHKEY_ORACLE_DATA_DIR: nodeDir,
      CASHKEY_ORACLE_SCORER: "heuristic",
    },
  });
  const oracle = new OracleNode({ config, operatorKey });
  await oracle.start();
  const frontend = await startFrontend(hre, {
    hostname,
    port: frontendPort,
    rpcUrl,
    oracleUrl: oracle.url,
    deploymentFile: path.join(root, "deployments", "31337.json"),
  });

  console.log(
    [
      "",
      "CashKey local stack is running.",
      `  app       ${frontend.url}  (the dApp; "Connect local dev account" uses the node's unlocked accounts)`,
      `  chain     ${rpcUrl}  (chainId 31337)`,
      `  oracle    ${oracle.url}  (heuristic scorer; API docs at ${oracle.url}/v1/openapi.json)`,
      `  token     ${await token.getAddress()}`,
      `  rewards   ${await rewards.getAddress()}`,
      `  governor  ${await governor.getAddress()}`,
      `  timelock  ${await timelock.getAddress()}`,
      `  deployer  ${deployer.address} (genesis supply holder)`,
      `  operator  ${oracle.operatorAddress} (threshold 1; local dev keystore in data/local/, not for real networks)`,
      `  deployment written to deployments/31337.json`,
      "",
      "Status: npx hardhat cashkey:status --network localhost",
      `        CASHKEY_ORACLE_DATA_DIR=${path.relative(root, nodeDir)} npm run oracle -- status --url ${oracle.url}`,
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );

  const stop = async () => {
    await frontend.close();
    await oracle.stop();
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
