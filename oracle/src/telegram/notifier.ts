/**
 * Telegram notifications, in two steps that share nothing but the store's outbox:
 *
 *   queue    landed batches (store) and ended epochs (Rewards views) → one outbox row per message
 *            for each author tied to a Telegram user (`telegram_accounts`), keyed by what it tells
 *   deliver  pending rows → sendMessage, oldest first
 *
 * The outbox key makes queueing idempotent (a batch seen twice queues nothing new) and the row's
 * state makes delivery survive restarts: a message is sent once, unless the node dies between
 * Telegram's answer and the row's update (then once more: the Bot API has no idempotency key).
 *
 * Events are `NoticeSource`s: scores (landed batches), ended epochs (Rewards views) and challenges of
 * a score (`ChallengeOpened` of the Challenges contract); delivery does not depend on the kind.
 */
import type { Logger } from "pino";
import type { Store } from "../store";
import { type ChallengedEvent, challengedNotice, claimableNotice, scoredNotice } from "./messages";
import type { TelegramMetrics } from "./metrics";
import type { NoticeSender } from "./sender";

/** The Rewards views the claimable source reads (the typechain contract satisfies it). */
export interface RewardsEpochViews {
  currentEpoch(): Promise<bigint>;
  accountOf(account: string): Promise<{ lastEpoch: bigint; lastEpochPoints: bigint }>;
  claimable(account: string): Promise<bigint>;
}

/** Finds events and queues their messages in the outbox; called once per notifier pass. */
export interface NoticeSource {
  readonly name: string;
  queue(): Promise<void> | void;
}

/** Landed batches, by nonce: each item whose author is tied to a Telegram user. */
export function scoredSource(store: Store, miniAppUrl: string, options: { batchesPerPass?: number } = {}): NoticeSource {
  const notices = store.telegramNotices;
  const limit = options.batchesPerPass ?? 100;
  // Batches above a gap in the landed nonces, already queued by this process (the mark cannot pass
  // the gap): skipped, so that batches further up are reached however long the gap stays.
  const queuedAboveMark = new Set<bigint>();
  return {
    name: "scored",
    queue() {
      let through = notices.progress(SCORED_PROGRESS);
      if (through === undefined) {
        // First start: what landed before notifications were turned on is not news.
        through = notices.highestLandedNonce() ?? -1n;
        notices.setProgress(SCORED_PROGRESS, through);
      }
      for (const nonce of queuedAboveMark) if (nonce <= through) queuedAboveMark.delete(nonce);
      const due = notices.landedNoncesAfter(through, MAX_NONCES_SCANNED).filter((nonce) => !queuedAboveMark.has(nonce));
      for (const nonce of due.slice(0, limit)) {
        store.transaction(() => {
          const batch = store.batches.liveForNonce(nonce);
          if (batch?.state !== "landed") return;
          for (const { submissionId, score, points } of batch.items) {
            const author = store.submissions.get(submissionId)?.author;
            const userId = author === undefined ? undefined : store.telegramAccounts.userOf(author);
            if (userId === undefined) continue;
            notices.enqueue(scoredNotice(userId, { submissionId, score, points, batchNonce: nonce }, miniAppUrl));
          }
          // Only a gapless run of nonces moves the mark: a batch recorded late (landed-batch sync)
          // below a later one is still found. After a restart, batches above a gap are queued again,
          // which adds nothing.
          if (nonce === through! + 1n) {
            through = nonce;
            notices.setProgress(SCORED_PROGRESS, nonce);
          } else {
            queuedAboveMark.add(nonce);
          }
        });
      }
      // A gap just filled: the mark moves over the batches above it that were queued before.
      let moved = false;
      while (queuedAboveMark.delete(through + 1n)) {
        through += 1n;
        moved = true;
      }
      if (moved) notices.setProgress(SCORED_PROGRESS, through);
    },
  };
}

/**
 * Ended epochs: each tied account that earned points in an epoch that has since ended, and has
 * tokens to claim, is told once for that epoch.
 */
export function claimableSource(store: Store, rewards: RewardsEpochViews, miniAppUrl: string): NoticeSource {
  const notices = store.telegramNotices;
  return {
    name: "claimable",
    async queue() {
      const current = await rewards.currentEpoch();
      const from = notices.progress(CLAIMABLE_PROGRESS);
      if (from === undefined) {
        notices.setProgress(CLAIMABLE_PROGRESS, current);
        return;
      }
      if (current <= from) return;
      for (const { account, userId } of notices.boundAccounts()) {
        const { lastEpoch, lastEpochPoints } = await rewards.accountOf(account);
        if (lastEpochPoints === 0n || lastEpoch < from || lastEpoch >= current) continue;
        const claimable = await rewards.claimable(account);
        if (claimable === 0n) continue;
        notices.enqueue(claimableNotice(userId, { account, epoch: lastEpoch, claimable }, miniAppUrl));
      }
      notices.setProgress(CLAIMABLE_PROGRESS, current);
    },
  };
}

