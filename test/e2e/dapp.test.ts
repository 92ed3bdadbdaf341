/**
 * The dApp in a real headless Chromium against the local stack: connect, submit and watch the score
 * arrive, claim after the epoch closes, stake, delegate, propose, vote, queue, execute, and see the new
 * parameter in the app. Every step asserts what the page shows; screenshots land in docs/screenshots/.
 */
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { Wallet, formatEther, parseEther } from "ethers";
import type { Locator, Page } from "playwright-core";
import { contentHash } from "../../oracle/src/protocol/contentHash";
import submissions from "../fixtures/submissions.json";
import { ACTIVATED_SERVICE_WORKER, type DappStack, E2E_EXPLORER, E2E_TIMING, SCREENSHOTS, advanceChainTime, seriousAxeViolations, startDappStack } from "./dappHarness";
import { printLogsOnFailure } from "../oracle/node/nodeHarness";

const STEP_TIMEOUT_MS = 60_000;
const USEFUL_TEXT = submissions.items.find((item) => item.label === "useful")!.text;

/** Waits until the locator's text matches (a bound on a hung step, not a timing assertion) and returns it. */
async function textOf(locator: Locator, pattern: RegExp): Promise<string> {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  const text = (await locator.first().textContent()) ?? "";
  expect(text).to.match(pattern);
  return text;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * The review step every transaction passes: waits for it, checks what it says will happen and who pays,
 * and confirms. Nothing is signed before this click.
 */
async function confirmTx(page: Page, summary?: RegExp, fee: RegExp = /paid by your wallet/): Promise<void> {
  const review = page.getByTestId("tx-review");
  await review.waitFor({ timeout: STEP_TIMEOUT_MS });
  if (summary) expect(await review.getByTestId("review-summary").textContent()).to.match(summary);
  expect(await review.getByTestId("review-fee").textContent()).to.match(fee);
  await review.getByRole("button", { name: "Confirm and sign" }).click();
}

const grouped = (wei: bigint) => Number(formatEther(wei)).toLocaleString("en-US", { maximumFractionDigits: 4 });
/** As the app writes times (frontend/src/lib/format.ts). */
const formatTimestamp = (seconds: bigint) =>
  new Date(Number(seconds) * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("dApp end to end (headless Chromium)", function () {
  let stack: DappStack;
  let page: Page;
  let snapshot: string;
  const pageErrors: string[] = [];

  before(async function () {
    this.timeout(300_000);
    // The shared in-process chain goes back to where it was, clock included, for the suites after this one.
    snapshot = (await hre.network.provider.request({ method: "evm_snapshot", params: [] })) as string;
    stack = await startDappStack();
    // History pages read the indexer, as in `npm start` (test/e2e/history.test.ts covers the fallback without it).
    await stack.startIndexer();
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterEach(async function () {
    if (!stack || this.currentTest?.state !== "failed") return;
    printLogsOnFailure(this.currentTest, [stack.oracle]);
    console.log(stack.indexer?.logs.slice(-20).join("\n"));
    console.log(
      `page at failure (${page.url()}):\n${await page
        .locator("main")
        .innerText()
        .catch(() => "?")}`,
    );
  });

  after(async function () {
    await stack?.close();
    await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
  });

  it("opens on a landing page: what CashKey is, what it pays for and how, leading to connect", async function () {
    await page.goto(`${stack.appUrl}/`);
    await textOf(page.getByRole("heading", { level: 1 }), /Get paid in CKEY for useful information/);
    await textOf(page.getByTestId("landing"), /What it pays for.*Originality.*How it works.*Connect.*Submit.*Get scored.*Claim/s);
    await textOf(page.getByTestId("landing-epoch"), /Epoch 0 pays 100,000 CKEY, shared by the points earned in it; it closes in/);
    await textOf(page.getByTestId("landing"), /Connect a wallet at the top of the page to start/);
    expect(await page.getByRole("button", { name: /Connect local dev account/ }).count()).to.equal(1);
    // No outline drawn around the page when the app focuses <main> on load.
    expect(await page.evaluate("getComputedStyle(document.querySelector('main')).outlineStyle")).to.equal("none");
    await textOf(page.getByTestId("dev-panel"), /DEV\s*Local chain 31337 only: move the clock/);
    // Opening a page starts at its top: the heading is not hidden under the sticky bar.
    expect(await page.evaluate("window.scrollY")).to.equal(0);
    await screenshot(page, "landing");
  });

  it("loads the runtime configuration and asks for a wallet", async function () {
    await page.goto(`${stack.appUrl}/#/rewards`);
    await textOf(page.getByRole("heading", { level: 1 }), /Rewards/);
    await textOf(page.getByRole("status"), /Connect a wallet .* to see and claim your rewards/);
    const [deployer] = await hre.ethers.getSigners();
    expect(await page.getByText(deployer.address.slice(0, 6)).count()).to.equal(0);
  });

  it("connects the local dev account, clearly marked", async function () {
    await page.goto(`${stack.appUrl}/#/submit`);
    await screenshot(page, "connect");
    await page.getByRole("button", { name: /Connect local dev account \(chain 31337 only\)/ }).click();
    const [deployer] = await hre.ethers.getSigners();
    await textOf(page.getByTestId("account"), new RegExp(deployer.address.slice(0, 6)));
    await textOf(page.getByText("DEV account"), /DEV account/);
    // Balances in the header, grouped: never "97399999 CKEY".
    const balance = await stack.deployment.token.balanceOf(deployer.address);
    await textOf(page.getByTestId("header-ckey"), new RegExp(`^${grouped(balance).replace(/\./g, "\\.")}$`));
    await textOf(page.getByTestId("header-points"), /^0$/);
  });

  it("submits content: shows the shared content hash, uploads, submits and counts the quota down", async function () {
    await textOf(page.getByTestId("quota-left"), /5 submissions left this epoch \(of 5\)/);
    await page.getByLabel("Content").fill(USEFUL_TEXT);
    const [account] = await hre.ethers.getSigners();
    const salt = (await page.getByTestId("content-salt").textContent())!;
    await textOf(page.getByTestId("content-hash"), new RegExp(contentHash({ text: USEFUL_TEXT, author: account.address, salt })));
    // The counter: characters, and the UTF-8 bytes of the upload against the node's 16,384-byte limit.
    await textOf(page.getByTestId("content-size"), new RegExp(`^${[...USEFUL_TEXT].length.toLocaleString("en-US")} characters · [\\d,]+ of 16,384 bytes used`));
    const uploadsBefore = (await fetch(`${stack.oracle.node.url}/metrics`).then((r) => r.text())).match(/content_stored_total\{source="upload"\} (\d+)/)?.[1];
    await page.getByRole("button", { name: "Upload and submit" }).click();
    // The review step comes before the upload: nothing has reached the node yet, and the form cannot be sent twice.
    await page.getByTestId("tx-review").waitFor({ timeout: STEP_TIMEOUT_MS });
    expect((await fetch(`${stack.oracle.node.url}/metrics`).then((r) => r.text())).match(/content_stored_total\{source="upload"\} (\d+)/)?.[1]).to.equal(uploadsBefore);
    expect(await page.getByRole("button", { name: "Upload and submit" }).isDisabled()).to.equal(true);
    await screenshot(page, "review");
    await confirmTx(page, /Record the content hash 0x\w+….* in category General, using 1 of your 5 submissions/);
    await textOf(page.getByTestId("submitted"), /Submitted as #1\./);
    // A toast with the explorer link, the activity panel, and a form ready for the next submission.
    const [log] = await stack.deployment.rewards.queryFilter(stack.deployment.rewards.filters.Submitted(1n));
    await textOf(page.getByTestId("toasts"), /Submit\s*confirmed/);
    expect(await page.getByTestId("toasts").getByTestId("explorer-link").first().getAttribute("href")).to.equal(`${E2E_EXPLORER}/tx/${log.transactionHash}`);
    await textOf(page.getByTestId("activity"), /Activity \(1\)/);
    expect(await page.getByLabel("Content").inputValue()).to.equal("");
    await textOf(page.getByTestId("quota-left"), /4 submissions left this epoch/);
    const [deployer] = await hre.ethers.getSigners();
    const record = await stack.deployment.rewards.submission(1n);
    expect(record.author).to.equal(deployer.address);
    const [submitted] = await stack.deployment.rewards.queryFilter(stack.deployment.rewards.filters.Submitted(1n));
    expect(submitted.args.contentHash).to.equal(contentHash({ text: USEFUL_TEXT, author: deployer.address, salt }));

    // The same text again, spaced differently: warned, and Submit waits for an explicit "again anyway".
    await page.getByLabel("Content").fill(`  ${USEFUL_TEXT.toUpperCase()}\n`);
    await textOf(page.getByTestId("duplicate-warning"), /already submitted this text as #1/);
    expect(await page.getByRole("button", { name: "Upload and submit" }).isDisabled()).to.equal(true);
    await screenshot(page, "submit");
    await page.getByLabel(/Submit it again anyway/).check();
    expect(await page.getByRole("button", { name: "Upload and submit" }).isDisabled()).to.equal(false);
    await page.getByLabel("Content").fill("");
  });

  it("watches the submission get scored, with the rationale verified against the on-chain root", async function () {
    await page.getByRole("link", { name: "My submissions" }).click();
    const row = page.getByTestId("submission-1");
    await textOf(row.locator(".status-scored"), /scored/);
    await textOf(row.getByTestId("verified"), /Rationale verified against the on-chain root/);
    expect(await row.getByTestId("verified").getAttribute("class")).to.equal("badge ok");
    const [deployer] = await hre.ethers.getSigners();
    const points = await stack.deployment.rewards.pointsOf(deployer.address);
    expect(points).to.be.greaterThan(0n);
    await textOf(row, new RegExp(`${points} points`));
    await textOf(row.getByTestId("points-why"), new RegExp(`^${points} points = ⌊1,000 × \\(\\d+ − 40 \\+ 1\\)²`));
    await page.getByText("How scoring works").click();
    await textOf(page.getByTestId("how-scoring"), /a 30\/100 earns 0/);
    await screenshot(page, "submissions");
  });

  it("shows operators, the batch with its signer count and the leaderboard on the network page", async function () {
    await page.getByRole("link", { name: "Network" }).click();
    // Batch #0: one item, signed by one operator (its address shown), heuristic evaluator.
    await textOf(page.getByTestId("batches"), /#0.*1\s*1 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}\s*heuristic/s);
    await textOf(page.getByTestId("operators"), /0x/);
    const [deployer] = await hre.ethers.getSigners();
    await textOf(page.getByTestId("leaderboard"), new RegExp(`${deployer.address.slice(0, 6)}.*points`));
    await textOf(page.getByTestId("epoch-budget"), /100,000 CKEY/);
    await screenshot(page, "network");
  });

  it("claims after the epoch closes, to another address, and lists the claim", async function () {
    await page.getByRole("link", { name: "Rewards" }).click();
    const [deployer, friend] = await hre.ethers.getSigners();
    const points = await stack.deployment.rewards.pointsOf(deployer.address);
    await textOf(page.getByTestId("lifetime-points"), new RegExp(`^${points}$`));
    await textOf(page.getByTestId("claimable"), /^0 CKEY$/);
    // This epoch's points: an estimate, with the earliest date they become claimable (the claim gate's).
    const claimableAt = await stack.deployment.challenges.claimableAt(0);
    const gateText = `claimable from ${formatTimestamp(claimableAt)} at the earliest, once epoch 0 has ended and its challenge window has closed`;
    await textOf(page.getByTestId("claimable-from"), new RegExp(`^C${escapeRegExp(gateText.slice(1))}\\.$`));
    await textOf(page.getByTestId("earnings"), new RegExp(`Epoch 0: 100,000 CKEY for ${points} of ${points} points · estimate; ${escapeRegExp(gateText)}$`));
    await advanceChainTime(E2E_TIMING.epochLength);
    const claimable = await stack.deployment.rewards.claimable(deployer.address);
    expect(claimable).to.be.greaterThan(0n);
    await textOf(page.getByTestId("claimable"), new RegExp(`^${grouped(claimable)} CKEY$`));
    // Epoch 0 has ended and its challenge window has closed: the claim gate lets the whole amount through.
    expect(await stack.deployment.challenges.claimableAt(0)).to.be.lessThanOrEqual(BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp));
    await textOf(page.getByTestId("claim-wait"), /^Tokens from final epochs: each epoch's budget shared by points\.$/);
    const before = await stack.deployment.token.balanceOf(friend.address);
    await page.getByLabel("Send the tokens to").fill(friend.address);
    await page.getByRole("button", { name: "Claim" }).click();
    await confirmTx(page, new RegExp(`Send your ${grouped(claimable)} CKEY from closed epochs to ${friend.address.slice(0, 6)}`));
    await textOf(page.getByTestId("claims"), new RegExp(`${grouped(claimable)} CKEY to ${friend.address.slice(0, 6)}`));
    expect((await stack.deployment.token.balanceOf(friend.address)) - before).to.equal(claimable);
    await textOf(page.getByTestId("earnings"), new RegExp(`Epoch 0: 100,000 CKEY for ${points} of ${points} points · final, claims open$`));
    const [claimed] = await stack.deployment.rewards.queryFilter(stack.deployment.rewards.filters.Claimed(deployer.address));
    expect(await page.getByTestId("claims").getByTestId("explorer-link").first().getAttribute("href")).to.equal(`${E2E_EXPLORER}/tx/${claimed.transactionHash}`);
    await textOf(page.getByTestId("claims"), /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    await screenshot(page, "rewards");
  });

  it("puts the contract's custom error into words when there is nothing left to claim", async function () {
    await page.getByRole("button", { name: "Claim" }).click();
    await textOf(page.getByRole("alert"), /Nothing to claim yet: tokens become claimable once the epoch/);
  });

  it("stakes, keeping this epoch's quota, and requests an unstake with its cooldown clock", async function () {
    await page.getByRole("link", { name: "Staking" }).click();
    await textOf(page.getByTestId("tier-progress"), /Stake 1,000 more for 20\/epoch/);
    await page.getByLabel("Amount to stake").fill("2000");
    await page.getByRole("button", { name: "Stake", exact: true }).click();
    expect(await page.getByRole("button", { name: "Stake", exact: true }).isDisabled()).to.equal(true);
    await confirmTx(page, /Lock 2,000 CKEY as stake: your quota rises from 5 to 20 submissions per epoch/);
    await textOf(page.getByTestId("staked"), /^2,000 CKEY$/);
    expect(await page.getByLabel("Amount to stake").inputValue()).to.equal("");
    await textOf(page.getByTestId("tier-progress"), /Stake 8,000 more for 100\/epoch/);
    // An epoch's quota follows the stake held when it started: the new stake counts from the next epoch.
    await textOf(page.getByText(/Submission quota:/), /Submission quota: 5 per epoch/);
    // An unstake that drops the tier is called out before anything is signed; one that keeps it is not.
    await page.getByLabel("Amount to unstake").fill("1500");
    await textOf(page.getByTestId("amount-warning"), /leaves 500 staked: your quota drops from 20 to 5 submissions per epoch/);
    await page.getByRole("button", { name: "Max: staked" }).click();
    expect(await page.getByLabel("Amount to unstake").inputValue()).to.equal("2000");
    await page.getByLabel("Amount to unstake").fill("500");
    expect(await page.getByTestId("amount-warning").count()).to.equal(0);
    await page.getByRole("button", { name: "Request unstake" }).click();
    await confirmTx(page, /Start the 7 d cooldown for 500 CKEY/);
    await textOf(page.getByTestId("pending-unstake"), /^500 CKEY$/);
    await textOf(page.getByTestId("cooldown"), /Withdrawable in 7 d/);
    const [deployer] = await hre.ethers.getSigners();
    expect((await stack.deployment.token.stakeInfoOf(deployer.address)).staked).to.equal(parseEther("1500"));
    await screenshot(page, "staking");
  });

  it("withdraws once the cooldown has passed on the chain's clock", async function () {
    await advanceChainTime(E2E_TIMING.unstakeCooldown);
    await textOf(page.getByTestId("cooldown"), /Withdrawable now/);
    await page.getByRole("button", { name: "Withdraw unstaked" }).click();
    await confirmTx(page, /Move 500 CKEY from unstaking/);
    await textOf(page.getByTestId("pending-unstake"), /^0 CKEY$/);
    await textOf(page.getByTestId("staked"), /^1,500 CKEY$/);
    // Epochs later, the 1,500 CKEY held at this epoch's start buy the first tier.
    await textOf(page.getByText(/Submission quota:/), /Submission quota: 20 per epoch/);
    expect(await page.getByTestId("operator-bond").count()).to.equal(0);
    const [deployer] = await hre.ethers.getSigners();
    expect((await stack.deployment.token.stakeInfoOf(deployer.address)).pendingUnstake).to.equal(0n);
  });

  it("delegates, proposes a new epoch budget, votes with a reason, queues and executes it", async function () {
    await page.getByRole("link", { name: "Governance" }).click();
    await textOf(page.getByTestId("delegate"), /nobody/);
    await page.getByRole("button", { name: "Delegate to myself" }).click();
    await confirmTx(page, /voting power to yourself/);
    await textOf(page.getByTestId("delegate"), /yourself/);

    // Preflight: a change the Timelock could not execute is refused before anyone votes on it.
    await page.getByLabel("Parameter", { exact: true }).selectOption("threshold");
    await page.getByLabel("Signatures required per batch").fill("9");
    expect(await page.getByLabel("Title").inputValue()).to.equal("Require 9 operator signatures per batch");
    await textOf(page.getByTestId("preflight"), /The Timelock could not execute this: A threshold of 9 is impossible with 1 operators/);
    expect(await page.getByRole("button", { name: "Propose" }).isDisabled()).to.equal(true);
    await screenshot(page, "preflight");

    await page.getByLabel("Parameter", { exact: true }).selectOption("epochBudget");
    await page.getByLabel("New epoch budget (CKEY)").fill("50000");
    expect(await page.getByLabel("Title").inputValue()).to.equal("Set the epoch budget to 50000 CKEY");
    await textOf(page.getByTestId("calldata"), /Rewards\.setEpochBudget\(50,000 CKEY\)/);
    await page.getByLabel("Title").fill("Halve the epoch budget");
    await page.getByLabel(/Description/).fill("Test the governance flow end to end.\n\n- same merit\n- <b>not bold</b>");
    await textOf(page.getByTestId("preflight"), /Preflight: simulated as the Timelock would execute it/);
    await page.getByRole("button", { name: "Propose" }).click();
    await confirmTx(page, /Open a vote on Rewards\.setEpochBudget\(50,000 CKEY\), titled "Halve the epoch budget"/);
    const proposals = page.getByTestId("proposals");
    // With a one-second voting delay the proposal may already read Active on the next call.
    await textOf(proposals, /Halve the epoch budget\s*(Pending|Active)\s*#1/);
    // The form reset after success: the title follows the (empty) action again.
    expect(await page.getByLabel("Title").inputValue()).to.equal("Set the epoch budget to … CKEY");
    // The same proposal again: the id (hashProposal) exists, said in words with a link to it.
    await page.getByLabel("New epoch budget (CKEY)").fill("50000");
    await page.getByLabel("Title").fill("Halve the epoch budget");
    await page.getByLabel(/Description/).fill("Test the governance flow end to end.\n\n- same merit\n- <b>not bold</b>");
    await textOf(page.getByTestId("preflight"), /An identical proposal exists \(same calls and description\), now (Pending|Active).*See proposal #1/);
    expect(await page.getByRole("button", { name: "Propose" }).isDisabled()).to.equal(true);
    await screenshot(page, "governance");

    await advanceChainTime(E2E_TIMING.votingDelay + 1);
    await proposals.getByRole("link", { name: "Halve the epoch budget" }).click();
    expect(page.url()).to.match(/#\/governance\/1$/);
    await textOf(page.getByTestId("proposal-state"), /Active/);
    // The description is rendered (bullets), never as HTML.
    await textOf(page.getByTestId("proposal-description"), /Test the governance flow end to end\./);
    expect(await page.getByTestId("proposal-description").locator("li").count()).to.equal(2);
    expect(await page.getByTestId("proposal-description").locator("b").count()).to.equal(0);
    await page.getByRole("radio", { name: "For" }).check();
    await page.getByLabel(/Reason/).fill("Smaller epochs, same merit.");
    await page.getByRole("button", { name: "Cast vote" }).click();
    await confirmTx(page, /Vote For on this proposal, with your reason stored on-chain/);
    await textOf(page.getByTestId("voted"), /You voted For with [\d,]+ CKEY: “Smaller epochs, same merit\.”/);
    await textOf(page.getByTestId("voters"), /you\s*voted For with [\d,]+ CKEY\s*Smaller epochs, same merit\./);
    await textOf(page.getByTestId("votes-for"), /^[1-9][\d,.]*$/);
    await screenshot(page, "proposal");

    // The local trial's dev panel moves the chain's clock: the vote ends, then the Timelock delay passes.
    const devPanel = page.getByTestId("dev-panel");
    const before = await devPanel.getByTestId("dev-chain-time").textContent();
    await devPanel.getByRole("button", { name: "+1 h" }).click();
    await page.waitForFunction(`document.querySelector('[data-testid=dev-chain-time]').textContent !== ${JSON.stringify(before)}`, undefined, {
      timeout: STEP_TIMEOUT_MS,
    });
    await textOf(page.getByTestId("proposal-state"), /Succeeded/);
    await page.getByRole("button", { name: "Queue in the Timelock" }).click();
    await confirmTx(page, /Schedule the passed proposal/);
    await textOf(page.getByTestId("proposal-state"), /Queued/);
    expect(await page.getByRole("button", { name: "Execute", exact: true }).isDisabled()).to.equal(true);
    await devPanel.getByRole("button", { name: "+10 min" }).click();
    await page.getByRole("button", { name: "Execute", exact: true }).and(page.locator(":enabled")).waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.getByRole("button", { name: "Execute", exact: true }).click();
    await confirmTx(page, /Have the Timelock run: Rewards\.setEpochBudget\(50,000 CKEY\)/);
    await textOf(page.getByTestId("proposal-state"), /Executed/);
    expect(await stack.deployment.rewards.epochBudget()).to.equal(parseEther("50000"));
  });

  it("shows the executed parameter change on the network page", async function () {
    await page.getByRole("link", { name: "Network" }).click();
    await textOf(page.getByTestId("epoch-budget"), /^50,000 CKEY$/);
  });

  it("fits a 360 px wide phone without horizontal scrolling, on every page, with the nav and balances kept in view", async function () {
    await page.setViewportSize({ width: 360, height: 780 });
    for (const route of ["", "submit", "submissions", "rewards", "staking", "network", "governance/1"]) {
      await page.goto(`${stack.appUrl}/#/${route}`);
      await page.getByRole("heading", { level: 1 }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
      expect(overflow, `#/${route} scrolls sideways`).to.equal(0);
    }
    // Scrolled down, the compact nav with the balances still sits at the top of the screen.
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)");
    const top = (await page.evaluate("document.querySelector('.sticky').getBoundingClientRect().top")) as number;
    expect(top).to.equal(0);
    await page.evaluate("window.scrollTo(0, 0)");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Governance" }).click();
    await textOf(page.getByTestId("proposals"), /Executed/);
    await textOf(page.getByTestId("proposals").getByTestId("vote-bar"), /For [\d,]+ \(100 %\)/);
    // Page-side code as strings: the test project's TypeScript has no DOM types.
    const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    expect(overflow).to.equal(0);
    await screenshot(page, "mobile-360");
  });

  it("has no serious or critical accessibility violations (axe-core) on its pages", async function () {
    const violations: string[] = [];
    for (const route of ["", "submit", "submissions", "rewards", "staking", "governance", "governance/1", "network"]) {
      await page.goto(`${stack.appUrl}/#/${route}`);
      await page.getByRole("heading", { level: 1 }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await page.waitForLoadState("networkidle");
      violations.push(...(await seriousAxeViolations(page, route)));
    }
    expect(violations).to.deep.equal([]);
  });

  it("installs as a PWA: manifest, and a service worker that opens the app shell offline", async function () {
    await page.goto(`${stack.appUrl}/#/network`);
    const manifest = await page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())");
    expect(manifest).to.include({ name: "CashKey", display: "standalone" });
    expect(await page.evaluate(ACTIVATED_SERVICE_WORKER)).to.equal("activated");
    await page.context().setOffline(true);
    try {
      await page.reload();
      await textOf(page.getByRole("heading", { level: 1 }), /Network/);
      await textOf(page.getByRole("navigation", { name: "Main" }), /Governance/);
    } finally {
      await page.context().setOffline(false);
    }
  });

  it("onboards a user with no wallet extension and no ETH: embedded wallet, forced backup, gasless submit, who paid", async function () {
    const passphrase = "correct horse battery";
    const context = await stack.browser.newContext({ viewport: { width: 360, height: 800 } });
    const fresh = await context.newPage();
    fresh.on("pageerror", (error) => pageErrors.push(error.message));
    try {
      await fresh.goto(`${stack.appUrl}/#/submit`);
      const panel = fresh.getByRole("region", { name: "CashKey wallet" });
      // Folded in a browser (the header keeps its size while the vault is looked up): open it.
      await panel.getByText("Create a CashKey wallet: no extension, no ETH needed").click();
      await panel.getByLabel("Passphrase").fill(passphrase);
      await panel.getByRole("button", { name: "Create wallet" }).click();
      await textOf(panel.getByRole("alert"), /Back up your wallet before using it/);
      expect(await panel.getByRole("button", { name: "Unlock CashKey wallet" }).count()).to.equal(0);
      await panel.getByRole("button", { name: "Show my key" }).click();
      const key = (await textOf(panel.getByTestId("backup-key"), /^0x[0-9a-f]{64}$/)).trim();
      await screenshot(fresh, "wallet-backup");
      await panel.getByLabel("Type the last 8 characters of the key").fill(key.slice(-8));
      await panel.getByRole("button", { name: "I wrote it down" }).click();
      await panel.getByLabel("Passphrase").fill(passphrase);
      await panel.getByRole("button", { name: "Unlock CashKey wallet" }).click();
      const address = new Wallet(key).address;
      await textOf(fresh.getByTestId("account"), new RegExp(address.slice(0, 6)));
      expect(await hre.ethers.provider.getBalance(address)).to.equal(0n);

      const text = submissions.items.find((item) => item.label !== "useful")!.text;
      await fresh.getByLabel("Content").fill(text);
      await fresh.getByRole("button", { name: "Upload and submit" }).click();
      await confirmTx(fresh, /Record the content hash/, /oracle's relayer pays the gas/);
      await textOf(fresh.getByTestId("submitted"), /Submitted as #\d+\./);
      await textOf(fresh.getByTestId("tx-paid-by"), /gas paid by the oracle's relayer/);
      const id = await stack.deployment.rewards.submissionCount();
      expect((await stack.deployment.rewards.submission(id)).author).to.equal(address);
      expect(await hre.ethers.provider.getBalance(address)).to.equal(0n);
      await screenshot(fresh, "relayed-submit");
    } finally {
      await context.close();
    }
  });

  it("raised no uncaught error in the page", function () {
    expect(pageErrors).to.deep.equal([]);
  });
});
