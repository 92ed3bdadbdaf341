import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError, encodeErrorResult, parseEther } from "viem";
import { describe, expect, it } from "vitest";
import { rewardsAbi, tokenAbi } from "../src/generated/abis";
import { decodeCustomError, describeError } from "../src/lib/errors";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("describeError", () => {
  it("decodes a custom error from revert data nested as Hardhat returns it", () => {
    const data = encodeErrorResult({ abi: rewardsAbi, errorName: "RewardsNothingToClaim", args: [ALICE] });
    const error = new Error("Internal JSON-RPC error", { cause: { code: -32603, data: { message: "reverted", data } } });
    expect(decodeCustomError(error)).toEqual({ name: "RewardsNothingToClaim", args: [ALICE] });
    expect(describeError(error)).toMatch(/^Nothing to claim yet/);
  });

  it("puts a custom error's arguments into words", () => {
    const data = encodeErrorResult({ abi: tokenAbi, errorName: "CashKeyTokenInsufficientUnlockedBalance", args: [ALICE, parseEther("5"), parseEther("7.5")] });
    expect(describeError({ data })).toBe("Not enough unstaked CKEY: 5 CKEY available, 7.5 CKEY needed.");
  });

  it('groups large amounts in errors (never "99970000 CKEY")', () => {
    const data = encodeErrorResult({ abi: tokenAbi, errorName: "CashKeyTokenInsufficientStake", args: [ALICE, parseEther("99970000"), parseEther("100000000.5")] });
    expect(describeError({ data })).toBe("Not enough staked CKEY: 99,970,000 CKEY staked, 100,000,000.5 CKEY requested.");
  });

  it("uses viem's decoding when viem already decoded the revert", () => {
    const reverted = new ContractFunctionRevertedError({
      abi: rewardsAbi,
      functionName: "submit",
      data: encodeErrorResult({ abi: rewardsAbi, errorName: "RewardsQuotaExceeded", args: [ALICE, 5n] }),
    });
    expect(describeError(new BaseError("failed", { cause: reverted }))).toMatch(/used all 5 submissions of this epoch/);
  });

  it("names an unknown custom error rather than hiding it", () => {
    const data = encodeErrorResult({ abi: rewardsAbi, errorName: "RewardsEmptyBatch" });
    expect(describeError({ data })).toBe("The contract refused the transaction: RewardsEmptyBatch().");
  });

  it("tells a rejected signature apart from a failure", () => {
    expect(describeError(new UserRejectedRequestError(new Error("User denied")))).toBe("You rejected the request in your wallet; nothing was sent.");
    expect(describeError({ code: 4001, message: "User rejected the request." })).toMatch(/rejected the request/);
  });

  it("says when a wallet is on another network", () => {
    const error = new Error("chain mismatch");
    error.name = "ChainMismatchError";
    expect(describeError(error)).toMatch(/another network/);
  });
});
