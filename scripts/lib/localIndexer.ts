/**
 * The indexer in `npm start`: Ponder (`indexer/`, its own npm package) as a child process on embedded
 * PGlite under `data/local/indexer`, reset on every start as the chain is. Optional: when the indexer's
 * dependencies are not installed (`npm ci --prefix indexer`), or it fails to start, the stack runs
 * without it and says so. The child's output goes to `data/local/indexer.log`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export interface LocalIndexer {
  url: string;
  stop(): Promise<void>;
}

export interface LocalIndexerOptions {
  root: string;
  hostname: string;
  /** 0: any free port, the one the server holds is read back (indexer/scripts/report-port.mjs). */
  port: number;
  rpcUrl: string;
  deploymentFile: string;
  nodeUrls: string[];
  dataDir: string;
  log: (line: string) => void;
}

export async function startLocalIndexer(options: LocalIndexerOptions): Promise<LocalIndexer | undefined> {
  const indexerDir = path.join(options.root, "indexer");
  const ponder = path.join(indexerDir, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");
  if (!fs.existsSync(ponder)) {
    options.log("indexer: not installed (run `npm ci --prefix indexer`); Explore is off");
    return undefined;
  }
  const abis = spawnSync(process.execPath, [path.join(indexerDir, "scripts", "abis.mjs")], { encoding: "utf8" });
  if (abis.status !== 0) {
    options.log(`indexer: ABIs not generated (${abis.stderr.trim()}); Explore is off`);
    return undefined;
  }
  const pgliteDir = path.join(options.dataDir, "indexer");
  fs.rmSync(pgliteDir, { recursive: true, force: true });
  fs.mkdirSync(options.dataDir, { recursive: true });
  const portFile = path.join(options.dataDir, "indexer-port.json");
  fs.rmSync(portFile, { force: true });
  const log = fs.openSync(path.join(options.dataDir, "indexer.log"), "w");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CASHKEY_RPC_URL: options.rpcUrl,
    CASHKEY_DEPLOYMENT_FILE: options.deploymentFile,
    CASHKEY_INDEXER_NODE_URLS: options.nodeUrls.join(","),
    CASHKEY_INDEXER_PGLITE_DIR: pgliteDir,
    CASHKEY_INDEXER_PORT_FILE: portFile,
    PONDER_TELEMETRY_DISABLED: "true",
  };
  // The local stack always runs on PGlite; PostgreSQL is for a deployed indexer (docs/INDEXER.md).
  delete env.DATABASE_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      `file://${path.join(indexerDir, "scripts", "report-port.mjs")}`,
      ponder,
      "start",
      "--root",
      indexerDir,
      "--port",
      String(options.port),
      "--hostname",
      options.hostname,
      "--schema",
      "cashkey",
      "--log-format",
      "json",
    ],
    { cwd: indexerDir, env, stdio: ["ignore", log, log] },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exit;
      clearTimeout(killer);
    }
    fs.closeSync(log);
  };
  const giveUpAt = Date.now() + 90_000;
  while (!fs.existsSync(portFile)) {
    if (exited || Date.now() > giveUpAt) {
      await stop();
      options.log(`indexer: did not start (see ${path.relative(options.root, path.join(options.dataDir, "indexer.log"))}); Explore is off`);
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { port } = JSON.parse(fs.readFileSync(portFile, "utf8")) as { port: number };
  return { url: `http://${options.hostname}:${port}`, stop };
}
