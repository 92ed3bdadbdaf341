/**
 * The Telegram bot's Prometheus metrics, registered in the node's registry. Alert when
 * `cashkey_oracle_telegram_outbox_pending` keeps growing (Telegram unreachable or the token revoked);
 * docs/OPERATORS.md, "Telegram bot".
 */
import { Counter, Gauge, type Registry } from "prom-client";
import { METRIC_PREFIX } from "../metrics";

export interface TelegramMetrics {
  /** sendMessage answers, by outcome: sent | blocked | rejected | retry_after | unavailable. */
  readonly messages: Counter<"outcome">;
  /** Messages waiting in the outbox after the last delivery. */
  readonly pending: Gauge;
}

export function createTelegramMetrics(registry: Registry): TelegramMetrics {
  const registers = [registry];
  return {
    messages: new Counter({
      name: `${METRIC_PREFIX}telegram_messages_total`,
      help: "Telegram sendMessage answers, by outcome.",
      labelNames: ["outcome"],
      registers,
    }),
    pending: new Gauge({ name: `${METRIC_PREFIX}telegram_outbox_pending`, help: "Telegram messages waiting to be sent.", registers }),
  };
}
