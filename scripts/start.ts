/**
 * `npm start`: the local CashKey stack on loopback. A Hardhat chain served over JSON-RPC, the contracts
 * deployed through `deployCashKey` with three local oracle operators (threshold 2),
 * `deployments/31337.json` written, and the three operators' oracle nodes (heuristic scorer) running in
 * this process, each with the other two as peers; then it runs until Ctrl-C.
 *
 * Environment: CASHKEY_HOST (default 127.0.0.1), CASHKEY_CHAIN_PORT (default 8545), CASHKEY_ORACLE_PORTS
 * (default 8701,8702,8703; CASHKEY_ORACLE_PORT sets the first), and the other CASHKEY_ORACLE_* settings
 * of docs/OPERATORS.md (applied to every node), CASHKEY_FRONTEND_PORT (default 5173; the dApp is built when
 * needed and served there), CASHKEY_FUNCTIONS=1 (the Chainlink Functions verifier, docs/FUNCTIONS.md) and
 * CASHKEY_INDEXER_PORT (default 42069: the indexer, when `npm ci --prefix indexer` installed it; docs/INDEXER.md).
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { type Signer, Wallet, parseEther } from "ethers";
import { loadConfig } from "../oracle/src/config";
import { createKeystore, loadOperatorKey } from "../oracle/src/keys";
import { OracleNode } from "../oracle/src/node";
import { relaySettingsFromEnv } from "../oracle/src/relay/config";
import { PortInUseError, explainBusyPort } from "../oracle/src/apiServer";
import { deployCashKey } from "./deploy";
import { startChainServer } from "./lib/chainServer";
import { nodeStatusCommand, resetLocalNodeDir, statusCommand } from "./lib/localStack";
import { frontendOrigins, startFrontend } from "./lib/frontendServer";
import { startLocalIndexer } from "./lib/localIndexer";

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

/** Local operator `n`'s key, created under data/local/ on the first start and kept across starts. */
async function localOperatorKey(keysDir: string, n: number) {
  const keystore = path.join(keysDir, n === 1 ? "operator-keystore.json" : `operator-${n}-keystore.json`);
  if (!fs.existsSync(keystore)) await createKeystore(keystore, LOCAL_DEV_KEYSTORE_PASSWORD, { scryptN: LOCAL_DEV_SCRYPT_N });
  return loadOperatorKey(keystore, LOCAL_DEV_KEYSTORE_PASSWORD);
}

/** Relaying for the local stack: a new relayer key funded with 100 ETH by the deployer (settings in docs/OPERATORS.md). */
async function localRelaySettings(funder: Signer, operator: string) {
  const relayerKey = Wallet.createRandom();
  await (await funder.sendTransaction({ to: relayerKey.address, value: parseEther("100") })).wait();
  return relaySettingsFromEnv({ ...process.env, CASHKEY_ORACLE_RELAYER_KEY: relayerKey.privateKey }, operator);
}

/** CASHKEY_ORACLE_PORTS (comma-separated), else CASHKEY_ORACLE_PORT and the next two, else 8701-8703. */
function oraclePortsFromEnv(): number[] {
  const list = process.env.CASHKEY_ORACLE_PORTS;
  if (list !== undefined && list !== "") {
    const ports = list.split(",").map((raw) => {
      const value = Number(raw.trim());
      if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`CASHKEY_ORACLE_PORTS: "${raw}" is not a TCP port`);
      return value;
    });
    if (new Set(ports).size !== ports.length) throw new Error("CASHKEY_ORACLE_PORTS: a port is repeated");
    return ports;
  }
  const first = port("CASHKEY_ORACLE_PORT", 8701);
  return [first, first + 1, first + 2];
}

