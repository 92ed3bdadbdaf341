/**
 * The dApp's history in a real headless Chromium, on a chain whose head is more than 10,000 blocks past
 * the deployment, with the dApp talking to the chain through a proxy that refuses `eth_getLogs` over
 * 10,000 blocks as public providers do. Every page shows its history from the indexer (Ponder on PGlite)
 * and no request is refused; Explore searches with a filter and verifies a rationale against the chain;
 * with the indexer stopped the pages say so and list what the latest blocks hold, again without a refusal.
 * Screenshots for docs/USERS.md land in docs/screenshots/.
 */
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import type { Locator, Page } from "playwright-core";
import { parseEther } from "ethers";
import submissions from "../fixtures/submissions.json";
import { encodeCall, propose, proposalOf, selfDelegate, startVoting, VoteType } from "../helpers/governance";
import { printLogsOnFailure, submitHash, upload, waitUntil } from "../oracle/node/nodeHarness";
import { type DappStack, E2E_TIMING, SCREENSHOTS, startDappStack } from "./dappHarness";

const STEP_TIMEOUT_MS = 60_000;
const [OLD_TEXT, RECENT_TEXT] = submissions.items.filter((item) => item.label === "useful").map((item) => item.text);
/** Guide and Research (SubmitPage's categories). */
const OLD_CATEGORY = 4;
const RECENT_CATEGORY = 3;
/** Blocks mined between the old history and the recent one: more than any provider serves in one `eth_getLogs`. */
const GAP_BLOCKS = 10_050;
const PROPOSAL_TITLE = "Raise the submission quota";
const VOTE_REASON = "Writers asked for more room.";

async function textOf(locator: Locator, pattern: RegExp): Promise<string> {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  const text = (await locator.filter({ hasText: pattern }).first().textContent()) ?? "";
  expect(text).to.match(pattern);
  return text;
}

