/**
 * The leader's round for a batch it built: the proposal is stored (peers and the Functions DON read
 * it from this node), the verifier's approval is added when it has one, and the other operators are
 * asked for their signatures until `threshold()` of them are in.
 */
import { getAddress } from "ethers";
import type { Logger } from "pino";
import type { BatchSigner } from "../../batch/signer";
import type { OracleMetrics } from "../../metrics";
import type { CollectResult, SignatureCollector } from "../../network/collector";
import { encodeProposal } from "../../network/proposal";
import type { ChainView, OperatorRoster } from "../../network/roster";
import { rewardsDomain } from "../../protocol/eip712";
import { CashKeyError } from "../../errors";
import type { BatchRecord, Store } from "../../store";
import type { Disputes } from "./disputes";
import type { FunctionsApproval } from "./functionsApproval";

export interface CoSigningOptions {
  store: Store;
  signer: BatchSigner;
  chainId: bigint;
  rewardsAddress: string;
  roster: OperatorRoster;
  collector: SignatureCollector;
  approval: FunctionsApproval;
  disputes: Disputes;
  metrics: OracleMetrics;
  logger: Logger;
  /** True once the node is stopping. */
  stopping: () => boolean;
  /** The later of the wall clock and the chain's latest block (ms). */
  chainNowMs: () => Promise<number>;
}

/**
 * What became of the round: `post` the batch (signed by the threshold), go `again` at once (the
 * proposal was stale or disputed: its items return to the queue), or `retry` after a backoff (too
 * few answers yet).
 */
export type CoSigningOutcome = { next: "post"; batch: BatchRecord } | { next: "again" } | { next: "retry" };

export class CoSigning {
  constructor(private readonly options: CoSigningOptions) {}

  /**
   * Proposes `batch` to the other operators and gathers their signatures. With disputes it abandons
   * the batch (undisputed items go into the next one at once; the disputed ones wait, and are held
   * after `maxDisputes`); with too few answers it tries again after a backoff, until the deadline.
   */
  async gather(batch: BatchRecord, view: ChainView): Promise<CoSigningOutcome> {
    const { store, metrics, logger, approval, roster, collector } = this.options;
    if (batch.nonce !== view.nextNonce || BigInt(Math.floor((await this.options.chainNowMs()) / 1000)) >= batch.deadline) {
      store.batches.transition(batch.id, "abandoned");
      metrics.proposalsLed.inc({ outcome: "stale" });
      metrics.batches.inc({ state: "abandoned" });
      logger.info({ batchNonce: batch.nonce.toString() }, "proposal stale (nonce taken or deadline passed); items return to the queue");
      return { next: "again" };
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
    const approved = await approval.approval(batch.digest, header, items);
    if (approved !== undefined && current.has(approved.signer) && !signatures.some((s) => getAddress(s.signer) === approved.signer)) {
      latest = store.batches.addSignature(batch.id, approved);
      signatures = latest.signatures.filter((s) => current.has(getAddress(s.signer)));
    }
    const verifier = approval.address;
    let result: CollectResult | undefined;
    if (signatures.length < view.threshold) {
      result = await collector.collect({
        proposal,
        batch: { domain: rewardsDomain(this.options.chainId, this.options.rewardsAddress), header, items },
        digest: batch.digest,
        // The verifier is an operator without a node: it answers through the DON, not to proposals.
        operators: view.operators.filter((operator) => operator !== verifier),
        have: new Set(signatures.map((s) => getAddress(s.signer))),
        needed: view.threshold,
        peerUrls: await roster.peerUrls(),
      });
      if (this.options.stopping()) return { next: "again" };
      let record = latest;
      for (const signature of result.signatures) record = store.batches.addSignature(batch.id, signature);
      signatures = record.signatures.filter((s) => current.has(getAddress(s.signer)));
    }
    if (signatures.length >= view.threshold) {
      const signed = store.batches.transition(batch.id, "signed");
      metrics.proposalsLed.inc({ outcome: "posted" });
      logger.info({ batchNonce: batch.nonce.toString(), signatures: signatures.length, threshold: view.threshold }, "batch co-signed; posting");
      return { next: "post", batch: signed };
    }
    if (result !== undefined && result.disputes.length > 0) {
      this.options.disputes.abandon(batch, result.disputes);
      metrics.proposalsLed.inc({ outcome: "disputed" });
      return { next: "again" };
    }
    metrics.proposalsLed.inc({ outcome: "short" });
    logger.warn(
      { batchNonce: batch.nonce.toString(), signatures: signatures.length, threshold: view.threshold, failures: result?.failures },
      "not enough co-signatures yet; will propose again",
    );
    return { next: "retry" };
  }
}