async function main(): Promise<void> {
  if (hre.network.name !== "hardhat") throw new Error("npm start runs its own chain; do not pass --network");
  const hostname = process.env.CASHKEY_HOST ?? "127.0.0.1";
  const chainPort = port("CASHKEY_CHAIN_PORT", 8545);
  const oraclePorts = oraclePortsFromEnv();
  const root = hre.config.paths.root;
  const frontendPort = port("CASHKEY_FRONTEND_PORT", 5173);
  // The oracle nodes read their settings from the environment: let them answer the app's origin.
  process.env.CASHKEY_ORACLE_CORS_ORIGINS ??= frontendOrigins(hostname, frontendPort);
  const keysDir = path.join(root, "data", "local");

  const server = await startChainServer(hre, { hostname, port: chainPort, setting: "CASHKEY_CHAIN_PORT" });
  const rpcUrl = server.url;

  const operatorKeys = [];
  for (let n = 1; n <= oraclePorts.length; n++) operatorKeys.push(await localOperatorKey(keysDir, n));
  const threshold = Math.min(2, operatorKeys.length);
  const { token, rewards, governor, timelock } = await deployCashKey(hre, { operators: operatorKeys.map((k) => k.address), threshold });
  const [deployer] = await hre.ethers.getSigners();
  // CASHKEY_FUNCTIONS=1: the Chainlink Functions verifier co-signs every batch (threshold: every node and the verifier; docs/FUNCTIONS.md).
  // Loaded only when asked for: the Functions toolkit's eccrypto prints "secp256k1 unavailable" when it
  // loads, as its native addon is not built (package.json denies its install script; the JS code is used).
  const functions =
    process.env.CASHKEY_FUNCTIONS === "1"
      ? await (
          await import("./lib/startFunctions")
        ).startLocalFunctions(hre, {
          rpcUrl,
          rewards: await rewards.getAddress(),
          timelock: await timelock.getAddress(),
          logsFromBlock: 0,
          threshold: operatorKeys.length + 1,
          log: console.log,
        })
      : undefined;

  const oracles: OracleNode[] = [];
  for (const [i, operatorKey] of operatorKeys.entries()) {
    const oraclePort = oraclePorts[i];
    const nodeDir = resetLocalNodeDir(root, oraclePort);
    const peers = oraclePorts.filter((p) => p !== oraclePort).map((p) => `http://${hostname}:${p}`);
    const config = loadConfig({
      env: {
        CASHKEY_ORACLE_HOST: hostname,
        CASHKEY_ORACLE_LOG_LEVEL: "warn",
        CASHKEY_ORACLE_PEERS: peers.join(","),
        ...process.env,
        CASHKEY_ORACLE_PORT: String(oraclePort),
        CASHKEY_ORACLE_RPC_URL: rpcUrl,
        CASHKEY_ORACLE_DEPLOYMENT_FILE: path.join(root, "deployments", "31337.json"),
        CASHKEY_ORACLE_DATA_DIR: nodeDir,
        CASHKEY_ORACLE_SCORER: "heuristic",
        ...(functions && { CASHKEY_ORACLE_FUNCTIONS_VERIFIER: functions.verifier }),
      },
    });
    // One process runs the chain, the servers and every node: its CPU, memory and event-loop figures
    // belong to none of them, so no node exports them (a node run alone, `npm run oracle`, does).
    // The node the dApp talks to relays gasless submit and claim, paying from a fresh funded key of its own.
    const relay = i === 0 ? await localRelaySettings(deployer, operatorKey.address) : undefined;
    const oracle = new OracleNode({ config, operatorKey, processMetrics: false, ...(relay && { relay }) });
    await oracle.start().catch((error: unknown) => {
      throw error instanceof PortInUseError ? new PortInUseError(error.host, error.port, "CASHKEY_ORACLE_PORT (or CASHKEY_ORACLE_PORTS)") : error;
    });
    oracles.push(oracle);
  }
  const deploymentFile = path.join(root, "deployments", "31337.json");
  // Optional: without its dependencies the stack runs as before and says so.
  const indexer = await startLocalIndexer({
    root,
    hostname,
    port: port("CASHKEY_INDEXER_PORT", 42069),
    rpcUrl,
    deploymentFile,
    nodeUrls: oracles.map((o) => o.url),
    dataDir: keysDir,
    log: console.log,
  });
  // The dApp's config.json names it (unless CASHKEY_INDEXER_URL already names another).
  if (indexer) process.env.CASHKEY_INDEXER_URL ??= indexer.url;
  const frontend = await startFrontend(hre, {
    hostname,
    port: frontendPort,
    rpcUrl,
    oracleUrl: oracles[0].url,
    deploymentFile,
  }).catch((error: unknown) => {
    throw explainBusyPort(error, hostname, frontendPort, "CASHKEY_FRONTEND_PORT");
  });

  console.log(
    [
      "",
      "CashKey local stack is running.",
      `  app       ${frontend.url}  (the dApp; "Connect local dev account" uses the node's unlocked accounts)`,
      `  chain     ${rpcUrl}  (chainId 31337)`,
      ...oracles.map((o, i) => `  oracle ${i + 1}  ${o.url}  operator ${o.operatorAddress}`),
      `            (heuristic scorer, threshold ${threshold} of ${oracles.length}; API docs at ${oracles[0].url}/v1/openapi.json)`,
      ...(indexer ? [`  indexer   ${indexer.url}  (history and search for Explore; PGlite in data/local/indexer, log in data/local/indexer.log)`] : []),
      `  token     ${await token.getAddress()}`,
      `  rewards   ${await rewards.getAddress()}`,
      `  governor  ${await governor.getAddress()}`,
      `  timelock  ${await timelock.getAddress()}`,
      `  deployer  ${deployer.address} (genesis supply holder)`,
      `  keys      local dev keystores in data/local/ (public password: not for real networks)`,
      `  deployment written to deployments/31337.json`,
      ...(functions?.lines ?? []),
      "",
      `Status: ${statusCommand(rpcUrl)}`,
      `        npm run oracle -- peers --url ${oracles[0].url}`,
      `        ${nodeStatusCommand(oracles[0].url, oraclePorts[0])}`,
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );

  const stop = async () => {
    await frontend.close();
    await indexer?.stop();
    for (const oracle of oracles) await oracle.stop();
    await functions?.stop();
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  // A busy port: one line naming it and the variable that moves it.
  const message = error instanceof PortInUseError ? error.shortMessage : error instanceof Error ? error.message : String(error);
  console.error(`npm start: ${message}`);
  process.exit(1);
});
