/**
 * The indexer under test: Ponder (`indexer/`, its own npm package) started as a child process with
 * `ponder start` against the in-process Hardhat chain served on loopback, on embedded PGlite in a temp
 * dir, or on PostgreSQL in a schema of its own when DATABASE_URL is set.
 *
 * Ports: Ponder is started with `--port 0`, so the kernel picks a free port when the server binds and
 * nothing can take it in between; `indexer/scripts/report-port.mjs` (preloaded) writes the port the
 * server actually holds to a file, which the harness reads. Nothing picks a port first and binds later.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { waitUntil } from "../oracle/chain/rpcProxy";

export const INDEXER_DIR = path.join(__dirname, "..", "..", "indexer");
const PONDER_BIN = path.join(INDEXER_DIR, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");

export type IndexerDatabase = "pglite" | "postgres";

export interface IndexerOptions {
  /** postgres: the server at DATABASE_URL, in a schema of this run's own. */
  database: IndexerDatabase;
  rpcUrl: string;
  deploymentFile: string;
  nodeUrls: string[];
  /** Scratch space for PGlite and the port file. */
  dir: string;
  env?: Record<string, string>;
}

export interface RunningIndexer {
  url: string;
  /** The database schema Ponder writes (PostgreSQL: dropped by `stop`). */
  schema: string;
  logs: string[];
  // The tests read the JSON of many endpoints field by field and assert each value.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get(pathAndQuery: string): Promise<{ status: number; body: any; headers: Headers }>;
  /** Waits until every block up to `blockNumber` is indexed. */
  waitForBlock(blockNumber: number, limitMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function indexerInstalled(): boolean {
  return fs.existsSync(PONDER_BIN);
}

/** Writes indexer/abis/generated.ts from the artifacts (compiled by `hardhat test`). */
export function generateIndexerAbis(): void {
  const result = spawnSync(process.execPath, [path.join(INDEXER_DIR, "scripts", "abis.mjs")], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`indexer ABIs: ${result.stderr}`);
}

export async function startIndexer(options: IndexerOptions): Promise<RunningIndexer> {
  if (!indexerInstalled()) throw new Error("the indexer's dependencies are missing: run `npm ci --prefix indexer`");
  generateIndexerAbis();
  const portFile = path.join(options.dir, "indexer-port.json");
  const { database } = options;
  if (database === "postgres" && !process.env.DATABASE_URL) throw new Error("the PostgreSQL run needs DATABASE_URL");
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Ponder's config takes PostgreSQL whenever DATABASE_URL is set.
  if (database === "pglite") delete env.DATABASE_URL;
  // A schema per run, so runs on one PostgreSQL server never meet (Ponder caps names at 45 characters).
  const schema = `cashkey_test_${process.pid}_${Date.now().toString(36)}`;
  const logs: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      pathToImport(path.join(INDEXER_DIR, "scripts", "report-port.mjs")),
      PONDER_BIN,
      "start",
      "--root",
      INDEXER_DIR,
      "--port",
      "0",
      "--hostname",
      "127.0.0.1",
      "--schema",
      schema,
      "--log-format",
      "json",
    ],
    {
      cwd: INDEXER_DIR,
      env: {
        ...env,
        CASHKEY_RPC_URL: options.rpcUrl,
        CASHKEY_DEPLOYMENT_FILE: options.deploymentFile,
        CASHKEY_INDEXER_NODE_URLS: options.nodeUrls.join(","),
        CASHKEY_INDEXER_PGLITE_DIR: path.join(options.dir, "pglite"),
        CASHKEY_INDEXER_POLL_MS: "100",
        CASHKEY_INDEXER_PORT_FILE: portFile,
        PONDER_TELEMETRY_DISABLED: "true",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // Ponder logs whole ABIs with some errors: keep each line short.
  const keep = (chunk: Buffer) =>
    logs.push(
      ...chunk
        .toString()
        .split("\n")
        .filter((line) => line.length > 0)
        .map((line) => line.slice(0, 1_000)),
    );
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      exited = code ?? -1;
      resolve();
    }),
  );

  const stop = async () => {
    if (exited === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(killer);
    }
    if (database === "postgres") dropSchema(schema);
  };

  try {
    await waitUntil(() => exited !== null || fs.existsSync(portFile), "the indexer's HTTP server", 90_000);
    if (exited !== null) throw new Error(`the indexer exited (${exited}):\n${logs.slice(-30).join("\n")}`);
  } catch (error) {
    await stop();
    throw error;
  }
  const { port } = JSON.parse(fs.readFileSync(portFile, "utf8")) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const get = async (pathAndQuery: string) => {
    const response = await fetch(`${url}${pathAndQuery}`);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (Ponder's /ready answers text): keep the text.
    }
    return { status: response.status, body, headers: response.headers };
  };
  return {
    url,
    schema,
    logs,
    get,
    waitForBlock: async (blockNumber, limitMs = 60_000) => {
      await waitUntil(
        async () => {
          if (exited !== null) throw new Error(`the indexer exited (${exited}):\n${logs.slice(-30).join("\n")}`);
          const status = await get("/status").catch(() => undefined);
          const block = (status?.body as Record<string, { block: { number: number } }> | undefined)?.cashkey?.block.number;
          return block !== undefined && block >= blockNumber;
        },
        `the indexer at block ${blockNumber}`,
        limitMs,
      );
    },
    stop,
  };
}

function pathToImport(file: string): string {
  return `file://${file}`;
}

/** Drops a test run's schema (psql from the PostgreSQL client the CI installs). */
function dropSchema(schema: string): void {
  spawnSync("psql", [process.env.DATABASE_URL!, "-q", "-c", `DROP SCHEMA IF EXISTS "${schema}" CASCADE`], { stdio: "ignore" });
}
