/** The submission watcher: Submitted events, after confirmations, into the store (chain/watcher.ts). */
import type { JsonRpcProvider } from "ethers";
import type { Logger } from "pino";
import type { Rewards } from "../bindings";
import { SubmissionWatcher } from "../chain/watcher";
import type { WatcherStep } from "../ports/watcherStore";
import type { ContractAddresses, OracleConfig } from "../config";
import type { OracleMetrics } from "../metrics";
import type { Store } from "../store";
import type { StorageHealth } from "../store/storageHealth";
import { SqliteWatcherStore } from "../store/watcherStore";
import type { NodeTiming } from "./timing";

export interface WatcherWiring {
  config: OracleConfig;
  contracts: ContractAddresses;
  store: Store;
  provider: JsonRpcProvider;
  rewards: Rewards;
  storage: StorageHealth;
  timing: NodeTiming;
  metrics: OracleMetrics;
  logger: Logger;
  /** A step landed: submissions were added (or orphaned ones removed). */
  onStep: (step: WatcherStep) => void;
}

export interface NodeWatcher {
  watcher: SubmissionWatcher;
  start(): void;
  stop(): Promise<void>;
}

export function wireWatcher(options: WatcherWiring): NodeWatcher {
  const { config, contracts, store, provider, rewards, storage, timing, metrics, logger } = options;
  const updateChainMetrics = () => {
    const status = watcher.status();
    if (status.lagBlocks !== undefined) metrics.chainLagBlocks.set(status.lagBlocks);
    if (status.cursorBlock !== undefined) metrics.lastProcessedBlock.set(status.cursorBlock);
  };
  const watcher: SubmissionWatcher = new SubmissionWatcher({
    provider,
    rewardsAddress: contracts.rewards,
    store: new SqliteWatcherStore(store, logger),
    startBlock: contracts.startBlock,
    confirmations: Math.max(1, config.confirmations),
    pollIntervalMs: config.pollIntervalMs,
    backoff: timing.backoff,
    logger,
    onStep: (step) => {
      storage.succeeded();
      metrics.submissionsSeen.inc(step.added.length);
      updateChainMetrics();
      options.onStep(step);
    },
    onRetry: ({ error }) => {
      storage.failed(error);
      updateChainMetrics();
    },
    submissionCount: (blockNumber) => rewards.submissionCount({ blockTag: blockNumber }),
    onFatal: (error) => logger.fatal({ err: error }, "the watcher stopped; resync the node"),
  });
  return { watcher, start: () => watcher.start(), stop: () => watcher.stop() };
}
