/**
 * The Telegram bot's settings, from the environment (docs/OPERATORS.md, "Telegram bot"). The bot
 * runs only when CASHKEY_ORACLE_TELEGRAM_NOTIFY is true: the bot token alone (which every relaying
 * node may hold to check launch data) does not start it, because one bot token may be polled by
 * one process only and each message must be sent by one node.
 */
import fs from "node:fs";
import { ConfigError } from "../configError";
import { RELAY_ENV } from "../relay/env";
import type { TelegramBotSettings } from "./bot";
import { DEFAULT_TELEGRAM_API_ROOT, TELEGRAM_ENV } from "./env";

export { TELEGRAM_ENV };

type Env = Record<string, string | undefined>;

/** The bot's settings, or undefined when notifications are off. Throws ConfigError naming each bad setting (never the token's value). */
export function telegramBotSettingsFromEnv(env: Env): TelegramBotSettings | undefined {
  const issues: string[] = [];
  const notify = env[TELEGRAM_ENV.notify]?.trim() ?? "";
  if (notify !== "" && notify !== "true" && notify !== "false") {
    issues.push(`${TELEGRAM_ENV.notify}: expected true or false, got ${JSON.stringify(notify)}`);
  }
  if (notify !== "true") {
    if (issues.length > 0) throw new ConfigError(issues);
    return undefined;
  }

  const tokenValue = env[RELAY_ENV.telegramBotToken]?.trim();
  const tokenFile = env[RELAY_ENV.telegramBotTokenFile]?.trim();
  let botToken: string | undefined = tokenValue || undefined;
  if (tokenValue && tokenFile) issues.push(`${RELAY_ENV.telegramBotToken} and ${RELAY_ENV.telegramBotTokenFile}: give one, not both`);
  if (tokenFile) {
    try {
      botToken = fs.readFileSync(tokenFile, "utf8").trim();
    } catch (error) {
      issues.push(`${RELAY_ENV.telegramBotTokenFile}: cannot read ${tokenFile} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  if (botToken === undefined && issues.length === 0) {
    issues.push(`${TELEGRAM_ENV.notify}: notifications need the bot token (${RELAY_ENV.telegramBotToken} or ${RELAY_ENV.telegramBotTokenFile})`);
  } else if (botToken !== undefined && !/^[0-9]+:[A-Za-z0-9_-]{10,}$/.test(botToken)) {
    issues.push(`${RELAY_ENV.telegramBotToken}: not a Telegram bot token (<bot id>:<secret>)`);
  }

  const miniAppUrl = env[TELEGRAM_ENV.miniAppUrl]?.trim() ?? "";
  if (miniAppUrl === "") {
    issues.push(`${TELEGRAM_ENV.miniAppUrl}: notifications need the Mini App's URL (its buttons open it)`);
  } else if (!isUrl(miniAppUrl, ["https:"])) {
    issues.push(`${TELEGRAM_ENV.miniAppUrl}: expected an https:// URL (Telegram opens Mini Apps over HTTPS only), got ${JSON.stringify(miniAppUrl)}`);
  }

  const apiRoot = env[TELEGRAM_ENV.apiRoot]?.trim() || DEFAULT_TELEGRAM_API_ROOT;
  if (!isUrl(apiRoot, ["https:", "http:"])) issues.push(`${TELEGRAM_ENV.apiRoot}: expected an http(s) URL, got ${JSON.stringify(apiRoot)}`);

  const pollRaw = env[TELEGRAM_ENV.pollMs]?.trim() || "5000";
  const pollMs = Number(pollRaw);
  if (!/^[0-9]+$/.test(pollRaw) || pollMs < 100 || pollMs > 3_600_000) {
    issues.push(`${TELEGRAM_ENV.pollMs}: expected an integer 100..3600000, got ${JSON.stringify(pollRaw)}`);
  }

  if (issues.length > 0) throw new ConfigError(issues);
  return { botToken: botToken!, miniAppUrl, apiRoot: apiRoot.replace(/\/+$/, ""), pollMs };
}

function isUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
