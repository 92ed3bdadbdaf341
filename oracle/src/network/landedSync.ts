/**
 * Records every batch that lands, whoever posted it. For each nonce the chain has consumed, the
 * `BatchPosted` event and its transaction give the header and the items (and so the digest); the
 * rationales come from the proposal this node made or received, else from a peer (checked against
 * the digest). The batch is then stored as landed — its submissions `scored` here too, and its
 * rationales served with their Merkle proofs by `GET /v1/submissions/:id` on every node, not only the
 * leader's. A batch of this node's own that lost the nonce is abandoned (its other items return to
 * the queue). When no rationale can be had yet, the items are still marked scored (the sync goes on
 * to the next nonce) and the batch is asked of the peers again, with backoff, until it is recorded
 * with its rationales: every node ends up serving a verifying proof for every landed item.
 */
import { type Log, type Provider, getAddress, toBeHex, zeroPadValue } from "ethers";
import type { Logger } from "pino";
import type { Rewards } from "../bindings";
import { type BatchHeader, rewardsDomain, scoreBatchDigest } from "../protocol/eip712";
import { unpackScoreItem } from "../protocol/scoreItem";
import type { Store } from "../store";
import { StoreNotFoundError } from "../store";
import { isTransientRpcError } from "../chain/rpc";
import type { PeerClient } from "./peerClient";
import { ProposalError, decodeProposal } from "./proposal";

export interface LandedSyncOptions {
  store: Store;
  rewards: Rewards;
  provider: Provider;
  chainId: bigint;
  rewardsAddress: string;
  /** The deployment block: where the first `BatchPosted` can be. */
  fromBlock: number;
  /** Blocks per `eth_getLogs`. Default 10,000. */
  maxBlockRange?: number;
  client: PeerClient;
  peers: () => readonly string[];
  logger: Logger;
  /** Clock (ms) for the backfill's backoff and the stall report. Default `Date.now`. */
  now?: () => number;
  /** Between two requests for a batch's missing rationales, at first; doubles up to 10 s. Default 1000 ms. */
  backfillRetryMs?: number;
}

/** Where the sync stands, for `/v1/health`. */
export interface LandedSyncStatus {
  /** Nonces below this are recorded (or marked scored). */
  recordedNonce: bigint;
  /** `nextBatchNonce()` at the last catch-up. */
  chainNonce: bigint;
  /** Since when the sync has been behind the chain (ms), if it is. */
  behindSince: number | undefined;
  /** Landed batches recorded without their rationales (no proofs for their items yet). */
  missingRationales: bigint[];
}

type Outcome = "recorded" | "retry" | "no_rationales";

const BACKFILL_PER_PASS = 8;
const BACKFILL_MAX_RETRY_MS = 10_000;

export class LandedBatchSync {
  private readonly now: () => number;
  /** Landed nonces without rationales here, with when to ask again; loaded from the store at the first catch-up. */
  private missing: Map<bigint, { log: Log | undefined; tries: number; nextAt: number }> | undefined;
  private chainNonce = 0n;
  private behindSince: number | undefined;

