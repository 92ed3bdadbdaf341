/**
 * Follows `Rewards.Submitted` a fixed number of confirmations behind the head.
 *
 * The watcher reads bounded block ranges, hands each range's submissions to its store together with
 * the new checkpoint (so a store that commits both in one transaction never loses or repeats one),
 * and keeps the hashes of recently processed blocks. When the block at its cursor is no longer the
 * one it processed, the chain reorganized: it walks back through the kept hashes to the newest block
 * still canonical, reports the submissions of the orphaned blocks as removed, and reads on from there.
 * RPC failures are retried with capped exponential backoff from where it stopped.
 */
import type { Log, Provider } from "ethers";
import { ZeroHash, getAddress, isError } from "ethers";
import { Rewards__factory } from "../bindings";
import { CashKeyError } from "../errors";
import { type ChainLogger, silentLogger } from "../ports/runtime";
import type { BlockRef, WatchedSubmission, WatcherCheckpoint, WatcherStep, WatcherStore } from "../ports/watcherStore";
import { type BackoffOptions, backoffDelay } from "../backoff";
import { type Sleep, sleep as defaultSleep } from "./rpc";

export interface WatcherOptions {
  provider: Provider;
  rewardsAddress: string;
  store: WatcherStore;
  /** First block to read on a fresh start: the deployment's `deployBlock`. */
  startBlock: number;
  /** A block is processed once it has this many confirmations (it is itself the first). Default 1. */
  confirmations?: number;
  /** Most blocks per `eth_getLogs`. Default 2,000. */
  maxBlockRange?: number;
  /** How many processed blocks to remember for finding a fork point. Default 128. */
  reorgWindow?: number;
  /** Pause between polls once caught up. Default 2 s. */
  pollIntervalMs?: number;
  backoff?: BackoffOptions;
  /** Called after each committed step (e.g. to wake the evaluator). */
  onStep?: (step: WatcherStep) => void;
  /** Called before each backoff, with the failure and the delay chosen. */
  onRetry?: (info: { error: unknown; attempt: number; delayMs: number }) => void;
  /** Called when the watcher stops on an error it cannot ride out (a reorg deeper than its window). */
  onFatal?: (error: unknown) => void;
  logger?: ChainLogger;
  sleep?: Sleep;
  /**
   * `Rewards.submissionCount()` as of a block. When given, every range's logs are checked against it:
   * the ids must run on from the count before the range to the count at its end. An RPC that answers
   * `eth_getLogs` with nothing (lagging, load-balanced) cannot make the watcher skip submissions: the
   * range is read again, with backoff, until its logs are complete.
   */
  submissionCount?: (blockNumber: number) => Promise<bigint>;
}

/** The logs of a range lack submissions that the chain counts: the RPC answered incompletely. */
export class IncompleteLogsError extends CashKeyError {
  override name = "IncompleteLogsError";
}

/** Where the watcher stands, for `/v1/health` and metrics. */
export interface WatcherStatus {
  running: boolean;
  /** The chain head seen at the last poll. */
  headBlock: number | undefined;
  /** The highest block with enough confirmations at the last poll. */
  safeBlock: number | undefined;
  /** The last processed block. */
  cursorBlock: number | undefined;
  /** headBlock − cursorBlock: how far behind the head the committed state is (confirmations included). */
  lagBlocks: number | undefined;
  consecutiveFailures: number;
  lastError: string | undefined;
  fatalError: string | undefined;
}

/** The chain reorganized below every block the watcher remembers; an operator must resync it. */
export class ReorgTooDeepError extends CashKeyError {
  override name = "ReorgTooDeepError";
}

/** Reads of one range that may find the chain changed before a poll gives up and backs off. */
const MAX_MOVES_PER_SYNC = 16;

export class SubmissionWatcher {
  private readonly provider: Provider;
  private readonly address: string;
  private readonly store: WatcherStore;
  private readonly startBlock: number;
  private readonly confirmations: number;
  private readonly maxBlockRange: number;
  private readonly reorgWindow: number;
  private readonly pollIntervalMs: number;
  private readonly logger: ChainLogger;
  private readonly sleep: Sleep;
  private readonly iface = Rewards__factory.createInterface();
  private readonly submittedTopic: string;

  private checkpoint: WatcherCheckpoint | undefined;
  private loaded = false;
  private syncing: Promise<void> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private headBlock: number | undefined;
  private safeBlock: number | undefined;
  private consecutiveFailures = 0;
  private lastError: string | undefined;
  private fatalError: string | undefined;

