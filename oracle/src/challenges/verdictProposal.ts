/**
 * The verdict proposal a leader sends to its peers at `POST /v1/peer/challenge-verdicts`, and the vote
 * they answer with (docs/OPERATORS.md, "Challenges"). Like a batch proposal it is self-authenticating:
 * `decodeVerdictProposal` recomputes the EIP-712 `ChallengeVerdict` digest from the parts, recovers the
 * leader from its signature (which is also its co-signature on-chain) and recomputes the rationale root
 * from the two rationales, so a proposal whose parts disagree never reaches the appeal check.
 */
import { z } from "zod";
import { getAddress, keccak256, recoverAddress, toUtf8Bytes } from "ethers";
import { CashKeyError } from "../errors";
import { type ChallengeVerdictMessage, challengeVerdictDigest, challengesDomain } from "../protocol/challengeVerdict";
import { AddressSchema, Bytes32Schema, MAX_RATIONALE_CHARS, SignatureSchema } from "../network/proposal";
import { MAX_CHALLENGE_TEXT_CHARS } from "../store/challenges";
import { verdictRoot } from "./judge";

export const VERDICT_PROPOSAL_VERSION = 1;
/** A proposal body in bytes at most. */
export const MAX_VERDICT_PROPOSAL_BYTES = 64 * 1024;

const UINT64_MAX = (1n << 64n) - 1n;
const decimal = (what: string) =>
  z.string().refine((value) => /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) <= UINT64_MAX, `${what}: a decimal integer 0..${UINT64_MAX}`);
const text = z.string().max(MAX_CHALLENGE_TEXT_CHARS).nullable();

export const VerdictProposalSchema = z
  .object({
    version: z.literal(VERDICT_PROPOSAL_VERSION),
    chainId: decimal("chainId"),
    /** The Challenges contract: the EIP-712 verifying contract. */
    challenges: AddressSchema,
    leader: AddressSchema,
    verdict: z
      .object({
        challengeId: decimal("challengeId"),
        submissionId: decimal("submissionId"),
        epoch: z.number().int().min(0).max(0xffffffff),
        points: z.number().int().min(0).max(0xffffffff),
        reason: z.number().int().min(0).max(5),
        upheld: z.boolean(),
        evaluator: Bytes32Schema,
        rationaleRoot: Bytes32Schema,
        deadline: decimal("deadline"),
      })
      .strict(),
    originalRationale: z.string().min(2).max(MAX_RATIONALE_CHARS),
    appealRationale: z.string().min(2).max(MAX_RATIONALE_CHARS),
    /** The challenger's reason and the author's answer, when the leader has them (checked against their hashes). */
    reasonText: text,
    answerText: text,
    digest: Bytes32Schema,
    signature: SignatureSchema,
  })
  .strict();

export type VerdictProposalJson = z.infer<typeof VerdictProposalSchema>;

export interface VerdictProposal {
  chainId: bigint;
  challenges: string;
  leader: string;
  message: ChallengeVerdictMessage;
  originalRationale: string;
  appealRationale: string;
  reasonText: string | null;
  answerText: string | null;
  digest: string;
  signature: string;
}

export type VerdictRefusal =
  | "malformed"
  | "wrong_chain"
  | "digest"
  | "leader_signature"
  | "rationale_root"
  | "not_operator"
  | "unknown_challenge"
  | "not_open"
  | "facts"
  | "expired"
  | "evaluator"
  | "text_hash";

export class VerdictProposalError extends CashKeyError {
  override name = "VerdictProposalError";
  constructor(
    readonly code: VerdictRefusal,
    shortMessage: string,
    options: { details?: string } = {},
  ) {
    super(shortMessage, options);
  }
}

/** Why a follower will not sign a well-formed proposal: it judges otherwise, or cannot judge yet. */
export const VERDICT_DISPUTES = ["verdict", "rationale", "unavailable"] as const;
export type VerdictDispute = (typeof VERDICT_DISPUTES)[number];