  constructor(private readonly options: LandedSyncOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Records the batches of every nonce below `nextNonce` not recorded yet (stops at the first it cannot
   * record yet), then asks the peers again for the rationales of landed batches recorded without them.
   */
  async catchUp(nextNonce: bigint): Promise<void> {
    const { store } = this.options;
    let state = store.network.landedSync() ?? { nextNonce: 0n, block: this.options.fromBlock };
    this.chainNonce = nextNonce;
    this.loadMissing(state.nextNonce);
    try {
      while (state.nextNonce < nextNonce) {
        const log = await this.findBatchPosted(state.nextNonce, state.block);
        if (log === undefined) break;
        const outcome = await this.recordOrDefer(state.nextNonce, log);
        if (outcome === "retry") break;
        if (outcome === "no_rationales") {
          if (!this.markScored((await this.itemsOf(log)) ?? [])) break;
          this.missing!.set(state.nextNonce, { log, tries: 0, nextAt: this.now() + (this.options.backfillRetryMs ?? 1000) });
        }
        state = { nextNonce: state.nextNonce + 1n, block: log.blockNumber };
        store.network.setLandedSync(state.nextNonce, state.block);
      }
    } finally {
      this.behindSince = state.nextNonce < nextNonce ? (this.behindSince ?? this.now()) : undefined;
    }
    await this.backfill();
  }

  status(): LandedSyncStatus {
    const recordedNonce = this.options.store.network.landedSync()?.nextNonce ?? 0n;
    return {
      recordedNonce,
      chainNonce: this.chainNonce,
      behindSince: this.behindSince,
      missingRationales: [...(this.missing?.keys() ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    };
  }

  /** After a restart: the landed nonces below `recordedNonce` with no batch stored here had no rationales. */
  private loadMissing(recordedNonce: bigint): void {
    if (this.missing !== undefined) return;
    this.missing = new Map();
    for (let nonce = 0n; nonce < recordedNonce; nonce++) {
      if (this.options.store.batches.liveForNonce(nonce) === undefined) this.missing.set(nonce, { log: undefined, tries: 0, nextAt: 0 });
    }
  }

  private async backfill(): Promise<void> {
    const { logger } = this.options;
    const now = this.now();
    const due = [...this.missing!.entries()].filter(([, entry]) => entry.nextAt <= now).slice(0, BACKFILL_PER_PASS);
    for (const [nonce, entry] of due) {
      entry.log ??= await this.findBatchPosted(nonce, this.options.fromBlock);
      const outcome = entry.log === undefined ? "retry" : await this.recordOrDefer(nonce, entry.log);
      if (outcome === "recorded") {
        this.missing!.delete(nonce);
        logger.info({ batchNonce: nonce.toString() }, "rationales of a landed batch backfilled from a peer");
        continue;
      }
      entry.tries += 1;
      entry.nextAt = this.now() + Math.min(BACKFILL_MAX_RETRY_MS, (this.options.backfillRetryMs ?? 1000) * 2 ** Math.min(entry.tries, 16));
    }
  }

  private async findBatchPosted(nonce: bigint, fromBlock: number): Promise<Log | undefined> {
    const { provider, rewards, rewardsAddress } = this.options;
    const topics = [rewards.interface.getEvent("BatchPosted").topicHash, zeroPadValue(toBeHex(nonce), 32)];
    const head = await provider.getBlockNumber();
    const range = this.options.maxBlockRange ?? 10_000;
    for (let from = fromBlock; from <= head; from += range) {
      const logs = await provider.getLogs({ address: rewardsAddress, topics, fromBlock: from, toBlock: Math.min(head, from + range - 1) });
      const log = logs.find((l) => !l.removed);
      if (log) return log;
    }
    return undefined;
  }

  /**
   * `record`, except that a failure other than the chain's (a store conflict, a malformed answer) does
   * not stop the sync at this nonce: the items are marked scored and the batch is tried again later.
   */
  private async recordOrDefer(nonce: bigint, log: Log): Promise<Outcome> {
    try {
      return await this.record(nonce, log);
    } catch (error) {
      if (isTransientRpcError(error)) throw error;
      this.options.logger.error({ err: error, batchNonce: nonce.toString() }, "landed batch not recorded; will try again");
      return "no_rationales";
    }
  }

  /**
   * "recorded" when the nonce is done with (recorded, or nothing more can be learnt); "retry" to try
   * again later; "no_rationales" when neither this node nor a peer has the batch's rationales now.
   */
  private async record(nonce: bigint, log: Log): Promise<Outcome> {
    const { store, rewards, provider, logger } = this.options;
    const tx = await provider.getTransaction(log.transactionHash);
    const call = tx ? rewards.interface.parseTransaction({ data: tx.data }) : null;
    if (call?.name !== "postScores") {
      // Relayed through another contract: the items are in the Scored events, the rationales unknown.
      return (await this.markScoredFromReceipt(log)) ? "recorded" : "retry";
    }
    const raw = call.args[0] as BatchHeader;
    const header: BatchHeader = { nonce: raw.nonce, evaluator: raw.evaluator.toLowerCase(), rationaleRoot: raw.rationaleRoot.toLowerCase(), deadline: raw.deadline };
    const items = [...(call.args[1] as bigint[])];
    const digest = scoreBatchDigest(rewardsDomain(this.options.chainId, this.options.rewardsAddress), header, items).toLowerCase();

    const own = store.batches.liveForNonce(nonce);
    if (own?.digest === digest) return "recorded"; // this node's batch: the poster records it
    const rationales = await this.rationales(digest);
    if (rationales === undefined) {
      logger.warn({ batchNonce: nonce.toString(), digest }, "landed batch without rationales here or at the peers yet; will ask again");
      return "no_rationales";
    }
    let abandoned = 0;
    let lostOwn = false;
    try {
      const done = store.transaction(() => {
        // Read again: while the rationales were fetched, this node's poster may have settled its batch.
        const mine = store.batches.liveForNonce(nonce);
        if (mine?.digest === digest) return true;
        if (mine?.state === "landed") {
          logger.error({ batchNonce: nonce.toString(), digest, own: mine.digest }, "this node recorded its own batch as landed at a nonce another batch took");
          return true;
        }
        if (mine !== undefined) {
          store.batches.transition(mine.id, "abandoned");
          lostOwn = true;
        }
        // This node's batches for later nonces that hold a landed item can never land: they would
        // keep the landed batch from being recorded (a submission is in one live batch at most).
        for (const item of items) {
          const other = store.batches.liveBatchOf(unpackScoreItem(item).submissionId);
          if (other !== undefined && other.id !== mine?.id && other.state !== "landed") {
            store.batches.transition(other.id, "abandoned");
            abandoned += 1;
          }
        }
        store.batches.importLanded({
          nonce,
          evaluator: header.evaluator,
          rationaleRoot: header.rationaleRoot,
          deadline: header.deadline,
          items: items.map((item, i) => ({ item, rationaleJson: rationales[i] })),
          digest,
          signatures: [],
          txHash: log.transactionHash,
        });
        return false;
      });
      if (done) return "recorded";
    } catch (error) {
      if (error instanceof StoreNotFoundError) return "retry"; // a submission this node has not seen yet
      throw error;
    }
    logger.info({ batchNonce: nonce.toString(), items: items.length, txHash: log.transactionHash, lostOwn, abandoned }, "landed batch recorded");
    return "recorded";
  }

  /** The submission ids a landed batch's transaction scored, or undefined if the transaction cannot be read. */
  private async itemsOf(log: Log): Promise<bigint[] | undefined> {
    const tx = await this.options.provider.getTransaction(log.transactionHash);
    const call = tx ? this.options.rewards.interface.parseTransaction({ data: tx.data }) : null;
    if (call?.name !== "postScores") return undefined;
    return (call.args[1] as bigint[]).map((item) => unpackScoreItem(item).submissionId);
  }

  /** The rationale texts of the batch with `digest`, in item order: from this node's proposals, else from a peer. */
  private async rationales(digest: string): Promise<string[] | undefined> {
    const { store, client, chainId, rewardsAddress, logger } = this.options;
    const candidates: (() => Promise<unknown>)[] = [];
    const stored = store.network.proposal(digest);
    if (stored !== undefined) candidates.push(async () => stored.proposal);
    for (const peer of this.options.peers()) candidates.push(() => client.proposal(peer, digest));
    for (const candidate of candidates) {
      try {
        const proposal = decodeProposal(await candidate(), { chainId, rewards: rewardsAddress });
        if (proposal.digest === digest) return proposal.items.map((item) => item.rationaleJson);
      } catch (error) {
        if (!(error instanceof ProposalError)) logger.debug({ err: error, digest }, "proposal not available from a peer");
      }
    }
    return undefined;
  }

  private async markScoredFromReceipt(log: Log): Promise<boolean> {
    const receipt = await this.options.provider.getTransactionReceipt(log.transactionHash);
    if (!receipt) return false;
    const iface = this.options.rewards.interface;
    const scoredTopic = iface.getEvent("Scored").topicHash;
    const ids = receipt.logs
      .filter((l) => l.index < log.index && getAddress(l.address) === getAddress(log.address) && l.topics[0] === scoredTopic)
      .map((l) => iface.decodeEventLog("Scored", l.data, l.topics).id as bigint);
    return this.markScored(ids);
  }

  private markScored(ids: readonly bigint[]): boolean {
    const { store } = this.options;
    if (ids.some((id) => store.submissions.get(id) === undefined)) return false;
    store.transaction(() => {
      for (const id of ids) {
        const status = store.submissions.get(id)?.status;
        if (status === "pending" || status === "evaluated" || status === "failed") store.submissions.setStatus(id, "scored");
      }
    });
    return true;
  }
}
