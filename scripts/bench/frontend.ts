/**
 * `npm run bench:frontend`: the dApp's initial JavaScript (gzipped, as Chromium loads the first page)
 * and its Lighthouse scores, for the production build served locally (gzip on) against the in-process
 * chain with CashKey deployed. Chromium is Debian's (`CASHKEY_CHROMIUM`, default /usr/bin/chromium).
 * Lighthouse runs its default mobile profile (simulated slow 4G, 4x CPU slowdown) and the desktop one;
 * each score is the median of `CASHKEY_BENCH_RUNS` runs (default 3).
 */
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { chromium } from "playwright-core";
import { deployCashKey } from "../deploy";
import { buildFrontend, frontendRuntimeConfig, serveFrontend } from "../lib/frontendServer";
import fs from "node:fs";
import { parseDeploymentJson } from "../../oracle/src/protocol/deployment";

const CHROMIUM = process.env.CASHKEY_CHROMIUM ?? "/usr/bin/chromium";
const RUNS = Number(process.env.CASHKEY_BENCH_RUNS ?? 3);
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"];

// Lighthouse and chrome-launcher are ES modules; ts-node compiles `import()` to `require()`, so keep it native.
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a runtime import() has no module types

interface JsonRpcServerLike {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function initialJavaScript(url: string) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const page = await browser.newPage();
  const scripts: { url: string; raw: number; gzip: number }[] = [];
  page.on("response", async (response) => {
    if (response.request().resourceType() !== "script") return;
    const body = await response.body();
    scripts.push({ url: new URL(response.url()).pathname, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length });
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.getByRole("heading", { level: 1 }).waitFor();
  await browser.close();
  return scripts;
}

async function lighthouseScores(url: string, preset: "mobile" | "desktop") {
  const { default: lighthouse } = await importEsm("lighthouse");
  const { launch } = await importEsm("chrome-launcher");
  const scores: Record<string, number[]> = { performance: [], accessibility: [], "best-practices": [] };
  const metrics: Record<string, number[]> = { fcp: [], lcp: [], tbt: [], cls: [], si: [] };
  const shifts: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const chrome = await launch({ chromePath: CHROMIUM, chromeFlags: FLAGS, userDataDir: fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-lh-")) });
    try {
      const config = preset === "desktop" ? (await importEsm("lighthouse/core/config/desktop-config.js")).default : undefined;
      const result = await lighthouse(url, { port: chrome.port, logLevel: "error", onlyCategories: Object.keys(scores) }, config);
      for (const key of Object.keys(scores)) scores[key].push(Math.round(result.lhr.categories[key].score * 100));
      metrics.fcp.push(result.lhr.audits["first-contentful-paint"].numericValue);
      metrics.lcp.push(result.lhr.audits["largest-contentful-paint"].numericValue);
      metrics.tbt.push(result.lhr.audits["total-blocking-time"].numericValue);
      metrics.cls.push(result.lhr.audits["cumulative-layout-shift"].numericValue);
      metrics.si.push(result.lhr.audits["speed-index"].numericValue);
      if (run === 0) shifts.push(...layoutShifts(result.lhr));
    } finally {
      await chrome.kill();
    }
  }
  return { scores, metrics, shifts };
}

/** The elements Lighthouse saw move (its `layout-shifts` audit), largest first: what to fix when CLS is high. */
function layoutShifts(lhr: { audits: Record<string, { details?: { items?: { score?: number; node?: { snippet?: string; selector?: string } }[] } }> }): string[] {
  const items = lhr.audits["layout-shifts"]?.details?.items ?? [];
  return items.slice(0, 5).map((item) => `${(item.score ?? 0).toFixed(3)} ${item.node?.selector ?? "?"} ${item.node?.snippet?.slice(0, 80) ?? ""}`);
}

async function main() {
  const dist = await buildFrontend(hre);
  const chain = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider })) as JsonRpcServerLike;
  const { address, port } = await chain.listen();
  const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-bench-"));
  await deployCashKey(hre, { deploymentsDir });
  const recordFile = path.join(deploymentsDir, "31337.json");
  const record = parseDeploymentJson(fs.readFileSync(recordFile, "utf8"), recordFile);
  const app = await serveFrontend({ dist, config: frontendRuntimeConfig(record, `http://${address}:${port}`, "http://127.0.0.1:8701") });
  try {
    const scripts = await initialJavaScript(`${app.url}/`);
    const allChunks = fs.readdirSync(path.join(dist, "assets")).filter((f) => f.endsWith(".js"));
    const allGzip = allChunks.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(dist, "assets", f)), { level: 9 }).length, 0);
    console.log("Initial JavaScript (first page, as Chromium loads it):");
    for (const s of scripts) console.log(`  ${s.url}  ${kb(s.raw)} raw, ${kb(s.gzip)} gzip`);
    const total = scripts.reduce((sum, s) => sum + s.gzip, 0);
    console.log(`  total: ${kb(total)} gzip over ${scripts.length} files (target <= 250 KB); all ${allChunks.length} chunks of the app: ${kb(allGzip)} gzip`);
    for (const preset of ["mobile", "desktop"] as const) {
      const { scores, metrics, shifts } = await lighthouseScores(`${app.url}/`, preset);
      const line = Object.entries(scores).map(([k, v]) => `${k} ${median(v)} (runs: ${v.join(", ")})`);
      console.log(`Lighthouse ${preset}: ${line.join("; ")}`);
      console.log(
        `  median FCP ${Math.round(median(metrics.fcp))} ms, LCP ${Math.round(median(metrics.lcp))} ms, TBT ${Math.round(median(metrics.tbt))} ms, CLS ${median(metrics.cls).toFixed(3)}, Speed Index ${Math.round(median(metrics.si))} ms`,
      );
      for (const shift of shifts) console.log(`  layout shift ${shift}`);
    }
  } finally {
    await app.close();
    await chain.close();
    fs.rmSync(deploymentsDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:frontend: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
