/**
 * The local stack for the dApp's end-to-end test: the in-process Hardhat chain over JSON-RPC on a free
 * loopback port, CashKey deployed with short governance delays, one oracle node (heuristic scorer,
 * threshold 1), the built frontend served on loopback, and Debian's Chromium driven by playwright-core.
 * On request: the indexer (Ponder on PGlite, started when the test says), and a proxy between the dApp
 * and the chain that refuses `eth_getLogs` over 10,000 blocks as public providers do.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { Wallet, parseEther } from "ethers";
import { type Browser, type Page, chromium } from "playwright-core";
import { deployCashKey } from "../../scripts/deploy";
import { relaySettingsFromEnv } from "../../oracle/src/relay/config";
import { type FrontendServer, buildFrontend, frontendRuntimeConfig, serveFrontend } from "../../scripts/lib/frontendServer";
import { type DeploymentRecord, parseDeploymentJson } from "../../oracle/src/protocol/deployment";
import { type TestNode, createTestNode, nodeConfig } from "../oracle/node/nodeHarness";
import { tempDir } from "../oracle/store/fixtures";
import { type RunningIndexer, startIndexer } from "../indexer/indexerHarness";
import { LogRangeProxy } from "./logRangeProxy";

export const CHROMIUM = process.env.CASHKEY_CHROMIUM ?? "/usr/bin/chromium";

/** Short enough to walk a proposal through in a test; time is advanced on the chain, never waited for. */
export const E2E_TIMING = { votingDelay: 1, votingPeriod: 600, voteExtension: 60, timelockDelay: 120, epochLength: 3_600, unstakeCooldown: 7 * 86_400 };

/** The block explorer the test's `/config.json` names: transaction links must point there (never followed). */
export const E2E_EXPLORER = "https://explorer.invalid";

/** A fixed operator key so screenshots show the same operator on every run (test-only, never funded elsewhere). */
const OPERATOR_KEY = "0x" + "e2".repeat(32);

export interface DappStackOptions {
  /** The node checks Mini App launch data against this bot token, and relays only with it. */
  telegramBotToken?: string;
  /** The dApp reaches the chain through a `LogRangeProxy` (the oracle node and the indexer do not). */
  logRangeProxy?: boolean;
  /** Start the indexer (Ponder on PGlite) with the stack, as `startIndexer()` does later: Explore, Challenges and the claim gate's challenge list read it. */
  indexer?: boolean;
}

export interface DappStack {
  rpcUrl: string;
  appUrl: string;
  oracle: TestNode;
  record: DeploymentRecord;
  deployment: Awaited<ReturnType<typeof deployCashKey>>;
  browser: Browser;
  /** The one operator: its key signs score batches and challenge verdicts (threshold 1). */
  operator: Wallet;
  /** The proxy the dApp's RPC URL points at, with `logRangeProxy`. */
  logProxy?: LogRangeProxy;
  /** The indexer once `startIndexer` has run (stopping it leaves `/config.json` naming it: unreachable). */
  indexer?: RunningIndexer;
  /** Starts the indexer over the chain as it is; `/config.json` names it from the next request on. */
  startIndexer(): Promise<RunningIndexer>;
  /** What `/config.json` says from the next request on (WalletConnect appears only with a project id). */
  setWalletConnectProjectId(projectId: string | undefined): void;
  close(): Promise<void>;
}

/**
 * Chromium resolves no name but loopback: whatever the app (or a library in it, such as WalletConnect's
 * relay client) tries to reach outside this machine fails at once, in every test.
 */
export const OFFLINE_BROWSER_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"];

