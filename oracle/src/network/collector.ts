/**
 * The leader's side of a proposal: send it to every other current operator's node at once, and
 * gather what comes back. A signature counts only if it recovers to the operator it claims and
 * that operator is current; a dispute is taken as the peer's word about which items to drop (it
 * cannot make anything land, only delay the items it names). Collection ends as soon as enough
 * signatures are in, or when every peer has answered or timed out; late answers still update the
 * agreement records.
 */
import { getAddress } from "ethers";
import type { Logger } from "pino";
import { type SignableBatch, recoverBatchSigner } from "../batch/signer";
import { CashKeyError } from "../errors";
import type { OracleMetrics } from "../metrics";
import type { AttributedSignature } from "../protocol/eip712";
import type { Store } from "../store";
import type { PeerClient } from "./peerClient";
import { DEFERRING_REASONS, type DisputeJson, type DisputeReason, type ProposalJson } from "./proposal";

export interface CollectInput {
  proposal: ProposalJson;
  batch: SignableBatch;
  digest: string;
  /** Current operators (checksummed). */
  operators: readonly string[];
  /** Operators whose signature is already held (the leader's own included). */
  have: ReadonlySet<string>;
  /** Signatures needed in all (the threshold). */
  needed: number;
  /** Operator → peer URL. */
  peerUrls: ReadonlyMap<string, string>;
}

export interface PeerDispute extends DisputeJson {
  peer: string;
}

export interface CollectResult {
  signatures: AttributedSignature[];
  disputes: PeerDispute[];
  /** Operators that did not answer with a usable vote, and why. */
  failures: { operator: string; reason: string }[];
}

export interface CollectorOptions {
  client: PeerClient;
  store: Store;
  metrics: OracleMetrics;
  logger: Logger;
  onPeerFailure?: (url: string) => void;
}

export class SignatureCollector {
  constructor(private readonly options: CollectorOptions) {}

  async collect(input: CollectInput): Promise<CollectResult> {
    const { client, metrics, logger } = this.options;
    const result: CollectResult = { signatures: [], disputes: [], failures: [] };
    const targets = input.operators.filter((operator) => !input.have.has(operator));
    let held = input.have.size;

    return new Promise<CollectResult>((resolve) => {
      let pending = targets.length;
      let settled = false;
      const finish = () => {
        if (!settled) {
          settled = true;
          resolve(result);
        }
      };
      if (pending === 0) return finish();
      for (const operator of targets) {
        const url = input.peerUrls.get(operator);
        const done = () => {
          pending -= 1;
          if (pending === 0 || held >= input.needed) finish();
        };
        if (url === undefined) {
          result.failures.push({ operator, reason: "no known peer URL" });
          metrics.peerRequests.inc({ outcome: "no_url" });
          done();
          continue;
        }
        client
          .propose(url, input.proposal)
          .then((vote) => {
            const signer = getAddress(vote.signer);
            if (signer !== operator || vote.digest.toLowerCase() !== input.digest.toLowerCase()) {
              throw new CashKeyError("The vote is for another batch or from another signer than the operator at that URL.", {
                details: `expected ${operator} on ${input.digest}, got ${signer} on ${vote.digest}`,
              });
            }
            if (vote.decision === "signed") {
              const recovered = recoverBatchSigner(input.batch, vote.signature);
              if (recovered !== operator)
                throw new CashKeyError("The peer's signature does not recover to its operator.", { details: `recovered ${recovered ?? "nothing"}` });
              if (!settled) {
                result.signatures.push({ signer: operator, signature: vote.signature });
                held += 1;
              }
              this.record(operator, true, input.proposal.items.length, 0);
              metrics.peerRequests.inc({ outcome: "signed" });
            } else {
              const substantive = vote.disputes.filter((d) => !DEFERRING_REASONS.has(d.reason as DisputeReason)).length;
              if (!settled) result.disputes.push(...vote.disputes.map((d) => ({ ...d, peer: operator })));
              this.record(operator, false, input.proposal.items.length, substantive);
              metrics.peerRequests.inc({ outcome: "disputed" });
            }
          })
          .catch((error: unknown) => {
            const reason = error instanceof CashKeyError ? error.shortMessage : String(error);
            if (!settled) result.failures.push({ operator, reason });
            metrics.peerRequests.inc({ outcome: "failed" });
            this.options.onPeerFailure?.(url);
            logger.warn({ peer: operator, url, err: error }, "proposal not answered");
          })
          .finally(done);
      }
    });
  }

  private record(peer: string, signed: boolean, items: number, disputed: number): void {
    try {
      this.options.store.network.recordAgreement({ peer, role: "leader", signed, items, itemsAgreed: items - disputed });
    } catch (error) {
      // The store may be closed when a late answer arrives after the node stopped.
      this.options.logger.debug({ err: error }, "agreement not recorded");
    }
  }
}
