import type { Database, Statement } from "better-sqlite3";
import { num } from "./values";

export type TelegramNoticeState = "pending" | "sent" | "dropped" | "failed";

/** A message for one Telegram user, with an optional button that opens the Mini App. */
export interface NewTelegramNotice {
  /** What the message tells, unique: `scored:<submission id>`, `claimable:<epoch>:<account>`. */
  key: string;
  kind: string;
  userId: number;
  body: string;
  button?: { text: string; url: string };
}

export interface TelegramNoticeRecord extends NewTelegramNotice {
  state: TelegramNoticeState;
  attempts: number;
  error?: string;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  key: string;
  kind: string;
  user_id: bigint;
  body: string;
  button_text: string | null;
  button_url: string | null;
  state: TelegramNoticeState;
  attempts: bigint;
  error: string | null;
  created_at: bigint;
  updated_at: bigint;
}

/** The Telegram bot's outbox, the users who blocked it, and how far the notifier has looked. */
export class TelegramNoticeRepository {
  private readonly insert: Statement;
  private readonly selectOne: Statement;
  private readonly selectPending: Statement;
  private readonly settle: Statement;
  private readonly attempt: Statement;
  private readonly insertBlocked: Statement;
  private readonly deleteBlocked: Statement;
  private readonly selectBlocked: Statement;
  private readonly selectProgress: Statement;
  private readonly upsertProgress: Statement;
  private readonly selectLandedAfter: Statement;
  private readonly selectLandedMax: Statement;
  private readonly selectBound: Statement;
  private readonly countPending: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare(
      `INSERT INTO telegram_outbox (key, kind, user_id, body, button_text, button_url, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    );
    this.selectOne = db.prepare("SELECT * FROM telegram_outbox WHERE key = ?");
    this.selectPending = db.prepare("SELECT * FROM telegram_outbox WHERE state = 'pending' ORDER BY created_at, rowid LIMIT ?");
    this.settle = db.prepare("UPDATE telegram_outbox SET state = ?, error = ?, attempts = attempts + ?, updated_at = ? WHERE key = ? AND state = 'pending'");
    this.attempt = db.prepare("UPDATE telegram_outbox SET attempts = attempts + 1, error = ?, updated_at = ? WHERE key = ? AND state = 'pending'");
    this.insertBlocked = db.prepare("INSERT INTO telegram_blocked (user_id, blocked_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING");
    this.deleteBlocked = db.prepare("DELETE FROM telegram_blocked WHERE user_id = ?");
    this.selectBlocked = db.prepare("SELECT 1 FROM telegram_blocked WHERE user_id = ?").pluck();
    this.selectProgress = db.prepare("SELECT value FROM telegram_progress WHERE name = ?").pluck();
    this.upsertProgress = db.prepare(
      `INSERT INTO telegram_progress (name, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.selectLandedAfter = db.prepare("SELECT nonce FROM batches WHERE state = 'landed' AND nonce > ? ORDER BY nonce LIMIT ?").pluck();
    this.selectLandedMax = db.prepare("SELECT max(nonce) FROM batches WHERE state = 'landed'").pluck();
    this.countPending = db.prepare("SELECT count(*) FROM telegram_outbox WHERE state = 'pending'").pluck();
    this.selectBound = db.prepare("SELECT account, user_id FROM telegram_accounts ORDER BY bound_at, account");
  }

  /** Queues `notice`; false (and nothing changes) when a notice with its key exists, whatever its state. */
  enqueue(notice: NewTelegramNotice): boolean {
    const now = this.now();
    const info = this.insert.run(notice.key, notice.kind, notice.userId, notice.body, notice.button?.text ?? null, notice.button?.url ?? null, now, now);
    return info.changes > 0;
  }

  get(key: string): TelegramNoticeRecord | undefined {
    const row = this.selectOne.get(key) as Row | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** How many notices wait to be sent. */
  pendingCount(): number {
    return num(this.countPending.get() as bigint);
  }

  /** The oldest pending notices first. */
  pending(limit: number): TelegramNoticeRecord[] {
    return (this.selectPending.all(limit) as Row[]).map(toRecord);
  }

  /** Settles a pending notice (sent, dropped or failed for good); `attempted` when a send was tried to settle it. */
  settleAs(key: string, state: Exclude<TelegramNoticeState, "pending">, options: { error?: string; attempted?: boolean } = {}): void {
    this.settle.run(state, options.error ?? null, options.attempted === false ? 0 : 1, this.now(), key);
  }

  /** Counts a failed attempt at a notice that stays pending. */
  recordAttempt(key: string, error: string): void {
    this.attempt.run(error, this.now(), key);
  }

  block(userId: number): void {
    this.insertBlocked.run(userId, this.now());
  }

  unblock(userId: number): void {
    this.deleteBlocked.run(userId);
  }

  isBlocked(userId: number): boolean {
    return this.selectBlocked.get(userId) !== undefined;
  }

  progress(name: string): bigint | undefined {
    const value = this.selectProgress.get(name) as bigint | number | undefined;
    return value === undefined ? undefined : BigInt(value);
  }

  setProgress(name: string, value: bigint): void {
    this.upsertProgress.run(name, value, this.now());
  }

  /** Nonces of the landed batches above `nonce`, ascending. */
  landedNoncesAfter(nonce: bigint, limit: number): bigint[] {
    return (this.selectLandedAfter.all(nonce, limit) as (bigint | number)[]).map((n) => BigInt(n));
  }

  /** Every account tied to a Telegram user (relay/identity). */
  boundAccounts(): { account: string; userId: number }[] {
    return (this.selectBound.all() as { account: string; user_id: bigint }[]).map((row) => ({ account: row.account, userId: num(row.user_id) }));
  }

  /** The highest landed nonce, if any batch landed. */
  highestLandedNonce(): bigint | undefined {
    const value = this.selectLandedMax.get() as bigint | number | null;
    return value === null ? undefined : BigInt(value);
  }
}

function toRecord(row: Row): TelegramNoticeRecord {
  return {
    key: row.key,
    kind: row.kind,
    userId: num(row.user_id),
    body: row.body,
    ...(row.button_text === null || row.button_url === null ? {} : { button: { text: row.button_text, url: row.button_url } }),
    state: row.state,
    attempts: num(row.attempts),
    ...(row.error === null ? {} : { error: row.error }),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}
