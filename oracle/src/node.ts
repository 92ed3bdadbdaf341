/**
 * One operator node, wired from its configuration:
 *
 *   config → store → operator key → chain (provider, Rewards)
 *     watcher    Submitted events (after confirmations) → submissions `pending`; orphaned ones `removed`
 *     evaluation pending submissions with content → evaluator → `evaluated`; missing content → peers,
 *                then `content_unavailable` after the grace period; scorer failures retried later
 *     network    the operator roster, the follower co-signing other leaders' proposals, landed batches
 *     batcher    evaluated → batch (by size or age) → sign → store → post → `scored` when it lands
 *     API        uploads, submissions with their rationale proofs, health, metrics, peers, relaying
 *     telegram   notices to the users who asked for them
 *
 * Each part is wired in its own module under wiring/ (it builds its collaborators and returns them
 * with its start and stop); this class orders them, connects their wake-ups and owns the lifecycle.
 *
 * Every step is committed to the SQLite store before the next one acts on it, so the node can be
 * stopped (or killed) at any instant and started again: nothing accepted is lost and no batch is
 * posted twice (see pipeline/batcher.ts and chain/poster.ts).
 */
import type { Server as NetServer } from "node:net";
import { type JsonRpcProvider, type Wallet, getAddress } from "ethers";
import type { Logger } from "pino";
import { createLogger } from "./apiServer";
import { BatchSigner } from "./batch/signer";
import type { BatchLedger } from "./ports/batchLedger";
import { type OracleConfig, resolveContracts } from "./config";
import type { RelaySettings } from "./relay/config";
import type { TelegramBotSettings } from "./telegram/bot";
import { CashKeyError } from "./errors";
import type { Scorer } from "./eval/scorers/types";
import { type OracleMetrics, createMetrics } from "./metrics";
import { signedPeerFetch } from "./network/peerAuth";
import type { PassLoop } from "./pipeline/loop";
import { type Store, openStore } from "./store";
import { StorageHealth } from "./store/storageHealth";
import type { ApiNode } from "./apiServer";
import { type NodeApi, serveNodeApi } from "./wiring/api";
import { type NodeBatching, wireBatching } from "./wiring/batching";
import { wireChallenges } from "./wiring/challenges";
import type { ChallengeService } from "./challenges/service";
import { connectChain, requireHttpRpc, warnUnlessCounted } from "./wiring/chain";
import { type NodeEvaluation, wireEvaluation } from "./wiring/evaluation";
import { NodeStartError } from "./wiring/errors";
import { nodeHealthIssues } from "./wiring/health";
import { wireNetwork } from "./wiring/network";
import { type NodeTelegram, wireTelegram } from "./wiring/telegram";
import { DEFAULT_NODE_TIMING, type NodeTiming } from "./wiring/timing";
import { type NodeWatcher, wireWatcher } from "./wiring/watcher";

export { DEFAULT_NODE_TIMING, type NodeTiming } from "./wiring/timing";
export { NodeStartError } from "./wiring/errors";
export { nodeHealthIssues } from "./wiring/health";

export interface OracleNodeOptions {
  config: OracleConfig;
  /** The unlocked operator key: it signs batches and pays for posting them. */
  operatorKey: Wallet;
  /** Default: JSON lines on stdout at `config.logLevel`, secrets censored. */
  logger?: Logger;
  /** Default: the scorer `config.scorer` names. */
  scorer?: Scorer;
  /** Default: the SQLite ledger on the node's store. Tests wrap it to stop the node at chosen instants. */
  ledger?: (store: Store) => BatchLedger;
  /** The node's clock (ms) for queue ages, grace periods and stored timestamps. Default `Date.now`. */
  now?: () => number;
  /** For requests to peers. Default the global `fetch`. */
  fetch?: typeof fetch;
  timing?: Partial<NodeTiming>;
  /** Export Node.js process metrics too. Default true. */
  processMetrics?: boolean;
  /** Serve the API on this listening socket (kept open by its owner) instead of `config.host:config.port`. */
  listener?: NetServer;
  /** The gasless relayer (`POST /v1/relay`) with its own key; absent, the node does not relay. */
  relay?: RelaySettings;
  /** The Telegram notification bot (telegram/bot.ts); absent, the node sends no Telegram messages. */
  telegram?: TelegramBotSettings;
}

interface Running {
  store: Store;
  provider: JsonRpcProvider;
  metrics: OracleMetrics;
  api: ApiNode;
  evaluationLoop: PassLoop;
  batchLoop: PassLoop;
  /** The parts, for stop() and halt(). */
  parts: { watch: NodeWatcher; evaluate: NodeEvaluation; batch: NodeBatching; telegram: NodeTelegram; serve: NodeApi; challenges?: ChallengeService };
}

export class OracleNode {
  readonly logger: Logger;
  private readonly timing: NodeTiming;
  private readonly now: () => number;
  private running: Running | undefined;
  private abort = new AbortController();

  constructor(private readonly options: OracleNodeOptions) {
    this.logger = options.logger ?? createLogger(options.config.logLevel);
    this.timing = { ...DEFAULT_NODE_TIMING, ...options.timing };
    this.now = options.now ?? Date.now;
  }

  /** The API's base URL, e.g. http://127.0.0.1:8701. */
  get url(): string {
    return this.state().api.server.url;
  }

  get operatorAddress(): string {
    return getAddress(this.options.operatorKey.address);
  }

  get store(): Store {
    return this.state().store;
  }

