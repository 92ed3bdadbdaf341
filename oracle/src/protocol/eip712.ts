/**
 * The one source of truth for the EIP-712 `ScoreBatch` that operators sign and `Rewards` verifies.
 * Imported by the contracts' tests, the oracle and the frontend. Hashing is viem's; signing takes the
 * oracle's ethers `Signer` (a type import only, so nothing of ethers reaches the browser).
 */
import type { Signer } from "ethers";
import { type Hex, concat, encodePacked, getAddress, hashTypedData, keccak256, numberToHex } from "viem";

/** An EIP-712 domain with every field this protocol uses; ethers' and viem's signers both take it. */
export interface Eip712Domain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

export const REWARDS_DOMAIN_NAME = "CashKey Rewards";
export const REWARDS_DOMAIN_VERSION = "1";

export const SCORE_BATCH_TYPES = {
  ScoreBatch: [
    { name: "nonce", type: "uint64" },
    { name: "itemsHash", type: "bytes32" },
    { name: "evaluator", type: "bytes32" },
    { name: "rationaleRoot", type: "bytes32" },
    { name: "deadline", type: "uint64" },
  ],
} as const;

/** `Rewards.BatchHeader` */
export interface BatchHeader {
  nonce: bigint;
  evaluator: string;
  rationaleRoot: string;
  deadline: bigint;
}

export function rewardsDomain(chainId: bigint | number | string, verifyingContract: string): Eip712Domain {
  return {
    name: REWARDS_DOMAIN_NAME,
    version: REWARDS_DOMAIN_VERSION,
    chainId: BigInt(chainId),
    verifyingContract: getAddress(verifyingContract),
  };
}

/** keccak256(abi.encodePacked(items)): each item one 32-byte word; throws on a negative or oversized item. */
export function itemsHash(items: readonly bigint[]): string {
  return keccak256(concat(items.map((item) => numberToHex(item, { size: 32 }))));
}

export function scoreBatchMessage(header: BatchHeader, items: readonly bigint[]) {
  return {
    nonce: header.nonce,
    itemsHash: itemsHash(items),
    evaluator: header.evaluator,
    rationaleRoot: header.rationaleRoot,
    deadline: header.deadline,
  };
}

/** The digest `Rewards.batchDigest` returns. */
export function scoreBatchDigest(domain: Eip712Domain, header: BatchHeader, items: readonly bigint[]): string {
  const message = scoreBatchMessage(header, items);
  return hashTypedData({
    domain: { ...domain, verifyingContract: getAddress(domain.verifyingContract) },
    types: SCORE_BATCH_TYPES,
    primaryType: "ScoreBatch",
    message: { ...message, itemsHash: message.itemsHash as Hex, evaluator: message.evaluator as Hex, rationaleRoot: message.rationaleRoot as Hex },
  });
}

/** Signs a batch (65-byte ECDSA, low-s as ethers produces it). */
export async function signScoreBatch(signer: Signer, domain: Eip712Domain, header: BatchHeader, items: readonly bigint[]): Promise<string> {
  return signer.signTypedData(domain, SCORE_BATCH_TYPES as never, scoreBatchMessage(header, items));
}

/** A signature attributed to its signer, so a set can be ordered as the contract requires. */
export interface AttributedSignature {
  signer: string;
  signature: string;
}

/** Signatures in strictly ascending signer order; throws on a repeated signer. */
export function orderSignatures(signatures: readonly AttributedSignature[]): string[] {
  const sorted = [...signatures].sort((a, b) => {
    const x = BigInt(a.signer);
    const y = BigInt(b.signer);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (let i = 1; i < sorted.length; i++) {
    if (BigInt(sorted[i]!.signer) === BigInt(sorted[i - 1]!.signer)) {
      throw new Error(`duplicate signer ${getAddress(sorted[i]!.signer)}`);
    }
  }
  return sorted.map((s) => s.signature);
}

/** The ERC-1271 signature format: `abi.encodePacked(address signer, bytes data)`; `data` must not be 45 bytes. */
export function contractSignature(signer: string, data: string): string {
  const packed = encodePacked(["address", "bytes"], [getAddress(signer), data as Hex]);
  if ((packed.length - 2) / 2 === 65) throw new Error("contract signature data of 45 bytes would read as ECDSA");
  return packed;
}