export const VerdictVoteSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("signed"), digest: Bytes32Schema, signer: AddressSchema, signature: SignatureSchema }).strict(),
  z.object({ decision: z.literal("disputed"), digest: Bytes32Schema, signer: AddressSchema, reason: z.enum(VERDICT_DISPUTES), detail: z.string().max(500) }).strict(),
]);

export type VerdictVoteJson = z.infer<typeof VerdictVoteSchema>;

export function encodeVerdictProposal(proposal: VerdictProposal): VerdictProposalJson {
  const m = proposal.message;
  return {
    version: VERDICT_PROPOSAL_VERSION,
    chainId: proposal.chainId.toString(),
    challenges: getAddress(proposal.challenges),
    leader: getAddress(proposal.leader),
    verdict: {
      challengeId: m.challengeId.toString(),
      submissionId: m.submissionId.toString(),
      epoch: m.epoch,
      points: m.points,
      reason: m.reason,
      upheld: m.upheld,
      evaluator: m.evaluator.toLowerCase(),
      rationaleRoot: m.rationaleRoot.toLowerCase(),
      deadline: m.deadline.toString(),
    },
    originalRationale: proposal.originalRationale,
    appealRationale: proposal.appealRationale,
    reasonText: proposal.reasonText,
    answerText: proposal.answerText,
    digest: proposal.digest.toLowerCase(),
    signature: proposal.signature.toLowerCase(),
  };
}

/** Shape, chain, digest, the leader's signature and the rationale root; `expected` pins the chain and contract. */
export function decodeVerdictProposal(json: unknown, expected: { chainId: bigint; challenges: string }): VerdictProposal {
  const parsed = VerdictProposalSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VerdictProposalError("malformed", "The verdict proposal does not match its schema.", { details: `${issue.path.join(".") || "(root)"}: ${issue.message}` });
  }
  const data = parsed.data;
  const chainId = BigInt(data.chainId);
  if (chainId !== expected.chainId || getAddress(data.challenges) !== getAddress(expected.challenges)) {
    throw new VerdictProposalError("wrong_chain", "The verdict proposal is for another chain or contract.", {
      details: `chainId ${data.chainId}, challenges ${data.challenges}`,
    });
  }
  const v = data.verdict;
  const message: ChallengeVerdictMessage = {
    challengeId: BigInt(v.challengeId),
    submissionId: BigInt(v.submissionId),
    epoch: v.epoch,
    points: v.points,
    reason: v.reason,
    upheld: v.upheld,
    evaluator: v.evaluator.toLowerCase(),
    rationaleRoot: v.rationaleRoot.toLowerCase(),
    deadline: BigInt(v.deadline),
  };
  const digest = challengeVerdictDigest(challengesDomain(chainId, data.challenges), message).toLowerCase();
  if (digest !== data.digest.toLowerCase()) {
    throw new VerdictProposalError("digest", "The digest is not the EIP-712 digest of the proposed verdict.", { details: `proposed ${data.digest}, computed ${digest}` });
  }
  const leader = getAddress(data.leader);
  let recovered: string | undefined;
  try {
    recovered = getAddress(recoverAddress(digest, data.signature));
  } catch {
    recovered = undefined;
  }
  if (recovered !== leader) {
    throw new VerdictProposalError("leader_signature", "The verdict proposal is not signed by its leader.", {
      details: `leader ${leader}, recovered ${recovered ?? "nothing"}`,
    });
  }
  const root = verdictRoot(data.originalRationale, data.appealRationale);
  if (root !== message.rationaleRoot) {
    throw new VerdictProposalError("rationale_root", "The rationale root is not the root of the proposed rationales.", {
      details: `proposed ${message.rationaleRoot}, computed ${root}`,
    });
  }
  return {
    chainId,
    challenges: getAddress(data.challenges),
    leader,
    message,
    originalRationale: data.originalRationale,
    appealRationale: data.appealRationale,
    reasonText: data.reasonText,
    answerText: data.answerText,
    digest,
    signature: data.signature,
  };
}

/** keccak256 of a text's UTF-8 bytes: what `open` (reasonHash) and `answer` (answerHash) commit. */
export function textHash(text: string): string {
  return keccak256(toUtf8Bytes(text)).toLowerCase();
}
