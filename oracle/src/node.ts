/**
 * One operator node, wired from its configuration:
 *
 *   config → store → operator key → provider → contracts
 *     watcher    Submitted events (after confirmations) → submissions `pending`; orphaned ones `removed`
 *     evaluation pending submissions with content → evaluator → `evaluated`; missing content → peers,
 *                then `content_unavailable` after the grace period; scorer failures retried later
 *     batcher    evaluated → batch (by size or age) → sign → store → post → `scored` when it lands
 *     API        uploads, submissions with their rationale proofs, health, metrics
 *
 * Every step is committed to the SQLite store before the next one acts on it, so the node can be
 * stopped (or killed) at any instant and started again: nothing accepted is lost and no batch is
 * posted twice (see pipeline/batcher.ts and chain/poster.ts).
 */
import type { Server as NetServer } from "node:net";
import { type JsonRpcProvider, type Wallet, getAddress } from "ethers";
import type { Logger } from "pino";
import { Rewards__factory, type Rewards } from "./bindings";
import { type ApiNode, createLogger, startApiNode } from "./apiServer";
import { BatchSigner } from "./batch/signer";
import { BatchPoster } from "./chain/poster";
import type { BatchLedger } from "./ports/batchLedger";
import { rewardsChainReader } from "./chain/rewardsReader";
import type { BackoffOptions } from "./backoff";
import { createRpcProvider, sleep } from "./chain/rpc";
import { SubmissionWatcher, type WatcherStatus } from "./chain/watcher";
import type { HealthIssue } from "./api/types";
import { ConfigError, type OracleConfig, resolveContracts } from "./config";
import type { RelaySettings } from "./relay/config";
import { createRelayMetrics } from "./relay/metrics";
import { Relayer } from "./relay/relayer";
import { telegramIdentity } from "./telegram/identity";
import { challengeLogReaderOf } from "./telegram/challengeEvents";
import { TelegramBot, type TelegramBotSettings } from "./telegram/bot";
import { CashKeyError } from "./errors";
import type { Scorer } from "./eval/scorers/types";
import { type OracleMetrics, createMetrics } from "./metrics";
import { DEFAULT_MIN_SCORE } from "./eval/points";
import { SignatureCollector } from "./network/collector";
import { Follower } from "./network/follower";
import { LandedBatchSync, type LandedSyncStatus } from "./network/landedSync";
import { LeaderSchedule } from "./network/leaderSchedule";
import { PeerClient } from "./network/peerClient";
import { PeerRequestVerifier, signedPeerFetch } from "./network/peerAuth";
import { OperatorRoster } from "./network/roster";
import { createNetworkApi } from "./network/service";
import { type ChallengeService, startChallengeService } from "./challenges/service";
import { createVerifierClient } from "./functions/verifierClient";
import { Batcher } from "./pipeline/batcher";
import { EvaluationQueue } from "./pipeline/evaluationQueue";
import { PassLoop } from "./pipeline/loop";
import { createConfiguredScorer } from "./pipeline/scorer";
import { type Store, openStore } from "./store";
import { SqliteBatchLedger } from "./store/batchLedger";
import { SqliteWatcherStore } from "./store/watcherStore";
import { StorageHealth } from "./store/storageHealth";

/** How often the node's loops look for work when nothing wakes them, and how they back off. */
export interface NodeTiming {
  /** Evaluation queue. Default 1000 ms. */
  evaluationPollMs: number;
  /** Batcher, when no batch is due. Default 1000 ms. */
  batchPollMs: number;
  /** Between two requests to the peers for the same missing content. Default 5000 ms. */
  peerRetryMs: number;
  /** Between receipt polls of a batch transaction. Default 1000 ms. */
  receiptPollMs: number;
  /** RPC failures (watcher, poster), failed posts and failed evaluations. */
  backoff: BackoffOptions;
}

export const DEFAULT_NODE_TIMING: NodeTiming = {
  evaluationPollMs: 1000,
  batchPollMs: 1000,
  peerRetryMs: 5000,
  receiptPollMs: 1000,
  backoff: { initialMs: 500, maxMs: 30_000 },
};

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

export class NodeStartError extends CashKeyError {
  override name = "NodeStartError";
}

