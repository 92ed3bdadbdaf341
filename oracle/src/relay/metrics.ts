/**
 * The relayer's Prometheus metrics, registered in the node's registry. Alert on
 * `cashkey_oracle_relayer_balance_low == 1` (top up the relayer key) and
 * `cashkey_oracle_relay_budget_spent == 1` (relaying stopped for the epoch); docs/OPERATORS.md.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import { METRIC_PREFIX } from "../metrics";

export interface RelayMetrics {
  /** Requests relayed, by function: submit | claim. */
  readonly relayed: Counter<"function">;
  /** Requests refused, by reason (a fixed set of codes). */
  readonly refused: Counter<"reason">;
  /** Gas the relayer paid. */
  readonly gasPaid: Counter;
  /** The relayer's balance in wei (as a float). */
  readonly balanceWei: Gauge;
  /** 1 when the balance is under the configured threshold. */
  readonly balanceLow: Gauge;
  /** 1 when the epoch's total budget is spent. */
  readonly budgetSpent: Gauge;
}

export function createRelayMetrics(registry: Registry): RelayMetrics {
  const registers = [registry];
  return {
    relayed: new Counter({ name: `${METRIC_PREFIX}relayed_total`, help: "Forward requests relayed, by function.", labelNames: ["function"], registers }),
    refused: new Counter({ name: `${METRIC_PREFIX}relay_refused_total`, help: "Forward requests refused, by reason.", labelNames: ["reason"], registers }),
    gasPaid: new Counter({ name: `${METRIC_PREFIX}relay_gas_paid_total`, help: "Gas the relayer paid.", registers }),
    balanceWei: new Gauge({ name: `${METRIC_PREFIX}relayer_balance_wei`, help: "The relayer key's balance (wei).", registers }),
    balanceLow: new Gauge({ name: `${METRIC_PREFIX}relayer_balance_low`, help: "1 when the relayer's balance is under the alert threshold.", registers }),
    budgetSpent: new Gauge({ name: `${METRIC_PREFIX}relay_budget_spent`, help: "1 when the epoch's total relaying budget is spent.", registers }),
  };
}
