/**
 * The node's HTTP server: serves the API app (built in api/app.ts) with @hono/node-server, and starts
 * the API part of a node from its configuration. The node (oracle/src/node.ts) wires the chain reader
 * and the evaluator's `onContent` hook and calls `startApiNode`; the CLI (oracle/src/cli.ts) starts the node.
 */
import type { AddressInfo, Server as NetServer, Socket } from "node:net";
import type { Server } from "node:http";
import { createAdaptorServer, type serve } from "@hono/node-server";
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS, guardConnections } from "./api/connections";
import pino, { type Logger } from "pino";
import { createApp } from "./api/app";
import type { ChainReader } from "./ports/chainReader";
import type { ApiDeps } from "./api/types";
import type { OracleConfig } from "./config";
import { CashKeyError } from "./errors";
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

/** A port that another process holds: says which, and which setting moves it (one line in the CLI and `npm start`). */
export class PortInUseError extends CashKeyError {
  override name = "PortInUseError";
  constructor(
    readonly host: string,
    readonly port: number,
    readonly setting: string,
  ) {
    super(`Port ${port} on ${host} is already in use: stop what holds it, or set ${setting} to another port.`);
  }
}

/** `error` as a PortInUseError when it is a listen's EADDRINUSE, else unchanged. */
export function explainBusyPort(error: unknown, host: string, port: number, setting: string): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE" ? new PortInUseError(host, port, setting) : error;
}

/**
 * Serves `app` on `host:port` (port 0: any free port) and resolves once listening. With `listener`, a
 * socket already bound and listening that its owner keeps (a test network's node keeps its port across
 * restarts): the app answers the connections it accepts until `close()`, which leaves it listening.
 */
export function serveApp(
  app: { fetch: Parameters<typeof serve>[0]["fetch"] },
  options: { host: string; port: number; listener?: NetServer; limits?: ConnectionLimits; portSetting?: string },
): Promise<RunningServer> {
  const { listener } = options;
  const limits = options.limits ?? DEFAULT_CONNECTION_LIMITS;
  if (listener !== undefined) return Promise.resolve(attachApp(app, listener, options.host, limits));
  return new Promise((resolve, reject) => {
    const server = createAdaptorServer({ fetch: app.fetch, serverOptions: serverOptionsFor(limits) }) as Server;
    guardConnections(server, limits);
    const onError = (error: unknown) => reject(explainBusyPort(error, options.host, options.port, options.portSetting ?? "CASHKEY_ORACLE_PORT"));
    server.once("error", onError);
    server.listen(options.port, options.host);
    server.once("listening", () => {
      server.off("error", onError);
      const { port } = server.address() as AddressInfo;
      resolve({
        ...serverUrl(options.host, port),
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

function attachApp(app: { fetch: Parameters<typeof serve>[0]["fetch"] }, listener: NetServer, host: string, limits: ConnectionLimits): RunningServer {
  const address = listener.address();
  if (address === null || typeof address === "string") throw new Error("serveApp: the listener is not bound to a TCP port");
  // A server that never listens does not enforce its header and request timeouts (Node checks them
  // from `listen`); the idle timeout and the connection caps still hold.
  const server = createAdaptorServer({ fetch: app.fetch, serverOptions: serverOptionsFor(limits) }) as Server;
  guardConnections(server, limits);
  // A server that never listened does not track its connections (closeAllConnections would miss
  // them, and a peer's keep-alive connection would reach a stopped node): track them here.
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    server.emit("connection", socket);
  };
  listener.on("connection", onConnection);
  return {
    ...serverUrl(host, address.port),
    server,
    close: async () => {
      listener.off("connection", onConnection);
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Node checks header and request timeouts every `connectionsCheckingInterval` (30 s by default): check often enough to keep them. */
function serverOptionsFor(limits: ConnectionLimits): { connectionsCheckingInterval: number } {
  return { connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))) };
}

function serverUrl(host: string, port: number): { url: string; host: string; port: number } {
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}`, host, port };
}

/** The node's logger: JSON lines on stdout, secrets censored (see keys.ts). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, ...LOG_SAFETY, base: { service: "cashkey-oracle" } };
  return destination === undefined ? pino(options) : pino(options, destination);
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
  /** A socket already listening to serve on instead of `config.host:config.port` (see `serveApp`). */
  listener?: NetServer;
  healthIssues?: ApiDeps["healthIssues"];
  peerVerifier?: ApiDeps["peerVerifier"];
  storageHealth?: ApiDeps["storageHealth"];
  /** The gasless relayer and its per-client limit. */
  relayer?: ApiDeps["relayer"];
  relayClientLimit?: ApiDeps["relayClientLimit"];
  /** Challenges of scores (oracle/src/challenges/service.ts). */
  challenges?: ApiDeps["challenges"];
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
      healthIssues: options.healthIssues,
      peerVerifier: options.peerVerifier,
      storageHealth: options.storageHealth,
      relayer: options.relayer,
      relayClientLimit: options.relayClientLimit,
      challenges: options.challenges,
    });
    const server = await serveApp(app, { host: config.host, port: config.port, listener: options.listener, limits: { ...config.http, trustProxy: config.trustProxy } });
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
