/**
 * The node's batch stage. Evaluated submissions wait in the queue until a batch closes (by size or
 * by age); the batch is built, signed with the operator key, stored, then relayed by the poster.
 * One batch is in flight at a time, as nonces are sequential; an unfinished batch (after a crash or
 * a failed post) is finished before a new one is built, with the same nonce, items and signature.
 *
 * Crash safety comes from the order of writes: the batch is stored (`signed`) before it is posted and
 * marked `posting` before the poster runs; the poster records its signed transaction before
 * broadcasting it and recognizes a batch already on-chain. A restarted node therefore resumes the
 * stored batch and never sends a second transaction for it.
 *
 * This class decides what happens next (leadership, unfinished batches, backoff); the parts live in
 * pipeline/batching/: the queue, the co-signing round, disputes, the Functions verifier's approval and
 * posting.
 */
import type { Logger } from "pino";
import type { Provider } from "ethers";
import type { Rewards } from "../bindings";
import { type BatchPolicy, type EvaluatedSubmission, buildBatch, nextCloseByAgeMs, selectBatch } from "../batch/builder";
import type { BatchSigner } from "../batch/signer";
import { type BackoffOptions, backoffDelay } from "../backoff";
import type { BatchPoster } from "../chain/poster";
import type { OracleMetrics } from "../metrics";
import type { SignatureCollector } from "../network/collector";
import type { LandedBatchSync } from "../network/landedSync";
import type { LeaderSchedule } from "../network/leaderSchedule";
import type { ChainView, OperatorRoster } from "../network/roster";
import type { BatchRecord, Store } from "../store";
import { CoSigning, type CoSigningOutcome } from "./batching/coSigning";
import { Disputes } from "./batching/disputes";
import { type BatcherVerifier, FunctionsApproval } from "./batching/functionsApproval";
import { BatchPosting, type PostingResult } from "./batching/posting";
import { BatchQueue } from "./batching/queue";

export type { BatcherVerifier } from "./batching/functionsApproval";

export interface BatcherOptions {
  store: Store;
  /** Rewards connected to a provider, for reads. */
  rewards: Rewards;
  provider: Provider;
  signer: BatchSigner;
  poster: BatchPoster;
  chainId: bigint;
  rewardsAddress: string;
  evaluatorHash: () => string;
  policy: BatchPolicy;
  /** `Rewards.maxPointsPerSubmission()`. */
  maxPointsPerSubmission: number;
  /** After a failed post or build. */
  backoff: BackoffOptions;
  metrics: OracleMetrics;
  logger: Logger;
  now: () => number;
  /** True once the node is stopping: an interrupted post is left for the next start. */
  stopping: () => boolean;
  /** The operator network: who leads each nonce, and co-signatures from the other operators. */
  network: BatcherNetwork;
}

export interface BatcherNetwork {
  roster: OperatorRoster;
  schedule: LeaderSchedule;
  collector: SignatureCollector;
  /** Records the batches that landed, whoever posted them. */
  landed: LandedBatchSync;
  /** Disputes after which a submission is held for review. */
  maxDisputes: number;
  /** How long a disputed item stays out of this node's batches (real time). */
  disputeRetryMs: number;
  /** The Chainlink Functions verifier (docs/FUNCTIONS.md): asked once per proposal; its approval is one more signature. */
  verifier?: BatcherVerifier;
}

/** Nonces whose proposals are kept after the chain moved past them. */
const PROPOSALS_KEPT = 1024n;

const UNFINISHED_STATES = ["built", "signed", "posting", "posted"] as const;

export class Batcher {
  private failures = 0;
  private retryAt = 0;
  private notOperatorWarned = false;
  private lastFailoverAttempt = 0;
  private prunedAt: bigint | undefined;
  private readonly queue: BatchQueue;
  private readonly approval: FunctionsApproval;
  private readonly coSigning: CoSigning;
  private readonly posting: BatchPosting;

  constructor(private readonly options: BatcherOptions) {
    const { store, rewards, network, metrics, logger, stopping } = options;
    this.queue = new BatchQueue({ store, rewards, evaluatorHash: options.evaluatorHash, maxItems: options.policy.maxItems });
    this.approval = new FunctionsApproval(network.verifier, logger);
    const disputes = new Disputes({ store, queue: this.queue, maxDisputes: network.maxDisputes, disputeRetryMs: network.disputeRetryMs, metrics, logger });
    this.coSigning = new CoSigning({
      store,
      signer: options.signer,
      chainId: options.chainId,
      rewardsAddress: options.rewardsAddress,
      roster: network.roster,
      collector: network.collector,
      approval: this.approval,
      disputes,
      metrics,
      logger,
      stopping,
      chainNowMs: () => this.chainNowMs(),
    });
    this.posting = new BatchPosting({ store, poster: options.poster, metrics, logger, stopping });
  }