  constructor(private readonly options: WatcherOptions) {
    this.provider = options.provider;
    this.address = getAddress(options.rewardsAddress);
    this.store = options.store;
    this.startBlock = options.startBlock;
    this.confirmations = options.confirmations ?? 1;
    this.maxBlockRange = options.maxBlockRange ?? 2_000;
    this.reorgWindow = options.reorgWindow ?? 128;
    this.pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? defaultSleep;
    if (!Number.isInteger(this.confirmations) || this.confirmations < 1) throw new RangeError("confirmations must be an integer >= 1");
    if (!Number.isInteger(this.maxBlockRange) || this.maxBlockRange < 1) throw new RangeError("maxBlockRange must be an integer >= 1");
    if (!Number.isInteger(this.reorgWindow) || this.reorgWindow < 2) throw new RangeError("reorgWindow must be an integer >= 2");
    if (!Number.isInteger(this.startBlock) || this.startBlock < 0) throw new RangeError("startBlock must be a block number");
    this.submittedTopic = this.iface.getEvent("Submitted").topicHash;
  }

  /** Polls every `pollIntervalMs` until `stop()`, backing off on failures. */
  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.fatalError = undefined;
    this.loop = this.run(this.abort.signal).finally(() => {
      this.loop = undefined;
    });
  }

  /** Stops polling and waits for the current step to finish. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
  }

  /** Catches up once: handles a reorg at the cursor, then processes every confirmed block. */
  sync(): Promise<void> {
    return this.serialized(undefined);
  }

  /** One catch-up at a time, whether from the poll loop or a direct `sync()`. */
  private serialized(signal: AbortSignal | undefined): Promise<void> {
    const run = this.syncing.then(() => this.catchUp(signal));
    this.syncing = run.catch(() => undefined);
    return run;
  }

  status(): WatcherStatus {
    const cursorBlock = this.checkpoint?.cursor.blockNumber;
    return {
      running: this.loop !== undefined,
      headBlock: this.headBlock,
      safeBlock: this.safeBlock,
      cursorBlock,
      lagBlocks: this.headBlock !== undefined && cursorBlock !== undefined ? Math.max(0, this.headBlock - cursorBlock) : undefined,
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError,
      fatalError: this.fatalError,
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.serialized(signal);
        this.consecutiveFailures = 0;
        this.lastError = undefined;
        await this.sleep(this.pollIntervalMs, signal);
      } catch (error) {
        if (error instanceof ReorgTooDeepError) {
          this.fatalError = error.shortMessage;
          this.logger.error({ err: error }, "watcher stopped");
          this.options.onFatal?.(error);
          return;
        }
        this.consecutiveFailures += 1;
        this.lastError = error instanceof Error ? error.message : String(error);
        const delayMs = backoffDelay(this.consecutiveFailures, this.options.backoff);
        this.logger.warn({ err: error, attempt: this.consecutiveFailures, delayMs }, "watcher poll failed; backing off");
        this.options.onRetry?.({ error, attempt: this.consecutiveFailures, delayMs });
        await this.sleep(delayMs, signal);
      }
    }
  }

  private async catchUp(signal: AbortSignal | undefined): Promise<void> {
    let current = await this.rewindIfReorganized(await this.load());
    let safe = await this.refreshHead();
    let moves = 0;
    while (current.cursor.blockNumber < safe && !signal?.aborted) {
      const from = current.cursor.blockNumber + 1;
      const to = Math.min(safe, from + this.maxBlockRange - 1);
      const next = await this.processRange(current, from, to);
      if (next) {
        current = next;
        continue;
      }
      // The chain moved under the read: find out how, then read again against the new head.
      moves += 1;
      if (moves > MAX_MOVES_PER_SYNC) throw new CashKeyError("The chain kept reorganizing while the watcher read it.");
      current = await this.rewindIfReorganized(current);
      safe = await this.refreshHead();
    }
  }

  private async refreshHead(): Promise<number> {
    const head = await this.provider.getBlockNumber();
    this.headBlock = head;
    this.safeBlock = head - this.confirmations + 1;
    return this.safeBlock;
  }

  /** The checkpoint, loaded once; on a fresh start, the block before `startBlock`. */
  private async load(): Promise<WatcherCheckpoint> {
    if (!this.loaded) {
      this.checkpoint = await this.store.loadCheckpoint();
      this.loaded = true;
    }
    if (this.checkpoint) return this.checkpoint;
    const base = this.startBlock === 0 ? { blockNumber: -1, blockHash: ZeroHash } : await this.blockRef(this.startBlock - 1);
    if (!base) throw new CashKeyError(`The chain has no block ${this.startBlock - 1} yet.`);
    this.checkpoint = { cursor: base, recent: [base] };
    return this.checkpoint;
  }

  /**
   * Reads the logs of [from, to] and commits them; returns the new checkpoint, or undefined when the
   * chain moved under the read (the caller re-checks the cursor and tries again).
   */
  private async processRange(current: WatcherCheckpoint, from: number, to: number): Promise<WatcherCheckpoint | undefined> {
    const last = await this.provider.getBlock(to);
    if (!last?.hash) return undefined;
    const logs = await this.provider.getLogs({ address: this.address, topics: [this.submittedTopic], fromBlock: from, toBlock: to });
    const lastAgain = await this.provider.getBlock(to);
    if (lastAgain?.hash !== last.hash) return undefined;
    // The range's last block did not change during the read; the cursor's block must not have either,
    // or the logs may sit on another fork than the blocks already committed. (Checking the first block's
    // parent hash would say the same, but Hardhat's `hardhat_mine` leaves it zero.)
    if (current.cursor.blockNumber >= 0 && !(await this.isCanonical(current.cursor))) return undefined;

    const added: WatchedSubmission[] = [];
    for (const log of [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)) {
      if (log.removed || log.blockNumber < from || log.blockNumber > to) return undefined;
      if (log.blockNumber === to && log.blockHash !== last.hash) return undefined;
      added.push(this.decode(log));
    }
    await this.checkComplete(added, from, to);

    const cursor = { blockNumber: to, blockHash: last.hash };
    const recent = [...current.recent, cursor].slice(-this.reorgWindow);
    const checkpoint = { cursor, recent };
    await this.commit({ removed: [], added, checkpoint });
    if (added.length > 0) this.logger.info({ from, to, count: added.length }, "submissions seen");
    return checkpoint;
  }

  /** Throws `IncompleteLogsError` unless `added` holds exactly the ids the chain counts in [from, to]. */
  private async checkComplete(added: readonly WatchedSubmission[], from: number, to: number): Promise<void> {
    const count = this.options.submissionCount;
    if (count === undefined) return;
    // Before the contract was deployed there is nothing to count (the call returns no data).
    const before =
      from === 0
        ? 0n
        : await count(from - 1).catch((error: unknown) => {
            if (isError(error, "BAD_DATA")) return 0n;
            throw error;
          });
    const after = await count(to);
    const ids = added.map((s) => s.id);
    const expected = Array.from({ length: Math.max(0, Number(after - before)) }, (_, i) => before + 1n + BigInt(i));
    if (ids.length === expected.length && ids.every((id, i) => id === expected[i])) return;
    throw new IncompleteLogsError(`The RPC's logs for blocks ${from}..${to} miss submissions the chain counts; reading the range again.`, {
      details: `ids ${ids.join(",") || "none"}, expected ${before + 1n}..${after}`,
    });
  }

  /** If the cursor's block was replaced, rolls back to the newest remembered block still canonical. */
  private async rewindIfReorganized(current: WatcherCheckpoint): Promise<WatcherCheckpoint> {
    if (current.cursor.blockNumber < 0 || (await this.isCanonical(current.cursor))) return current;

    for (let i = current.recent.length - 2; i >= 0; i--) {
      const candidate = current.recent[i];
      if (candidate.blockNumber >= 0 && !(await this.isCanonical(candidate))) continue;
      const removed = (await this.store.submissionsAfter(candidate.blockNumber)).sort((a, b) => b.blockNumber - a.blockNumber || b.logIndex - a.logIndex);
      const checkpoint = { cursor: candidate, recent: current.recent.slice(0, i + 1) };
      await this.commit({ removed, added: [], checkpoint });
      this.logger.warn(
        { orphanedFrom: candidate.blockNumber + 1, orphanedTo: current.cursor.blockNumber, removed: removed.length },
        "chain reorganized; rewound to the fork point",
      );
      return checkpoint;
    }
    throw new ReorgTooDeepError("The chain reorganized below every block the watcher remembers.", {
      metaMessages: [`Cursor: block ${current.cursor.blockNumber} (${current.cursor.blockHash})`, `Oldest remembered: block ${current.recent[0]?.blockNumber}`],
    });
  }

  private async commit(step: WatcherStep): Promise<void> {
    await this.store.commit(step);
    this.checkpoint = step.checkpoint;
    this.options.onStep?.(step);
  }

  private async isCanonical(ref: BlockRef): Promise<boolean> {
    const block = await this.provider.getBlock(ref.blockNumber);
    return block?.hash === ref.blockHash;
  }

  private async blockRef(blockNumber: number): Promise<BlockRef | undefined> {
    const block = await this.provider.getBlock(blockNumber);
    return block?.hash ? { blockNumber, blockHash: block.hash } : undefined;
  }

  private decode(log: Log): WatchedSubmission {
    const parsed = this.iface.decodeEventLog("Submitted", log.data, log.topics);
    return {
      id: parsed.id as bigint,
      author: getAddress(parsed.author as string),
      contentHash: parsed.contentHash as string,
      category: Number(parsed.category),
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      logIndex: log.index,
    };
  }
}
