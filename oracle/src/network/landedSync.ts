/**
 * Records every batch that lands, whoever posted it. For each nonce the chain has consumed, the
 * `BatchPosted` event and its transaction give the header and the items (and so the digest); the
 * rationales come from the proposal this node made or received, else from a peer (checked against
 * the digest). The batch is then stored as landed — its submissions `scored` here too, and its
 * rationales served with their Merkle proofs by `GET /v1/submissions/:id` on every node, not only the
 * leader's. A batch of this node's own that lost the nonce is abandoned (its other items return to
 * the queue). When no rationale can be had, the items are still marked scored.
 */
import { type Log, type Provider, getAddress, toBeHex, zeroPadValue } from "ethers";
import type { Logger } from "pino";
import type { Rewards } from "../../../typechain-types";
import { type BatchHeader, rewardsDomain, scoreBatchDigest } from "../protocol/eip712";
import { unpackScoreItem } from "../protocol/scoreItem";
import type { Store } from "../store";
import { StoreNotFoundError } from "../store";
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
}

export class LandedBatchSync {
  constructor(private readonly options: LandedSyncOptions) {}

  /** Records the batches of every nonce below `nextNonce` not recorded yet; stops at the first it cannot record yet. */
  async catchUp(nextNonce: bigint): Promise<void> {
    const { store } = this.options;
    let state = store.network.landedSync() ?? { nextNonce: 0n, block: this.options.fromBlock };
    while (state.nextNonce < nextNonce) {
      const log = await this.findBatchPosted(state.nextNonce, state.block);
      if (log === undefined) return;
      if (!(await this.record(state.nextNonce, log))) return;
      state = { nextNonce: state.nextNonce + 1n, block: log.blockNumber };
      store.network.setLandedSync(state.nextNonce, state.block);
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

  /** True when the nonce is done with (recorded, or nothing more can be learnt); false to try again later. */
  private async record(nonce: bigint, log: Log): Promise<boolean> {
    const { store, rewards, provider, logger } = this.options;
    const tx = await provider.getTransaction(log.transactionHash);
    const call = tx ? rewards.interface.parseTransaction({ data: tx.data }) : null;
    if (call?.name !== "postScores") {
      // Relayed through another contract: the items are in the Scored events, the rationales unknown.
      return this.markScoredFromReceipt(log);
    }
    const raw = call.args[0] as BatchHeader;
    const header: BatchHeader = { nonce: raw.nonce, evaluator: raw.evaluator.toLowerCase(), rationaleRoot: raw.rationaleRoot.toLowerCase(), deadline: raw.deadline };
    const items = [...(call.args[1] as bigint[])];
    const digest = scoreBatchDigest(rewardsDomain(this.options.chainId, this.options.rewardsAddress), header, items).toLowerCase();

    const own = store.batches.liveForNonce(nonce);
    if (own?.digest === digest) return true; // this node's batch: the poster records it
    const rationales = await this.rationales(digest);
    if (rationales === undefined) {
      logger.warn({ batchNonce: nonce.toString(), digest }, "landed batch recorded without rationales (no copy here or at the peers)");
      return this.markScored(items.map((item) => unpackScoreItem(item).submissionId));
    }
    try {
      store.transaction(() => {
        if (own !== undefined) store.batches.transition(own.id, "abandoned");
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
      });
    } catch (error) {
      if (error instanceof StoreNotFoundError) return false; // a submission this node has not seen yet
      throw error;
    }
    logger.info({ batchNonce: nonce.toString(), items: items.length, txHash: log.transactionHash, lostOwn: own !== undefined }, "landed batch recorded");
    return true;
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
