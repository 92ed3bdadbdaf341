import path from "node:path";
import { request as httpRequest } from "node:http";
import net from "node:net";
import { expect } from "chai";
import { loadConfig } from "../../../oracle/src/config";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { type RunningServer, serveApp, startApiNode } from "../../../oracle/src/apiServer";
import { tempDir } from "../store/fixtures";
import { shouldBehaveLikeOracleApi } from "./api.behavior";
import { FakeChain, MAX_CONTENT_BYTES, createTestApi, startOnLoopback } from "./harness";

/** A raw TCP connection to `port`, resolved once connected; `closed` resolves when the server ends it. */
async function rawConnection(port: number): Promise<{ socket: net.Socket; closed: Promise<void>; received: () => string }> {
  const socket = net.connect(port, "127.0.0.1");
  let data = "";
  socket.on("data", (chunk) => (data += chunk.toString()));
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return { socket, closed, received: () => data };
}

function settles(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

describe("oracle API on a loopback server", function () {
  shouldBehaveLikeOracleApi(startOnLoopback);

  describe("connection bounds", function () {
    const limits = { maxPerClient: 3, maxTotal: 1000, idleTimeoutMs: 400, headersTimeoutMs: 300, requestTimeoutMs: 300 };
    let api: ReturnType<typeof createTestApi>;
    let server: RunningServer;

    beforeEach(async function () {
      api = createTestApi();
      server = await serveApp(api.app, { host: "127.0.0.1", port: 0, limits });
    });

    afterEach(async function () {
      await server.close();
      api.close();
    });

    it("closes a client's connections beyond its cap at once, and serves it again once one is closed", async function () {
      const held = [await rawConnection(server.port), await rawConnection(server.port), await rawConnection(server.port)];
      const extra = await rawConnection(server.port);
      expect(await settles(extra.closed, 5_000), "the fourth connection is closed").to.equal(true);
      expect(extra.received()).to.equal("");
      held[0].socket.destroy();
      await held[0].closed;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const again = await rawConnection(server.port);
      again.socket.write("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      await again.closed;
      expect(again.received()).to.match(/^HTTP\/1\.1 200/);
      for (const connection of held) connection.socket.destroy();
    });

    it("closes an idle connection and answers a slow body with 408", async function () {
      const idle = await rawConnection(server.port);
      expect(await settles(idle.closed, 10_000), "the idle connection is closed").to.equal(true);
      const slow = await rawConnection(server.port);
      slow.socket.write("PUT /v1/content HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nabc");
      const trickle = setInterval(() => slow.socket.write("d"), 100);
      try {
        expect(await settles(slow.closed, 10_000), "the slow request is cut off").to.equal(true);
      } finally {
        clearInterval(trickle);
      }
      expect(slow.received()).to.match(/^HTTP\/1\.1 408/);
      expect(api.store.content.count()).to.equal(0);
    });
  });

  describe("the server", function () {
    let h: Awaited<ReturnType<typeof startOnLoopback>>;

    beforeEach(async function () {
      h = await startOnLoopback();
    });

    afterEach(async function () {
      await h.stop();
    });

    it("binds the port it was given, the actual one for port 0", async function () {
      expect(h.server.port).to.be.greaterThan(0);
      expect(h.server.url).to.equal(`http://127.0.0.1:${h.server.port}`);
      expect((await fetch(`${h.server.url}/v1/health`)).status).to.equal(200);
    });

    it("refuses a large declared body with 413 without reading it, and keeps serving", async function () {
      const response = await h.send("/v1/content", {
        method: "PUT",
        body: "a".repeat(4 * 1024 * 1024),
        headers: { "content-type": "text/plain" },
      });
      expect(response.status).to.equal(413);
      expect(h.api.store.content.count()).to.equal(0);
      expect((await h.send("/v1/content", { method: "PUT", body: "next", headers: { "content-type": "text/plain" } })).status).to.equal(201);
    });

    it("counts a client that hangs up mid-upload as its failure (4xx), not as a bug", async function () {
      const socket = net.connect(h.server.port, "127.0.0.1");
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      socket.write(`PUT /v1/content HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 900\r\n\r\n${"c".repeat(100)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      const counted = async () =>
        /cashkey_oracle_http_requests_total\{method="PUT",route="\/v1\/content",status="\d+"\}/.test(await (await fetch(`${h.server.url}/metrics`)).text());
      const giveUpAt = Date.now() + 10_000;
      while (!(await counted()) && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 20));
      const metrics = await (await fetch(`${h.server.url}/metrics`)).text();
      expect(metrics).to.match(/cashkey_oracle_http_requests_total\{method="PUT",route="\/v1\/content",status="400"\} 1/);
      expect(metrics).to.not.match(/status="500"/);
      expect(h.api.logs.some((line) => line.includes('"level":50'))).to.equal(false);
      expect(h.api.store.content.count()).to.equal(0);
    });

    it("refuses an oversize chunked body with 413 while reading it", async function () {
      const chunk = new TextEncoder().encode("b".repeat(256));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= MAX_CONTENT_BYTES * 4) return controller.close();
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const response = await fetch(`${h.server.url}/v1/content`, {
        method: "PUT",
        body,
        headers: { "content-type": "text/plain" },
        duplex: "half",
      } as RequestInit);
      expect(response.status).to.equal(413);
      expect(h.api.store.content.count()).to.equal(0);
    });

    it("counts requests against the socket's address and ignores X-Forwarded-For", async function () {
      await h.stop();
      h = await startOnLoopback({ config: { rateLimit: { windowMs: 60_000, max: 2 } } });
      const get = (forwardedFor: string) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest(`${h.server.url}/v1/submissions/1`, { headers: { "x-forwarded-for": forwardedFor } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end();
        });
      expect(await get("198.51.100.1")).to.equal(404);
      expect(await get("198.51.100.2")).to.equal(404);
      expect(await get("198.51.100.3")).to.equal(429);
    });
  });

  describe("startApiNode", function () {
    it("opens the configured store and serves the app on the configured host and port", async function () {
      const { dir, cleanup } = tempDir("cashkey-node-");
      const config = loadConfig({ env: { CASHKEY_ORACLE_PORT: "1", CASHKEY_ORACLE_DATA_DIR: dir, CASHKEY_ORACLE_LOG_LEVEL: "silent" }, cwd: dir });
      const node = await startApiNode({ config: { ...config, port: 0 }, chainReader: new FakeChain() });
      try {
        expect(node.store.path).to.equal(path.join(dir, "oracle.sqlite"));
        const response = await fetch(`${node.server.url}/v1/content`, { method: "PUT", body: "Via the node.", headers: { "content-type": "text/plain" } });
        expect(response.status).to.equal(201);
        expect(((await response.json()) as { hash: string }).hash).to.equal(contentHash({ text: "Via the node." }));
      } finally {
        await node.close();
        cleanup();
      }
    });
  });
});
