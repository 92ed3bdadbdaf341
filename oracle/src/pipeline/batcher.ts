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
 */
import type { Logger } from "pino";
import type { Provider } from "ethers";
import type { Rewards } from "../bindings";
import { getAddress } from "ethers";
import { type BatchPolicy, type EvaluatedSubmission, buildBatch, nextCloseByAgeMs, selectBatch } from "../batch/builder";
import type { BatchSigner } from "../batch/signer";
import { type BackoffOptions, backoffDelay } from "../backoff";
import type { BatchPoster, SignedBatch } from "../chain/poster";
import type { PostOutcome } from "../ports/batchLedger";
import type { OracleMetrics } from "../metrics";
import { CashKeyError } from "../errors";
import { orderSignatures, rewardsDomain } from "../protocol/eip712";
import type { CollectResult, PeerDispute, SignatureCollector } from "../network/collector";
import type { LandedBatchSync } from "../network/landedSync";
import type { LeaderSchedule } from "../network/leaderSchedule";
import { DEFERRING_REASONS, type DisputeReason, encodeProposal } from "../network/proposal";
import type { ChainView, OperatorRoster } from "../network/roster";
import type { BatchRecord, Store } from "../store";
import type { VerifierClient } from "../functions/verifierClient";
import type { AttributedSignature, BatchHeader } from "../protocol/eip712";

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

export interface BatcherVerifier {
  client: VerifierClient;
  /** This node's API base URL, where the DON fetches the proposal. */
  operatorUrl: () => string;
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
  /** Disputed submissions and when (performance.now) they may join a batch again. */
  private readonly cooling = new Map<bigint, number>();
  /** Digests this node asked the Functions verifier about (once each per run). */
  private readonly verificationRequested = new Set<string>();

  constructor(private readonly options: BatcherOptions) {}

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
    if (unfinished !== undefined) {
      if (unfinished.state === "built") return this.gather(unfinished, view);
      return this.post(unfinished);
    }

