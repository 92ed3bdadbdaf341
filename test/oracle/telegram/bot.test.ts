/**
 * The Telegram bot against a Bot API server on loopback (test/oracle/helpers/localBotApi.ts): the
 * messages a user tied to a wallet gets when a submission is scored (a batch posted on the
 * in-process chain and recorded in a real SQLite store) and when an epoch ends with rewards to
 * claim (Rewards views), with the Mini App button; no message twice across restarts; 429 waited
 * out as Telegram asks; 403 stops messages to that user; the token kept out of the logs.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Interface, getAddress, keccak256, toUtf8Bytes } from "ethers";
import pino from "pino";
import type { BuiltBatch } from "../../../oracle/src/batch/builder";
import { type Store, openStore } from "../../../oracle/src/store";
import { Api } from "grammy";
import { TelegramBot } from "../../../oracle/src/telegram/bot";
import { type ChallengeLogReader, TelegramNotifier, scoredSource } from "../../../oracle/src/telegram/notifier";
import { CHALLENGE_OPENED_EVENT, challengeLogReader } from "../../../oracle/src/telegram/challengeEvents";
import { botApiSender } from "../../../oracle/src/telegram/sender";
import { telegramBotSettingsFromEnv } from "../../../oracle/src/telegram/config";
import { ConfigError } from "../../../oracle/src/config";
import { OPEN_APP_BUTTON, tokenAmount, welcomeText } from "../../../oracle/src/telegram/messages";
import type { Rewards } from "../../../typechain-types";
import { fundedWallet, oracleFixture, signedBatchOf } from "../chain/oracleFixture";
import { BLOCKED, LocalBotApi, TOO_MANY_REQUESTS } from "../helpers/localBotApi";
import { tempDir } from "../store/fixtures";

const BOT_TOKEN = "123456:TEST-bot-token-for-cashkey-notifications";
const MINI_APP_URL = "https://app.cashkey.test/tg/";
const ALICE_USER = 4242;
const BOB_USER = 5151;

let contentCounter = 0;

/** Submits one piece of content as `author` and records the Submitted event in the store, as the watcher does. */
async function submitAndRecord(rewards: Rewards, author: HardhatEthersSigner, store: Store): Promise<bigint> {
  contentCounter += 1;
  const hash = keccak256(toUtf8Bytes(`telegram content ${contentCounter}`));
  const receipt = (await (await rewards.connect(author).submit(hash, 1)).wait())!;
  const log = receipt.logs.find((l) => rewards.interface.parseLog(l)?.name === "Submitted")!;
  const id = rewards.interface.parseLog(log)!.args.id as bigint;
  store.submissions.record({
    id,
    author: author.address,
    contentHash: hash,
    category: 1,
    blockNumber: receipt.blockNumber,
    blockHash: receipt.blockHash,
    txHash: receipt.hash,
    logIndex: log.index,
  });
  return id;
}

/** Posts a batch scoring `ids` on-chain and records it as landed, as the landed-batch sync does. */
async function scoreAndRecord(f: Awaited<ReturnType<typeof oracleFixture>>, store: Store, ids: bigint[]): Promise<BuiltBatch> {
  const { built, batch } = await signedBatchOf(f.rewards, f.operator, ids);
  const poster = await fundedWallet(f.rewards.runner!.provider!);
  const receipt = (await (await f.rewards.connect(poster).postScores(batch.header, [...batch.items], [...batch.signatures])).wait())!;
  store.batches.importLanded({
    nonce: built.header.nonce,
    evaluator: built.header.evaluator,
    rationaleRoot: built.header.rationaleRoot,
    deadline: built.header.deadline,
    items: built.entries.map((entry, i) => ({ item: built.items[i], rationaleJson: entry.rationaleJson })),
    digest: built.digest,
    signatures: [],
    txHash: receipt.hash,
  });
  return built;
}

function scoredText(id: bigint, score: number, points: number): string {
  const earned = points > 0 ? `it earned ${points.toLocaleString("en-US")} points.` : "it earned no points this time.";
  return `Your submission #${id} was scored ${score}/100: ${earned}\nOpen it to see why.`;
}