interface Running {
  store: Store;
  provider: JsonRpcProvider;
  metrics: OracleMetrics;
  api: ApiNode;
  watcher: SubmissionWatcher;
  evaluation: EvaluationQueue;
  evaluationLoop: PassLoop;
  batchLoop: PassLoop;
  operator: string;
  telegram?: TelegramBot;
  challengeService?: ChallengeService;
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

  /** The relayer and its per-client limit, when relaying is configured. */
  private createRelayer(
    provider: JsonRpcProvider,
    forwarder: string | undefined,
    rewards: string,
    store: Store,
    metrics: OracleMetrics,
    logger: Logger,
  ): { relayer?: Relayer; relayClientLimit?: { clientBurst: number; clientWindowMs: number } } {
    const settings = this.options.relay;
    if (settings === undefined) return {};
    if (forwarder === undefined) {
      throw new NodeStartError("Relaying needs the ERC-2771 forwarder: the deployment record names none (Rewards before 1.2.0).");
    }
    const relayer = new Relayer({
      provider,
      relayerKey: settings.relayerKey,
      forwarder,
      rewards,
      store,
      metrics: createRelayMetrics(metrics.registry),
      limits: settings.limits,
      logger,
      ...(settings.telegram === undefined ? {} : { identity: telegramIdentity({ ...settings.telegram, store }) }),
    });
    void relayer.refreshBalance().catch((error: unknown) => logger.warn({ err: error }, "cannot read the relayer balance"));
    logger.info({ relayer: relayer.address, telegram: settings.telegram !== undefined }, "relaying enabled");
    return { relayer, relayClientLimit: { clientBurst: settings.clientBurst, clientWindowMs: settings.clientWindowMs } };
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
    this.abort = new AbortController();
    const contracts = resolveContracts(config);
    if (!/^https?:/.test(config.rpcUrl)) {
      throw new ConfigError(["CASHKEY_ORACLE_RPC_URL: the node needs an http(s) JSON-RPC endpoint (WebSocket endpoints are not supported)"]);
    }
    const store = openStore(config.dbPath, { now: this.now });
    const cleanups: (() => unknown)[] = [() => store.close()];
    try {
      const provider = await connect(config.rpcUrl, contracts.chainId, config.rpcTimeoutMs);
      cleanups.push(() => provider.destroy());
      const rewards = Rewards__factory.connect(contracts.rewards, provider);
      const [code, maxPoints] = await Promise.all([provider.getCode(contracts.rewards), rewards.maxPointsPerSubmission()]).catch((cause: unknown) => {
        throw new NodeStartError(`Cannot read the Rewards contract at ${contracts.rewards}.`, { cause });
      });
      if (code === "0x") throw new NodeStartError(`No contract at the Rewards address ${contracts.rewards}.`);
      const chainId = (await provider.getNetwork()).chainId;
      const metrics = createMetrics({ store, processMetrics: this.options.processMetrics ?? true });
      const storage = new StorageHealth(metrics);
      const scorer = this.options.scorer ?? createConfiguredScorer(config, store);
      const wallet = this.options.operatorKey.connect(provider);
      const operator = getAddress(wallet.address);
      const logger = this.logger.child({ operator });
      // Requests to peers carry this operator's signature: peers count them against its own budget.
      const peerFetch = signedPeerFetch(this.options.operatorKey, this.options.fetch ?? fetch);
      const operators = cachedOperatorCheck(rewards, OPERATOR_SET_TTL_MS);

      const evaluation = new EvaluationQueue({
        store,
        scorer,
        maxPoints: Number(maxPoints),
        contentGraceMs: config.contentGraceMs,
        peers: config.peers,
        peerRetryMs: this.timing.peerRetryMs,
        concurrency: scorer.descriptor.name === "llm" ? config.llm.concurrency : 1,
        retryBackoff: this.timing.backoff,
        metrics,
        logger,
        now: this.now,
        fetch: peerFetch,
        onEvaluated: () => this.running?.batchLoop.wake(),
        wake: () => this.running?.evaluationLoop.wake(),
        orderWaitMs: config.evaluationOrderWaitMs,
      });
      await this.checkRole(rewards, operator, evaluation.evaluatorHash, logger);

      const confirmations = Math.max(1, config.confirmations);
      const poster = new BatchPoster({
        signer: wallet,
        rewards,
        ledger: (this.options.ledger ?? ((s: Store) => new SqliteBatchLedger(s)))(store),
        fromBlock: contracts.startBlock,
        confirmations,
        receiptPollMs: this.timing.receiptPollMs,
        backoff: this.timing.backoff,
        logger,
        sleep: this.interruptibleSleep(),
      });
      const batchSigner = new BatchSigner(wallet);
      const peerClient = new PeerClient({ timeoutMs: config.network.peerTimeoutMs, fetch: peerFetch });
      const roster = new OperatorRoster({ rewards, peers: config.peers, client: peerClient, now: this.now });
      const follower = new Follower({
        store,
        signer: batchSigner,
        chainId,
        rewardsAddress: getAddress(contracts.rewards),
        evaluatorHash: () => evaluation.evaluatorHash,
        chain: () => roster.chain(),
        chainTime: async () => BigInt((await provider.getBlock("latest"))?.timestamp ?? 0),
        evaluateNow: (id, options) => evaluation.evaluateNow(id, options),
        peerUrlOf: async (operator) => (await roster.peerUrls()).get(getAddress(operator)),
        peers: config.peers,
        maxPoints: Number(maxPoints),
        minScore: DEFAULT_MIN_SCORE,
        tolerance: config.network.scoreTolerance,
        // Leave the leader time to read the answer within its own peer timeout.
        evaluationTimeoutMs: Math.max(50, Math.floor(config.network.peerTimeoutMs * 0.6)),
        metrics,
        logger,
      });
      let landed: LandedBatchSync | undefined;
      const batcher = new Batcher({
        store,
        rewards,
        provider,
        signer: batchSigner,
        poster,
        chainId,
        rewardsAddress: getAddress(contracts.rewards),
        evaluatorHash: () => evaluation.evaluatorHash,
        policy: config.batch,
        maxPointsPerSubmission: Number(maxPoints),
        backoff: this.timing.backoff,
        metrics,
        logger,
        now: this.now,
        stopping: () => this.abort.signal.aborted,
        network: {
          roster,
          schedule: new LeaderSchedule(config.network.failoverTimeoutMs),
          collector: new SignatureCollector({ client: peerClient, store, metrics, logger, onPeerFailure: (url) => roster.markStale(url) }),
          landed: (landed = new LandedBatchSync({
            store,
            rewards,
            provider,
            chainId,
            rewardsAddress: getAddress(contracts.rewards),
            fromBlock: contracts.startBlock,
            client: peerClient,
            peers: () => config.peers,
            logger,
          })),
          maxDisputes: config.network.maxDisputes,
          disputeRetryMs: config.network.disputeRetryMs,
          verifier:
            config.functions.verifier === undefined
              ? undefined
              : {
                  client: createVerifierClient({ verifier: config.functions.verifier, runner: wallet }),
                  operatorUrl: () => config.functions.publicUrl ?? this.url,
                },
        },
      });
      const evaluationLoop = new PassLoop({
        pass: () => evaluation.pass(),
        intervalMs: this.timing.evaluationPollMs,
        onError: (error) => logger.error({ err: error }, "evaluation pass failed"),
      });
      const batchLoop = new PassLoop({
        pass: () => batcher.pass(),
        intervalMs: this.timing.batchPollMs,
        onError: (error) => logger.error({ err: error }, "batch pass failed"),
      });
      const watcher = new SubmissionWatcher({
        provider,
        rewardsAddress: contracts.rewards,
        store: new SqliteWatcherStore(store, logger),
        startBlock: contracts.startBlock,
        confirmations,
        pollIntervalMs: config.pollIntervalMs,
        backoff: this.timing.backoff,
        logger,
        onStep: (step) => {
          storage.succeeded();
          metrics.submissionsSeen.inc(step.added.length);
          if (step.removed.length > 0) evaluation.invalidateIndex();
          this.updateChainMetrics();
          this.running?.evaluationLoop.wake();
          this.running?.batchLoop.wake();
        },
        onRetry: ({ error }) => {
          storage.failed(error);
          this.updateChainMetrics();
        },
        submissionCount: (blockNumber) => rewards.submissionCount({ blockTag: blockNumber }),
        onFatal: (error) => logger.fatal({ err: error }, "the watcher stopped; resync the node"),
      });

      // --- Challenges of scores (oracle/src/challenges): follow them, judge them, co-sign and post verdicts.
      const challengeService = await startChallengeService({
        settings: config.challenges,
        store,
        provider,
        rewards,
        signer: wallet,
        chainId,
        startBlock: contracts.startBlock,
        confirmations,
        maxPoints: Number(maxPoints),
        failoverTimeoutMs: config.network.failoverTimeoutMs,
        peerTimeoutMs: config.network.peerTimeoutMs,
        peerUrls: () => roster.peerUrls(),
        fetch: peerFetch,
        registry: metrics.registry,
        logger,
        now: this.now,
      });
      cleanups.push(() => challengeService?.halt());
      // --- end of challenges

      const relayer = this.createRelayer(provider, contracts.forwarder, contracts.rewards, store, metrics, logger);
      const api = await startApiNode({
        config,
        ...relayer,
        chainReader: rewardsChainReader(rewards),
        onContent: () => this.running?.evaluationLoop.wake(),
        logger,
        operatorAddress: operator,
        store,
        metrics,
        network: createNetworkApi({ store, follower, roster, operator }),
        challenges: challengeService?.api,
        listener: this.options.listener,
        peerVerifier: new PeerRequestVerifier({ isOperator: operators }),
        storageHealth: storage,
        healthIssues: () => nodeHealthIssues(watcher.status(), landed?.status(), Date.now(), confirmations),
      });
      const challenges = this.options.telegram === undefined ? undefined : await challengeLogReaderOf(rewards, provider, confirmations - 1, logger);
      const telegram =
        this.options.telegram === undefined
          ? undefined
          : new TelegramBot({ ...this.options.telegram, store, rewards, ...(challenges && { challenges }), logger, metrics: metrics.registry });
      this.running = { store, provider, metrics, api, watcher, evaluation, evaluationLoop, batchLoop, operator, telegram, challengeService };
      watcher.start();
      evaluationLoop.start();
      batchLoop.start();
      telegram?.start();
      challengeService?.start();
      logger.info({ url: api.server.url, rewards: contracts.rewards, chainId: chainId.toString(), evaluator: evaluation.evaluatorHash, scorer: scorer.descriptor.name }, "oracle node started");
    } catch (error) {
      for (const cleanup of cleanups.reverse()) cleanup();
      throw error;
    }
  }

