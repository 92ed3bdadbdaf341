/** The Telegram bot's environment settings (read by telegram/config.ts; known to config.ts's unknown-setting warning). */
export const TELEGRAM_ENV = {
  notify: "CASHKEY_ORACLE_TELEGRAM_NOTIFY",
  miniAppUrl: "CASHKEY_ORACLE_TELEGRAM_MINI_APP_URL",
  apiRoot: "CASHKEY_ORACLE_TELEGRAM_API_ROOT",
  pollMs: "CASHKEY_ORACLE_TELEGRAM_POLL_MS",
} as const;

/** Telegram's own Bot API server. */
export const DEFAULT_TELEGRAM_API_ROOT = "https://api.telegram.org";
