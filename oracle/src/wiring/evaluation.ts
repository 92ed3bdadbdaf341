/** The evaluation stage: the queue of submissions to score, with its scorer, and the loop that drives it. */
import type { Logger } from "pino";
import type { OracleConfig } from "../config";
import type { Scorer } from "../eval/scorers/types";
import type { OracleMetrics } from "../metrics";
import { EvaluationQueue } from "../pipeline/evaluationQueue";
import { PassLoop } from "../pipeline/loop";
import { createConfiguredScorer } from "../pipeline/scorer";
import type { Store } from "../store";
import type { NodeTiming } from "./timing";

export interface EvaluationWiring {
  config: OracleConfig;
  store: Store;
  /** Default: the scorer `config.scorer` names. */
  scorer?: Scorer;
  maxPoints: number;
  timing: NodeTiming;
  metrics: OracleMetrics;
  logger: Logger;
  now: () => number;
  /** Requests to peers for missing content (signed by the operator). */
  fetch: typeof fetch;
  /** A submission was evaluated: the batch stage has work. */
  onEvaluated: () => void;
}

export interface NodeEvaluation {
  evaluation: EvaluationQueue;
  scorer: Scorer;
  loop: PassLoop;
  start(): void;
  /** Stops the loop and lets the evaluations in flight finish. */
  stop(): Promise<void>;
  halt(): void;
}

export function wireEvaluation(options: EvaluationWiring): NodeEvaluation {
  const { config, store, timing, logger } = options;
  const scorer = options.scorer ?? createConfiguredScorer(config, store);
  const evaluation: EvaluationQueue = new EvaluationQueue({
    store,
    scorer,
    maxPoints: options.maxPoints,
    contentGraceMs: config.contentGraceMs,
    peers: config.peers,
    peerRetryMs: timing.peerRetryMs,
    concurrency: scorer.descriptor.name === "llm" ? config.llm.concurrency : 1,
    retryBackoff: timing.backoff,
    metrics: options.metrics,
    logger,
    now: options.now,
    fetch: options.fetch,
    onEvaluated: options.onEvaluated,
    wake: () => loop.wake(),
    orderWaitMs: config.evaluationOrderWaitMs,
  });
  const loop = new PassLoop({
    pass: () => evaluation.pass(),
    intervalMs: timing.evaluationPollMs,
    onError: (error) => logger.error({ err: error }, "evaluation pass failed"),
  });
  return {
    evaluation,
    scorer,
    loop,
    start: () => loop.start(),
    stop: async () => {
      await loop.stop();
      await evaluation.drain();
    },
    halt: () => {
      loop.halt();
      evaluation.halt();
    },
  };
}
