/**
 * The dApp's build and its static server. The server serves `frontend/dist` and `/config.json`, the
 * runtime configuration (chain, RPC URL, oracle URL, contract addresses) the app loads at startup, so
 * one build serves any deployment.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { type DeploymentRecord, parseDeploymentJson } from "../../oracle/src/protocol/deployment";
import type { FrontendRuntimeConfig } from "../../oracle/src/protocol/frontendConfig";
import { writeFrontendAbis } from "./frontendAbis";
import { frontendApp } from "./frontendApp";

/** `frontend/public/config.json` and what the server answers at `/config.json`. */
export function frontendRuntimeConfig(
  record: DeploymentRecord,
  rpcUrl: string,
  oracleUrl: string,
  walletConnectProjectId: string | undefined = process.env.CASHKEY_WALLETCONNECT_PROJECT_ID,
  env: NodeJS.ProcessEnv = process.env,
): FrontendRuntimeConfig {
  const maxContentBytes = env.CASHKEY_ORACLE_MAX_CONTENT_BYTES ? Number(env.CASHKEY_ORACLE_MAX_CONTENT_BYTES) : undefined;
  const historyFallbackBlocks = env.CASHKEY_HISTORY_FALLBACK_BLOCKS ? Number(env.CASHKEY_HISTORY_FALLBACK_BLOCKS) : undefined;
  return {
    chainId: record.chainId,
    rpcUrl,
    oracleUrl,
    contracts: {
      token: record.token,
      rewards: record.rewards,
      governor: record.governor,
      timelock: record.timelock,
      ...(record.forwarder === undefined ? {} : { forwarder: record.forwarder }),
      ...(record.challenges === undefined ? {} : { challenges: record.challenges }),
    },
    deployBlock: record.deployBlock,
    ...(walletConnectProjectId ? { walletConnectProjectId } : {}),
    ...(env.CASHKEY_EXPLORER_URL ? { explorerUrl: env.CASHKEY_EXPLORER_URL } : {}),
    ...(maxContentBytes !== undefined ? { maxContentBytes } : {}),
    ...(env.CASHKEY_INDEXER_URL ? { indexerUrl: env.CASHKEY_INDEXER_URL } : {}),
    ...(env.CASHKEY_CHALLENGE_NODE_URLS !== undefined
      ? {
          challengeNodeUrls: env.CASHKEY_CHALLENGE_NODE_URLS.split(",")
            .map((u) => u.trim())
            .filter((u) => u !== ""),
        }
      : {}),
    ...(historyFallbackBlocks !== undefined ? { historyFallbackBlocks } : {}),
  };
}

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Generates the ABIs and builds `frontend/dist` with Vite, unless the build is newer than every source. */
export async function buildFrontend(hre: HardhatRuntimeEnvironment, { force = false } = {}): Promise<string> {
  const root = hre.config.paths.root;
  const frontend = path.join(root, "frontend");
  const dist = path.join(frontend, "dist");
  await hre.run("compile", { quiet: true });
  await writeFrontendAbis(hre);
  const sources = [
    ...["src", "public", "index.html", "vite.config.mts", "tsconfig.json"].map((p) => path.join(frontend, p)),
    // The shared protocol module is part of the bundle; a dependency update changes the lock file.
    path.join(root, "oracle", "src", "protocol"),
    path.join(root, "package-lock.json"),
  ].map(newestMtime);
  const built = newestMtime(path.join(dist, "index.html"));
  if (!force && built > 0 && built >= Math.max(...sources)) return dist;
  const vite = path.join(root, "node_modules", "vite", "bin", "vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--config", path.join(frontend, "vite.config.mts"), "--logLevel", "warn"], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error(`frontend build failed (vite exited with ${result.status ?? result.signal})`);
  return dist;
}

export interface FrontendServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `dist` and the runtime config on `hostname:port` (0: any free port): see frontendApp.ts. */
export async function serveFrontend(options: {
  dist: string;
  /** The runtime configuration, or a function read on every request (when it is known only later). */
  config: FrontendRuntimeConfig | (() => FrontendRuntimeConfig);
  hostname?: string;
  port?: number;
}): Promise<FrontendServer> {
  const { config } = options;
  const app = frontendApp(options.dist, typeof config === "function" ? config : () => config);
  const server = createAdaptorServer({ fetch: app.fetch }) as http.Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.hostname ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The origins the app is served from, for the oracle's CORS list. */
export function frontendOrigins(hostname: string, port: number): string {
  const origins = [`http://${hostname}:${port}`];
  if (hostname === "127.0.0.1") origins.push(`http://localhost:${port}`);
  return origins.join(",");
}

/**
 * `npm start`'s frontend: builds it when a source is newer than the build, then serves it with the
 * runtime configuration of `deployments/<chainId>.json`.
 */
export async function startFrontend(
  hre: HardhatRuntimeEnvironment,
  options: { hostname: string; port: number; rpcUrl: string; oracleUrl: string; deploymentFile: string },
): Promise<FrontendServer> {
  const dist = await buildFrontend(hre);
  const record = parseDeploymentJson(fs.readFileSync(options.deploymentFile, "utf8"), options.deploymentFile);
  return serveFrontend({
    dist,
    hostname: options.hostname,
    port: options.port,
    config: frontendRuntimeConfig(record, options.rpcUrl, options.oracleUrl),
  });
}
