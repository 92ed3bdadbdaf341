/**
 * The node's Telegram bot (grammY): answers /start with a button that opens the Mini App, and runs
 * the notifier (notifier.ts) that tells users tied to a wallet (`telegram_accounts`) when their
 * submissions are scored and when their rewards can be claimed.
 *
 * Updates come by long polling (`getUpdates`): one process per bot token may poll, so an operator
 * network runs the bot on one node (docs/OPERATORS.md, "Telegram bot"). Telegram being unreachable
 * never stops the node: polling and delivery retry on their own, and messages wait in the outbox.
 */
import { getAddress } from "ethers";
import { Bot, GrammyError } from "grammy";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { sleep } from "../chain/rpc";
import { PassLoop } from "../pipeline/loop";
import type { Store } from "../store";
import { OPEN_APP_BUTTON, welcomeText } from "./messages";
import { createTelegramMetrics } from "./metrics";
import { type ChallengeLogReader, type NoticeSource, type RewardsEpochViews, TelegramNotifier, challengedSource, claimableSource, scoredSource } from "./notifier";
import { botApiSender, redactToken } from "./sender";

export interface TelegramBotSettings {
  botToken: string;
  /** The Mini App's HTTPS URL (what the bot's web_app buttons open). */
  miniAppUrl: string;
  /** The Bot API server. Default https://api.telegram.org. */
  apiRoot: string;
  /** Between two notifier passes. */
  pollMs: number;
}

export interface TelegramBotOptions extends TelegramBotSettings {
  store: Store;
  /** For claimable-reward messages; without it only scores are told. */
  rewards?: RewardsEpochViews;
  /** For challenged-score messages; without it they are not told. */
  challenges?: ChallengeLogReader;
  logger: Logger;
  /** The node's metrics registry (telegram_messages_total, telegram_outbox_pending). */
  metrics?: Registry;
  /** Waits before retrying after Telegram could not be reached. Default 30 s. */
  unavailableRetryMs?: number;
  /** One /start answer per user per this long. Default 10 s. */
  startCooldownMs?: number;
  /** Long polling's `timeout` (seconds). Default 30. */
  pollingTimeoutSeconds?: number;
}

export class TelegramBot {
  readonly bot: Bot;
  readonly notifier: TelegramNotifier;
  private readonly loop: PassLoop;
  private readonly abort = new AbortController();
  private polling: Promise<void> | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: TelegramBotOptions) {
    this.logger = options.logger.child({ component: "telegram" });
    this.bot = new Bot(options.botToken, { client: { apiRoot: options.apiRoot, timeoutSeconds: 60 } });
    this.bot.catch((error) => this.logger.warn({ reason: this.redact(error.error) }, "telegram update not handled"));
    this.answerStart();

    const sources: NoticeSource[] = [scoredSource(options.store, options.miniAppUrl)];
    if (options.rewards !== undefined) sources.push(claimableSource(options.store, options.rewards, options.miniAppUrl));
    if (options.challenges !== undefined) sources.push(challengedSource(options.store, options.challenges, options.miniAppUrl));
    this.notifier = new TelegramNotifier({
      store: options.store,
      sources,
      sender: botApiSender(this.bot.api, options.botToken),
      logger: this.logger,
      sleep: (ms) => sleep(ms, this.abort.signal),
      stopping: () => this.abort.signal.aborted,
      ...(options.unavailableRetryMs === undefined ? {} : { unavailableRetryMs: options.unavailableRetryMs }),
      ...(options.metrics === undefined ? {} : { metrics: createTelegramMetrics(options.metrics) }),
    });
    this.loop = new PassLoop({
      pass: () => this.notifier.pass(),
      intervalMs: options.pollMs,
      onError: (error) => this.logger.error({ reason: this.redact(error) }, "telegram notifier pass failed"),
    });
  }

  /** Starts polling for updates and the notifier; returns at once. */
  start(): void {
    this.loop.start();
    this.polling = this.bot
      .start({
        allowed_updates: ["message"],
        timeout: this.options.pollingTimeoutSeconds ?? 30,
        onStart: (me) => this.logger.info({ bot: me.username }, "telegram bot polling"),
      })
      .catch((error: unknown) => {
        // 401 (wrong token) or 409 (another process polls with this token): polling stops, messages still go out.
        const hint = error instanceof GrammyError && error.error_code === 409 ? "; another node polls with this bot token" : "";
        this.logger.error({ reason: this.redact(error) }, `telegram polling stopped${hint}`);
      });
  }

  /** Wakes the notifier now (e.g. after a batch landed) instead of at its next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Stops polling (the last update is confirmed to Telegram) and the notifier after the message in flight. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop.stop();
    if (this.bot.isRunning())
      await within(
        this.bot.stop().catch(() => undefined),
        STOP_WAIT_MS,
      );
    await within(this.polling, STOP_WAIT_MS);
  }

  private answerStart(): void {
    const { store, miniAppUrl } = this.options;
    const cooldownMs = this.options.startCooldownMs ?? 10_000;
    const answered = new Map<number, number>();
    this.bot.chatType("private").command("start", async (ctx) => {
      const userId = ctx.from.id;
      // Writing to the bot again is how a user who blocked it unblocks it.
      store.telegramNotices.unblock(userId);
      const now = Date.now();
      if ((answered.get(userId) ?? -Infinity) > now - cooldownMs) return;
      if (answered.size >= MAX_TRACKED_STARTS) {
        for (const [user, at] of answered) if (at <= now - cooldownMs) answered.delete(user);
      }
      answered.set(userId, now);
      const account = store.telegramAccounts.accountOf(userId);
      await ctx.reply(welcomeText(account === undefined ? undefined : getAddress(account)), {
        reply_markup: { inline_keyboard: [[{ text: OPEN_APP_BUTTON, web_app: { url: miniAppUrl } }]] },
      });
    });
  }

  private redact(error: unknown): string {
    return redactToken(error instanceof Error ? error.message : String(error), this.options.botToken);
  }
}

/** Waits for `promise`, at most `ms`. */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The longest a stop waits for Telegram to confirm the last update. */
const STOP_WAIT_MS = 5000;
/** /start cooldowns kept in memory before the expired ones are dropped. */
const MAX_TRACKED_STARTS = 10_000;