function button(request: { body: Record<string, unknown> }): { text: string; web_app: { url: string } } {
  return (request.body.reply_markup as { inline_keyboard: { text: string; web_app: { url: string } }[][] }).inline_keyboard[0][0];
}

/** A logger whose lines are kept, to check what reaches the logs. */
function capturedLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}

describe("Telegram bot", function () {
  let botApi: LocalBotApi;
  let dir: { dir: string; cleanup: () => void };
  let dbPath: string;
  let store: Store;
  const bots: TelegramBot[] = [];

  function bot(options: { rewards?: Rewards; challenges?: ChallengeLogReader; apiRoot?: string; logger?: pino.Logger } = {}): TelegramBot {
    const created = new TelegramBot({
      botToken: BOT_TOKEN,
      miniAppUrl: MINI_APP_URL,
      apiRoot: options.apiRoot ?? botApi.apiRoot,
      pollMs: 60_000,
      store,
      ...(options.rewards === undefined ? {} : { rewards: options.rewards }),
      ...(options.challenges === undefined ? {} : { challenges: options.challenges }),
      logger: options.logger ?? pino({ level: "silent" }),
      pollingTimeoutSeconds: 1,
    });
    bots.push(created);
    return created;
  }

  beforeEach(async function () {
    botApi = await LocalBotApi.start(BOT_TOKEN);
    dir = tempDir("cashkey-telegram-");
    dbPath = path.join(dir.dir, "oracle.sqlite");
    store = openStore(dbPath);
  });

  afterEach(async function () {
    for (const created of bots.splice(0)) await created.stop();
    store.close();
    await botApi.close();
    dir.cleanup();
  });

  describe("when a batch scoring a tied account's submissions lands", function () {
    it("messages the user the score, the points and a button to the item in the Mini App", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      const telegram = bot({ rewards: f.rewards });
      await telegram.notifier.pass();
      expect(botApi.sent()).to.have.length(0);

      const ids = [await submitAndRecord(f.rewards, f.alice, store), await submitAndRecord(f.rewards, f.bob, store)];
      const built = await scoreAndRecord(f, store, ids);
      await telegram.notifier.pass();

      // Bob is tied to no Telegram user: only Alice hears about her submission.
      const sent = botApi.sent();
      expect(sent).to.have.length(1);
      const alice = built.entries.find((e) => e.submissionId === ids[0])!;
      expect(sent[0].body.chat_id).to.equal(ALICE_USER);
      expect(sent[0].body.text).to.equal(scoredText(ids[0], alice.score, alice.points));
      expect(button(sent[0])).to.deep.equal({ text: "See the score", web_app: { url: `${MINI_APP_URL}#/submissions/${ids[0]}` } });
      expect(store.telegramNotices.get(`scored:${ids[0]}`)).to.include({ state: "sent", attempts: 1 });
    });

    it("does not message again after the notifier restarts on the same store", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      await bot().notifier.pass();
      const id = await submitAndRecord(f.rewards, f.alice, store);
      await scoreAndRecord(f, store, [id]);
      await bot().notifier.pass();
      expect(botApi.sent(ALICE_USER)).to.have.length(1);

      store.close();
      store = openStore(dbPath);
      await bot().notifier.pass();
      await bot().notifier.pass();
      expect(botApi.sent(ALICE_USER)).to.have.length(1);

      // The next batch is told, once.
      const next = await submitAndRecord(f.rewards, f.alice, store);
      await scoreAndRecord(f, store, [next]);
      await bot().notifier.pass();
      expect(botApi.sent(ALICE_USER).map((r) => r.body.text as string)).to.have.length(2);
      expect(botApi.sent(ALICE_USER)[1].body.text).to.match(new RegExp(`^Your submission #${next} was scored`));
    });

    it("keeps a message queued while Telegram is unreachable and sends it once it answers, without the token in the logs", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      // A server that drops every connection: the request fails at the network level.
      const dropper = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => dropper.listen(0, "127.0.0.1", resolve));
      const { logger, lines } = capturedLogger();
      try {
        const offline = bot({ apiRoot: `http://127.0.0.1:${(dropper.address() as net.AddressInfo).port}`, logger });
        await offline.notifier.pass();
        const id = await submitAndRecord(f.rewards, f.alice, store);
        await scoreAndRecord(f, store, [id]);
        expect(await offline.notifier.pass()).to.equal(30_000);
        expect(store.telegramNotices.get(`scored:${id}`)).to.include({ state: "pending", attempts: 1 });
        // The network error names the request URL, which holds the token: it is stored and logged redacted.
        expect(store.telegramNotices.get(`scored:${id}`)!.error)
          .to.match(/sendMessage/)
          .and.to.include("[bot token]");

        const logs = lines.join("");
        expect(logs).to.include("telegram unreachable");
        expect(logs).not.to.include(BOT_TOKEN);
        expect(logs).not.to.include(BOT_TOKEN.split(":")[1]);
        expect(JSON.stringify(store.telegramNotices.get(`scored:${id}`))).not.to.include(BOT_TOKEN.split(":")[1]);

        await bot().notifier.pass();
        expect(botApi.sent(ALICE_USER)).to.have.length(1);
        expect(store.telegramNotices.get(`scored:${id}`)).to.include({ state: "sent", attempts: 2 });
      } finally {
        await new Promise<void>((resolve) => dropper.close(() => resolve()));
      }
    });

    it("tells a batch recorded late, below a batch already told (landed-batch sync), and each once", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      const telegram = bot();
      await telegram.notifier.pass();
      const first = await submitAndRecord(f.rewards, f.alice, store);
      const second = await submitAndRecord(f.rewards, f.alice, store);
      // Both land on-chain in nonce order; this node records the second one first.
      const early = await signedBatchOf(f.rewards, f.operator, [first]);
      const poster = await fundedWallet(f.rewards.runner!.provider!);
      await (await f.rewards.connect(poster).postScores(early.batch.header, [...early.batch.items], [...early.batch.signatures])).wait();
      const recordFirst = () =>
        store.batches.importLanded({
          ...early.built.header,
          items: early.built.entries.map((entry, i) => ({ item: early.built.items[i], rationaleJson: entry.rationaleJson })),
          digest: early.built.digest,
          signatures: [],
          txHash: keccak256(toUtf8Bytes("first batch")),
        });
      await scoreAndRecord(f, store, [second]);
      await telegram.notifier.pass();
      expect(botApi.sent(ALICE_USER).map((r) => r.body.text as string)).to.have.length(1);
      expect(botApi.sent(ALICE_USER)[0].body.text).to.match(new RegExp(`^Your submission #${second} `));

      recordFirst();
      await telegram.notifier.pass();
      await telegram.notifier.pass();
      const texts = botApi.sent(ALICE_USER).map((r) => r.body.text as string);
      expect(texts).to.have.length(2);
      expect(texts[1]).to.match(new RegExp(`^Your submission #${first} `));
      expect(store.telegramNotices.progress("scored_nonce")).to.equal(early.built.header.nonce + 1n);
    });

    it("reaches every batch above a gap that stays, however many, and moves its mark once the gap fills", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      // One batch per pass, so that batches above the gap outnumber what a pass reads.
      const notifier = new TelegramNotifier({
        store,
        sources: [scoredSource(store, MINI_APP_URL, { batchesPerPass: 1 })],
        sender: botApiSender(new Api(BOT_TOKEN, { apiRoot: botApi.apiRoot }), BOT_TOKEN),
        logger: pino({ level: "silent" }),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      });
      await notifier.pass();
      const missing = await submitAndRecord(f.rewards, f.alice, store);
      const gap = await signedBatchOf(f.rewards, f.operator, [missing]);
      const poster = await fundedWallet(f.rewards.runner!.provider!);
      await (await f.rewards.connect(poster).postScores(gap.batch.header, [...gap.batch.items], [...gap.batch.signatures])).wait();
      const above: bigint[] = [];
      for (let i = 0; i < 3; i++) {
        const id = await submitAndRecord(f.rewards, f.alice, store);
        await scoreAndRecord(f, store, [id]);
        above.push(id);
      }
      for (let i = 0; i < 4; i++) await notifier.pass();
      const told = botApi.sent(ALICE_USER).map((r) => /^Your submission #(\d+) /.exec(r.body.text as string)![1]);
      expect(told).to.deep.equal(above.map(String));
      expect(store.telegramNotices.progress("scored_nonce")).to.equal(gap.built.header.nonce - 1n);

      store.batches.importLanded({
        ...gap.built.header,
        items: gap.built.entries.map((entry, i) => ({ item: gap.built.items[i], rationaleJson: entry.rationaleJson })),
        digest: gap.built.digest,
        signatures: [],
        txHash: keccak256(toUtf8Bytes("gap batch")),
      });
      await notifier.pass();
      expect(botApi.sent(ALICE_USER)).to.have.length(4);
      expect(botApi.sent(ALICE_USER)[3].body.text).to.match(new RegExp(`^Your submission #${missing} `));
      expect(store.telegramNotices.progress("scored_nonce")).to.equal(gap.built.header.nonce + 3n);
    });

    it("does not tell what landed before notifications were turned on", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      const old = await submitAndRecord(f.rewards, f.alice, store);
      await scoreAndRecord(f, store, [old]);
      await bot().notifier.pass();
      expect(botApi.sent()).to.have.length(0);
    });
  });

  describe("when Telegram answers 429", function () {
    it("waits retry_after seconds and sends the same message again", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      const telegram = bot();
      await telegram.notifier.pass();
      const id = await submitAndRecord(f.rewards, f.alice, store);
      await scoreAndRecord(f, store, [id]);
      botApi.failNext(ALICE_USER, TOO_MANY_REQUESTS(1));
      await telegram.notifier.pass();

      const sent = botApi.sent(ALICE_USER);
      expect(sent).to.have.length(2);
      expect(sent[1].body.text).to.equal(sent[0].body.text);
      expect(sent[1].at - sent[0].at).to.be.at.least(1000);
      expect(store.telegramNotices.get(`scored:${id}`)).to.include({ state: "sent", attempts: 2 });
    });
  });

  describe("when the user blocked the bot (403)", function () {
    it("marks the user and sends them nothing more until they write to the bot again", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      store.telegramAccounts.bind(f.bob.address, BOB_USER);
      const telegram = bot();
      await telegram.notifier.pass();
      const first = await submitAndRecord(f.rewards, f.alice, store);
      await scoreAndRecord(f, store, [first]);
      botApi.failNext(ALICE_USER, BLOCKED);
      await telegram.notifier.pass();
      expect(botApi.sent(ALICE_USER)).to.have.length(1);
      expect(store.telegramNotices.isBlocked(ALICE_USER)).to.equal(true);
      expect(store.telegramNotices.get(`scored:${first}`)).to.include({ state: "dropped" });

      const second = await submitAndRecord(f.rewards, f.alice, store);
      const bobs = await submitAndRecord(f.rewards, f.bob, store);
      await scoreAndRecord(f, store, [second, bobs]);
      await telegram.notifier.pass();
      expect(botApi.sent(ALICE_USER)).to.have.length(1);
      expect(botApi.sent(BOB_USER)).to.have.length(1);
      expect(store.telegramNotices.get(`scored:${second}`)).to.include({ state: "dropped", attempts: 0 });

      // Alice writes /start: she is unblocked and answered.
      telegram.start();
      botApi.pushMessage(ALICE_USER, "/start");
      await botApi.until(() => botApi.sent(ALICE_USER).length === 2);
      expect(store.telegramNotices.isBlocked(ALICE_USER)).to.equal(false);
    });
  });

  describe("when an epoch ends", function () {
    it("tells a tied account that earned points in it what it can claim, once", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      store.telegramAccounts.bind(f.bob.address, BOB_USER);
      const telegram = bot({ rewards: f.rewards });
      await telegram.notifier.pass();
      const epoch = await f.rewards.currentEpoch();
      const id = await submitAndRecord(f.rewards, f.alice, store);
      await scoreAndRecord(f, store, [id]);
      await telegram.notifier.pass();
      expect(botApi.sent(ALICE_USER)).to.have.length(1); // the score

      await time.increase(Number(await f.rewards.epochLength()));
      await telegram.notifier.pass();
      const claimable = await f.rewards.claimable(f.alice.address);
      expect(claimable).to.be.greaterThan(0n);
      const sent = botApi.sent(ALICE_USER);
      expect(sent).to.have.length(2);
      expect(sent[1].body.text).to.equal(
        `Epoch ${epoch} has ended and your rewards can be claimed: ${tokenAmount(claimable)} CKEY in all.\nClaim them to your wallet or to any address; the relayer can pay the gas.`,
      );
      expect(button(sent[1])).to.deep.equal({ text: "Claim rewards", web_app: { url: `${MINI_APP_URL}#/rewards` } });
      // Bob earned nothing: no message.
      expect(botApi.sent(BOB_USER)).to.have.length(0);

      store.close();
      store = openStore(dbPath);
      await bot({ rewards: f.rewards }).notifier.pass();
      await time.increase(Number(await f.rewards.epochLength()));
      await bot({ rewards: f.rewards }).notifier.pass();
      expect(botApi.sent(ALICE_USER)).to.have.length(2);
    });
  });

  describe("when a score is challenged", function () {
    it("tells the tied author once per challenge, with the reason, from the Challenges contract's events", async function () {
      const f = await loadFixture(oracleFixture);
      // The oracle reads the event with its own signature: it must be the compiled contract's.
      expect(new Interface([CHALLENGE_OPENED_EVENT]).getEvent("ChallengeOpened")!.topicHash).to.equal(f.challenges.interface.getEvent("ChallengeOpened").topicHash);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      const reader = challengeLogReader(f.rewards.runner!.provider!, await f.rewards.challenges());
      const telegram = bot({ challenges: reader });
      await telegram.notifier.pass(); // the mark starts at the head: nothing before is news
      const id = await submitAndRecord(f.rewards, f.alice, store);
      const built = await scoreAndRecord(f, store, [id]);
      const points = built.entries[0]!.points;

      // Bob challenges Alice's score as decoration, with the bond.
      const bond = (await f.challenges.params()).bond;
      await (await f.token.connect(f.deployer).transfer(f.bob.address, bond)).wait();
      await (await f.token.connect(f.bob).approve(await f.challenges.getAddress(), bond)).wait();
      const epoch = await f.rewards.currentEpoch();
      await (await f.challenges.connect(f.bob).open(id, epoch, points, 2, 0, keccak256(toUtf8Bytes("the same sentence, decorated")))).wait();

      await telegram.notifier.pass();
      const sent = botApi.sent(ALICE_USER);
      expect(sent.map((m) => m.body.text)).to.deep.equal([
        scoredText(id, built.entries[0]!.score, points),
        `Your submission #${id} was challenged as decoration without substance. The operators will re-evaluate it; its points wait until the challenge is settled.\nYou can answer it in the app.`,
      ]);
      expect(button(sent[1])).to.deep.equal({ text: "See the challenge", web_app: { url: `${MINI_APP_URL}#/submissions/${id}` } });

      // Once: another pass, and a restart on the same store, tell nothing new.
      await telegram.notifier.pass();
      store.close();
      store = openStore(dbPath);
      await bot({ challenges: reader }).notifier.pass();
      expect(botApi.sent(ALICE_USER)).to.have.length(2);
    });
  });

  describe("/start", function () {
    it("answers with a button that opens the Mini App and names the tied wallet", async function () {
      const f = await loadFixture(oracleFixture);
      store.telegramAccounts.bind(f.alice.address, ALICE_USER);
      const telegram = bot();
      telegram.start();
      botApi.pushMessage(ALICE_USER, "/start");
      botApi.pushMessage(BOB_USER, "/start");
      await botApi.until(() => botApi.sent().length === 2);

      const [alice, bob] = [botApi.sent(ALICE_USER)[0], botApi.sent(BOB_USER)[0]];
      expect(alice.body.text).to.equal(welcomeText(getAddress(f.alice.address)));
      expect(alice.body.text).to.include(`${getAddress(f.alice.address).slice(0, 6)}…`);
      expect(bob.body.text).to.equal(welcomeText(undefined));
      expect(button(alice)).to.deep.equal({ text: OPEN_APP_BUTTON, web_app: { url: MINI_APP_URL } });
      expect(botApi.requests.map((r) => r.method)).to.include.members(["getMe", "deleteWebhook", "getUpdates"]);
    });

    it("answers a user once per cooldown however often they send it", async function () {
      const telegram = bot();
      telegram.start();
      for (let i = 0; i < 5; i++) botApi.pushMessage(ALICE_USER, "/start");
      botApi.pushMessage(BOB_USER, "/start");
      await botApi.until(() => botApi.sent(BOB_USER).length === 1);
      expect(botApi.sent(ALICE_USER)).to.have.length(1);
    });
  });
});

