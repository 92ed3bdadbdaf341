/** The relayer's environment settings (read by relay/config.ts; known to config.ts's unknown-setting warning). */
export const RELAY_ENV = {
  keyFile: "CASHKEY_ORACLE_RELAYER_KEY_FILE",
  key: "CASHKEY_ORACLE_RELAYER_KEY",
  maxGasPerRequest: "CASHKEY_ORACLE_RELAY_MAX_GAS_PER_REQUEST",
  signerGasPerEpoch: "CASHKEY_ORACLE_RELAY_SIGNER_GAS_PER_EPOCH",
  totalGasPerEpoch: "CASHKEY_ORACLE_RELAY_TOTAL_GAS_PER_EPOCH",
  lowBalanceWei: "CASHKEY_ORACLE_RELAY_LOW_BALANCE_WEI",
  signerBurst: "CASHKEY_ORACLE_RELAY_SIGNER_BURST",
  signerWindowMs: "CASHKEY_ORACLE_RELAY_SIGNER_WINDOW_MS",
  clientBurst: "CASHKEY_ORACLE_RELAY_CLIENT_BURST",
  clientWindowMs: "CASHKEY_ORACLE_RELAY_CLIENT_WINDOW_MS",
  telegramBotToken: "CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN",
  telegramBotTokenFile: "CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN_FILE",
  telegramMaxAgeSeconds: "CASHKEY_ORACLE_TELEGRAM_MAX_AGE_SECONDS",
  requireTelegram: "CASHKEY_ORACLE_RELAY_REQUIRE_TELEGRAM",
} as const;