  /**
   * One step: finish the unfinished batch (gather its co-signatures, or post it), else — when this
   * node leads the chain's next nonce — close a new batch, propose it and post it. Returns the wait
   * before the next pass.
   */
  async pass(): Promise<number | void> {
    const { now, policy, network } = this.options;
    const view = await network.roster.chain();
    network.schedule.observe(view.nextNonce, now());
    // Recording what landed (and backfilling rationales) does not wait out this node's own backoff.
    await network.landed.catchUp(view.nextNonce);
    if (this.failures > 0 && performance.now() < this.retryAt) return this.retryAt - performance.now();
    if (view.nextNonce !== this.prunedAt) {
      // Proposals stay served for a while after their nonce is taken (peers and verifiers may ask).
      if (view.nextNonce > PROPOSALS_KEPT) this.options.store.network.pruneProposalsBelow(view.nextNonce - PROPOSALS_KEPT);
      this.prunedAt = view.nextNonce;
    }
    const unfinished = this.unfinished();
    if (unfinished !== undefined) return this.finish(unfinished, view);

    const queue = this.queue.entries();
    const selection = selectBatch(queue, policy, now());
    if (selection === undefined) {
      const closesAt = nextCloseByAgeMs(queue, policy);
      return closesAt === undefined ? undefined : Math.max(1, closesAt - now());
    }
    const self = await this.options.signer.getAddress();
    if (!view.operators.includes(self)) {
      if (!this.notOperatorWarned) this.options.logger.error({ operator: self }, "this key is not a current operator; the node builds no batch");
      this.notOperatorWarned = true;
      return undefined;
    }
    this.notOperatorWarned = false;
    const dueAt = selection.reason === "size" ? 0 : Math.min(...selection.entries.map((e) => e.queuedAtMs)) + policy.maxAgeMs;
    // The Functions verifier is an operator that never leads: the rotation skips it (docs/FUNCTIONS.md).
    const verifier = this.approval.address;
    const leadership = network.schedule.leadership(
      view.operators.filter((operator) => operator !== verifier),
      dueAt,
      now(),
    );
    if (leadership.leader !== self) return Math.max(1, leadership.msUntilNextAttempt);
    if (leadership.attempt > 0 && leadership.attempt !== this.lastFailoverAttempt) {
      this.lastFailoverAttempt = leadership.attempt;
      this.options.logger.warn({ batchNonce: view.nextNonce.toString(), attempt: leadership.attempt }, "no batch landed in time; this node takes over as leader");
    }
    const entries = await this.queue.withoutScored(selection.entries);
    if (entries.length === 0) return 0;
    const batch = await this.build(entries, view);
    if (batch === undefined) return this.backOff();
    return this.finish(batch, view);
  }

  /** A stored batch's next step: a `built` one gathers co-signatures, a signed one is posted. */
  private async finish(batch: BatchRecord, view: ChainView): Promise<number> {
    if (batch.state !== "built") return this.afterPost(await this.posting.post(batch));
    const outcome: CoSigningOutcome = await this.coSigning.gather(batch, view);
    switch (outcome.next) {
      case "post":
        return this.afterPost(await this.posting.post(outcome.batch));
      case "again":
        return 0;
      case "retry":
        return this.backOff();
    }
  }

  private afterPost(result: PostingResult): number {
    if (result === "retry") return this.backOff();
    if (result === "landed") this.failures = 0;
    return 0;
  }

  /** The lowest-nonce batch that is stored but neither landed nor abandoned. */
  private unfinished(): BatchRecord | undefined {
    const { batches } = this.options.store;
    return UNFINISHED_STATES.flatMap((state) => batches.listByState(state)).sort((a, b) => (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : a.id - b.id))[0];
  }

  private async build(entries: EvaluatedSubmission[], view: ChainView): Promise<BatchRecord | undefined> {
    const { store, signer, logger, metrics, policy } = this.options;
    const nonce = view.nextNonce;
    const built = buildBatch(entries, {
      chainId: this.options.chainId,
      rewardsAddress: this.options.rewardsAddress,
      nonce,
      evaluator: this.options.evaluatorHash(),
      nowMs: await this.chainNowMs(),
      deadlineSeconds: policy.deadlineSeconds,
      maxPointsPerSubmission: this.options.maxPointsPerSubmission,
    });
    const signature = await signer.sign(built);
    let record: BatchRecord;
    try {
      record = store.batches.create({
        nonce,
        evaluator: built.header.evaluator,
        rationaleRoot: built.header.rationaleRoot,
        deadline: built.header.deadline,
        items: built.entries.map((entry, i) => ({ item: built.items[i], rationaleJson: entry.rationaleJson })),
        digest: built.digest,
        signatures: [signature],
        // Alone it may post at once; otherwise it needs the other operators' signatures first.
        state: view.threshold <= 1 ? "signed" : "built",
      });
    } catch (error) {
      // A reorg removed a submission since the queue was read, or the nonce has a live batch.
      logger.warn({ err: error, batchNonce: nonce.toString() }, "batch not stored; building again");
      return undefined;
    }
    metrics.batchItems.observe(record.items.length);
    logger.info({ batchNonce: nonce.toString(), items: record.items.length, digest: record.digest }, "batch built and signed");
    return record;
  }

  private backOff(): number {
    this.failures += 1;
    const delayMs = backoffDelay(this.failures, this.options.backoff);
    // Real time, not the node's clock (which tests may hold still): a backoff always ends.
    this.retryAt = performance.now() + delayMs;
    return delayMs;
  }

  /** The batch deadline counts from the later of the wall clock and the chain's latest block. */
  private async chainNowMs(): Promise<number> {
    const latest = await this.options.provider.getBlock("latest");
    return Math.max(Date.now(), (latest?.timestamp ?? 0) * 1000);
  }
}
