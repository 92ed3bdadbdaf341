/**
 * The Telegram bot inside a running node: a submission from an account tied to a Telegram user is
 * evaluated, batched and posted on the in-process chain, and the user gets the score from the
 * local Bot API server; the bot token stays out of the node's logs.
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fixtures from "../../fixtures/submissions.json";
import { oracleFixture } from "../chain/oracleFixture";
import { LocalBotApi } from "../helpers/localBotApi";
import {
  type TestChain,
  type TestNode,
  createTestNode,
  eventually,
  nodeConfig,
  printLogsOnFailure,
  startTestChain,
  submissionView,
  submitHash,
  testDir,
  upload,
} from "../node/nodeHarness";

const BOT_TOKEN = "654321:node-test-bot-token-cashkey";
const MINI_APP_URL = "https://app.cashkey.test/";
const ALICE_USER = 777;

describe("oracle node with the Telegram bot", function () {
  let chain: TestChain;
  let botApi: LocalBotApi;
  let running: TestNode[] = [];
  let cleanups: (() => void)[] = [];

  before(async function () {
    chain = await startTestChain();
  });

  after(async function () {
    await chain.close();
  });

  beforeEach(async function () {
    botApi = await LocalBotApi.start(BOT_TOKEN);
  });

  afterEach(async function () {
    printLogsOnFailure(this.currentTest, running);
    for (const { node } of running) await node.stop();
    for (const cleanup of cleanups) cleanup();
    running = [];
    cleanups = [];
    await botApi.close();
  });

  it("tells the tied user their submission's score once its batch lands", async function () {
    const deployment = await loadFixture(oracleFixture);
    const { dir, cleanup } = testDir();
    cleanups.push(cleanup);
    const testNode = createTestNode(nodeConfig(dir, deployment.record, chain.proxy.url), deployment.operator, {
      telegram: { botToken: BOT_TOKEN, miniAppUrl: MINI_APP_URL, apiRoot: botApi.apiRoot, pollMs: 100 },
    });
    running.push(testNode);
    const { node, logs } = testNode;
    await node.start();
    node.store.telegramAccounts.bind(deployment.alice.address, ALICE_USER);

    const useful = fixtures.items.find((item) => item.label === "useful")!;
    const id = await submitHash(deployment.rewards, deployment.alice, await upload(node.url, useful.text));
    await eventually(() => botApi.sent(ALICE_USER).length > 0, "the score message");

    const view = await submissionView(node.url, id);
    expect(view.status).to.equal("scored");
    const [message] = botApi.sent(ALICE_USER);
    expect(message.body.text).to.equal(
      `Your submission #${id} was scored ${view.score}/100: ${view.points! > 0 ? `it earned ${view.points!.toLocaleString("en-US")} points.` : "it earned no points this time."}\nOpen it to see why.`,
    );
    // The metrics follow the answer (the server saw the request first).
    await eventually(async () => {
      const metrics = await node.metrics.registry.metrics();
      return metrics.includes('cashkey_oracle_telegram_messages_total{outcome="sent"} 1') && metrics.includes("cashkey_oracle_telegram_outbox_pending 0");
    }, "the telegram metrics");
    await node.stop();
    expect(botApi.sent(ALICE_USER)).to.have.length(1);
    expect(logs.join("\n")).not.to.include(BOT_TOKEN.split(":")[1]);
  });
});
