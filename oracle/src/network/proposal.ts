/**
 * The operator network's wire format (docs/OPERATORS.md, "Operator network"): the batch proposal a
 * leader sends to its peers at `POST /v1/peer/proposals`, and the vote a follower answers with.
 *
 * A proposal is self-authenticating. It carries the batch (header and items), every item's content
 * hash and exact rationale JSON, and the leader's own EIP-712 `ScoreBatch` signature, which doubles
 * as the leader's co-signature on-chain. `decodeProposal` recomputes everything that can be
 * recomputed — the packed items, the rationale root, the digest — and recovers the leader from the
 * signature, so a proposal whose parts disagree, or that its named leader did not sign, never
 * reaches the follower's evaluation check.
 *
 * Numbers that may exceed 2^53 (ids, nonces, deadlines, chain ids) travel as decimal strings;
 * bytes as 0x-prefixed hex.
 */
import { z } from "zod";
import { getAddress } from "ethers";
import { recoverBatchSigner } from "../batch/signer";
import { CashKeyError } from "../errors";
import { type BatchHeader, type Eip712Domain, rewardsDomain, scoreBatchDigest } from "../protocol/eip712";
import { buildRationaleTree } from "../protocol/rationaleTree";
import { packScoreItem } from "../protocol/scoreItem";

export const PROPOSAL_VERSION = 1;
/** Items in one proposal: the contract takes any number, a peer refuses more than this. */
export const MAX_PROPOSAL_ITEMS = 256;
/** Characters of one rationale JSON text. */
export const MAX_RATIONALE_CHARS = 8_192;
/** A proposal body, in bytes: a peer refuses a larger one before parsing it. */
export const MAX_PROPOSAL_BYTES = 4 * 1024 * 1024;

const UINT64_MAX = (1n << 64n) - 1n;
const decimal = (max: bigint, what: string) =>
  z.string().refine((value) => /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) <= max, `${what}: a decimal integer 0..${max}`);

export const Bytes32Schema = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits");
export const AddressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address (0x followed by 40 hex digits)");
export const SignatureSchema = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte ECDSA signature in hex");

export const ProposalItemSchema = z
  .object({
    submissionId: decimal(UINT64_MAX, "submissionId"),
    score: z.number().int().min(0).max(100),
    points: z.number().int().min(0).max(0xffffffff),
    /** The content hash the submission committed on-chain (what the follower evaluates). */
    contentHash: Bytes32Schema,
    /** The exact rationale JSON text; its keccak256 is the item's leaf in the rationale tree. */
    rationale: z.string().min(2).max(MAX_RATIONALE_CHARS),
  })
  .strict();

export const ProposalSchema = z
  .object({
    version: z.literal(PROPOSAL_VERSION),
    chainId: decimal(UINT64_MAX, "chainId"),
    /** The Rewards contract: the EIP-712 verifying contract. */
    rewards: AddressSchema,
    /** The operator that built the batch and signed it. */
    leader: AddressSchema,
    header: z
      .object({
        nonce: decimal(UINT64_MAX, "nonce"),
        evaluator: Bytes32Schema,
        rationaleRoot: Bytes32Schema,
        deadline: decimal(UINT64_MAX, "deadline"),
      })
      .strict(),
    /** Ascending by submission id, each id once. */
    items: z.array(ProposalItemSchema).min(1).max(MAX_PROPOSAL_ITEMS),
    /** The EIP-712 digest of the `ScoreBatch`: what every operator signs. */
    digest: Bytes32Schema,
    /** The leader's ECDSA signature of the digest. */
    signature: SignatureSchema,
  })
  .strict();

export type ProposalJson = z.infer<typeof ProposalSchema>;

export interface ProposalItem {
  submissionId: bigint;
  score: number;
  points: number;
  contentHash: string;
  rationaleJson: string;
}

/** A decoded, internally consistent proposal. */
export interface Proposal {
  chainId: bigint;
  rewards: string;
  leader: string;
  header: BatchHeader;
  items: ProposalItem[];
  /** The packed items, in order: what `postScores` takes. */
  packedItems: bigint[];
  domain: Eip712Domain;
  digest: string;
  signature: string;
}

/** Why a proposal is refused before any item is looked at. */
export type ProposalRefusal =
  | "malformed"
  | "wrong_chain"
  | "item_order"
  | "rationale_root"
  | "digest"
  | "leader_signature"
  | "not_operator"
  | "stale_nonce"
  | "future_nonce"
  | "expired"
  | "evaluator";

export class ProposalError extends CashKeyError {
  override name = "ProposalError";
  constructor(
    readonly code: ProposalRefusal,
    shortMessage: string,
    options: { details?: string; cause?: unknown } = {},
  ) {
    super(shortMessage, options);
  }
}

export interface EncodeProposalInput {
  chainId: bigint;
  rewards: string;
  leader: string;
  header: BatchHeader;
  items: readonly ProposalItem[];
  digest: string;
  signature: string;
}

export function encodeProposal(input: EncodeProposalInput): ProposalJson {
  return {
    version: PROPOSAL_VERSION,
    chainId: input.chainId.toString(),
    rewards: getAddress(input.rewards),
    leader: getAddress(input.leader),
    header: {
      nonce: input.header.nonce.toString(),
      evaluator: input.header.evaluator.toLowerCase(),
      rationaleRoot: input.header.rationaleRoot.toLowerCase(),
      deadline: input.header.deadline.toString(),
    },
    items: input.items.map((item) => ({
      submissionId: item.submissionId.toString(),
      score: item.score,
      points: item.points,
      contentHash: item.contentHash.toLowerCase(),
      rationale: item.rationaleJson,
    })),
    digest: input.digest.toLowerCase(),
    signature: input.signature.toLowerCase(),
  };
}