  /** Stops taking work, lets the work in progress finish (an interrupted post resumes at the next start), closes everything. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.abort.abort();
    await running.watcher.stop();
    await running.evaluationLoop.stop();
    await running.evaluation.drain();
    await running.batchLoop.stop();
    await running.telegram?.stop();
    await running.challengeService?.stop();
    await running.api.close();
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
    this.running = undefined;
    this.abort.abort();
    running.evaluationLoop.halt();
    running.batchLoop.halt();
    running.evaluation.halt();
    void running.telegram?.stop();
    running.challengeService?.halt();
    void running.watcher.stop();
    running.store.close();
    running.provider.destroy();
    await running.api.server.close();
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

  private updateChainMetrics(): void {
    if (!this.running) return;
    const status = this.running.watcher.status();
    if (status.lagBlocks !== undefined) this.running.metrics.chainLagBlocks.set(status.lagBlocks);
    if (status.cursorBlock !== undefined) this.running.metrics.lastProcessedBlock.set(status.cursorBlock);
  }

  /** Warns (the node still runs) when the chain would not count this node's signatures. */
  private async checkRole(rewards: Rewards, operator: string, evaluator: string, logger: Logger): Promise<void> {
    const [isOperator, approved] = await Promise.all([rewards.isOperator(operator), rewards.isApprovedEvaluator(evaluator)]);
    if (!isOperator) logger.warn({ operator }, "this key is not a Rewards operator: its batches will be refused until governance adds it");
    if (!approved) logger.warn({ evaluator }, "this node's evaluator is not approved on-chain: its batches will be refused until governance approves it");
  }

