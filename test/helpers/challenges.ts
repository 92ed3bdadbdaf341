/**
 * Challenge test helpers: open a challenge on a freshly scored item, and have the operator quorum sign and
 * post a first-round verdict with the oracle's `ChallengeVerdict` typed data.
 */
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { type ChallengeVerdictMessage, challengesDomain, signChallengeVerdict, verdictArgs } from "../../oracle/src/protocol/challengeVerdict";
import type { Challenges } from "../../typechain-types";
import { EVALUATOR } from "./cashkey";

export enum Reason {
  Duplicate,
  Injection,
  Decoration,
  Spam,
  OffTopic,
  Other,
}

export enum Status {
  None,
  Open,
  Verdict,
  Escalated,
  Upheld,
  Rejected,
  Dismissed,
}

export const REASON_HASH = keccak256(toUtf8Bytes("decorated filler: the same sentence five times"));

/** The message the quorum signs for challenge `id`, its facts read from the chain. */
export async function verdictMessage(
  challenges: Challenges,
  id: bigint,
  upheld: boolean,
  overrides: Partial<ChallengeVerdictMessage> = {},
): Promise<ChallengeVerdictMessage> {
  const c = await challenges.challenge(id);
  return {
    challengeId: id,
    submissionId: c.submissionId,
    epoch: Number(c.epoch),
    points: Number(c.points),
    reason: Number(c.reason),
    upheld,
    evaluator: EVALUATOR,
    rationaleRoot: ZeroHash,
    deadline: BigInt((await time.latest()) + 3600),
    ...overrides,
  };
}

/** Signatures of `signers` over `message`, in ascending signer order. */
export async function signVerdict(challenges: Challenges, signers: HardhatEthersSigner[], message: ChallengeVerdictMessage): Promise<string[]> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const domain = challengesDomain(chainId, await challenges.getAddress());
  const signed = await Promise.all(signers.map(async (s) => ({ signer: s.address.toLowerCase(), signature: await signChallengeVerdict(s, domain, message) })));
  signed.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  return signed.map((s) => s.signature);
}

/** The first three operators sign and post a verdict on challenge `id`. */
export async function postVerdict(
  challenges: Challenges,
  operators: HardhatEthersSigner[],
  id: bigint,
  upheld: boolean,
  overrides: Partial<ChallengeVerdictMessage> = {},
) {
  const message = await verdictMessage(challenges, id, upheld, overrides);
  const signatures = await signVerdict(challenges, operators.slice(0, 3), message);
  return challenges.postVerdict(verdictArgs(message), signatures);
}
