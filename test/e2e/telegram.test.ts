/**
 * The dApp as a Telegram user meets it, in a real headless Chromium against the local stack, with a
 * node that knows the (test) bot token and relays only for Mini App launch data signed with it:
 *
 * - WalletConnect: offered only when config.json names a project id, none of its code loaded without
 *   one, and its relay (unreachable: Chromium resolves no name but loopback) ends in a sentence while
 *   the rest of the app stays usable.
 * - Opened as a Mini App (launch data in the URL hash as Telegram passes it, signed with the real
 *   HMAC-SHA-256 rule; a fake Telegram client answering the bridge and holding CloudStorage) with no
 *   wallet and no ETH: embedded wallet, backup, gasless submit bound to the Telegram user, scored, and
 *   (time advanced on the chain) a gasless claim to another address, each showing who paid.
 * - A second wallet from the same Telegram user is refused in words, and nothing is sent.
 */
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { Wallet } from "ethers";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { signInitData } from "../../oracle/src/telegram/initData";
import submissions from "../fixtures/submissions.json";
import { printLogsOnFailure } from "../oracle/node/nodeHarness";
import { type DappStack, E2E_TIMING, SCREENSHOTS, advanceChainTime, seriousAxeViolations, startDappStack } from "./dappHarness";

const STEP_TIMEOUT_MS = 60_000;
/** A test bot token (never a real bot's). */
const BOT_TOKEN = "123456789:TEST-only_bot-token_for-e2e";
const TELEGRAM_USER = 4242;
const PROJECT_ID = "0123456789abcdef0123456789abcdef";
const PASSPHRASE = "correct horse battery";

/** Waits until the locator's text matches (a bound on a hung step, not a timing assertion) and returns it. */
async function textOf(locator: Locator, pattern: RegExp): Promise<string> {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  const text = (await locator.first().textContent()) ?? "";
  expect(text).to.match(pattern);
  return text;
}

/** Launch data as Telegram signs it for a Mini App opened by `userId`, now. */
function launchData(userId: number): string {
  return signInitData(
    {
      query_id: "AAHdF6IQAAAAAN0XohDhrOrc",
      user: JSON.stringify({ id: userId, first_name: "Ada", username: "ada_test", language_code: "en" }),
      auth_date: String(Math.floor(Date.now() / 1000)),
    },
    BOT_TOKEN,
  );
}

/** Telegram's light and dark themes, as its clients pass them. */
const THEMES = {
  light: {
    bg_color: "#ffffff",
    text_color: "#000000",
    hint_color: "#999999",
    link_color: "#2481cc",
    button_color: "#2481cc",
    button_text_color: "#ffffff",
    secondary_bg_color: "#efeff3",
  },
  dark: {
    bg_color: "#212121",
    text_color: "#ffffff",
    hint_color: "#aaaaaa",
    link_color: "#8774e1",
    button_color: "#8774e1",
    button_text_color: "#ffffff",
    secondary_bg_color: "#181818",
  },
};

/** The URL Telegram opens a Mini App at: the launch parameters in the hash. */
function miniAppUrl(appUrl: string, initData: string, theme: keyof typeof THEMES = "light"): string {
  const params = new URLSearchParams({
    tgWebAppData: initData,
    tgWebAppVersion: "7.10",
    tgWebAppPlatform: "android",
    tgWebAppThemeParams: JSON.stringify(THEMES[theme]),
  });
  return `${appUrl}/#${params.toString()}`;
}

/**
 * A fake Telegram client in the page: `window.Telegram.WebApp` (with the launch data, as
 * telegram-web-app.js would set it) and the native bridge, recording events and answering the
 * CloudStorage methods from a map. Page-side code as a string: the test project has no DOM types.
 */
