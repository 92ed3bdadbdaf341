/**
 * The node's Prometheus metrics, all in one registry served at `GET /metrics`. Each part of the
 * node updates its own metrics through this object; docs/OPERATORS.md says what to alert on.
 * Label values come from small fixed sets (outcomes, flag codes, route patterns), never from
 * user input, so the number of series stays bounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Store } from "./store";

export const METRIC_PREFIX = "cashkey_oracle_";

export interface OracleMetrics {
  readonly registry: Registry;
  /** `Submitted` events recorded by the watcher. */
  readonly submissionsSeen: Counter;
  /** Submissions in the store by status, read from the store at each scrape (when given one). */
  readonly submissionsByStatus: Gauge<"status">;
  /** Evaluations by outcome: ok | failed. */
  readonly evaluations: Counter<"outcome">;
  /** Flags raised by fraud checks, by flag code. */
  readonly evaluationFlags: Counter<"flag">;
  /** Seconds from the start of an evaluation to its result, by scorer and outcome. */
  readonly evaluationSeconds: Histogram<"scorer" | "outcome">;
  /** Items per batch built. */
  readonly batchItems: Histogram;
  /** Seconds from sending a batch transaction to its receipt, by outcome: landed | reverted | failed. */
  readonly batchPostSeconds: Histogram<"outcome">;
  /** Batches by final state: landed | abandoned. */
  readonly batches: Counter<"state">;
  /** Blocks between the chain head and the watcher's cursor. */
  readonly chainLagBlocks: Gauge;
  /** The last block the watcher processed. */
  readonly lastProcessedBlock: Gauge;
  /** Failed LLM requests by reason: invalid_output | unavailable | rejected. */
  readonly llmErrors: Counter<"reason">;
  /** Content stored, by source: upload | peer. */
  readonly contentStored: Counter<"source">;
  /** HTTP requests by method, route pattern and status. */
  readonly httpRequests: Counter<"method" | "route" | "status">;
  /** HTTP request duration by method and route pattern. */
  readonly httpRequestSeconds: Histogram<"method" | "route">;
  /** Requests refused with 429 by the per-client rate limit. */
  readonly rateLimited: Counter;
  /** Proposals this node received, by outcome: signed | disputed | a refusal code (not_operator, stale_nonce, …). */
  readonly proposalsReceived: Counter<"outcome">;
  /** Items this node disputed in others' proposals, by reason. */
  readonly disputesRaised: Counter<"reason">;
  /** Proposals this node led, by outcome: posted (threshold reached) | disputed | short (peers did not answer) | stale. */
  readonly proposalsLed: Counter<"outcome">;
  /** This node's proposals sent to one peer, by outcome: signed | disputed | failed | no_url. */
  readonly peerRequests: Counter<"outcome">;
  /** Submissions held for review after repeated disputes (read from the store at each scrape). */
  readonly heldSubmissions: Gauge;
  /** Share of items each peer agreed on, by peer and role (read from the store at each scrape). */
  readonly peerAgreement: Gauge<"peer" | "role">;
  /** Writes the store refused for want of space or a writable file, by SQLite code. */
  readonly storageWriteFailures: Counter<"code">;
  /** 1 while the store takes writes, 0 after a write failed for space or permissions (until one succeeds). */
  readonly storageWritable: Gauge;
}

export interface MetricsOptions {
  /** Default: a new registry. */
  registry?: Registry;
  /** Also collect Node.js process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
  /** The store whose submissions `submissionsByStatus` counts at each scrape. */
  store?: Pick<Store, "submissions" | "network">;
}

