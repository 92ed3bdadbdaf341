/**
 * A JSON-RPC proxy in front of the test chain that behaves as public providers do: it refuses an
 * `eth_getLogs` spanning more than 10,000 blocks (a range from `earliest` or block 0, or up to `latest`,
 * is measured against the current head) with a JSON-RPC error, and records every request, so a test can
 * show that the dApp never asks for a scan a real provider would refuse. A real HTTP server on loopback
 * (port 0), with the CORS answers a browser needs.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** The widest `eth_getLogs` block range served (Infura, Alchemy and others refuse wider ones). */
export const MAX_LOGS_RANGE = 10_000n;

interface JsonRpcCall {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export interface RecordedCall {
  method: string;
  /** For `eth_getLogs`: the blocks asked for, tags resolved against the head at the time. */
  range?: { fromBlock: bigint; toBlock: bigint };
  refused: boolean;
}

export class LogRangeProxy {
  readonly calls: RecordedCall[] = [];
  private readonly server: http.Server;

  private constructor(private readonly target: string) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  static async start(target: string): Promise<LogRangeProxy> {
    const proxy = new LogRangeProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(0, "127.0.0.1", () => resolve());
    });
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get refused(): RecordedCall[] {
    return this.calls.filter((call) => call.refused);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type", "access-control-allow-methods": "POST, OPTIONS" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: JsonRpcCall | JsonRpcCall[];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonRpcCall | JsonRpcCall[];
    } catch {
      res
        .writeHead(400, { ...cors, "content-type": "application/json" })
        .end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }));
      return;
    }
    try {
      const answer = Array.isArray(body) ? await Promise.all(body.map((call) => this.answer(call))) : await this.answer(body);
      res.writeHead(200, { ...cors, "content-type": "application/json" }).end(JSON.stringify(answer));
    } catch {
      res.writeHead(502, cors).end();
    }
  }

  private async answer(call: JsonRpcCall): Promise<unknown> {
    if (call.method === "eth_getLogs") {
      const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string; blockHash?: string };
      if (filter.blockHash === undefined) {
        const head = BigInt((await this.forward({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] })).result as string);
        const range = { fromBlock: blockOf(filter.fromBlock, head), toBlock: blockOf(filter.toBlock, head) };
        const refused = range.toBlock - range.fromBlock + 1n > MAX_LOGS_RANGE;
        this.calls.push({ method: call.method, range, refused });
        if (refused) {
          return { jsonrpc: "2.0", id: call.id, error: { code: -32005, message: `eth_getLogs is limited to a ${MAX_LOGS_RANGE} block range` } };
        }
        return this.forward(call);
      }
    }
    this.calls.push({ method: call.method, refused: false });
    return this.forward(call);
  }

  private async forward(call: JsonRpcCall): Promise<{ result?: unknown }> {
    const upstream = await fetch(this.target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(call) });
    return (await upstream.json()) as { result?: unknown };
  }
}

/** A filter's block: a number, or a tag (`earliest` is 0; a missing bound and every other tag is the head). */
function blockOf(value: string | undefined, head: bigint): bigint {
  if (value === "earliest") return 0n;
  if (value === undefined || !value.startsWith("0x")) return head;
  return BigInt(value);
}
