/**
 * The in-process Hardhat chain served over HTTP on loopback, behind a JSON-RPC proxy that a test can
 * switch to fail: answer 503, reset connections, or stop accepting them altogether.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import type { JsonRpcProvider } from "ethers";
import { createRpcProvider } from "../../../oracle/src/chain/rpc";

interface JsonRpcServerLike {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

/** Hardhat's JSON-RPC server over the test chain (`hre.network.provider`), on an ephemeral port. */
export async function serveHardhat(): Promise<{ url: string; close(): Promise<void> }> {
  const server = (await hre.run(TASK_NODE_CREATE_SERVER, {
    hostname: "127.0.0.1",
    port: 0,
    provider: hre.network.provider,
  })) as JsonRpcServerLike;
  const { address, port } = await server.listen();
  return { url: `http://${address}:${port}`, close: () => server.close() };
}

/**
 * "forward": pass through; "error": answer HTTP 503; "drop": reset the connection; "hang": read the
 * request and never answer; "emptyLogs": answer every `eth_getLogs` with `[]` (a lagging or
 * load-balanced provider), forward the rest.
 */
export type ProxyMode = "forward" | "error" | "drop" | "hang" | "emptyLogs";

export class FaultyRpcProxy {
  mode: ProxyMode = "forward";
  /** Requests to answer with 503 before forwarding again (counts down; used in "forward" mode). */
  failNext = 0;
  /** Requests of this JSON-RPC method to forward but answer with 503, as if the response was lost. */
  loseResponses: { method: string; count: number } | undefined;
  /** Requests that reached the proxy, and how many of them it failed. */
  requests = 0;
  failures = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;
  private port = 0;
  private refusing = false;

  private constructor(private readonly target: string) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (socket) => {
      if (this.refusing) {
        socket.resetAndDestroy();
        return;
      }
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async start(target: string): Promise<FaultyRpcProxy> {
    const proxy = new FaultyRpcProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(0, "127.0.0.1", () => {
        proxy.server.off("error", reject);
        resolve();
      });
    });
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Cuts open connections and resets new ones at once until `accept()`: the endpoint is down. The
   * port stays bound (released, another process could take it before the proxy listens again).
   */
  async refuse(): Promise<void> {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Answers again (after `refuse()`). */
  async accept(): Promise<void> {
    this.refusing = false;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.requests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);

    if (this.mode === "drop") {
      this.failures += 1;
      req.socket.destroy();
      return;
    }
    if (this.mode === "hang") {
      this.failures += 1;
      return;
    }
    if (this.mode === "emptyLogs" && methodOf(chunks) === "eth_getLogs") {
      this.failures += 1;
      const { id } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: unknown };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id, result: [] }));
      return;
    }
    if (this.mode === "error" || this.failNext > 0) {
      if (this.failNext > 0) this.failNext -= 1;
      this.failures += 1;
      res.writeHead(503, { "content-type": "text/plain" }).end("unavailable");
      return;
    }
    try {
      const upstream = await fetch(this.target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: Buffer.concat(chunks),
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (this.loseResponses && this.loseResponses.count > 0 && methodOf(chunks) === this.loseResponses.method) {
        this.loseResponses.count -= 1;
        this.failures += 1;
        res.writeHead(503, { "content-type": "text/plain" }).end("unavailable");
        return;
      }
      res.writeHead(upstream.status, { "content-type": "application/json" }).end(body);
    } catch {
      res.writeHead(502).end();
    }
  }
}

function methodOf(chunks: Buffer[]): string | undefined {
  try {
    return (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { method?: string }).method;
  } catch {
    return undefined;
  }
}

/** Polls `condition` until it holds; fails after `limitMs` (a bound on a hung test, not a timing assertion). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const giveUpAt = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The hooks of a test file that talks to the chain over HTTP through a faulty proxy: the chain served
 * and the proxy started before its tests, the proxy set back to forwarding after each test, all closed
 * after. The returned object's `proxy` and `provider` are set once the `before` hook has run.
 */
export function useProxiedChain(): { proxy: FaultyRpcProxy; provider: JsonRpcProvider } {
  const context = {} as { proxy: FaultyRpcProxy; provider: JsonRpcProvider };
  let chain: { url: string; close(): Promise<void> } | undefined;
  before(async function () {
    chain = await serveHardhat();
    context.proxy = await FaultyRpcProxy.start(chain.url);
    context.provider = createRpcProvider(context.proxy.url, (await hre.ethers.provider.getNetwork()).chainId);
  });
  after(async function () {
    context.provider?.destroy();
    await context.proxy?.close();
    await chain?.close();
  });
  afterEach(function () {
    context.proxy.mode = "forward";
    context.proxy.failNext = 0;
    context.proxy.loseResponses = undefined;
  });
  return context;
}