function fakeTelegramClient(initData: string): string {
  return `(() => {
    const cloud = {};
    const events = [];
    window.__telegram = { cloud, events };
    window.Telegram = { WebApp: { initData: ${JSON.stringify(initData)}, initDataUnsafe: { user: { id: 1, first_name: "forged" } }, platform: "android", version: "7.10" } };
    window.TelegramWebviewProxy = {
      postEvent(type, data) {
        const payload = JSON.parse(data || "{}");
        events.push(type);
        if (type !== "web_app_invoke_custom_method") return;
        let result = true;
        if (payload.method === "saveStorageValue") cloud[payload.params.key] = payload.params.value;
        if (payload.method === "getStorageValues") result = Object.fromEntries(payload.params.keys.map((k) => [k, cloud[k] ?? ""]));
        if (payload.method === "deleteStorageValues") for (const k of payload.params.keys) delete cloud[k];
        setTimeout(() => window.Telegram.WebView.receiveEvent("custom_method_invoked", { req_id: payload.req_id, result }), 0);
      },
    };
  })();`;
}

/** Creates the embedded wallet, confirms the backup and unlocks it; returns its address. */
/** The review step before signing: for a relayed transaction, it says the relayer pays; then confirms. */
async function confirmGasless(page: Page): Promise<void> {
  const review = page.getByTestId("tx-review");
  await review.waitFor({ timeout: STEP_TIMEOUT_MS });
  expect(await review.getByTestId("review-fee").textContent()).to.match(/the oracle's relayer pays the gas/);
  await review.getByRole("button", { name: "Confirm and sign" }).click();
}

/** A Mini App opens on the landing page (what CashKey is); its Submit link leads on. */
async function openSubmit(page: Page): Promise<void> {
  await textOf(page.getByRole("heading", { level: 1 }), /Get paid in CKEY/);
  await page.getByRole("link", { name: "Submit", exact: true }).first().click();
  await textOf(page.getByRole("heading", { level: 1 }), /Submit/);
}

async function createEmbeddedWallet(page: Page): Promise<string> {
  const panel = page.getByRole("region", { name: "CashKey wallet" });
  await panel.getByLabel("Passphrase").fill(PASSPHRASE);
  await panel.getByRole("button", { name: "Create wallet" }).click();
  await textOf(panel.getByRole("alert"), /Back up your wallet before using it/);
  await panel.getByRole("button", { name: "Show my key" }).click();
  const key = (await textOf(panel.getByTestId("backup-key"), /^0x[0-9a-f]{64}$/)).trim();
  await panel.getByLabel("Type the last 8 characters of the key").fill(key.slice(-8));
  await panel.getByRole("button", { name: "I wrote it down" }).click();
  await panel.getByLabel("Passphrase").fill(PASSPHRASE);
  await panel.getByRole("button", { name: "Unlock CashKey wallet" }).click();
  const address = new Wallet(key).address;
  await textOf(page.getByTestId("account"), new RegExp(address.slice(0, 6)));
  return address;
}

describe("dApp as a Telegram Mini App, and WalletConnect (headless Chromium)", function () {
  let stack: DappStack;
  let snapshot: string;
  let page: Page | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  /** Every request the pages made to a host other than loopback. */
  const outside: string[] = [];

  async function newPage(viewport = { width: 360, height: 800 }, initScript?: string): Promise<Page> {
    const context = await stack.browser.newContext({ viewport });
    contexts.push(context);
    if (initScript) await context.addInitScript(initScript);
    const opened = await context.newPage();
    opened.on("pageerror", (error) => pageErrors.push(error.message));
    opened.on("request", (request) => {
      if (new URL(request.url()).hostname !== "127.0.0.1") outside.push(request.url());
    });
    opened.on("websocket", (socket) => {
      if (new URL(socket.url()).hostname !== "127.0.0.1") outside.push(socket.url());
    });
    page = opened;
    return opened;
  }

  before(async function () {
    this.timeout(300_000);
    snapshot = (await hre.network.provider.request({ method: "evm_snapshot", params: [] })) as string;
    stack = await startDappStack({ telegramBotToken: BOT_TOKEN });
    // History pages read the indexer, as in `npm start`.
    await stack.startIndexer();
  });

  afterEach(async function () {
    if (!stack || this.currentTest?.state !== "failed") return;
    printLogsOnFailure(this.currentTest, [stack.oracle]);
    if (page)
      console.log(
        `page at failure (${page.url()}):\n${await page
          .locator("main")
          .innerText()
          .catch(() => "?")}`,
      );
  });

  after(async function () {
    for (const context of contexts) await context.close().catch(() => undefined);
    await stack?.close();
    await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
  });

  it("offers no WalletConnect and loads none of its code without a project id", async function () {
    stack.setWalletConnectProjectId(undefined);
    const plain = await newPage({ width: 1280, height: 900 });
    const scripts: string[] = [];
    plain.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(new URL(request.url()).pathname);
    });
    await plain.goto(`${stack.appUrl}/#/submit`);
    await plain.getByRole("button", { name: "Connect browser wallet" }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await plain.waitForLoadState("networkidle");
    expect(await plain.getByRole("button", { name: /WalletConnect/ }).count()).to.equal(0);
    expect(scripts.filter((s) => /walletConnect/i.test(s))).to.deep.equal([]);
    expect(outside).to.deep.equal([]);
  });

  it("offers WalletConnect with a project id, reaches for its relay only when asked, and words the failure", async function () {
    stack.setWalletConnectProjectId(PROJECT_ID);
    try {
      const wc = await newPage({ width: 1280, height: 900 });
      await wc.goto(`${stack.appUrl}/#/submit`);
      const button = wc.getByRole("button", { name: "Connect a phone wallet (WalletConnect)" });
      await button.waitFor({ timeout: STEP_TIMEOUT_MS });
      await wc.waitForLoadState("networkidle");
      expect(outside).to.deep.equal([]);
      await button.click();
      // The relay cannot be reached (no name resolves but loopback): the app says so within its deadline.
      await textOf(wc.getByTestId("walletconnect-error"), /WalletConnect's relay cannot be reached.*use the CashKey wallet/);
      await wc.screenshot({ path: path.join(SCREENSHOTS, "walletconnect-unreachable.png") });
      expect(outside.length).to.be.greaterThan(0);
      expect(outside.every((url) => /^(wss|https):\/\/[a-z.]*walletconnect\.(org|com)\//.test(url))).to.equal(true, outside.join("\n"));
      // The rest of the app works on: the embedded wallet and WalletConnect again.
      await wc.getByText("Create a CashKey wallet: no extension, no ETH needed").click();
      expect(await wc.getByRole("button", { name: "Create wallet" }).isEnabled()).to.equal(true);
      expect(await button.isEnabled()).to.equal(true);
      await wc.context().close();
    } finally {
      stack.setWalletConnectProjectId(undefined);
      outside.length = 0;
    }
  });

  it("opens as a Mini App with no wallet and no ETH: embedded wallet, gasless submit bound to the Telegram user", async function () {
    const initData = launchData(TELEGRAM_USER);
    const tg = await newPage({ width: 360, height: 800 }, fakeTelegramClient(initData));
    await tg.goto(miniAppUrl(stack.appUrl, initData));
    await openSubmit(tg);
    expect(await tg.evaluate("document.documentElement.classList.contains('telegram')")).to.equal(true);
    expect(await tg.evaluate("window.__telegram.events.includes('web_app_ready')")).to.equal(true);

    const address = await createEmbeddedWallet(tg);
    expect(await hre.ethers.provider.getBalance(address)).to.equal(0n);
    // Only ciphertext goes to Telegram's CloudStorage.
    const cloudVault = JSON.parse((await tg.evaluate("window.__telegram.cloud.cashkey_vault")) as string) as { address: string };
    expect(cloudVault.address.toLowerCase()).to.equal(address.toLowerCase());

    await tg.getByLabel("Content").fill(submissions.items.filter((item) => item.label === "useful")[1].text);
    await tg.getByRole("button", { name: "Upload and submit" }).click();
    await confirmGasless(tg);
    await textOf(tg.getByTestId("submitted"), /Submitted as #\d+\./);
    await textOf(tg.getByTestId("tx-paid-by"), /gas paid by the oracle's relayer/);
    const id = await stack.deployment.rewards.submissionCount();
    expect((await stack.deployment.rewards.submission(id)).author).to.equal(address);
    expect(await hre.ethers.provider.getBalance(address)).to.equal(0n);
    // The node tied the account to the Telegram user of the signed launch data (not initDataUnsafe's).
    expect(stack.oracle.node.store.telegramAccounts.userOf(address)).to.equal(TELEGRAM_USER);

    // Scored; then, once the epoch has closed on the chain's clock, a gasless claim to another address.
    await tg.getByRole("link", { name: "My submissions" }).click();
    await textOf(tg.getByTestId(`submission-${id}`).locator(".status-scored"), /scored/);
    await tg.getByRole("link", { name: "Rewards" }).click();
    await advanceChainTime(E2E_TIMING.epochLength);
    const claimable = await stack.deployment.rewards.claimable(address);
    expect(claimable).to.be.greaterThan(0n);
    const friend = Wallet.createRandom().address;
    await textOf(tg.getByTestId("claimable"), /[1-9][\d,.]* CKEY$/);
    await tg.getByLabel("Send the tokens to").fill(friend);
    await tg.getByRole("button", { name: "Claim" }).click();
    await confirmGasless(tg);
    await textOf(tg.getByTestId("tx-status"), /Claim: Confirmed/);
    await textOf(tg.getByTestId("tx-paid-by"), /gas paid by the oracle's relayer/);
    expect(await stack.deployment.token.balanceOf(friend)).to.equal(claimable);
    expect(await hre.ethers.provider.getBalance(address)).to.equal(0n);
    // The claim history (from the indexer) lists it once indexed.
    await textOf(tg.getByTestId("claims"), new RegExp(`CKEY to ${friend.slice(0, 6)}`));
    await tg.screenshot({ path: path.join(SCREENSHOTS, "telegram-claim-light.png"), fullPage: true });
  });

  it("refuses a second wallet from the same Telegram user, in words, and sends nothing", async function () {
    const initData = launchData(TELEGRAM_USER);
    const second = await newPage({ width: 360, height: 800 }, fakeTelegramClient(initData));
    await second.goto(miniAppUrl(stack.appUrl, initData, "dark"));
    await openSubmit(second);
    const address = await createEmbeddedWallet(second);
    const before = await stack.deployment.rewards.submissionCount();
    await second.getByLabel("Content").fill(submissions.items.filter((item) => item.label === "useful")[2].text);
    await second.getByRole("button", { name: "Upload and submit" }).click();
    await confirmGasless(second);
    await textOf(second.getByRole("alert"), /already has its gas paid for another CashKey wallet.*one wallet per Telegram user/);
    expect(await stack.deployment.rewards.submissionCount()).to.equal(before);
    expect(stack.oracle.node.store.telegramAccounts.userOf(address)).to.equal(undefined);
    await second.screenshot({ path: path.join(SCREENSHOTS, "telegram-second-wallet-dark.png"), fullPage: true });
  });

  for (const theme of ["light", "dark"] as const) {
    it(`reads well in Telegram's ${theme} theme: no serious accessibility violation (axe-core, contrast included) on any page`, async function () {
      const initData = launchData(TELEGRAM_USER + (theme === "dark" ? 2 : 1));
      const tg = await newPage({ width: 360, height: 800 }, fakeTelegramClient(initData));
      await tg.goto(miniAppUrl(stack.appUrl, initData, theme));
      await textOf(tg.getByRole("heading", { level: 1 }), /Get paid in CKEY/);
      expect(await tg.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()")).to.equal(THEMES[theme].bg_color);
      const violations: string[] = [];
      for (const route of ["", "submit", "submissions", "rewards", "staking", "governance", "network"]) {
        // Within the Mini App: the hash changes, the launch (and its theme) stays.
        await tg.evaluate(`location.hash = "#/${route}"`);
        await tg.getByRole("heading", { level: 1 }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        await tg.waitForLoadState("networkidle");
        violations.push(...(await seriousAxeViolations(tg, route)));
      }
      expect(violations).to.deep.equal([]);
      await tg.context().close();
    });
  }

  it("raised no uncaught error in the pages", function () {
    expect(pageErrors).to.deep.equal([]);
  });
});
