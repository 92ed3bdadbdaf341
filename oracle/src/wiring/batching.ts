/** The batch stage: the poster that relays signed batches, the batcher and the loop that drives it. */
import { getAddress, type JsonRpcProvider, type Wallet } from "ethers";
import type { Logger } from "pino";
import type { Rewards } from "../bindings";
import type { BatchSigner } from "../batch/signer";
import { BatchPoster } from "../chain/poster";
import { sleep } from "../chain/rpc";
import type { ContractAddresses, OracleConfig } from "../config";
import { CashKeyError } from "../errors";
import { createVerifierClient } from "../functions/verifierClient";
import type { OracleMetrics } from "../metrics";
import { Batcher } from "../pipeline/batcher";
import type { EvaluationQueue } from "../pipeline/evaluationQueue";
import { PassLoop } from "../pipeline/loop";
import type { BatchLedger } from "../ports/batchLedger";
import type { Store } from "../store";
import { SqliteBatchLedger } from "../store/batchLedger";
import type { NodeNetwork } from "./network";
import type { NodeTiming } from "./timing";

export interface BatchingWiring {
  config: OracleConfig;
  contracts: ContractAddresses;
  store: Store;
  provider: JsonRpcProvider;
  rewards: Rewards;
  chainId: bigint;
  maxPoints: number;
  /** The operator key connected to the provider: it pays for the posts. */
  wallet: Wallet;
  signer: BatchSigner;
  evaluation: EvaluationQueue;
  network: NodeNetwork;
  /** Default: the SQLite ledger on the store. */
  ledger?: (store: Store) => BatchLedger;
  timing: NodeTiming;
  metrics: OracleMetrics;
  logger: Logger;
  now: () => number;
  /** Aborted when the node stops: waits end early and an interrupted post is left for the next start. */
  stopping: AbortSignal;
  /** This node's API base URL, where the Functions DON fetches proposals (read when asked). */
  operatorUrl: () => string;
}

export interface NodeBatching {
  batcher: Batcher;
  loop: PassLoop;
  start(): void;
  stop(): Promise<void>;
  halt(): void;
}

export function wireBatching(options: BatchingWiring): NodeBatching {
  const { config, contracts, store, provider, rewards, chainId, timing, metrics, logger, network, stopping } = options;
  const poster = new BatchPoster({
    signer: options.wallet,
    rewards,
    ledger: (options.ledger ?? ((s: Store) => new SqliteBatchLedger(s)))(store),
    fromBlock: contracts.startBlock,
    confirmations: Math.max(1, config.confirmations),
    receiptPollMs: timing.receiptPollMs,
    backoff: timing.backoff,
    logger,
    sleep: interruptibleSleep(stopping),
  });
  const batcher = new Batcher({
    store,
    rewards,
    provider,
    signer: options.signer,
    poster,
    chainId,
    rewardsAddress: getAddress(contracts.rewards),
    evaluatorHash: () => options.evaluation.evaluatorHash,
    policy: config.batch,
    maxPointsPerSubmission: options.maxPoints,
    backoff: timing.backoff,
    metrics,
    logger,
    now: options.now,
    stopping: () => stopping.aborted,
    network: {
      ...network,
      maxDisputes: config.network.maxDisputes,
      disputeRetryMs: config.network.disputeRetryMs,
      verifier:
        config.functions.verifier === undefined
          ? undefined
          : { client: createVerifierClient({ verifier: config.functions.verifier, runner: options.wallet }), operatorUrl: options.operatorUrl },
    },
  });
  const loop = new PassLoop({
    pass: () => batcher.pass(),
    intervalMs: timing.batchPollMs,
    onError: (error) => logger.error({ err: error }, "batch pass failed"),
  });
  return { batcher, loop, start: () => loop.start(), stop: () => loop.stop(), halt: () => loop.halt() };
}

/** The poster's sleep: ends early with an error once the node stops, so a stop never waits out a receipt timeout. */
function interruptibleSleep(signal: AbortSignal) {
  return async (ms: number): Promise<void> => {
    await sleep(ms, signal);
    if (signal.aborted) throw new CashKeyError("The node is stopping.");
  };
}