/** `ChallengeOpened` events of the Challenges contract, by block (the typed reader is challengeEvents.ts). */
export interface ChallengeLogReader {
  /** The newest block to read (the chain's head, less the confirmations the node waits for). */
  head(): Promise<number>;
  /** The challenges opened in blocks `from..to`, in log order. */
  openedBetween(from: number, to: number): Promise<(ChallengedEvent & { author: string })[]>;
}

/**
 * Challenges opened against a score: the author, if tied to a Telegram user, is told once per
 * challenge. Blocks are read in windows of `maxBlockRange` from a persisted mark; what was opened
 * before notifications were turned on is not news.
 */
export function challengedSource(store: Store, reader: ChallengeLogReader, miniAppUrl: string, options: { maxBlockRange?: number } = {}): NoticeSource {
  const notices = store.telegramNotices;
  const range = options.maxBlockRange ?? 10_000;
  return {
    name: "challenged",
    async queue() {
      const head = await reader.head();
      const mark = notices.progress(CHALLENGED_PROGRESS);
      if (mark === undefined) {
        notices.setProgress(CHALLENGED_PROGRESS, BigInt(head));
        return;
      }
      let from = Number(mark) + 1;
      while (from <= head) {
        const to = Math.min(head, from + range - 1);
        const opened = await reader.openedBetween(from, to);
        store.transaction(() => {
          for (const event of opened) {
            const userId = store.telegramAccounts.userOf(event.author);
            if (userId !== undefined) notices.enqueue(challengedNotice(userId, event, miniAppUrl));
          }
          notices.setProgress(CHALLENGED_PROGRESS, BigInt(to));
        });
        from = to + 1;
      }
    },
  };
}

const SCORED_PROGRESS = "scored_nonce";
const CHALLENGED_PROGRESS = "challenged_block";
/** Landed nonces read above the mark per pass (nonces only: an index scan). */
const MAX_NONCES_SCANNED = 100_000;
const CLAIMABLE_PROGRESS = "claimable_epoch";

export interface NotifierOptions {
  store: Store;
  sources: readonly NoticeSource[];
  sender: NoticeSender;
  logger: Logger;
  /** Waits out Telegram's `retry_after`; the node's is cut short when it stops. */
  sleep: (ms: number) => Promise<void>;
  /** Whether the node is stopping (delivery ends after the message in flight). */
  stopping?: () => boolean;
  /** Messages per pass. Default 100. */
  messagesPerPass?: number;
  /** The wait after Telegram could not be reached. Default 30 s. */
  unavailableRetryMs?: number;
  metrics?: TelegramMetrics;
}

export class TelegramNotifier {
  constructor(private readonly options: NotifierOptions) {}

  /** Queues what every source finds, then delivers. Returns the wait before the next pass (ms) when Telegram is unreachable. */
  async pass(): Promise<number | void> {
    for (const source of this.options.sources) {
      try {
        await source.queue();
      } catch (error) {
        // One source failing (the chain unreachable) does not hold back the others or delivery.
        this.options.logger.warn({ source: source.name, reason: error instanceof Error ? error.message : String(error) }, "telegram notices not queued");
      }
    }
    return this.deliver();
  }

  /** Sends pending messages, oldest first. */
  async deliver(): Promise<number | void> {
    try {
      return await this.deliverPending();
    } finally {
      this.options.metrics?.pending.set(this.options.store.telegramNotices.pendingCount());
    }
  }

  private async deliverPending(): Promise<number | void> {
    const { store, sender, logger, metrics } = this.options;
    const notices = store.telegramNotices;
    for (const notice of notices.pending(this.options.messagesPerPass ?? 100)) {
      for (;;) {
        if (this.options.stopping?.()) return;
        if (notices.isBlocked(notice.userId)) {
          notices.settleAs(notice.key, "dropped", { error: "the user blocked the bot", attempted: false });
          break;
        }
        const outcome = await sender.send(notice);
        metrics?.messages.inc({ outcome: outcome.kind });
        if (outcome.kind === "sent") {
          notices.settleAs(notice.key, "sent");
          break;
        }
        if (outcome.kind === "blocked") {
          // Telegram refuses every message to this user until they write to the bot again.
          notices.block(notice.userId);
          notices.settleAs(notice.key, "dropped", { error: outcome.reason });
          logger.info({ userId: notice.userId }, "telegram user blocked the bot; no more messages until they write to it");
          break;
        }
        if (outcome.kind === "rejected") {
          notices.settleAs(notice.key, "failed", { error: outcome.reason });
          logger.warn({ key: notice.key, reason: outcome.reason }, "telegram refused a message");
          break;
        }
        notices.recordAttempt(notice.key, outcome.reason);
        if (outcome.kind === "unavailable") {
          logger.warn({ reason: outcome.reason }, "telegram unreachable; messages wait");
          return this.options.unavailableRetryMs ?? 30_000;
        }
        logger.info({ retryAfterSeconds: outcome.retryAfterSeconds }, "telegram rate limit; waiting as asked");
        await this.options.sleep(outcome.retryAfterSeconds * 1000);
      }
    }
  }
}
