/**
 * What the API reads from the chain. The node wires an implementation over the Rewards contract
 * (`submission(id)`, `isScored(id)`) and its provider (`blockNumber()`); tests use a fake.
 */

/** `IRewards.Submission` for an existing submission. */
export interface OnChainSubmission {
  author: string;
  /** Unix seconds. */
  submittedAt: number;
  epoch: number;
  category: number;
}

export interface ChainReader {
  /** The chain's latest block number. */
  blockNumber(): Promise<number>;
  /**
   * The submission record, or undefined when it does not exist (`Rewards.submission(id)` returns
   * a zero author for an unknown id).
   */
  submission(id: bigint): Promise<OnChainSubmission | undefined>;
  /** `Rewards.isScored(id)`. */
  isScored(id: bigint): Promise<boolean>;
}
