/**
 * The Chainlink Functions verifier's part in a proposal (docs/FUNCTIONS.md): an operator without a
 * node that never leads; the DON fetches the proposal from this node and, when it approves, the
 * verifier contract's signature is one more co-signature.
 */
import { getAddress } from "ethers";
import type { Logger } from "pino";
import type { VerifierClient } from "../../functions/verifierClient";
import type { AttributedSignature, BatchHeader } from "../../protocol/eip712";

export interface BatcherVerifier {
  client: VerifierClient;
  /** This node's API base URL, where the DON fetches the proposal. */
  operatorUrl: () => string;
}

export class FunctionsApproval {
  /** Digests this node asked the verifier about (once each per run). */
  private readonly requested = new Set<string>();

  constructor(
    private readonly verifier: BatcherVerifier | undefined,
    private readonly logger: Logger,
  ) {}

  /** The verifier's operator address, left out of the leader rotation and of the peers asked; none without a verifier. */
  get address(): string | undefined {
    return this.verifier === undefined ? undefined : getAddress(this.verifier.client.verifier);
  }

  /**
   * The verifier's contract signature once the DON approved `digest`; until then, asks it (once per
   * digest, after the proposal is stored and served). A verifier that cannot be reached costs nothing
   * but its signature: the threshold decides whether the batch waits for it.
   */
  async approval(digest: string, header: BatchHeader, items: readonly bigint[]): Promise<AttributedSignature | undefined> {
    const { verifier, logger } = this;
    if (verifier === undefined) return undefined;
    try {
      const signature = await verifier.client.approvedSignature(digest);
      if (signature !== undefined) return { signer: getAddress(verifier.client.verifier), signature };
      if (!this.requested.has(digest)) {
        this.requested.add(digest);
        const requestId = await verifier.client.requestVerification({ digest, header, items, operatorUrl: verifier.operatorUrl() });
        logger.info({ digest, requestId }, "Functions verification requested");
      }
    } catch (error) {
      logger.warn({ err: error, digest }, "Functions verifier not reached; the batch goes on without it");
    }
    return undefined;
  }
}