  get metrics(): OracleMetrics {
    return this.state().metrics;
  }

  /** Opens the store, checks the chain and the contracts, serves the API and starts the loops. */
  async start(): Promise<void> {
    if (this.running) throw new NodeStartError("The node is already running.");
    const { config } = this.options;
    const timing = this.timing;
    this.abort = new AbortController();
    const contracts = resolveContracts(config);
    requireHttpRpc(config);
    const store = openStore(config.dbPath, { now: this.now });
    const cleanups: (() => unknown)[] = [() => store.close()];
    try {
      const chain = await connectChain(config, contracts, this.options.operatorKey);
      cleanups.push(() => chain.stop());
      const { provider, rewards, chainId, maxPoints, wallet, operator } = chain;
      const metrics = createMetrics({ store, processMetrics: this.options.processMetrics ?? true });
      const storage = new StorageHealth(metrics);
      const logger = this.logger.child({ operator });
      // Requests to peers carry this operator's signature: peers count them against its own budget.
      const peerFetch = signedPeerFetch(this.options.operatorKey, this.options.fetch ?? fetch);
      const confirmations = Math.max(1, config.confirmations);
      const now = this.now;
      const wake = { evaluation: () => this.running?.evaluationLoop.wake(), batch: () => this.running?.batchLoop.wake() };

      const evaluate = wireEvaluation({ config, store, scorer: this.options.scorer, maxPoints, timing, metrics, logger, now, fetch: peerFetch, onEvaluated: wake.batch });
      const { evaluation } = evaluate;
      await warnUnlessCounted(rewards, operator, evaluation.evaluatorHash, logger);

      const signer = new BatchSigner(wallet);
      const network = wireNetwork({ config, contracts, store, provider, rewards, chainId, maxPoints, signer, evaluation, metrics, logger, now, fetch: peerFetch });
      const batch = wireBatching({
        config,
        contracts,
        store,
        provider,
        rewards,
        chainId,
        maxPoints,
        wallet,
        signer,
        evaluation,
        network,
        ledger: this.options.ledger,
        timing,
        metrics,
        logger,
        now,
        stopping: this.abort.signal,
        operatorUrl: () => config.functions.publicUrl ?? this.url,
      });
      const watch = wireWatcher({
        config,
        contracts,
        store,
        provider,
        rewards,
        storage,
        timing,
        metrics,
        logger,
        onStep: (step) => {
          if (step.removed.length > 0) evaluation.invalidateIndex();
          wake.evaluation();
          wake.batch();
        },
      });
      const challenges = await wireChallenges({
        config,
        contracts,
        store,
        provider,
        rewards,
        wallet,
        chainId,
        maxPoints,
        confirmations,
        network,
        fetch: peerFetch,
        metrics,
        logger,
        now,
      });
      cleanups.push(() => challenges?.halt());
      const serve = await serveNodeApi({
        config,
        contracts,
        store,
        provider,
        rewards,
        operator,
        network,
        storage,
        metrics,
        logger,
        relay: this.options.relay,
        listener: this.options.listener,
        onContent: wake.evaluation,
        challenges: challenges?.api,
        healthIssues: () => nodeHealthIssues(watch.watcher.status(), network.landed.status(), Date.now(), confirmations),
      });
      cleanups.push(() => void serve.halt().catch(() => undefined));
      const telegram = await wireTelegram({ config, settings: this.options.telegram, store, provider, rewards, metrics, logger });

      this.running = {
        store,
        provider,
        metrics,
        api: serve.api,
        evaluationLoop: evaluate.loop,
        batchLoop: batch.loop,
        parts: { watch, evaluate, batch, telegram, serve, challenges },
      };
      watch.start();
      evaluate.start();
      batch.start();
      telegram.start();
      challenges?.start();
      logger.info(
        {
          url: serve.api.server.url,
          rewards: contracts.rewards,
          chainId: chainId.toString(),
          evaluator: evaluation.evaluatorHash,
          scorer: evaluate.scorer.descriptor.name,
        },
        "oracle node started",
      );
    } catch (error) {
      for (const cleanup of cleanups.reverse()) cleanup();
      throw error;
    }
  }

  /** Stops taking work, lets the work in progress finish (an interrupted post resumes at the next start), closes everything. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    const { watch, evaluate, batch, telegram, serve, challenges } = running.parts;
    this.abort.abort();
    await watch.stop();
    await evaluate.stop();
    await batch.stop();
    await telegram.stop();
    await challenges?.stop();
    await serve.stop();
    running.provider.destroy();
    running.store.close();
    this.running = undefined;
    this.logger.info("oracle node stopped");
  }

  /**
   * Stops at once, as a crash would: nothing in flight is awaited, the store is closed under it (so
   * nothing more is written) and the API stops answering. Used to test recovery; `stop()` is the way
   * to shut a node down.
   */
  async halt(): Promise<void> {
    const running = this.running;
    if (!running) return;
    const { watch, evaluate, batch, telegram, serve, challenges } = running.parts;
    this.running = undefined;
    this.abort.abort();
    evaluate.halt();
    batch.halt();
    void telegram.stop();
    challenges?.halt();
    void watch.stop();
    running.store.close();
    running.provider.destroy();
    await serve.halt();
  }

  /** Wakes the evaluation and batch loops now instead of at their next poll. */
  wake(): void {
    this.running?.evaluationLoop.wake();
    this.running?.batchLoop.wake();
  }

  private state(): Running {
    if (!this.running) throw new CashKeyError("The node is not running.");
    return this.running;
  }
}
