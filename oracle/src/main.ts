/**
 * Serves the API app with @hono/node-server, and starts the API part of a node from its
 * configuration. The node (oracle/src/node.ts) wires the chain reader and the evaluator's
 * `onContent` hook and calls `startApiNode`; the CLI (oracle/src/cli.ts) starts the node.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { Command } from "commander";
import pino, { type Logger } from "pino";
import { createApp } from "./api/app";
import type { ChainReader } from "./api/chainReader";
import type { ApiDeps } from "./api/types";
import type { OracleConfig } from "./config";
import { LOG_SAFETY } from "./keys";
import { type OracleMetrics, createMetrics } from "./metrics";
import { type Store, openStore } from "./store";

export interface RunningServer {
  /** e.g. http://127.0.0.1:8701 */
  url: string;
  host: string;
  /** The bound port (the actual one when 0 was asked for). */
  port: number;
  server: Server;
  /** Stops accepting connections, ends open ones and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Serves `app` on `host:port` (port 0: any free port) and resolves once listening. */
export function serveApp(app: { fetch: Parameters<typeof serve>[0]["fetch"] }, options: { host: string; port: number }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }) as Server;
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const host = options.host;
      const urlHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${urlHost}:${port}`,
        host,
        port,
        server,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** The node's logger: JSON lines on stdout, secrets censored (see keys.ts). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, ...LOG_SAFETY, base: { service: "cashkey-oracle" } };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** `--config <file>` from the command line (CASHKEY_ORACLE_CONFIG is read by loadConfig). */
export function parseCliOptions(argv: readonly string[]): { configFile?: string } {
  const program = new Command()
    .name("cashkey-oracle")
    .option("-c, --config <file>", "JSON config file (settings: docs/OPERATORS.md)")
    .allowUnknownOption(false)
    .exitOverride();
  program.parse([...argv], { from: "node" });
  const { config } = program.opts<{ config?: string }>();
  return config === undefined ? {} : { configFile: config };
}

export interface ApiNodeOptions {
  config: OracleConfig;
  chainReader: ChainReader;
  onContent?: ApiDeps["onContent"];
  logger?: Logger;
  operatorAddress?: string;
  /** Default: the store at `config.dbPath`, closed with the node. */
  store?: Store;
  metrics?: OracleMetrics;
  /** The operator network's endpoints. */
  network?: ApiDeps["network"];
  /** The gasless relayer and its per-client limit. */
  relayer?: ApiDeps["relayer"];
  relayClientLimit?: ApiDeps["relayClientLimit"];
}

export interface ApiNode {
  store: Store;
  metrics: OracleMetrics;
  server: RunningServer;
  close(): Promise<void>;
}

/** Opens the store (unless given), builds the app and serves it on the configured host and port. */
export async function startApiNode(options: ApiNodeOptions): Promise<ApiNode> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownsStore = options.store === undefined;
  const store = options.store ?? openStore(config.dbPath);
  const metrics = options.metrics ?? createMetrics({ store });
  try {
    const app = createApp({
      store,
      config,
      metrics,
      chainReader: options.chainReader,
      onContent: options.onContent,
      logger,
      operatorAddress: options.operatorAddress,
      network: options.network,
      maxProposalBytes: config.network.maxProposalBytes,
      relayer: options.relayer,
      relayClientLimit: options.relayClientLimit,
    });
    const server = await serveApp(app, { host: config.host, port: config.port });
    logger.info({ url: server.url, db: store.path }, "oracle API listening");
    return {
      store,
      metrics,
      server,
      close: async () => {
        await server.close();
        if (ownsStore) store.close();
      },
    };
  } catch (error) {
    if (ownsStore) store.close();
    throw error;
  }
}
