/**
 * Challenging a score in a real headless Chromium against the local stack with the indexer: a challenger
 * (the dev account) opens a bonded challenge from the item's Explore page, sees it on the Challenges
 * page; the author (a second browser whose wallet is another unlocked account) sees it on My submissions
 * and answers, and watches the Rewards page's "claimable from" give way to the open challenge; the
 * operator quorum's verdict (signed with the typed-data helper) and a finalization from the app resolve it,
 * the outcome and payouts show on the Challenges page, and the author's epoch becomes claimable again.
 */
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { keccak256, toUtf8Bytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { challengesDomain, signChallengeVerdict, verdictArgs } from "../../oracle/src/protocol/challengeVerdict";
import submissions from "../fixtures/submissions.json";
import { verdictMessage } from "../helpers/challenges";
import { printLogsOnFailure, submitHash, upload, waitUntil } from "../oracle/node/nodeHarness";
import { type DappStack, SCREENSHOTS, advanceChainTime, seriousAxeViolations, startDappStack } from "./dappHarness";

const STEP_TIMEOUT_MS = 60_000;
const [USEFUL_TEXT, SECOND_USEFUL_TEXT] = submissions.items.filter((item) => item.label === "useful").map((item) => item.text) as [string, string];
const REASON_TEXT = "Padding: the second half repeats the first in other words.";
const ANSWER_TEXT = "Each paragraph adds figures the first does not have.";

/** As the app writes times (frontend/src/lib/format.ts). */
const utc = (seconds: bigint) =>
  new Date(Number(seconds) * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function textOf(locator: Locator, pattern: RegExp): Promise<string> {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  const text = (await locator.filter({ hasText: pattern }).first().textContent()) ?? "";
  expect(text).to.match(pattern);
  return text;
}

async function confirmTx(page: Page, summary: RegExp): Promise<void> {
  const review = page.getByTestId("tx-review");
  await review.waitFor({ timeout: STEP_TIMEOUT_MS });
  expect(await review.getByTestId("review-summary").textContent()).to.match(summary);
  await review.getByRole("button", { name: "Confirm and sign" }).click();
  await review.waitFor({ state: "detached", timeout: STEP_TIMEOUT_MS });
}

/**
 * A browser whose dev wallet is `account`: the local node's `eth_accounts` answer is rewritten to put it
 * first, so the app connects as it and the node signs its transactions (every Hardhat account is unlocked).
 */
async function contextAs(stack: DappStack, account: string): Promise<BrowserContext> {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route(
    (url) => url.href.startsWith(stack.rpcUrl),
    async (route) => {
      const body = route.request().postData();
      const call = body ? (JSON.parse(body) as { id?: number; method?: string }) : undefined;
      if (call?.method !== "eth_accounts") return route.continue();
      return route.fulfill({
        status: 200,
        headers: { "content-type": "application/json", "access-control-allow-origin": "*" },
        body: JSON.stringify({ jsonrpc: "2.0", id: call.id, result: [account.toLowerCase()] }),
      });
    },
  );
  return context;
}

async function connect(page: Page, address: string): Promise<void> {
  await page.getByRole("button", { name: /Connect local dev account/ }).click();
  await textOf(page.getByTestId("account"), new RegExp(address.slice(0, 6)));
}

describe("dApp: challenging a score end to end (headless Chromium, indexer)", function () {
  this.timeout(600_000);
  let stack: DappStack;
  let snapshot: string;
  let challengerPage: Page;
  let authorPage: Page;
  let challenger: HardhatEthersSigner;
  let author: HardhatEthersSigner;
  let itemId: bigint;
  const pageErrors: string[] = [];

  before(async function () {
    snapshot = (await hre.network.provider.request({ method: "evm_snapshot", params: [] })) as string;
    stack = await startDappStack({ indexer: true });
    [challenger, author] = await hre.ethers.getSigners();
    const hash = await upload(stack.oracle.node.url, USEFUL_TEXT);
    itemId = await submitHash(stack.deployment.rewards, author, hash, 1);
    const { rewards } = stack.deployment;
    await waitUntil(async () => (await rewards.queryFilter(rewards.filters.Scored(itemId))).length === 1, "the item scored", STEP_TIMEOUT_MS);
    await waitUntil(async () => (await stack.indexer!.get(`/v1/items/${itemId}`)).body?.item?.score != null, "the item indexed with its score", STEP_TIMEOUT_MS);
    challengerPage = await (await stack.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    authorPage = await (await contextAs(stack, author.address)).newPage();
    for (const page of [challengerPage, authorPage]) page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterEach(async function () {
    if (!stack || this.currentTest?.state !== "failed") return;
    printLogsOnFailure(this.currentTest, [stack.oracle]);
    console.log(stack.indexer?.logs.slice(-20).join("\n"));
    for (const page of [challengerPage, authorPage])
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

  it("shows the author when the epoch becomes claimable, from Challenges.claimableAt", async function () {
    await authorPage.goto(`${stack.appUrl}/#/rewards`);
    await connect(authorPage, author.address);
    const claimableAt = await stack.deployment.challenges.claimableAt(0);
    expect(claimableAt).to.be.greaterThan(0n);
    await textOf(
      authorPage.getByTestId("claim-gate-0"),
      new RegExp(`^Epoch 0: claimable from ${escape(utc(claimableAt))}, when the epoch has ended and its challenge window has closed\\.$`),
    );
  });

  it("opens a challenge from the item's Explore page: reason, text, bond, risk, timeline, approve, open", async function () {
    const { challenges } = stack.deployment;
    const params = await challenges.params();
    await challengerPage.goto(`${stack.appUrl}/#/explore/${itemId}`);
    await connect(challengerPage, challenger.address);
    const panel = challengerPage.getByTestId("challenge-panel");
    await textOf(panel.getByTestId("challenge-bond"), /^Bond: 100 CKEY, set by governance \(at least 1 CKEY\)\.$/);
    await textOf(panel.getByTestId("challenge-risk"), /^You lock 100 CKEY\. Upheld: .* Rejected: you lose it \(50 % to the author/);
    await textOf(
      panel.getByTestId("challenge-timeline"),
      /Challenge window closes.*The operators' verdict is due by.*Escalation possible until at most.*Governance decides/s,
    );
    await panel.getByLabel("Reason").selectOption({ label: "Decoration / padding" });
    await panel.getByLabel("Why, in a few words").fill(REASON_TEXT);
    // A duplicate needs the earlier #id: the form says so before anything is sent.
    await panel.getByLabel("Reason").selectOption({ label: "Duplicate of an earlier submission" });
    await textOf(panel.getByRole("alert"), /Name the earlier submission it duplicates/);
    await panel.getByLabel("Reason").selectOption({ label: "Decoration / padding" });
    await panel.screenshot({ path: path.join(SCREENSHOTS, "challenge-open.png") });
    expect(await seriousAxeViolations(challengerPage, "item page with the challenge form")).to.deep.equal([]);
    await panel.getByRole("button", { name: "Approve 100 CKEY" }).click();
    await confirmTx(challengerPage, /Allow the Challenges contract to take the 100 CKEY bond/);
    await panel.getByRole("button", { name: "Open challenge" }).click();
    await confirmTx(challengerPage, new RegExp(`Challenge submission #${itemId} \\(decoration / padding\\) with a bond of 100 CKEY`));
    await textOf(panel.getByTestId("challenge-opened"), /^Challenge #1 is open\./);

    const stored = await challenges.challenge(1n);
    expect(stored.challenger).to.equal(challenger.address);
    expect(stored.author).to.equal(author.address);
    expect(stored.submissionId).to.equal(itemId);
    expect(stored.bond).to.equal(params.bond);
    const [opened] = await challenges.queryFilter(challenges.filters.ChallengeOpened(1n));
    // The hash committed on-chain is keccak256 of the UTF-8 text the challenger typed (docs/CONTRACTS.md).
    expect(opened!.args.reasonHash).to.equal(keccak256(toUtf8Bytes(REASON_TEXT)));
    expect(opened!.args.points).to.equal((await stack.deployment.rewards.queryFilter(stack.deployment.rewards.filters.Scored(itemId)))[0]!.args.points);
  });

  it("lists the open challenge on the Challenges page, from the indexer", async function () {
    await challengerPage.getByRole("link", { name: "Challenges", exact: true }).click();
    await textOf(challengerPage.getByRole("heading", { level: 1 }), /^Challenges$/);
    const card = challengerPage.getByTestId("challenge-1");
    await textOf(card, /Challenge #1\s*open/);
    await textOf(card, new RegExp(`Decoration / padding · \\d+ points of\\s*epoch 0 · bond 100 CKEY`));
    await textOf(card.getByTestId("challenge-outcome"), /^Open: the operators' verdict is due by \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/);
    // The reason text, read back from the oracle node and checked against the hash committed on-chain.
    await textOf(card.getByTestId("challenge-reason-text"), new RegExp(`^Reason: ${escape(REASON_TEXT)}$`));
    expect(await seriousAxeViolations(challengerPage, "challenges page")).to.deep.equal([]);
    // On a 360 px phone the page does not scroll sideways.
    await challengerPage.setViewportSize({ width: 360, height: 780 });
    expect(await challengerPage.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")).to.equal(0);
    await challengerPage.setViewportSize({ width: 1280, height: 900 });
  });

  it("shows the author the challenge on My submissions, and the author answers", async function () {
    await authorPage.getByRole("link", { name: "My submissions" }).click();
    const box = authorPage.getByTestId(`submission-challenge-${itemId}`);
    await textOf(box, new RegExp(`Challenged \\(#1, decoration / padding\\) by ${challenger.address.slice(0, 6)}.* with a\\s*100 CKEY bond: open`, "s"));
    await box.getByLabel("Your answer").fill(ANSWER_TEXT);
    await box.getByRole("button", { name: "Answer" }).click();
    await confirmTx(authorPage, /Commit your answer to challenge #1/);
    await textOf(box.getByTestId("answer-sent"), /^Answer committed on-chain\./);
    const { challenges } = stack.deployment;
    const [answered] = await challenges.queryFilter(challenges.filters.ChallengeAnswered(1n));
    expect(answered!.args.author).to.equal(author.address);
    expect(answered!.args.answerHash).to.equal(keccak256(toUtf8Bytes(ANSWER_TEXT)));
    await textOf(box.getByTestId("challenge-answered"), /You answered this challenge/);
  });

  it("moves the epoch's claimable time on the Rewards page: held by the open challenge", async function () {
    const { challenges } = stack.deployment;
    expect(await challenges.claimableAt(0)).to.equal(0n);
    const params = await challenges.params();
    // The latest end of the challenge's remaining phases (open: verdict, escalation, decision; after the
    // oracle node's verdict: escalation and decision). The node may post its verdict at any moment, so
    // the page is compared with the bound of the status it shows.
    const expected = async () => {
      const stored = await challenges.challenge(1n);
      const latest = stored.status === 1n ? stored.deadline + params.escalationWindow + params.escalationTimeout : stored.deadline + params.escalationTimeout;
      return new RegExp(`^Epoch 0: held by 1 open challenge \\(#1\\); claimable once resolved, at the latest from ${escape(utc(latest))}\\. See the challenges$`);
    };
    await authorPage.getByRole("link", { name: "Rewards" }).click();
    const gate = authorPage.getByTestId("claim-gate-0");
    await waitUntil(
      async () => (await expected()).test((await gate.first().textContent({ timeout: STEP_TIMEOUT_MS })) ?? ""),
      "the claim gate names the challenge's latest end",
      STEP_TIMEOUT_MS,
    );
    await textOf(gate, await expected());
  });

  it("resolves by the quorum's verdict and a finalization from the app: the outcome and payouts show, the epoch is claimable", async function () {
    const { challenges } = stack.deployment;
    // The operators' verdict, signed with the protocol's typed data (rejected: the score stands).
    if ((await challenges.challenge(1n)).status === 1n) {
      const message = await verdictMessage(challenges, 1n, false);
      const { chainId } = await hre.ethers.provider.getNetwork();
      const signature = await signChallengeVerdict(stack.operator, challengesDomain(chainId, await challenges.getAddress()), message);
      await (await challenges.postVerdict(verdictArgs(message), [signature])).wait();
    }
    const verdict = await challenges.challenge(1n);
    const card = challengerPage.getByTestId("challenge-1");
    await textOf(card.getByTestId("challenge-answer-text"), new RegExp(`^Author's answer: ${escape(ANSWER_TEXT)}$`));
    await textOf(card.getByTestId("challenge-outcome"), new RegExp(`^Verdict: ${verdict.firstUpheld ? "upheld" : "rejected"}; the other side may escalate until`));
    await advanceChainTime(Number((await challenges.params()).escalationWindow) + 1);
    await card.getByRole("button", { name: "Finalize #1" }).click();
    await confirmTx(challengerPage, /Apply the outcome of challenge #1/);
    await challengerPage.getByRole("button", { name: "Resolved" }).click();
    const [resolved] = await challenges.queryFilter(challenges.filters.ChallengeResolved(1n));
    expect(resolved!.args.status).to.equal(verdict.firstUpheld ? 4n : 5n);
    const outcome = verdict.firstUpheld
      ? /^Upheld: \d+ points removed; reward [\d,.]+ CKEY\. Paid: challenger [\d,.]+ CKEY\.$/
      : /^Rejected: the score stands\. Paid: author 50 CKEY, treasury 50 CKEY\.$/;
    await textOf(challengerPage.getByTestId("challenge-1").getByTestId("challenge-outcome"), outcome);
    await challengerPage.screenshot({ path: path.join(SCREENSHOTS, "challenges.png"), fullPage: true });

    // Resolved and past its window: the author's epoch 0 is claimable, and the claim passes the gate.
    await textOf(authorPage.getByTestId("claim-gate-0"), /^Epoch 0: claimable \(its challenge window has closed\)\.$/);
    const claimable = await stack.deployment.rewards.claimable(author.address);
    expect(claimable).to.be.greaterThan(0n);
    await authorPage.getByRole("button", { name: "Claim" }).click();
    await confirmTx(authorPage, /Send your .* CKEY from closed epochs to your own address/);
    await waitUntil(
      async () => (await stack.deployment.rewards.queryFilter(stack.deployment.rewards.filters.Claimed(author.address))).length === 1,
      "the claim",
      STEP_TIMEOUT_MS,
    );
    expect(await challenges.finalizedEpochs()).to.be.greaterThan(0n);
  });

  it("lets the author escalate an upheld verdict from My submissions, bonding twice the bond; the Challenges page shows it escalated and proposes the decision", async function () {
    const { rewards, token, challenges } = stack.deployment;
    // A second item in the current epoch, challenged directly on the chain (the form is tested above).
    const hash = await upload(stack.oracle.node.url, SECOND_USEFUL_TEXT);
    const second = await submitHash(rewards, author, hash, 1);
    await waitUntil(async () => (await rewards.queryFilter(rewards.filters.Scored(second))).length === 1, "the second item scored", STEP_TIMEOUT_MS);
    const [scored] = await rewards.queryFilter(rewards.filters.Scored(second));
    expect(scored!.args.points).to.be.greaterThan(0n);
    const { bond } = await challenges.params();
    await (await token.connect(challenger).approve(await challenges.getAddress(), bond)).wait();
    await (await challenges.connect(challenger).open(second, await rewards.currentEpoch(), scored!.args.points, 5, 0, keccak256(toUtf8Bytes("not information")))).wait();
    const id = await challenges.challengeCount();
    const message = await verdictMessage(challenges, id, true);
    const { chainId } = await hre.ethers.provider.getNetwork();
    await (
      await challenges.postVerdict(verdictArgs(message), [await signChallengeVerdict(stack.operator, challengesDomain(chainId, await challenges.getAddress()), message)])
    ).wait();
    // The author needs 2 × bond of unstaked CKEY.
    await (await token.connect(challenger).transfer(author.address, bond * 2n)).wait();

    await authorPage.getByRole("link", { name: "My submissions" }).click();
    const box = authorPage.getByTestId(`submission-challenge-${second}`);
    await textOf(box, new RegExp(`Challenged \\(#${id}, other\\).*: verdict\\.\\s*Verdict: upheld; escalation possible until`, "s"));
    await box.getByRole("button", { name: "Approve 200 CKEY to escalate" }).click();
    await confirmTx(authorPage, /Allow the Challenges contract to take 200 CKEY, the escalation bond/);
    await box.getByRole("button", { name: "Escalate to governance (200 CKEY)" }).click();
    await confirmTx(authorPage, new RegExp(`Bond 200 CKEY and ask the token holders to decide challenge #${id}`));
    await textOf(box, /: escalated\.\s*Escalated to governance; decision due by/);
    const stored = await challenges.challenge(id);
    expect(stored.status).to.equal(3n);
    expect(stored.escalationBond).to.equal(bond * 2n);

    await challengerPage.getByRole("button", { name: "Escalated" }).click();
    const card = challengerPage.getByTestId(`challenge-${id}`);
    await textOf(
      card.getByTestId("challenge-outcome"),
      new RegExp(`^Escalated to governance \\(verdict was upheld\\); decision due by ${escape(utc(stored.deadline))}\\.$`),
    );

    // Any holder with the proposal threshold puts the decision to a vote: a Governor proposal calling Challenges.decide.
    const { governor } = stack.deployment;
    await (await token.connect(challenger).delegate(challenger.address)).wait();
    await advanceChainTime(1);
    await card.getByRole("button", { name: "Propose: reject" }).click();
    await confirmTx(challengerPage, new RegExp(`Propose that the token holders reject challenge #${id} \\(Challenges.decide through the Timelock`));
    await waitUntil(async () => (await governor.queryFilter(governor.filters.ProposalCreated())).length === 1, "the proposal", STEP_TIMEOUT_MS);
    const [created] = await governor.queryFilter(governor.filters.ProposalCreated());
    expect(created!.args.proposer).to.equal(challenger.address);
    expect([...created!.args.targets]).to.deep.equal([await challenges.getAddress()]);
    expect([...created!.args.calldatas]).to.deep.equal([challenges.interface.encodeFunctionData("decide", [id, false])]);
    expect(created!.args.description).to.match(new RegExp(`^Reject challenge #${id}\\n`));
  });

  it("raised no uncaught error in the pages", function () {
    expect(pageErrors).to.deep.equal([]);
  });
});
