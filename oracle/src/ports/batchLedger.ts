/**
 * The poster's side of a batch post and its persistence (`BatchLedger`, implemented over SQLite in
 * store/batchLedger.ts): the types chain/ and store/ share, kept here so neither imports the other.
 */
import { CashKeyError } from "../errors";
import type { Awaitable } from "./runtime";

/** A custom error (or Error(string), Panic(uint256)) decoded from revert data. */
export interface DecodedRevert {
  /** e.g. "RewardsBatchExpired" */
  name: string;
  /** e.g. "RewardsBatchExpired(uint64,uint256)" */
  signature: string;
  /** Arguments by name (or position when unnamed), bigints kept. */
  args: Record<string, unknown>;
  /** e.g. "RewardsBatchExpired(deadline: 1700000000, timestamp: 1700000012)" */
  message: string;
  data: string;
}

export type PostOutcome =
  /** The batch is on-chain: `txHash` is the transaction that posted it (this poster's or another relayer's). */
  | { status: "landed"; txHash: string; blockNumber: number; gasUsed: bigint; postedBySelf: boolean }
  /** Another batch took this nonce: `txHash` posted that one. The items go back to the queue. */
  | { status: "superseded"; txHash: string; blockNumber: number; gasUsed: bigint }
  /** The batch is not on-chain. `txHash` is this poster's transaction, if one was mined or is pending. */
  | { status: "failed"; error: BatchPostError; txHash?: string; blockNumber?: number; gasUsed?: bigint };

export type PostFailureReason =
  /** The preflight (or gas estimate) reverted: `errorName` says why; nothing was sent. */
  | "preflight"
  /** The transaction was mined but reverted, and the batch's nonce was not consumed. */
  | "reverted"
  /** The transaction was sent but no receipt came in time; posting again resumes waiting for it. */
  | "unconfirmed"
  /** The node stayed unreachable through every retry. */
  | "rpc"
  /** Anything else: the ledger, the signer or the node failed in an unexpected way. */
  | "internal";

export class BatchPostError extends CashKeyError {
  override name = "BatchPostError";
  readonly reason: PostFailureReason;
  /** The contract's custom error, e.g. "RewardsBatchExpired", when it refused the batch. */
  readonly errorName: string | undefined;
  readonly errorArgs: Record<string, unknown>;
  /** Whether posting the same batch again later may succeed. */
  readonly retriable: boolean;

  constructor(shortMessage: string, args: { reason: PostFailureReason; revert?: DecodedRevert; retriable: boolean; cause?: unknown }) {
    super(shortMessage, {
      cause: args.cause,
      metaMessages: [`Reason: ${args.reason}`, ...(args.revert ? [`Contract error: ${args.revert.message}`] : [])],
    });
    this.reason = args.reason;
    this.errorName = args.revert?.name;
    this.errorArgs = args.revert?.args ?? {};
    this.retriable = args.retriable;
  }
}

/** A signed transaction, recorded before it is broadcast. */
export interface SentTransaction {
  hash: string;
  accountNonce: number;
  /** The signed raw transaction, to rebroadcast after a restart. */
  raw: string;
}

export interface BatchLedgerEntry {
  /** The batch's EIP-712 digest. */
  batchId: string;
  batchNonce: bigint;
  /** The last transaction signed for it, if any. */
  sent?: SentTransaction;
  /** The last outcome of a post. */
  outcome?: PostOutcome;
}

/**
 * The poster's persistence, keyed by the batch digest. The SQLite implementation writes each call
 * durably before returning: `recordSent` is what keeps a crashed node from posting a batch twice.
 */
export interface BatchLedger {
  get(batchId: string): Awaitable<BatchLedgerEntry | undefined>;
  /** Called after signing and before broadcasting `tx`. */
  recordSent(batchId: string, batchNonce: bigint, tx: SentTransaction): Awaitable<void>;
  recordOutcome(batchId: string, batchNonce: bigint, outcome: PostOutcome): Awaitable<void>;
}
