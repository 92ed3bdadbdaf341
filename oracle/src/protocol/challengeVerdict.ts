/**
 * The EIP-712 `ChallengeVerdict` that operators sign for a first-round challenge verdict and
 * `Challenges.postVerdict` verifies (docs/CONTRACTS.md, "Challenges: contestable scores"). The facts
 * (submission, epoch, points, reason) are the challenge's as stored on-chain (`Challenges.challenge(id)`).
 */
import { type BigNumberish, type Signer, type TypedDataDomain, type TypedDataField, TypedDataEncoder, getAddress } from "ethers";

export const CHALLENGES_DOMAIN_NAME = "CashKey Challenges";
export const CHALLENGES_DOMAIN_VERSION = "1";

/** `IChallenges.Reason`, in order. */
export const CHALLENGE_REASONS = ["duplicate", "injection", "decoration", "spam", "off-topic", "other"] as const;
export type ChallengeReason = (typeof CHALLENGE_REASONS)[number];

export const CHALLENGE_VERDICT_TYPES: Record<"ChallengeVerdict", TypedDataField[]> = {
  ChallengeVerdict: [
    { name: "challengeId", type: "uint64" },
    { name: "submissionId", type: "uint64" },
    { name: "epoch", type: "uint32" },
    { name: "points", type: "uint32" },
    { name: "reason", type: "uint8" },
    { name: "upheld", type: "bool" },
    { name: "evaluator", type: "bytes32" },
    { name: "rationaleRoot", type: "bytes32" },
    { name: "deadline", type: "uint64" },
  ],
};

/** What the operators sign. */
export interface ChallengeVerdictMessage {
  challengeId: bigint;
  submissionId: bigint;
  epoch: number;
  points: number;
  /** Index into `CHALLENGE_REASONS`. */
  reason: number;
  upheld: boolean;
  evaluator: string;
  rationaleRoot: string;
  deadline: bigint;
}

/** `IChallenges.Verdict`: what a relayer passes to `postVerdict` with the signatures. */
export function verdictArgs(message: ChallengeVerdictMessage) {
  return {
    challengeId: message.challengeId,
    upheld: message.upheld,
    evaluator: message.evaluator,
    rationaleRoot: message.rationaleRoot,
    deadline: message.deadline,
  };
}

export function challengesDomain(chainId: BigNumberish, verifyingContract: string): TypedDataDomain {
  return {
    name: CHALLENGES_DOMAIN_NAME,
    version: CHALLENGES_DOMAIN_VERSION,
    chainId: BigInt(chainId),
    verifyingContract: getAddress(verifyingContract),
  };
}

/** The digest `Challenges.verdictDigest` returns. */
export function challengeVerdictDigest(domain: TypedDataDomain, message: ChallengeVerdictMessage): string {
  return TypedDataEncoder.hash(domain, CHALLENGE_VERDICT_TYPES, message);
}

export async function signChallengeVerdict(signer: Signer, domain: TypedDataDomain, message: ChallengeVerdictMessage): Promise<string> {
  return signer.signTypedData(domain, CHALLENGE_VERDICT_TYPES, message);
}