export function createMetrics(options: MetricsOptions = {}): OracleMetrics {
  const registry = options.registry ?? new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];
  const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;
  return {
    registry,
    submissionsSeen: new Counter({ name: name("submissions_seen_total"), help: "Submitted events recorded", registers }),
    submissionsByStatus: new Gauge({
      name: name("submissions"),
      help: "Submissions in the store by status (pending, evaluated, batched, scored, failed, removed)",
      labelNames: ["status"] as const,
      registers,
      collect() {
        if (options.store === undefined) return;
        for (const [status, count] of Object.entries(options.store.submissions.countByStatus())) this.set({ status }, count);
      },
    }),
    evaluations: new Counter({
      name: name("evaluations_total"),
      help: "Evaluations by outcome (ok, failed)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    evaluationFlags: new Counter({
      name: name("evaluation_flags_total"),
      help: "Fraud and QA flags raised, by flag code",
      labelNames: ["flag"] as const,
      registers,
    }),
    evaluationSeconds: new Histogram({
      name: name("evaluation_duration_seconds"),
      help: "Time to evaluate one submission, by scorer and outcome",
      labelNames: ["scorer", "outcome"] as const,
      buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    batchItems: new Histogram({
      name: name("batch_items"),
      help: "Items per batch built",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    }),
    batchPostSeconds: new Histogram({
      name: name("batch_post_duration_seconds"),
      help: "Time from sending a batch transaction to its receipt, by outcome (landed, reverted, failed)",
      labelNames: ["outcome"] as const,
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    }),
    batches: new Counter({
      name: name("batches_total"),
      help: "Batches by final state (landed, abandoned)",
      labelNames: ["state"] as const,
      registers,
    }),
    chainLagBlocks: new Gauge({ name: name("chain_lag_blocks"), help: "Blocks between the chain head and the last processed block", registers }),
    lastProcessedBlock: new Gauge({ name: name("last_processed_block"), help: "The last block whose events were processed", registers }),
    llmErrors: new Counter({
      name: name("llm_errors_total"),
      help: "Failed LLM requests by reason (invalid_output, unavailable, rejected)",
      labelNames: ["reason"] as const,
      registers,
    }),
    contentStored: new Counter({
      name: name("content_stored_total"),
      help: "New content stored, by source (upload, peer)",
      labelNames: ["source"] as const,
      registers,
    }),
    httpRequests: new Counter({
      name: name("http_requests_total"),
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"] as const,
      registers,
    }),
    httpRequestSeconds: new Histogram({
      name: name("http_request_duration_seconds"),
      help: "HTTP request duration by method and route pattern",
      labelNames: ["method", "route"] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    rateLimited: new Counter({ name: name("http_rate_limited_total"), help: "Requests refused by the per-client rate limit", registers }),
    proposalsReceived: new Counter({
      name: name("proposals_received_total"),
      help: "Batch proposals received from other operators, by outcome (signed, disputed, or the refusal code)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    disputesRaised: new Counter({
      name: name("disputes_raised_total"),
      help: "Items this node refused to sign in others' proposals, by reason",
      labelNames: ["reason"] as const,
      registers,
    }),
    proposalsLed: new Counter({
      name: name("proposals_led_total"),
      help: "Proposal rounds this node led, by outcome (posted, disputed, short, stale)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    peerRequests: new Counter({
      name: name("peer_requests_total"),
      help: "Proposals sent to one peer, by outcome (signed, disputed, failed, no_url)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    heldSubmissions: new Gauge({
      name: name("held_submissions"),
      help: "Submissions held for review after repeated disputes",
      registers,
      collect() {
        if (options.store === undefined) return;
        this.set(options.store.network.heldCount());
      },
    }),
    storageWriteFailures: new Counter({
      name: name("storage_write_failures_total"),
      help: "Writes the database refused for want of space or a writable file, by SQLite code",
      labelNames: ["code"] as const,
      registers,
    }),
    storageWritable: new Gauge({ name: name("storage_writable"), help: "1 while the database takes writes; 0 after a write failed for space or permissions", registers }),
    peerAgreement: new Gauge({
      name: name("peer_agreement_ratio"),
      help: "Share of proposed items a peer agreed on: role=leader when the peer checked this node's proposals, role=follower when this node checked the peer's",
      labelNames: ["peer", "role"] as const,
      registers,
      collect() {
        if (options.store === undefined) return;
        for (const agreement of options.store.network.agreements()) {
          if (agreement.rate !== null) this.set({ peer: agreement.peer, role: agreement.role }, agreement.rate);
        }
      },
    }),
  };
}
