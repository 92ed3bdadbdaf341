/**
 * Turns any failure of a wallet, RPC or contract call into one sentence a user can act on; a
 * contract's custom error is decoded from the revert data against every CashKey ABI and put into words.
 */
import { type Abi, type Hex, decodeErrorResult, isHex } from "viem";
import { challengesAbi, governorAbi, rewardsAbi, timelockAbi, tokenAbi } from "../generated/abis";
import { CHALLENGE_ERROR_DESCRIPTIONS } from "./challenges";
import { formatTokens } from "./format";
import { describeWalletError, hasName } from "./walletErrors";

const ALL_ABIS = [...rewardsAbi, ...tokenAbi, ...governorAbi, ...timelockAbi, ...challengesAbi] as unknown as Abi;

const PROPOSAL_STATES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"];

const short = (value: unknown) => {
  const text = String(value);
  return /^0x[0-9a-fA-F]{40}$/.test(text) ? `${text.slice(0, 6)}…${text.slice(-4)}` : text;
};
const tokens = (value: unknown) => `${formatTokens(BigInt(value as bigint))} CKEY`;

/** Custom error name → words; `args` are the decoded arguments. */
const DESCRIPTIONS: Record<string, (args: readonly unknown[]) => string> = {
  RewardsQuotaExceeded: ([, quota]) => `You have used all ${quota} submissions of this epoch. Stake more CKEY for a higher quota, or wait for the next epoch.`,
  RewardsNothingToClaim: () => "Nothing to claim yet: tokens become claimable once the epoch in which you earned points has closed.",
  RewardsZeroAddress: () => "The address must not be the zero address.",
  RewardsUnknownSubmission: ([id]) => `Submission ${id} does not exist.`,
  RewardsAlreadyScored: ([id]) => `Submission ${id} is already scored.`,
  RewardsInvalidThreshold: ([threshold, count]) => `A threshold of ${threshold} is impossible with ${count} operators (it must be between 1 and the operator count).`,
  RewardsOperatorExists: ([operator]) => `${short(operator)} is already an operator.`,
  RewardsOperatorNotFound: ([operator]) => `${short(operator)} is not an operator.`,
  RewardsTooManyOperators: ([maximum]) => `At most ${maximum} operators are allowed.`,
  RewardsInvalidQuotaTiers: ([index]) => `Quota tier ${index} is invalid: tiers need increasing stakes and quotas.`,
  RewardsTooManyQuotaTiers: ([given, maximum]) => `${given} quota tiers given; at most ${maximum} are allowed.`,
  RewardsBudgetTooLarge: ([budget, maximum]) => `An epoch budget of ${tokens(budget)} exceeds the maximum of ${tokens(maximum)}.`,
  CashKeyTokenZeroAmount: () => "The amount must be greater than zero.",
  CashKeyTokenZeroAddress: () => "The address must not be the zero address.",
  CashKeyTokenInsufficientUnlockedBalance: ([, unlocked, needed]) => `Not enough unstaked CKEY: ${tokens(unlocked)} available, ${tokens(needed)} needed.`,
  CashKeyTokenInsufficientStake: ([, staked, needed]) => `Not enough staked CKEY: ${tokens(staked)} staked, ${tokens(needed)} requested.`,
  CashKeyTokenNothingToWithdraw: () => "Nothing to withdraw: request an unstake first.",
  CashKeyTokenCooldownActive: ([, unlockAt]) => `The unstake cooldown is still running; withdraw after ${new Date(Number(unlockAt) * 1000).toUTCString()}.`,
  CashKeyTokenTransferExceedsUnlocked: ([, unlocked, amount]) => `Staked tokens cannot move: ${tokens(unlocked)} unlocked, ${tokens(amount)} requested.`,
  EnforcedPause: () => "The contract is paused by the guardian.",
  ERC20InsufficientBalance: ([, balance, needed]) => `Not enough CKEY: balance ${tokens(balance)}, needed ${tokens(needed)}.`,
  GovernorInsufficientProposerVotes: ([, votes, threshold]) =>
    `You need ${tokens(threshold)} of voting power to propose; you have ${tokens(votes)}. Delegate your votes to yourself first.`,
  GovernorAlreadyCastVote: () => "You have already voted on this proposal.",
  GovernorUnexpectedProposalState: ([, state]) => `The proposal is ${PROPOSAL_STATES[Number(state)] ?? "in another state"}, so this action is not possible now.`,
  GovernorNonexistentProposal: () => "This proposal does not exist.",
  GovernorUnableToCancel: () => "This proposal can no longer be cancelled.",
  GovernorInvalidVoteType: () => "Invalid vote type.",
  GovernorInvalidProposalLength: () => "The proposal's targets, values and calldata do not match in length.",
  GovernorRestrictedProposer: () => "This account may not make this proposal.",
  TimelockUnexpectedOperationState: () => "The timelock operation is not ready: wait until the timelock delay has passed.",
  TimelockUnexecutedPredecessor: () => "A previous timelock operation must execute first.",
  TimelockInsufficientDelay: () => "The timelock delay is too short.",
  ...CHALLENGE_ERROR_DESCRIPTIONS,
};

export interface DecodedError {
  name: string;
  args: readonly unknown[];
}

export function describeCustomError({ name, args }: DecodedError): string {
  const describe = DESCRIPTIONS[name];
  if (describe) return describe(args);
  return `The contract refused the transaction: ${name}(${args.map(short).join(", ")}).`;
}

/** The first revert data found anywhere in an error's cause chain. */
export function findRevertData(error: unknown): Hex | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && isHex(data) && data.length >= 10) return data;
    if (data && typeof data === "object") {
      const nested = (data as { data?: unknown }).data;
      if (typeof nested === "string" && isHex(nested) && nested.length >= 10) return nested;
      const named = (data as { errorName?: string; args?: readonly unknown[] }).errorName;
      if (named) return undefined;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** viem's own decoding (ContractFunctionRevertedError.data), if it happened. */
function viemDecoded(error: unknown): DecodedError | undefined {
  let current: unknown = error;
  const seen = new Set<unknown>();
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const data = (current as { data?: { errorName?: string; args?: readonly unknown[] } }).data;
    if (data && typeof data === "object" && typeof data.errorName === "string" && data.errorName !== "Error") {
      return { name: data.errorName, args: data.args ?? [] };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function decodeCustomError(error: unknown): DecodedError | undefined {
  const decoded = viemDecoded(error);
  if (decoded) return decoded;
  const data = findRevertData(error);
  if (!data) return undefined;
  try {
    const result = decodeErrorResult({ abi: ALL_ABIS, data });
    if (result.errorName === "Error") return { name: "Error", args: result.args ?? [] };
    return { name: result.errorName, args: result.args ?? [] };
  } catch {
    return undefined;
  }
}

/** One sentence for the user. */
export function describeError(error: unknown): string {
  const wallet = describeWalletError(error);
  if (wallet) return wallet;
  const decoded = decodeCustomError(error);
  if (decoded) {
    if (decoded.name === "Error") return `The transaction reverted: ${String(decoded.args[0])}.`;
    return describeCustomError(decoded);
  }
  if (hasName(error, "ContractFunctionRevertedError") || /revert/i.test(String((error as Error)?.message))) return "The transaction reverted without a reason.";
  if (hasName(error, "HttpRequestError") || /fetch/i.test(String((error as Error)?.message))) return "The network did not answer: check your connection and try again.";
  const message = (error as { shortMessage?: string; message?: string })?.shortMessage ?? (error as Error)?.message ?? String(error);
  return message.split("\n")[0];
}
