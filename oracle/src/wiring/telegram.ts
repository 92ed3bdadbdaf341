/** The Telegram notification bot (telegram/bot.ts), when configured. */
import type { JsonRpcProvider } from "ethers";
import type { Logger } from "pino";
import type { Rewards } from "../bindings";
import type { OracleConfig } from "../config";
import type { OracleMetrics } from "../metrics";
import type { Store } from "../store";
import { TelegramBot, type TelegramBotSettings } from "../telegram/bot";
import { challengeLogReaderOf } from "../telegram/challengeEvents";

export interface TelegramWiring {
  config: OracleConfig;
  settings?: TelegramBotSettings;
  store: Store;
  provider: JsonRpcProvider;
  rewards: Rewards;
  metrics: OracleMetrics;
  logger: Logger;
}

export interface NodeTelegram {
  /** Absent when the node sends no Telegram messages. */
  bot?: TelegramBot;
  start(): void;
  stop(): Promise<void>;
}

export async function wireTelegram(options: TelegramWiring): Promise<NodeTelegram> {
  const { config, settings, store, provider, rewards, metrics, logger } = options;
  if (settings === undefined) return { start: () => undefined, stop: async () => undefined };
  const confirmations = Math.max(1, config.confirmations);
  const challenges = await challengeLogReaderOf(rewards, provider, confirmations - 1, logger);
  const bot = new TelegramBot({ ...settings, store, rewards, ...(challenges && { challenges }), logger, metrics: metrics.registry });
  return { bot, start: () => bot.start(), stop: () => bot.stop() };
}