describe("Telegram bot settings", function () {
  const base = {
    CASHKEY_ORACLE_TELEGRAM_NOTIFY: "true",
    CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    CASHKEY_ORACLE_TELEGRAM_MINI_APP_URL: MINI_APP_URL,
  };

  function issues(env: Record<string, string>): string[] {
    try {
      telegramBotSettingsFromEnv(env);
    } catch (error) {
      if (error instanceof ConfigError) return [...error.issues];
      throw error;
    }
    return [];
  }

  it("is off unless notifications are asked for, even with a bot token", function () {
    expect(telegramBotSettingsFromEnv({ CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN: BOT_TOKEN })).to.equal(undefined);
  });

  it("reads the token, the Mini App URL and the defaults", function () {
    expect(telegramBotSettingsFromEnv(base)).to.deep.equal({ botToken: BOT_TOKEN, miniAppUrl: MINI_APP_URL, apiRoot: "https://api.telegram.org", pollMs: 5000 });
  });

  it("reads the token from a file", function () {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, "token");
      fs.writeFileSync(file, `${BOT_TOKEN}\n`);
      const { CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN: _, ...rest } = base;
      expect(telegramBotSettingsFromEnv({ ...rest, CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN_FILE: file })?.botToken).to.equal(BOT_TOKEN);
    } finally {
      cleanup();
    }
  });

  it("refuses a missing token, a non-HTTPS Mini App URL and a bad poll interval, one line each, never echoing the token", function () {
    expect(issues({ ...base, CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN: "" })).to.deep.equal([
      "CASHKEY_ORACLE_TELEGRAM_NOTIFY: notifications need the bot token (CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN or CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN_FILE)",
    ]);
    expect(issues({ ...base, CASHKEY_ORACLE_TELEGRAM_MINI_APP_URL: "http://app.cashkey.test/" })[0]).to.match(
      /^CASHKEY_ORACLE_TELEGRAM_MINI_APP_URL: expected an https:\/\/ URL/,
    );
    expect(issues({ ...base, CASHKEY_ORACLE_TELEGRAM_POLL_MS: "5" })[0]).to.match(/^CASHKEY_ORACLE_TELEGRAM_POLL_MS: /);
    const bad = issues({ ...base, CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN: "not-a-token secret-part" });
    expect(bad).to.deep.equal(["CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN: not a Telegram bot token (<bot id>:<secret>)"]);
    expect(issues({ ...base, CASHKEY_ORACLE_TELEGRAM_NOTIFY: "yes" })).to.deep.equal(['CASHKEY_ORACLE_TELEGRAM_NOTIFY: expected true or false, got "yes"']);
  });
});
