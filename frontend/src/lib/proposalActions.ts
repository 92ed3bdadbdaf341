/**
 * The parameter changes the propose form offers, each turned into the `(target, value, calldata)` the
 * Governor executes through the Timelock; and the reverse, a proposal's calls put into words.
 */
import { type Address, type Hex, decodeFunctionData, encodeFunctionData, getAddress, isAddress, isHex, parseEther } from "viem";
import { challengesAbi, rewardsAbi, tokenAbi } from "../generated/abis";
import { formatTokens } from "./format";

export type ParameterChange =
  | { kind: "epochBudget"; budget: string }
  | { kind: "quota"; baseQuota: string; tiers: string }
  | { kind: "threshold"; threshold: string }
  | { kind: "addOperator"; operator: string }
  | { kind: "removeOperator"; operator: string }
  | { kind: "evaluator"; evaluator: string; approved: boolean };

export const PARAMETER_KINDS: { kind: ParameterChange["kind"]; label: string }[] = [
  { kind: "epochBudget", label: "Epoch budget" },
  { kind: "quota", label: "Submission quota tiers" },
  { kind: "threshold", label: "Operator signature threshold" },
  { kind: "addOperator", label: "Add an operator" },
  { kind: "removeOperator", label: "Remove an operator" },
  { kind: "evaluator", label: "Approve or revoke an evaluator" },
];

export interface ProposalCall {
  target: Address;
  value: bigint;
  calldata: Hex;
}

export class ProposalInputError extends Error {
  override name = "ProposalInputError";
}

function positiveInteger(text: string, what: string, max = 2 ** 32 - 1): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value > max) throw new ProposalInputError(`${what} must be a whole number`);
  return value;
}

function address(text: string, what: string): Address {
  if (!isAddress(text.trim(), { strict: false })) throw new ProposalInputError(`${what} is not an address`);
  return getAddress(text.trim());
}

function tokens(text: string, what: string): bigint {
  try {
    const value = parseEther(text.trim());
    if (value < 0n) throw new Error();
    return value;
  } catch {
    throw new ProposalInputError(`${what} must be an amount of CKEY`);
  }
}

/** "1000:20, 10000:100" → tiers of (minimum stake in CKEY, quota). */
export function parseQuotaTiers(text: string): { minStake: bigint; quota: number }[] {
  if (text.trim() === "") return [];
  return text.split(",").map((pair, index) => {
    const [stake, quota] = pair.split(":");
    if (stake === undefined || quota === undefined) throw new ProposalInputError(`tier ${index + 1} must read "stake:quota"`);
    return { minStake: tokens(stake, `tier ${index + 1} stake`), quota: positiveInteger(quota, `tier ${index + 1} quota`) };
  });
}

/** Builds the call for a change; throws ProposalInputError on bad input. */
export function buildProposalCall(change: ParameterChange, contracts: { rewards: Address }): ProposalCall {
  const target = contracts.rewards;
  const call = (functionName: string, args: readonly unknown[]): ProposalCall => ({
    target,
    value: 0n,
    calldata: encodeFunctionData({ abi: rewardsAbi, functionName: functionName as never, args: args as never }),
  });
  switch (change.kind) {
    case "epochBudget":
      return call("setEpochBudget", [tokens(change.budget, "The budget")]);
    case "quota":
      return call("setQuota", [positiveInteger(change.baseQuota, "The base quota"), parseQuotaTiers(change.tiers)]);
    case "threshold": {
      const threshold = positiveInteger(change.threshold, "The threshold");
      if (threshold < 1) throw new ProposalInputError("The threshold must be at least 1");
      return call("setThreshold", [BigInt(threshold)]);
    }
    case "addOperator":
      return call("addOperator", [address(change.operator, "The operator")]);
    case "removeOperator":
      return call("removeOperator", [address(change.operator, "The operator")]);
    case "evaluator": {
      const evaluator = change.evaluator.trim();
      if (!isHex(evaluator) || evaluator.length !== 66) throw new ProposalInputError("The evaluator must be a 32-byte hash (0x + 64 hex digits)");
      return call("setEvaluator", [evaluator, change.approved]);
    }
  }
}

/** A proposal call in words, e.g. "Rewards.setEpochBudget(50,000 CKEY)". */
export function describeCall(target: string, calldata: Hex, contracts: { rewards: Address; token: Address; challenges?: Address }): string {
  const known = [
    ["Rewards", contracts.rewards, rewardsAbi],
    ["CashKeyToken", contracts.token, tokenAbi],
    ...(contracts.challenges ? ([["Challenges", contracts.challenges, challengesAbi]] as const) : []),
  ] as const;
  for (const [name, where, abi] of known) {
    if (getAddress(target) !== getAddress(where)) continue;
    try {
      const { functionName, args } = decodeFunctionData({ abi, data: calldata });
      const shown = (args ?? []).map((arg) => {
        if (functionName === "setEpochBudget" && typeof arg === "bigint") return `${formatTokens(arg)} CKEY`;
        if (Array.isArray(arg))
          return `[${arg.map((t) => (typeof t === "object" && t && "minStake" in t ? `${formatTokens((t as { minStake: bigint }).minStake)} CKEY → ${(t as { quota: number }).quota}` : String(t))).join(", ")}]`;
        return String(arg);
      });
      return `${name}.${functionName}(${shown.join(", ")})`;
    } catch {
      return `${name}: unknown call ${calldata.slice(0, 10)}`;
    }
  }
  return `call ${calldata.slice(0, 10)} on ${target}`;
}