interface JsonRpcServerLike {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

export async function startDappStack(options: DappStackOptions = {}): Promise<DappStack> {
  const dist = await buildFrontend(hre);
  const { dir, cleanup } = tempDir("cashkey-e2e-");
  const chain = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider })) as JsonRpcServerLike;
  const { address, port } = await chain.listen();
  const rpcUrl = `http://${address}:${port}`;

  const operator = new Wallet(OPERATOR_KEY);
  const deployment = await deployCashKey(hre, { operators: [operator.address], threshold: 1, deploymentsDir: dir, ...E2E_TIMING });
  const { chainId } = await hre.ethers.provider.getNetwork();
  const record = parseDeploymentJson(fs.readFileSync(path.join(dir, `${chainId}.json`), "utf8"));

  const logProxy = options.logRangeProxy ? await LogRangeProxy.start(rpcUrl) : undefined;
  let oracleUrl = "";
  let walletConnectProjectId: string | undefined;
  let indexer: RunningIndexer | undefined;
  const app: FrontendServer = await serveFrontend({
    dist,
    config: () =>
      frontendRuntimeConfig(record, logProxy?.url ?? rpcUrl, oracleUrl, walletConnectProjectId, {
        ...process.env,
        CASHKEY_EXPLORER_URL: E2E_EXPLORER,
        CASHKEY_INDEXER_URL: indexer?.url ?? "",
      }),
  });
  const config = nodeConfig(dir, record, rpcUrl, {
    CASHKEY_ORACLE_CONFIRMATIONS: "0",
    CASHKEY_ORACLE_SCORER: "heuristic",
    CASHKEY_ORACLE_CORS_ORIGINS: app.url,
    CASHKEY_ORACLE_LOG_LEVEL: "info",
  });
  // The node relays gasless submit and claim from a funded key of its own (issue 16).
  const relayerKey = Wallet.createRandom();
  const [funder] = await hre.ethers.getSigners();
  await (await funder.sendTransaction({ to: relayerKey.address, value: parseEther("10") })).wait();
  const relay = relaySettingsFromEnv(
    { CASHKEY_ORACLE_RELAYER_KEY: relayerKey.privateKey, ...(options.telegramBotToken ? { CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN: options.telegramBotToken } : {}) },
    operator.address,
  );
  const oracle = createTestNode(config, operator, { relay });
  await oracle.node.start();
  oracleUrl = oracle.node.url;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage", ...OFFLINE_BROWSER_ARGS],
  });
  const stack: DappStack = {
    rpcUrl,
    appUrl: app.url,
    oracle,
    record,
    deployment,
    browser,
    operator,
    logProxy,
    startIndexer: async () => {
      indexer = await startIndexer({ database: "pglite", rpcUrl, deploymentFile: path.join(dir, `${chainId}.json`), nodeUrls: [oracle.node.url], dir });
      stack.indexer = indexer;
      return indexer;
    },
    setWalletConnectProjectId: (projectId) => {
      walletConnectProjectId = projectId;
    },
    close: async () => {
      await browser.close();
      await indexer?.stop();
      await oracle.node.stop();
      await app.close();
      await logProxy?.close();
      await chain.close();
      cleanup();
    },
  };
  if (options.indexer) await stack.startIndexer();
  return stack;
}

/**
 * Page-side code: the state of the page's service worker once it has finished activating
 * (`navigator.serviceWorker.ready` resolves while it may still be "activating").
 */
export const ACTIVATED_SERVICE_WORKER = `navigator.serviceWorker.ready.then((r) => r.active.state === "activated" ? "activated"
  : new Promise((resolve) => r.active.addEventListener("statechange", (e) => e.target.state !== "activating" && resolve(e.target.state))))`;

/** The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page as it is, one line each. */
export async function seriousAxeViolations(page: Page, label: string): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const found = (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" ")) }));
  })()`)) as { id: string; impact: string; targets: string[] }[];
  return found.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${label}: ${v.id} (${v.impact}) at ${v.targets.slice(0, 3).join(", ")}`);
}

/** Moves the chain's clock forward and mines a block. */
export async function advanceChainTime(seconds: number): Promise<void> {
  await hre.network.provider.request({ method: "evm_increaseTime", params: [seconds] });
  await hre.network.provider.request({ method: "evm_mine", params: [] });
}

export const SCREENSHOTS = path.join(__dirname, "..", "..", "docs", "screenshots");