/**
 * Validates the shape, then the consistency of a proposal: items strictly ascending by id, the
 * digest recomputed from the parts and the leader's signature recovering to the leader, then the
 * rationale root recomputed from the rationales. `expected` pins the chain and contract the node serves.
 */
export function decodeProposal(json: unknown, expected: { chainId: bigint; rewards: string }): Proposal {
  const proposal = decodeSignedProposal(json, expected);
  checkRationaleRoot(proposal);
  return proposal;
}

/**
 * The cheap part of `decodeProposal`: shape, chain, item order, digest and the leader's signature —
 * no rationale is hashed. A node checks who signed (and that the signer leads this nonce) with it
 * before it spends time on the rationales and the items; `checkRationaleRoot` completes the check.
 */
export function decodeSignedProposal(json: unknown, expected: { chainId: bigint; rewards: string }): Proposal {
  const parsed = ProposalSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProposalError("malformed", "The proposal does not match the proposal schema.", {
      details: `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    });
  }
  const data = parsed.data;
  const chainId = BigInt(data.chainId);
  if (chainId !== expected.chainId || getAddress(data.rewards) !== getAddress(expected.rewards)) {
    throw new ProposalError("wrong_chain", "The proposal is for another chain or contract.", {
      details: `chainId ${data.chainId}, rewards ${data.rewards}`,
    });
  }

  const items: ProposalItem[] = data.items.map((item) => ({
    submissionId: BigInt(item.submissionId),
    score: item.score,
    points: item.points,
    contentHash: item.contentHash.toLowerCase(),
    rationaleJson: item.rationale,
  }));
  for (let i = 0; i < items.length; i++) {
    if (items[i].submissionId === 0n) throw new ProposalError("item_order", "Submission ids start at 1.");
    if (i > 0 && items[i].submissionId <= items[i - 1].submissionId) {
      throw new ProposalError("item_order", "Items must be strictly ascending by submission id.", {
        details: `${items[i - 1].submissionId} then ${items[i].submissionId}`,
      });
    }
  }

  const header: BatchHeader = {
    nonce: BigInt(data.header.nonce),
    evaluator: data.header.evaluator.toLowerCase(),
    rationaleRoot: data.header.rationaleRoot.toLowerCase(),
    deadline: BigInt(data.header.deadline),
  };
  const packedItems = items.map(packScoreItem);
  const domain = rewardsDomain(chainId, data.rewards);
  const digest = scoreBatchDigest(domain, header, packedItems);
  if (digest.toLowerCase() !== data.digest.toLowerCase()) {
    throw new ProposalError("digest", "The digest is not the EIP-712 digest of the proposed batch.", {
      details: `proposed ${data.digest}, computed ${digest}`,
    });
  }

  const leader = getAddress(data.leader);
  const recovered = recoverBatchSigner({ domain, header, items: packedItems }, data.signature);
  if (recovered !== leader) {
    throw new ProposalError("leader_signature", "The proposal is not signed by its leader.", {
      details: `leader ${leader}, signature recovers to ${recovered ?? "nothing"}`,
    });
  }

  return { chainId, rewards: getAddress(data.rewards), leader, header, items, packedItems, domain, digest: digest.toLowerCase(), signature: data.signature };
}

/** Throws `rationale_root` unless the header's rationale root is the root of the proposal's rationales. */
export function checkRationaleRoot(proposal: Proposal): void {
  const root = buildRationaleTree(proposal.items.map(({ submissionId, rationaleJson }) => ({ submissionId, rationaleJson }))).root;
  if (root.toLowerCase() !== proposal.header.rationaleRoot.toLowerCase()) {
    throw new ProposalError("rationale_root", "The rationale root is not the root of the proposed rationales.", {
      details: `proposed ${proposal.header.rationaleRoot}, computed ${root}`,
    });
  }
}

/**
 * Why a follower disputes one item. The first group is a disagreement about the item and counts
 * toward holding it for review; the second says the follower cannot judge it yet (its watcher or
 * evaluation is behind, or the item was scored meanwhile) and only defers it.
 */
export type DisputeReason =
  "score" | "points" | "flags" | "rationale" | "content_hash" | "unknown_submission" | "already_scored" | "content_unavailable" | "not_evaluated";

export const DISPUTE_REASONS = [
  "score",
  "points",
  "flags",
  "rationale",
  "content_hash",
  "unknown_submission",
  "already_scored",
  "content_unavailable",
  "not_evaluated",
] as const satisfies readonly DisputeReason[];

export const DEFERRING_REASONS: ReadonlySet<DisputeReason> = new Set(["unknown_submission", "already_scored", "content_unavailable", "not_evaluated"]);

export const DisputeSchema = z
  .object({
    submissionId: decimal(UINT64_MAX, "submissionId"),
    reason: z.enum(DISPUTE_REASONS),
    detail: z.string().max(500),
  })
  .strict();

export type DisputeJson = z.infer<typeof DisputeSchema>;

/**
 * A follower's answer. `signed`: its ECDSA signature of the digest. `disputed`: the items it will
 * not sign and why; the leader drops them and proposes the rest again.
 */
export const VoteSchema = z.discriminatedUnion("decision", [
  z
    .object({
      decision: z.literal("signed"),
      digest: Bytes32Schema,
      signer: AddressSchema,
      signature: SignatureSchema,
    })
    .strict(),
  z
    .object({
      decision: z.literal("disputed"),
      digest: Bytes32Schema,
      signer: AddressSchema,
      disputes: z.array(DisputeSchema).min(1).max(MAX_PROPOSAL_ITEMS),
    })
    .strict(),
]);

export type VoteJson = z.infer<typeof VoteSchema>;
