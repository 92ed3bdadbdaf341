/**
 * Telegram Mini App launch data (`Telegram.WebApp.initData`), checked as Telegram specifies:
 * secret_key = HMAC-SHA-256(key = "WebAppData", message = bot token); the data-check-string is every
 * field but `hash` as `key=value`, sorted by key, joined by "\n"; `hash` must equal
 * hex(HMAC-SHA-256(key = secret_key, message = data-check-string)). Only data that passes is read:
 * `initDataUnsafe` (what the page's script sees) is never trusted.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { CashKeyError } from "../errors";

export type TelegramAuthFailure = "malformed" | "bad_hash" | "stale" | "no_user";

export class TelegramAuthError extends CashKeyError {
  override name = "TelegramAuthError";

  constructor(
    readonly reason: TelegramAuthFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface TelegramUser {
  id: number;
  firstName?: string;
  username?: string;
}

export interface VerifiedInitData {
  user: TelegramUser;
  /** Unix seconds when Telegram signed the data. */
  authDate: number;
  queryId?: string;
  startParam?: string;
}

export interface VerifyInitDataOptions {
  /** Oldest launch data accepted, in seconds. */
  maxAgeSeconds: number;
  /** Clock in Unix seconds. Default: now. */
  nowSeconds?: number;
}

/** The key Telegram derives from the bot token (exported for tests that sign launch data). */
export function webAppSecret(botToken: string): Buffer {
  return createHmac("sha256", "WebAppData").update(botToken).digest();
}

/** The data-check-string of `params` (all fields but `hash`, sorted by key). */
export function dataCheckString(params: URLSearchParams): string {
  return [...params.entries()]
    .filter(([key]) => key !== "hash")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
}

/** Signs launch data as Telegram does (for tests and local development only). */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const params = new URLSearchParams(fields);
  const hash = createHmac("sha256", webAppSecret(botToken)).update(dataCheckString(params)).digest("hex");
  params.set("hash", hash);
  return params.toString();
}

/** Verifies `initData` against `botToken`; throws TelegramAuthError with the reason. */
export function verifyInitData(initData: string, botToken: string, options: VerifyInitDataOptions): VerifiedInitData {
  if (initData.length === 0 || initData.length > 4096) throw new TelegramAuthError("malformed", "The launch data is empty or too long.");
  const params = new URLSearchParams(initData);
  const hashes = params.getAll("hash");
  if (hashes.length !== 1 || !/^[0-9a-f]{64}$/.test(hashes[0])) {
    throw new TelegramAuthError("malformed", "The launch data has no single well-formed hash.");
  }
  const keys = [...params.keys()];
  if (new Set(keys).size !== keys.length) throw new TelegramAuthError("malformed", "The launch data repeats a field.");

  const expected = createHmac("sha256", webAppSecret(botToken)).update(dataCheckString(params)).digest();
  if (!timingSafeEqual(expected, Buffer.from(hashes[0], "hex"))) {
    throw new TelegramAuthError("bad_hash", "The launch data was not signed by this bot.");
  }

  const authDate = Number(params.get("auth_date"));
  if (!Number.isSafeInteger(authDate) || authDate <= 0) throw new TelegramAuthError("malformed", "The launch data has no auth_date.");
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  // A little clock skew forward is tolerated; launch data from the future beyond it is refused.
  if (now - authDate > options.maxAgeSeconds || authDate - now > 60) {
    throw new TelegramAuthError("stale", `The launch data is older than ${options.maxAgeSeconds} s; reopen the app.`);
  }

  let user: unknown;
  try {
    user = JSON.parse(params.get("user") ?? "null");
  } catch {
    throw new TelegramAuthError("malformed", "The launch data's user is not JSON.");
  }
  const id = (user as { id?: unknown } | null)?.id;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
    throw new TelegramAuthError("no_user", "The launch data names no Telegram user.");
  }
  const { first_name: firstName, username } = user as { first_name?: unknown; username?: unknown };
  return {
    user: {
      id,
      ...(typeof firstName === "string" ? { firstName } : {}),
      ...(typeof username === "string" ? { username } : {}),
    },
    authDate,
    ...(params.has("query_id") ? { queryId: params.get("query_id")! } : {}),
    ...(params.has("start_param") ? { startParam: params.get("start_param")! } : {}),
  };
}