    const queue = this.queue();
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
    const verifier = network.verifier === undefined ? undefined : getAddress(network.verifier.client.verifier);
    const leadership = network.schedule.leadership(view.operators.filter((operator) => operator !== verifier), dueAt, now());
    if (leadership.leader !== self) return Math.max(1, leadership.msUntilNextAttempt);
    if (leadership.attempt > 0 && leadership.attempt !== this.lastFailoverAttempt) {
      this.lastFailoverAttempt = leadership.attempt;
      this.options.logger.warn({ batchNonce: view.nextNonce.toString(), attempt: leadership.attempt }, "no batch landed in time; this node takes over as leader");
    }
    const entries = await this.withoutScored(selection.entries);
    if (entries.length === 0) return 0;
    const batch = await this.build(entries, view);
    if (batch === undefined) return this.backOff();
    return batch.state === "built" ? this.gather(batch, view) : this.post(batch);
  }

  /**
   * Drops the submissions the chain already scored (through a batch another operator posted) and
   * marks them scored here.
   */
  private async withoutScored(entries: EvaluatedSubmission[]): Promise<EvaluatedSubmission[]> {
    const { rewards, store } = this.options;
    const scored = await Promise.all(entries.map((entry) => rewards.isScored(entry.submissionId)));
    const kept: EvaluatedSubmission[] = [];
    store.transaction(() => {
      entries.forEach((entry, i) => {
        if (scored[i]) store.submissions.setStatus(entry.submissionId, "scored");
        else kept.push(entry);
      });
    });
    return kept;
  }

  /**
   * Proposes a batch this node built to the other operators and gathers their signatures. With
   * `threshold()` signatures it posts; with disputes it abandons the batch, so its undisputed items
   * go into the next one at once and the disputed ones wait (and are held after `maxDisputes`);
   * with too few answers it tries again after a backoff, until the deadline.
   */
  private async gather(batch: BatchRecord, view: ChainView): Promise<number> {
    const { store, network, metrics, logger } = this.options;
    if (batch.nonce !== view.nextNonce || BigInt(Math.floor((await this.chainNowMs()) / 1000)) >= batch.deadline) {
      store.batches.transition(batch.id, "abandoned");
      metrics.proposalsLed.inc({ outcome: "stale" });
      metrics.batches.inc({ state: "abandoned" });
      logger.info({ batchNonce: batch.nonce.toString() }, "proposal stale (nonce taken or deadline passed); items return to the queue");
      return 0;
    }
    const self = await this.options.signer.getAddress();
    const current = new Set(view.operators);
    const valid = batch.signatures.filter((s) => current.has(getAddress(s.signer)));
    const header = { nonce: batch.nonce, evaluator: batch.evaluator, rationaleRoot: batch.rationaleRoot, deadline: batch.deadline };
    const items = batch.items.map((item) => item.item);
    const own = valid.find((s) => getAddress(s.signer) === self);
    if (own === undefined) throw new CashKeyError("A built batch lacks this node's own signature.");
    const proposal = encodeProposal({
      chainId: this.options.chainId,
      rewards: this.options.rewardsAddress,
      leader: self,
      header,
      items: batch.items.map((item) => ({
        submissionId: item.submissionId,
        score: item.score,
        points: item.points,
        contentHash: store.submissions.get(item.submissionId)?.contentHash ?? "0x".padEnd(66, "0"),
        rationaleJson: item.rationaleJson,
      })),
      digest: batch.digest,
      signature: own.signature,
    });
    store.network.saveProposal({ digest: batch.digest, role: "leader", nonce: batch.nonce, leader: self, proposal });

    let signatures = valid;
    let latest = batch;
    const approval = await this.verifierApproval(batch.digest, header, items);
    if (approval !== undefined && current.has(approval.signer) && !signatures.some((s) => getAddress(s.signer) === approval.signer)) {
      latest = store.batches.addSignature(batch.id, approval);
      signatures = latest.signatures.filter((s) => current.has(getAddress(s.signer)));
    }
    const verifier = network.verifier === undefined ? undefined : getAddress(network.verifier.client.verifier);
    let result: CollectResult | undefined;
    if (signatures.length < view.threshold) {
      result = await network.collector.collect({
        proposal,
        batch: { domain: rewardsDomain(this.options.chainId, this.options.rewardsAddress), header, items },
        digest: batch.digest,
        // The verifier is an operator without a node: it answers through the DON, not to proposals.
        operators: view.operators.filter((operator) => operator !== verifier),
        have: new Set(signatures.map((s) => getAddress(s.signer))),
        needed: view.threshold,
        peerUrls: await network.roster.peerUrls(),
      });
      if (this.options.stopping()) return 0;
      let record = latest;
      for (const signature of result.signatures) record = store.batches.addSignature(batch.id, signature);
      signatures = record.signatures.filter((s) => current.has(getAddress(s.signer)));
    }
    if (signatures.length >= view.threshold) {
      const signed = store.batches.transition(batch.id, "signed");
      metrics.proposalsLed.inc({ outcome: "posted" });
      logger.info({ batchNonce: batch.nonce.toString(), signatures: signatures.length, threshold: view.threshold }, "batch co-signed; posting");
      return this.post(signed);
    }
    if (result !== undefined && result.disputes.length > 0) {
      this.applyDisputes(batch, result.disputes);
      metrics.proposalsLed.inc({ outcome: "disputed" });
      return 0;
    }
    metrics.proposalsLed.inc({ outcome: "short" });
    logger.warn(
      { batchNonce: batch.nonce.toString(), signatures: signatures.length, threshold: view.threshold, failures: result?.failures },
      "not enough co-signatures yet; will propose again",
    );
    return this.backOff();
  }

  /**
   * The Functions verifier's contract signature once the DON approved `digest`; until then, asks it
   * (once per digest, after the proposal is stored and served). A verifier that cannot be reached
   * costs nothing but its signature: the threshold decides whether the batch waits for it.
   */
  private async verifierApproval(digest: string, header: BatchHeader, items: readonly bigint[]): Promise<AttributedSignature | undefined> {
    const verifier = this.options.network.verifier;
    if (verifier === undefined) return undefined;
    const { logger } = this.options;
    try {
      const signature = await verifier.client.approvedSignature(digest);
      if (signature !== undefined) return { signer: getAddress(verifier.client.verifier), signature };
      if (!this.verificationRequested.has(digest)) {
        this.verificationRequested.add(digest);
        const requestId = await verifier.client.requestVerification({ digest, header, items, operatorUrl: verifier.operatorUrl() });
        logger.info({ digest, requestId }, "Functions verification requested");
      }
    } catch (error) {
      logger.warn({ err: error, digest }, "Functions verifier not reached; the batch goes on without it");
    }
    return undefined;
  }

  /**
   * Abandons a disputed batch: its items return to the queue, the disputed ones after
   * `disputeRetryMs`; a disagreement (not a deferral) counts toward holding the item for review.
   */
  private applyDisputes(batch: BatchRecord, disputes: readonly PeerDispute[]): void {
    const { store, network, metrics, logger } = this.options;
    const retryAt = performance.now() + network.disputeRetryMs;
    const counted = new Set<string>();
    store.transaction(() => {
      store.batches.transition(batch.id, "abandoned");
      for (const dispute of disputes) {
        const id = BigInt(dispute.submissionId);
        if (!batch.items.some((item) => item.submissionId === id)) continue;
        this.cooling.set(id, retryAt);
        if (DEFERRING_REASONS.has(dispute.reason as DisputeReason) || counted.has(dispute.submissionId)) continue;
        counted.add(dispute.submissionId);
        const record = store.network.recordDispute({ submissionId: id, reason: dispute.reason, detail: dispute.detail, peer: dispute.peer, limit: network.maxDisputes });
        if (record.held) logger.error({ submissionId: dispute.submissionId, disputes: record.count, reason: dispute.reason }, "submission held for review after repeated disputes");
      }
    });
    metrics.batches.inc({ state: "abandoned" });
    logger.warn({ batchNonce: batch.nonce.toString(), disputed: disputes.length, items: batch.items.length }, "proposal disputed; disputed items wait, the rest go again");
  }

  /** The lowest-nonce batch that is stored but neither landed nor abandoned. */
  private unfinished(): BatchRecord | undefined {
    const { batches } = this.options.store;
    return UNFINISHED_STATES.flatMap((state) => batches.listByState(state)).sort((a, b) => (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : a.id - b.id))[0];
  }

  /** Evaluated submissions with this node's evaluation, by id; held and cooling ones left out. */
  private queue(): EvaluatedSubmission[] {
    const { store, policy } = this.options;
    const evaluator = this.options.evaluatorHash();
    const clock = performance.now();
    const queue: EvaluatedSubmission[] = [];
    let afterId = 0n;
    for (;;) {
      const page = store.submissions.listByStatus("evaluated", { afterId, limit: 200 });
      for (const submission of page) {
        afterId = submission.id;
        const coolingUntil = this.cooling.get(submission.id);
        if (coolingUntil !== undefined) {
          if (coolingUntil > clock) continue;
          this.cooling.delete(submission.id);
        }
        if (store.network.isHeld(submission.id)) continue;
        const evaluation = store.evaluations.get(submission.id, evaluator);
        if (evaluation?.status !== "ok") {
          // Evaluated by another evaluator (the scorer was changed): evaluate it again with this one.
          store.submissions.setStatus(submission.id, "pending");
          continue;
        }
        queue.push({
          submissionId: submission.id,
          score: evaluation.score,
          points: evaluation.points,
          rationaleJson: evaluation.rationaleJson,
          queuedAtMs: evaluation.updatedAt,
        });
        if (queue.length >= policy.maxItems) return queue;
      }
      if (page.length < 200) return queue;
    }
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

  /** Posts a stored batch and applies the outcome; returns 0 to go on at once, or the backoff. */
  private async post(batch: BatchRecord): Promise<number> {
    const { store, poster, metrics, logger } = this.options;
    if (batch.state !== "posting") store.batches.transition(batch.id, "posting");
    const signed: SignedBatch = {
      header: { nonce: batch.nonce, evaluator: batch.evaluator, rationaleRoot: batch.rationaleRoot, deadline: batch.deadline },
      items: batch.items.map((item) => item.item),
      signatures: orderSignatures(batch.signatures),
    };
    const started = performance.now();
    const outcome = await poster.post(signed);
    if (this.options.stopping()) return 0;
    metrics.batchPostSeconds.observe({ outcome: outcomeLabel(outcome) }, (performance.now() - started) / 1000);
    const current = store.batches.get(batch.id);
    if (current?.state === "abandoned") {
      this.reconcileAbandoned(current, outcome);
      return 0;
    }
    switch (outcome.status) {
      case "landed":
        store.batches.transition(batch.id, "landed", { txHash: outcome.txHash });
        metrics.batches.inc({ state: "landed" });
        this.failures = 0;
        logger.info({ batchNonce: batch.nonce.toString(), items: batch.items.length, txHash: outcome.txHash, postedBySelf: outcome.postedBySelf }, "batch landed; its submissions are scored");
        return 0;
      case "superseded":
        store.batches.transition(batch.id, "abandoned");
        metrics.batches.inc({ state: "abandoned" });
        logger.warn({ batchNonce: batch.nonce.toString(), txHash: outcome.txHash }, "another batch took this nonce; items return to the queue");
        return 0;
      case "failed": {
        const { error } = outcome;
        if (error.retriable) {
          logger.warn({ batchNonce: batch.nonce.toString(), reason: error.reason, err: error }, "batch not posted; will retry");
          return this.backOff();
        }
        this.abandonRefused(batch, error.errorName, error.errorArgs);
        logger.error({ batchNonce: batch.nonce.toString(), reason: error.reason, errorName: error.errorName, err: error }, "batch refused; abandoned, items return to the queue");
        return this.backOff();
      }
    }
  }

  /**
   * The contract refused the batch for good. It is abandoned (its items return to the queue); an item
   * the chain already scored (through a batch this node does not know) is marked scored instead.
   */
  private abandonRefused(batch: BatchRecord, errorName: string | undefined, errorArgs: Record<string, unknown>): void {
    const { store, metrics } = this.options;
    store.transaction(() => {
      store.batches.transition(batch.id, "abandoned");
      if (errorName === "RewardsAlreadyScored") store.submissions.setStatus(errorArgs.submissionId as bigint, "scored");
    });
    metrics.batches.inc({ state: "abandoned" });
  }

  /**
   * A reorg abandoned the batch while its transaction was out. If that transaction landed anyway, the
   * chain scored its items: they are marked scored so that no later batch tries them again.
   */
  private reconcileAbandoned(batch: BatchRecord, outcome: PostOutcome): void {
    const { store, logger } = this.options;
    if (outcome.status !== "landed") return;
    store.transaction(() => {
      for (const { submissionId } of batch.items) {
        const status = store.submissions.get(submissionId)?.status;
        if (status === "pending" || status === "evaluated" || status === "failed") store.submissions.setStatus(submissionId, "scored");
      }
    });
    logger.error({ batchNonce: batch.nonce.toString(), txHash: outcome.txHash }, "an abandoned batch landed; its submissions are marked scored");
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

function outcomeLabel(outcome: PostOutcome): string {
  if (outcome.status !== "failed") return outcome.status;
  return outcome.error.reason === "reverted" ? "reverted" : "failed";
}
