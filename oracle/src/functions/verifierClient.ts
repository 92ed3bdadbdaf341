/**
 * The leader's one door to the Chainlink Functions verifier (docs/FUNCTIONS.md): ask the DON to verify
 * a proposed batch, and, once it approved, get the verifier's contract signature to post with the
 * operators' ones. The network does not wait for it: the threshold decides whether the batch needs it.
 */
import { type ContractRunner, getAddress } from "ethers";
import { FunctionsBatchVerifier__factory } from "../bindings";
import { type BatchHeader, contractSignature, itemsHash } from "../protocol/eip712";
import { readVerifyBatchSource } from "./source";

/**
 * Where the DON finds a proposal: its digest and an operator's `GET /v1/peer/proposals/:digest`; the
 * header and items let the verifier recompute the digest on-chain for the nonce Rewards expects next.
 */
export interface ProposalRef {
  digest: string;
  header: BatchHeader;
  items: readonly bigint[];
  /** Base URL of an operator API that serves the proposal (e.g. the leader's own, `http://host:8701`). */
  operatorUrl: string;
}

export interface VerifierClient {
  /** The verifier contract: the signer address its signature is ordered by. */
  readonly verifier: string;
  /** Sends the Functions request (as an operator: it pays gas, the subscription pays LINK); returns the request id. */
  requestVerification(ref: ProposalRef): Promise<string>;
  /** `abi.encodePacked(verifier)` (empty ERC-1271 data) once `digest` is approved, else undefined. */
  approvedSignature(digest: string): Promise<string | undefined>;
}

export interface VerifierClientOptions {
  verifier: string;
  /** An operator's signer (requests are refused from anyone else). */
  runner: ContractRunner;
  /** The source text; default: `oracle/functions/verify-batch.js`. */
  source?: string;
}

export function proposalUrlOf(ref: ProposalRef): string {
  return `${ref.operatorUrl.replace(/\/+$/, "")}/v1/peer/proposals/${ref.digest.toLowerCase()}`;
}

export function createVerifierClient(options: VerifierClientOptions): VerifierClient {
  const verifier = getAddress(options.verifier);
  const contract = FunctionsBatchVerifier__factory.connect(verifier, options.runner);
  const source = options.source ?? readVerifyBatchSource();
  return {
    verifier,
    async requestVerification(ref) {
      const receipt = await (await contract.requestVerification(ref.header, itemsHash(ref.items), source, proposalUrlOf(ref))).wait();
      for (const log of receipt?.logs ?? []) {
        const parsed = log.address === verifier ? contract.interface.parseLog(log) : null;
        if (parsed?.name === "VerificationRequested") return parsed.args.requestId as string;
      }
      throw new Error("requestVerification emitted no VerificationRequested");
    },
    async approvedSignature(digest) {
      return (await contract.isApproved(digest)) ? contractSignature(verifier, "0x") : undefined;
    },
  };
}
