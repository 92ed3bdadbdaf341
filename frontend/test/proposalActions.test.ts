import { decodeFunctionData, parseEther } from "viem";
import { describe, expect, it } from "vitest";
import { rewardsAbi } from "../src/generated/abis";
import { ProposalInputError, buildProposalCall, describeCall, parseQuotaTiers } from "../src/lib/proposalActions";
import { runtimeConfig } from "./render";

const { contracts } = runtimeConfig();

describe("proposal calldata", () => {
  it("builds Rewards.setEpochBudget in wei and reads it back in words", () => {
    const call = buildProposalCall({ kind: "epochBudget", budget: "50000" }, contracts);
    expect(call.target).toBe(contracts.rewards);
    expect(call.value).toBe(0n);
    const decoded = decodeFunctionData({ abi: rewardsAbi, data: call.calldata });
    expect(decoded.functionName).toBe("setEpochBudget");
    expect(decoded.args).toEqual([parseEther("50000")]);
    expect(describeCall(call.target, call.calldata, contracts)).toBe("Rewards.setEpochBudget(50,000 CKEY)");
  });

  it("builds setQuota from a base quota and stake:quota tiers", () => {
    const call = buildProposalCall({ kind: "quota", baseQuota: "3", tiers: "1000:20, 10000:100" }, contracts);
    const decoded = decodeFunctionData({ abi: rewardsAbi, data: call.calldata });
    expect(decoded.functionName).toBe("setQuota");
    expect(decoded.args).toEqual([
      3,
      [
        { minStake: parseEther("1000"), quota: 20 },
        { minStake: parseEther("10000"), quota: 100 },
      ],
    ]);
  });

  it("builds threshold, operator and evaluator changes", () => {
    const operator = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    expect(decodeFunctionData({ abi: rewardsAbi, data: buildProposalCall({ kind: "threshold", threshold: "2" }, contracts).calldata }).args).toEqual([2n]);
    expect(decodeFunctionData({ abi: rewardsAbi, data: buildProposalCall({ kind: "addOperator", operator }, contracts).calldata }).functionName).toBe("addOperator");
    expect(decodeFunctionData({ abi: rewardsAbi, data: buildProposalCall({ kind: "removeOperator", operator }, contracts).calldata }).functionName).toBe(
      "removeOperator",
    );
    const evaluator = `0x${"ab".repeat(32)}` as const;
    expect(decodeFunctionData({ abi: rewardsAbi, data: buildProposalCall({ kind: "evaluator", evaluator, approved: false }, contracts).calldata }).args).toEqual([
      evaluator,
      false,
    ]);
  });

  it("refuses bad input with a message the form shows", () => {
    expect(() => buildProposalCall({ kind: "threshold", threshold: "0" }, contracts)).toThrow(/at least 1/);
    expect(() => buildProposalCall({ kind: "threshold", threshold: "1.5" }, contracts)).toThrow(ProposalInputError);
    expect(() => buildProposalCall({ kind: "addOperator", operator: "0x1234" }, contracts)).toThrow(/not an address/);
    expect(() => buildProposalCall({ kind: "epochBudget", budget: "lots" }, contracts)).toThrow(/amount of CKEY/);
    expect(() => buildProposalCall({ kind: "evaluator", evaluator: "0x12", approved: true }, contracts)).toThrow(/32-byte hash/);
    expect(() => parseQuotaTiers("1000")).toThrow(/stake:quota/);
  });
});
