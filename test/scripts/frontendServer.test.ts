/**
 * The dApp's static server (scripts/lib/frontendApp.ts) over loopback HTTP, on a build-shaped folder:
 * the runtime configuration, cache rules (hashed assets immutable, the rest revalidated), gzip,
 * security headers, and nothing served from outside the build.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { expect } from "chai";
import { type FrontendServer, serveFrontend } from "../../scripts/lib/frontendServer";
import type { FrontendRuntimeConfig } from "../../oracle/src/protocol/frontendConfig";
import { tempDir } from "../oracle/store/fixtures";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw request (node:http, so the path goes out as written and nothing is decompressed on the way). */
function request(url: string, pathname: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = http.request({ host: target.hostname, port: target.port, path: pathname, method: options.method ?? "GET", headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const SCRIPT = `export const app = ${JSON.stringify("CashKey ".repeat(400))};\n`;

describe("dApp static server", function () {
  let server: FrontendServer;
  let cleanup: () => void;
  let config: FrontendRuntimeConfig;

  before(async function () {
    const temp = tempDir("cashkey-frontend-server-");
    cleanup = temp.cleanup;
    const dist = path.join(temp.dir, "dist");
    fs.mkdirSync(path.join(dist, "assets"), { recursive: true });
    fs.writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>CashKey</title>");
    fs.writeFileSync(path.join(dist, "sw.js"), "self.addEventListener('install', () => {});");
    fs.writeFileSync(path.join(dist, "manifest.webmanifest"), JSON.stringify({ name: "CashKey" }));
    fs.writeFileSync(path.join(dist, "assets", "index-AbC123.js"), SCRIPT);
    fs.writeFileSync(path.join(temp.dir, "secret.txt"), "outside the build");
    config = {
      chainId: 31337,
      rpcUrl: "http://127.0.0.1:8545",
      oracleUrl: "http://127.0.0.1:8701",
      contracts: { token: `0x${"1".repeat(40)}`, rewards: `0x${"2".repeat(40)}`, governor: `0x${"3".repeat(40)}`, timelock: `0x${"4".repeat(40)}` },
      deployBlock: 0,
    } as FrontendRuntimeConfig;
    server = await serveFrontend({ dist, config: () => config });
  });

  after(async function () {
    await server.close();
    cleanup();
  });

  it("answers /config.json with the configuration of the moment, never cached", async function () {
    const first = await request(server.url, "/config.json");
    expect(first.status).to.equal(200);
    expect(first.headers["content-type"]).to.match(/^application\/json/);
    expect(first.headers["cache-control"]).to.equal("no-store");
    expect(JSON.parse(first.body.toString())).to.deep.equal(config);
    config = { ...config, oracleUrl: "http://127.0.0.1:8702" };
    expect(JSON.parse((await request(server.url, "/config.json")).body.toString()).oracleUrl).to.equal("http://127.0.0.1:8702");
  });

  it("serves index.html at / and the service worker, both revalidated on every use", async function () {
    const index = await request(server.url, "/");
    expect(index.status).to.equal(200);
    expect(index.headers["content-type"]).to.equal("text/html; charset=utf-8");
    expect(index.headers["cache-control"]).to.equal("no-cache");
    expect(index.body.toString()).to.contain("<title>CashKey</title>");
    const worker = await request(server.url, "/sw.js");
    expect(worker.headers["content-type"]).to.match(/^text\/javascript/);
    expect(worker.headers["cache-control"]).to.equal("no-cache");
    expect((await request(server.url, "/manifest.webmanifest")).headers["content-type"]).to.match(/^application\/manifest\+json/);
  });

  it("serves hashed assets as immutable, gzipped when the browser accepts it", async function () {
    const plain = await request(server.url, "/assets/index-AbC123.js");
    expect(plain.headers["cache-control"]).to.equal("public, max-age=31536000, immutable");
    expect(plain.headers["content-encoding"]).to.equal(undefined);
    expect(plain.body.toString()).to.equal(SCRIPT);
    const gzipped = await request(server.url, "/assets/index-AbC123.js", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(gzipped.headers["content-encoding"]).to.equal("gzip");
    expect(gzipped.headers.vary).to.match(/accept-encoding/i);
    expect(gzipped.body.length).to.be.lessThan(SCRIPT.length / 4);
    expect(zlib.gunzipSync(gzipped.body).toString()).to.equal(SCRIPT);
  });

  it("sends the security headers, and no frame ban (Telegram's web client frames Mini Apps)", async function () {
    const { headers } = await request(server.url, "/");
    expect(headers["x-content-type-options"]).to.equal("nosniff");
    expect(headers["referrer-policy"]).to.equal("no-referrer");
    expect(headers["x-frame-options"]).to.equal(undefined);
    expect(headers["cross-origin-opener-policy"]).to.equal(undefined);
  });

  it("answers HEAD without a body, and other methods with 405 and Allow", async function () {
    const head = await request(server.url, "/", { method: "HEAD" });
    expect(head.status).to.equal(200);
    expect(head.body.length).to.equal(0);
    const post = await request(server.url, "/config.json", { method: "POST" });
    expect(post.status).to.equal(405);
    expect(post.headers.allow).to.equal("GET, HEAD");
  });

  it("serves nothing from outside the build, however the path is written", async function () {
    for (const pathname of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/missing.js"]) {
      const reply = await request(server.url, pathname);
      expect(reply.status, pathname).to.equal(404);
      expect(reply.body.toString(), pathname).to.not.contain("outside the build");
    }
  });
});