/** The page read its history from the indexer: no fallback notice. */
async function fromIndexer(page: Page): Promise<void> {
  expect(await page.getByTestId("history-fallback").count(), page.url()).to.equal(0);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The first lines of a text as the submissions list shows them (blank lines dropped), as a pattern. */
function opening(text: string): RegExp {
  const first = text.split("\n").find((line) => line.trim() !== "")!;
  return new RegExp(first.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

describe("dApp history from the indexer, and bounded chain reads without it (headless Chromium)", function () {
  this.timeout(600_000);
  let stack: DappStack;
  let page: Page;
  let snapshot: string;
  let oldId: bigint;
  let recentId: bigint;
  const pageErrors: string[] = [];

  before(async function () {
    snapshot = (await hre.network.provider.request({ method: "evm_snapshot", params: [] })) as string;
    stack = await startDappStack({ logRangeProxy: true });
    const { rewards, token, governor, challenges } = stack.deployment;
    const [deployer] = await hre.ethers.getSigners();

    // The old history: a scored submission, a proposal with a vote and its reason, a claim.
    oldId = await submitHash(rewards, deployer, await upload(stack.oracle.node.url, OLD_TEXT), OLD_CATEGORY);
    await waitUntil(async () => rewards.isScored(oldId), "the old submission scored", STEP_TIMEOUT_MS);
    await selfDelegate(token, [deployer]);
    const proposal = proposalOf([await encodeCall(rewards, "setEpochBudget", [parseEther("60000")])], `${PROPOSAL_TITLE}\n\nMore room for writers.`);
    const proposalId = await propose(governor, deployer, proposal);
    await startVoting(governor, proposalId);
    await (await governor.connect(deployer).castVoteWithReason(proposalId, VoteType.For, VOTE_REASON)).wait();
    const challengeWindow = Number((await challenges.params()).window);
    await hre.network.provider.request({ method: "evm_increaseTime", params: [E2E_TIMING.epochLength + challengeWindow] });
    await hre.network.provider.request({ method: "evm_mine", params: [] });
    await (await rewards.connect(deployer).claim(deployer.address)).wait();

    // The head moves more than 10,000 blocks past all of it: a scan from the deployment is refused from now on.
    // One evm_mine each: state read at a block inside a `hardhat_mine` range comes back empty (no code), which stalls the node.
    for (let i = 0; i < GAP_BLOCKS; i++) await hre.network.provider.request({ method: "evm_mine", params: [] });
    expect(BigInt(await hre.ethers.provider.getBlockNumber()) - BigInt(stack.record.deployBlock)).to.be.greaterThan(10_000n);

    // The recent history, within the latest blocks.
    recentId = await submitHash(rewards, deployer, await upload(stack.oracle.node.url, RECENT_TEXT), RECENT_CATEGORY);
    await waitUntil(async () => rewards.isScored(recentId), "the recent submission scored", STEP_TIMEOUT_MS).catch((error) => {
      console.log(stack.oracle.logs.slice(-60).join("\n"));
      throw error;
    });

    const indexer = await stack.startIndexer();
    await indexer.waitForBlock(await hre.ethers.provider.getBlockNumber(), 180_000);

    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${stack.appUrl}/#/submissions`);
    await page.getByRole("button", { name: /Connect local dev account/ }).click();
    await textOf(page.getByTestId("account"), new RegExp(deployer.address.slice(0, 6)));
  });

  afterEach(async function () {
    if (!stack || this.currentTest?.state !== "failed") return;
    printLogsOnFailure(this.currentTest, [stack.oracle]);
    console.log(stack.indexer?.logs.slice(-30).join("\n"));
    console.log(
      `page at failure (${page?.url()}):\n${await page
        ?.locator("main")
        .innerText()
        .catch(() => "?")}`,
    );
  });

  after(async function () {
    await stack?.close();
    await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
  });

  it("has a proxy that refuses a scan from the deployment block, as a public provider would", async function () {
    const response = await fetch(stack.logProxy!.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getLogs",
        params: [{ address: stack.record.rewards, fromBlock: `0x${stack.record.deployBlock.toString(16)}` }],
      }),
    });
    const body = (await response.json()) as { error?: { message: string } };
    expect(body.error?.message).to.match(/limited to a 10000 block range/);
    expect(stack.logProxy!.refused).to.have.length(1);
    stack.logProxy!.calls.length = 0;
  });

  it("shows every page's history from the indexer, and no request of the dApp is refused", async function () {
    const [deployer] = await hre.ethers.getSigners();

    await page.goto(`${stack.appUrl}/#/submissions`);
    const old = page.getByTestId(`submission-${oldId}`);
    await textOf(old.getByTestId("snippet"), opening(OLD_TEXT));
    await textOf(old.getByTestId("submission-meta"), /Guide · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    await textOf(old.getByTestId("score"), /^\d+$/);
    await textOf(page.getByTestId(`submission-${recentId}`).getByTestId("snippet"), opening(RECENT_TEXT));
    await screenshot(page, "submissions-history");
    await fromIndexer(page);

    await page.goto(`${stack.appUrl}/#/rewards`);
    await textOf(page.getByTestId("earnings"), /Epoch 0: [\d,.]+ CKEY for [\d,]+ of [\d,]+ points · (final, claims open|claims open|claimable from|held by)/);
    await textOf(page.getByTestId("claims"), /CKEY to 0x\w+….*\d{4}-\d\d-\d\d/);
    await fromIndexer(page);

    await page.goto(`${stack.appUrl}/#/network`);
    const [operator] = await stack.deployment.rewards.operators();
    await textOf(page.getByTestId("batches"), /#\d+/);
    await textOf(page.getByTestId("batch-signers"), new RegExp(`^1 ${operator.slice(0, 6)}`, "i"));
    await textOf(page.getByTestId("leaderboard"), new RegExp(`${deployer.address.slice(0, 6)}.* — [1-9][\\d,]* points`));
    // The operator scorecard (indexer only): the operator, its batches and items, nothing upheld, no self-reversal.
    await textOf(page.getByTestId("scorecard"), new RegExp(`^${operator.slice(0, 6)}.*[1-9]\\d*[1-9]\\d*0 \\(0 / 0\\)0$`, "i"));
    await fromIndexer(page);

    await page.goto(`${stack.appUrl}/#/governance`);
    await textOf(page.getByTestId("proposals"), new RegExp(PROPOSAL_TITLE));
    await fromIndexer(page);
    await page.goto(`${stack.appUrl}/#/governance/1`);
    await textOf(page.getByRole("heading", { level: 1 }), new RegExp(PROPOSAL_TITLE));
    await textOf(page.getByTestId("voters"), new RegExp(`voted For with [\\d,]+ CKEY\\s*${VOTE_REASON.replace(".", "\\.")}`));
    await fromIndexer(page);

    await page.goto(`${stack.appUrl}/#/explore`);
    await textOf(page.getByTestId("explore-item"), /Flat-roof solar/);
    await textOf(page.getByTestId("explore-item"), /Sourdough hydration/);
    await fromIndexer(page);

    for (const route of ["", "submit", "staking"]) {
      await page.goto(`${stack.appUrl}/#/${route}`);
      await page.getByRole("heading", { level: 1 }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await page.waitForLoadState("networkidle");
    }
    expect(stack.logProxy!.calls.length).to.be.greaterThan(0);
    expect(stack.logProxy!.refused).to.deep.equal([]);
  });

  it("searches Explore by words and a category, and opens an item with its text and a rationale verified against the chain", async function () {
    await page.goto(`${stack.appUrl}/#/explore`);
    await page.getByLabel("Search").fill("ballasted solar panels");
    await page.getByLabel("Category").fill(String(RECENT_CATEGORY));
    await page.getByRole("button", { name: "Search" }).click();
    await textOf(page.locator("section"), /Nothing matches\./);
    await page.getByLabel("Category").fill(String(OLD_CATEGORY));
    await page.getByRole("button", { name: "Search" }).click();
    const found = page.getByTestId("explore-item");
    await textOf(found, /Flat-roof solar/);
    expect(await found.count()).to.equal(1);
    expect((await found.locator("mark").allTextContents()).map((word) => word.toLowerCase())).to.include("ballasted");
    await screenshot(page, "explore");

    await found.getByRole("link").click();
    expect(page.url()).to.match(new RegExp(`#/explore/${oldId}$`));
    expect(await page.getByTestId("item-text").textContent()).to.equal(OLD_TEXT);
    await page.getByTestId("rationale-verified").waitFor({ timeout: STEP_TIMEOUT_MS });
    await screenshot(page, "explore-item");
    expect(stack.logProxy!.refused).to.deep.equal([]);
  });

  it("with the indexer stopped, says so and lists what the latest blocks hold, without a refused request", async function () {
    await stack.indexer!.stop();
    const [deployer] = await hre.ethers.getSigners();

    await page.goto(`${stack.appUrl}/#/submissions`);
    await textOf(page.getByTestId("history-fallback"), /The indexer cannot be reached: the history below is read from the chain and covers only the latest 5,000 blocks/);
    await page.getByTestId(`submission-${recentId}`).waitFor({ timeout: STEP_TIMEOUT_MS });
    await textOf(page.getByTestId(`submission-${recentId}`).getByTestId("score"), /^\d+$/);
    // Older than the latest blocks: not listed, rather than scanned for.
    expect(await page.getByTestId(`submission-${oldId}`).count()).to.equal(0);
    await screenshot(page, "history-fallback");

    await page.goto(`${stack.appUrl}/#/network`);
    await page.getByTestId("history-fallback").waitFor({ timeout: STEP_TIMEOUT_MS });
    await textOf(page.getByTestId("batches"), /#\d+/);
    const [operator] = await stack.deployment.rewards.operators();
    await textOf(page.getByTestId("batch-signers"), new RegExp(`^1 ${operator.slice(0, 6)}`, "i"));
    await textOf(page.getByTestId("leaderboard"), new RegExp(`${deployer.address.slice(0, 6)}.* — [1-9][\\d,]* points`));

    await page.goto(`${stack.appUrl}/#/explore`);
    await page.getByTestId("history-fallback").waitFor({ timeout: STEP_TIMEOUT_MS });
    await textOf(page.getByTestId("explore-item"), new RegExp(`Submission ${recentId}`));

    for (const route of ["rewards", "governance", "governance/1"]) {
      await page.goto(`${stack.appUrl}/#/${route}`);
      await page.getByTestId("history-fallback").waitFor({ timeout: STEP_TIMEOUT_MS });
    }
    const logs = stack.logProxy!.calls.filter((call) => call.method === "eth_getLogs");
    expect(logs.length).to.be.greaterThan(0);
    for (const call of logs) expect(call.range!.toBlock - call.range!.fromBlock + 1n).to.be.at.most(5_000n);
    expect(stack.logProxy!.refused).to.deep.equal([]);
  });

  it("raised no uncaught error in the page", function () {
    expect(pageErrors).to.deep.equal([]);
  });
});