  /** The poster's sleep: ends early with an error once the node stops, so a stop never waits out a receipt timeout. */
  private interruptibleSleep() {
    return async (ms: number): Promise<void> => {
      await sleep(ms, this.abort.signal);
      if (this.abort.signal.aborted) throw new CashKeyError("The node is stopping.");
    };
  }
}

/** How long the operator set read for peer authentication is reused. */
const OPERATOR_SET_TTL_MS = 15_000;

/**
 * Whether an address is a current operator, from `Rewards.operators()` read at most every `ttlMs` (one
 * read at a time). While the chain does not answer, the last set read stands: peers keep talking to
 * each other through an RPC outage (an operator removed meanwhile is refused once the chain answers).
 */
function cachedOperatorCheck(rewards: Rewards, ttlMs: number): (address: string) => Promise<boolean> {
  let known: Set<string> | undefined;
  let readAt = 0;
  let reading: Promise<Set<string>> | undefined;
  const refresh = (): Promise<Set<string>> =>
    (reading ??= rewards
      .operators()
      .then((list) => {
        known = new Set(list.map((a) => getAddress(a)));
        readAt = Date.now();
        return known;
      })
      .finally(() => (reading = undefined)));
  return async (address) => {
    const operator = getAddress(address);
    if (known === undefined) return (await refresh()).has(operator);
    if (Date.now() - readAt > ttlMs) refresh().catch(() => undefined);
    return known.has(operator);
  };
}

