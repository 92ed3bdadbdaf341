import type { Database, Statement } from "better-sqlite3";
import { StoreConflictError } from "./errors";
import { num } from "./values";

/** The relayer's gas ledger: what it paid per signer and epoch. Addresses are stored lowercase. */
export class RelayGasRepository {
  private readonly selectSigner: Statement;
  private readonly selectTotal: Statement;
  private readonly upsert: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.selectSigner = db.prepare("SELECT gas, requests FROM relay_gas WHERE epoch = ? AND signer = ?");
    this.selectTotal = db.prepare("SELECT coalesce(sum(gas), 0) FROM relay_gas WHERE epoch = ?").pluck();
    this.upsert = db.prepare(
      `INSERT INTO relay_gas (epoch, signer, gas, requests, updated_at) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (epoch, signer) DO UPDATE SET gas = gas + excluded.gas, requests = requests + 1, updated_at = excluded.updated_at`,
    );
  }

  /** Gas paid for `signer` in `epoch`, and how many requests. */
  spentBy(epoch: number, signer: string): { gas: bigint; requests: number } {
    const row = this.selectSigner.get(epoch, signer.toLowerCase()) as { gas: bigint; requests: bigint } | undefined;
    return row === undefined ? { gas: 0n, requests: 0 } : { gas: BigInt(row.gas), requests: num(row.requests) };
  }

  /** Gas paid for everyone in `epoch`. */
  spentTotal(epoch: number): bigint {
    return BigInt(this.selectTotal.get(epoch) as bigint | number);
  }

  record(epoch: number, signer: string, gas: bigint): void {
    this.upsert.run(epoch, signer.toLowerCase(), gas, this.now());
  }
}

/** Relayed accounts tied to Telegram users, one to one. */
export class TelegramAccountRepository {
  private readonly byAccount: Statement;
  private readonly byUser: Statement;
  private readonly insert: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.byAccount = db.prepare("SELECT user_id FROM telegram_accounts WHERE account = ?").pluck();
    this.byUser = db.prepare("SELECT account FROM telegram_accounts WHERE user_id = ?").pluck();
    this.insert = db.prepare("INSERT INTO telegram_accounts (account, user_id, bound_at) VALUES (?, ?, ?)");
  }

  userOf(account: string): number | undefined {
    const user = this.byAccount.get(account.toLowerCase()) as bigint | undefined;
    return user === undefined ? undefined : num(user);
  }

  accountOf(userId: number): string | undefined {
    return this.byUser.get(userId) as string | undefined;
  }

  /**
   * Ties `account` to `userId`; a no-op when they are already tied to each other. Throws
   * StoreConflictError when either is tied to someone else.
   */
  bind(account: string, userId: number): void {
    const lower = account.toLowerCase();
    const user = this.userOf(lower);
    const bound = this.accountOf(userId);
    if (user === userId && bound === lower) return;
    if (user !== undefined || bound !== undefined) {
      throw new StoreConflictError("The account or the Telegram user is tied to another.", {
        details: `account ${lower} is tied to ${user ?? "nobody"}; user ${userId} is tied to ${bound ?? "nothing"}`,
      });
    }
    this.insert.run(lower, userId, this.now());
  }
}
