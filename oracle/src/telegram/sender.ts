/**
 * One Bot API `sendMessage` per notice, its failure sorted by what to do next. Nothing that leaves
 * here carries the bot token: a network error's text may hold the request URL, which holds the
 * token, so every reason passes through `redactToken`.
 */
import { type Api, GrammyError, HttpError } from "grammy";
import type { TelegramNoticeRecord } from "../store";

export type SendOutcome =
  | { kind: "sent" }
  /** 403: the user blocked the bot (or never opened it): nothing reaches them until they write to it. */
  | { kind: "blocked"; reason: string }
  /** 429: wait this long, then send the same message again. */
  | { kind: "retry_after"; retryAfterSeconds: number; reason: string }
  /** 400 and other refusals of this message: sending it again would fail again. */
  | { kind: "rejected"; reason: string }
  /** The network, a 5xx, or the token refused (401): try later. */
  | { kind: "unavailable"; reason: string };

export interface NoticeSender {
  send(notice: TelegramNoticeRecord): Promise<SendOutcome>;
}

/** The longest `retry_after` waited at once; after a longer one's first hour, Telegram answers with what is left. */
const MAX_RETRY_AFTER_SECONDS = 3600;

export function botApiSender(api: Api, botToken: string): NoticeSender {
  return {
    async send(notice) {
      try {
        await api.sendMessage(notice.userId, notice.body, {
          link_preview_options: { is_disabled: true },
          ...(notice.button === undefined ? {} : { reply_markup: { inline_keyboard: [[{ text: notice.button.text, web_app: { url: notice.button.url } }]] } }),
        });
        return { kind: "sent" };
      } catch (error) {
        return classify(error, botToken);
      }
    },
  };
}

export function classify(error: unknown, botToken: string): Exclude<SendOutcome, { kind: "sent" }> {
  if (error instanceof GrammyError) {
    const reason = redactToken(`${error.error_code}: ${error.description}`, botToken);
    if (error.error_code === 429) {
      const after = Number(error.parameters.retry_after);
      const retryAfterSeconds = Number.isFinite(after) && after > 0 ? Math.min(Math.ceil(after), MAX_RETRY_AFTER_SECONDS) : 1;
      return { kind: "retry_after", retryAfterSeconds, reason };
    }
    if (error.error_code === 403) return { kind: "blocked", reason };
    if (error.error_code === 401 || error.error_code >= 500) return { kind: "unavailable", reason };
    return { kind: "rejected", reason };
  }
  if (error instanceof HttpError) {
    const cause = error.error instanceof Error ? `: ${error.error.message}` : "";
    return { kind: "unavailable", reason: redactToken(`${error.message}${cause}`, botToken) };
  }
  return { kind: "unavailable", reason: redactToken(error instanceof Error ? error.message : String(error), botToken) };
}

/** `text` with the bot token (and its secret half on its own) replaced. */
export function redactToken(text: string, botToken: string): string {
  let out = text.split(botToken).join("[bot token]");
  const secret = botToken.slice(botToken.indexOf(":") + 1);
  if (secret.length >= 10) out = out.split(secret).join("[bot token]");
  return out;
}