/** Reads a node is behind or missing, for `/v1/health` (degraded, with the reason). */
export function nodeHealthIssues(
  watcher: WatcherStatus,
  landed: LandedSyncStatus | undefined,
  now: number,
  confirmations: number,
): HealthIssue[] {
  const issues: HealthIssue[] = [];
  if (watcher.fatalError !== undefined) issues.push({ severity: "degraded", reason: `The watcher stopped: ${watcher.fatalError} Resync the node.` });
  else if (watcher.consecutiveFailures >= WATCHER_FAILURES_DEGRADED) {
    const error = (watcher.lastError ?? "").split("\n")[0];
    issues.push({ severity: "degraded", reason: `The watcher's last ${watcher.consecutiveFailures} chain reads failed: ${error}` });
  }
  if (watcher.lagBlocks !== undefined && watcher.lagBlocks > confirmations + LAG_BLOCKS_DEGRADED) {
    issues.push({ severity: "degraded", reason: `The watcher is ${watcher.lagBlocks} blocks behind the chain head.` });
  }
  if (landed !== undefined) {
    if (landed.behindSince !== undefined && now - landed.behindSince >= LANDED_BEHIND_DEGRADED_MS) {
      issues.push({ severity: "degraded", reason: `Landed batches recorded up to nonce ${landed.recordedNonce}; the chain is at ${landed.chainNonce}.` });
    }
    if (landed.missingRationales.length > 0) {
      const nonces = landed.missingRationales.slice(0, 5).join(", ") + (landed.missingRationales.length > 5 ? ", …" : "");
      issues.push({ severity: "degraded", reason: `${landed.missingRationales.length} landed batches lack their rationales here (nonces ${nonces}): no proofs for their items yet.` });
    }
  }
  return issues;
}

const WATCHER_FAILURES_DEGRADED = 3;
const LAG_BLOCKS_DEGRADED = 20;
const LANDED_BEHIND_DEGRADED_MS = 30_000;

/** A provider for `url`, checked to serve `expectedChainId` when the deployment names one. */
async function connect(url: string, expectedChainId: number | undefined, timeoutMs: number): Promise<JsonRpcProvider> {
  const probe = createRpcProvider(url, expectedChainId ?? 1, { timeoutMs });
  let chainId: bigint;
  try {
    chainId = BigInt((await probe.send("eth_chainId", [])) as string);
  } catch (cause) {
    probe.destroy();
    throw new NodeStartError(`Cannot reach the chain at ${url}.`, { cause });
  }
  if (expectedChainId !== undefined && chainId !== BigInt(expectedChainId)) {
    probe.destroy();
    throw new NodeStartError(`The RPC endpoint serves chain ${chainId}; the deployment file is for chain ${expectedChainId}.`);
  }
  if (expectedChainId !== undefined) return probe;
  probe.destroy();
  return createRpcProvider(url, chainId, { timeoutMs });
}
