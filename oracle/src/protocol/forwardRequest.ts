/**
 * The one source of truth for the EIP-712 `ForwardRequest` a user signs and `CashKeyForwarder`
 * (OpenZeppelin `ERC2771Forwarder`) verifies. Imported by the contracts' tests, the oracle's relayer
 * and the frontend.
 */
import type { Signer } from "ethers";
import { getAddress } from "viem";
import type { Eip712Domain } from "./eip712";

export const FORWARDER_DOMAIN_NAME = "CashKey Forwarder";
export const FORWARDER_DOMAIN_VERSION = "1";

export const FORWARD_REQUEST_TYPES = {
  ForwardRequest: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "gas", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint48" },
    { name: "data", type: "bytes" },
  ],
} as const;

/** What the user signs (`nonce` is the forwarder's `nonces(from)`). */
export interface ForwardRequest {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  nonce: bigint;
  deadline: bigint;
  data: string;
}

/** `ERC2771Forwarder.ForwardRequestData`: the request without its nonce, plus the signature. */
export interface ForwardRequestData {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  deadline: bigint;
  data: string;
  signature: string;
}

export function forwarderDomain(chainId: bigint | number | string, verifyingContract: string): Eip712Domain {
  return {
    name: FORWARDER_DOMAIN_NAME,
    version: FORWARDER_DOMAIN_VERSION,
    chainId: BigInt(chainId),
    verifyingContract: getAddress(verifyingContract),
  };
}

/** Signs `request` and returns what `execute` takes. */
export async function signForwardRequest(signer: Signer, domain: Eip712Domain, request: ForwardRequest): Promise<ForwardRequestData> {
  const signature = await signer.signTypedData(domain, FORWARD_REQUEST_TYPES as never, request);
  const { from, to, value, gas, deadline, data } = request;
  return { from, to, value, gas, deadline, data, signature };
}
