/**
 * The service worker (frontend/src/sw.ts, built by vite-plugin-pwa) in headless Chromium: it precaches
 * the build's hashed files (not WalletConnect's provider, fetched only on use), and when a new build is
 * deployed the open app says "A new version is available" and reloads onto it on request.
 *
 * The build is the real one, served from a copy by the dApp's server; the "new build" is that copy with
 * index.html changed and its precache revision updated as the build computes it (md5 of the file), which
 * is what a rebuild with any source change does to sw.js.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { type Browser, chromium } from "playwright-core";
import { type FrontendServer, buildFrontend, serveFrontend } from "../../scripts/lib/frontendServer";
import type { FrontendRuntimeConfig } from "../../oracle/src/protocol/frontendConfig";
import { tempDir } from "../oracle/store/fixtures";
import { ACTIVATED_SERVICE_WORKER, CHROMIUM, OFFLINE_BROWSER_ARGS } from "./dappHarness";

const STEP_TIMEOUT_MS = 60_000;

const CONFIG = {
  chainId: 31337,
  // Nothing listens: the app starts and its chain reads fail, which this test does not look at.
  rpcUrl: "http://127.0.0.1:9",
  oracleUrl: "http://127.0.0.1:9",
  contracts: { token: `0x${"1".repeat(40)}`, rewards: `0x${"2".repeat(40)}`, governor: `0x${"3".repeat(40)}`, timelock: `0x${"4".repeat(40)}` },
  deployBlock: 0,
} as FrontendRuntimeConfig;

/** The precache entry of index.html in the built sw.js: `{url:"index.html",revision:"<md5>"}` in some key order. */
const INDEX_ENTRY = /\{[^{}]*"?url"?:"index\.html"[^{}]*\}|\{[^{}]*"?revision"?:"[0-9a-f]+"[^{}]*"?url"?:"index\.html"[^{}]*\}/;

describe("service worker updates (headless Chromium)", function () {
  let dist: string;
  let cleanup: () => void;
  let server: FrontendServer;
  let browser: Browser;

  before(async function () {
    const built = await buildFrontend(hre);
    const temp = tempDir("cashkey-pwa-");
    cleanup = temp.cleanup;
    dist = path.join(temp.dir, "dist");
    fs.cpSync(built, dist, { recursive: true });
    server = await serveFrontend({ dist, config: CONFIG });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage", ...OFFLINE_BROWSER_ARGS],
    });
  });

  after(async function () {
    await browser?.close();
    await server?.close();
    cleanup?.();
  });

  it("precaches the build's hashed files with revisions, then offers a new build and reloads onto it", async function () {
    const sw = fs.readFileSync(path.join(dist, "sw.js"), "utf8");
    const entry = INDEX_ENTRY.exec(sw)?.[0];
    expect(entry, "index.html's precache entry in sw.js").to.be.a("string");
    const md5 = (file: string) => crypto.createHash("md5").update(fs.readFileSync(file)).digest("hex");
    expect(entry).to.contain(md5(path.join(dist, "index.html")));
    // Hashed names need no revision; every other file's revision is its md5, so any change reinstalls.
    const entries = [...sw.matchAll(/\{"revision":(null|"([0-9a-f]{32})"),"url":"([^"]+)"\}/g)].map((m) => ({ revision: m[2] ?? null, url: m[3] }));
    expect(entries.length, "precache entries in sw.js").to.be.greaterThan(10);
    for (const { revision, url } of entries) {
      if (url.startsWith("assets/")) expect(revision, url).to.equal(null);
      else expect(revision, url).to.equal(md5(path.join(dist, url)));
    }

    const page = await (await browser.newContext()).newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.getByRole("heading", { level: 1 }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    expect(await page.evaluate(ACTIVATED_SERVICE_WORKER)).to.equal("activated");

    // Page-side code as strings: the test project's TypeScript has no DOM types.
    const precached = (await page.evaluate(`(async () => {
      const names = (await caches.keys()).filter((name) => name.includes("precache"));
      const urls = [];
      for (const name of names) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      return urls;
    })()`)) as string[];
    const scripts = fs.readdirSync(path.join(dist, "assets")).filter((name) => name.endsWith(".js"));
    for (const script of scripts.filter((name) => !name.startsWith("walletconnect-"))) expect(precached, script).to.include(`/assets/${script}`);
    expect(
      scripts.some((name) => name.startsWith("walletconnect-")),
      "WalletConnect's provider chunk is named for the precache",
    ).to.equal(true);
    expect(precached.some((url) => url.includes("/assets/walletconnect-"))).to.equal(false);
    expect(precached).to.include("/index.html");

    // A new build: index.html changes, and with it its revision in sw.js.
    const indexFile = path.join(dist, "index.html");
    fs.writeFileSync(indexFile, fs.readFileSync(indexFile, "utf8").replace("<title>CashKey</title>", "<title>CashKey</title><!-- the second build -->"));
    const newEntry = entry!.replace(/[0-9a-f]{32}/, md5(indexFile));
    fs.writeFileSync(path.join(dist, "sw.js"), sw.replace(entry!, newEntry));

    // The next visit finds the new worker; it installs and waits, and the app says so.
    await page.reload();
    const prompt = page.getByTestId("update-prompt");
    await prompt.waitFor({ timeout: STEP_TIMEOUT_MS });
    expect(await prompt.textContent()).to.match(/A new version is available\./);
    expect(await page.content()).to.not.contain("the second build");

    await Promise.all([page.waitForEvent("load", { timeout: STEP_TIMEOUT_MS }), prompt.getByRole("button", { name: "Reload" }).click()]);
    await page.getByRole("heading", { level: 1 }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    expect(await page.content()).to.contain("the second build");
    expect(await page.getByTestId("update-prompt").count()).to.equal(0);
    expect(pageErrors).to.deep.equal([]);
  });
});
