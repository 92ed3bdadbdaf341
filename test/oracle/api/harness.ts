/**
 * A test API: a real SQLite store in a temp dir, a fake chain, a fake clock, and a `send` that
 * goes either through `app.request()` or through a real server on a loopback port.
 */
import path from "node:path";
import type { IncomingMessage } from "node:http";
import { Writable } from "node:stream";
import { createApp } from "../../../oracle/src/api/app";
import type { ChainReader, OnChainSubmission } from "../../../oracle/src/ports/chainReader";
import type { ApiConfig, StoredContentEvent } from "../../../oracle/src/api/types";
import { createLogger, serveApp, type RunningServer } from "../../../oracle/src/apiServer";
import { type OracleMetrics, createMetrics } from "../../../oracle/src/metrics";
import { type Store, openStore } from "../../../oracle/src/store";
import { tempDir } from "../store/fixtures";

export const ALLOWED_ORIGIN = "http://localhost:5173";
export const MAX_CONTENT_BYTES = 1024;

export class FakeChain implements ChainReader {
  head = 100;
  failing = false;
  readonly submissions = new Map<bigint, OnChainSubmission>();
  readonly scored = new Set<bigint>();

  async blockNumber(): Promise<number> {
    this.assertUp();
    return this.head;
  }

  async submission(id: bigint): Promise<OnChainSubmission | undefined> {
    this.assertUp();
    return this.submissions.get(id);
  }

  async isScored(id: bigint): Promise<boolean> {
    this.assertUp();
    return this.scored.has(id);
  }

  private assertUp(): void {
    if (this.failing) throw new Error("connect ECONNREFUSED 127.0.0.1:8545");
  }
}

export interface TestApiOptions {
  config?: Partial<ApiConfig>;
}

export interface TestApi {
  app: ReturnType<typeof createApp>;
  store: Store;
  metrics: OracleMetrics;
  chain: FakeChain;
  /** Every onContent call. */
  contentEvents: StoredContentEvent[];
  /** Log lines (JSON) written by the app. */
  logs: string[];
  advanceClock(ms: number): void;
  close(): void;
}

export function createTestApi(options: TestApiOptions = {}): TestApi {
  const { dir, cleanup } = tempDir("cashkey-api-");
  const store = openStore(path.join(dir, "oracle.sqlite"));
  const metrics = createMetrics({ processMetrics: false, store });
  const chain = new FakeChain();
  const contentEvents: StoredContentEvent[] = [];
  const logs: string[] = [];
  const logger = createLogger(
    "info",
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  let clock = 1_700_000_000_000;
  const app = createApp({
    store,
    metrics,
    chainReader: chain,
    logger,
    operatorAddress: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    now: () => clock,
    chainTimeoutMs: 2000,
    onContent: (event) => {
      contentEvents.push(event);
    },
    config: {
      maxContentBytes: MAX_CONTENT_BYTES,
      corsOrigins: [ALLOWED_ORIGIN],
      rateLimit: { windowMs: 60_000, max: 1000 },
      trustProxy: false,
      ...options.config,
    },
  });
  return {
    app,
    store,
    metrics,
    chain,
    contentEvents,
    logs,
    advanceClock: (ms) => {
      clock += ms;
    },
    close: () => {
      store.close();
      cleanup();
    },
  };
}

export interface SendInit extends RequestInit {
  /** The client's socket address; only `app.request()` can pretend (the server sees 127.0.0.1). */
  clientIp?: string;
}

export type Send = (path: string, init?: SendInit) => Promise<Response>;

export interface Harness {
  api: TestApi;
  send: Send;
  /** "app.request" or "loopback" */
  transport: "app.request" | "loopback";
  stop(): Promise<void>;
}

export async function startInProcess(options: TestApiOptions = {}): Promise<Harness> {
  const api = createTestApi(options);
  const send: Send = async (target, init = {}) => {
    const { clientIp, ...requestInit } = init;
    const incoming = { socket: { remoteAddress: clientIp ?? "192.0.2.10" } } as unknown as IncomingMessage;
    return api.app.request(target, requestInit, { incoming });
  };
  return { api, send, transport: "app.request", stop: async () => api.close() };
}

export async function startOnLoopback(options: TestApiOptions = {}): Promise<Harness & { server: RunningServer }> {
  const api = createTestApi(options);
  const server = await serveApp(api.app, { host: "127.0.0.1", port: 0 });
  const send: Send = async (target, init = {}) => {
    const { clientIp: _ignored, ...requestInit } = init;
    return fetch(`${server.url}${target}`, requestInit);
  };
  return {
    api,
    send,
    server,
    transport: "loopback",
    stop: async () => {
      await server.close();
      api.close();
    },
  };
}
