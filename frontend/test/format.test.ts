import { parseEther } from "viem";
import { describe, expect, it } from "vitest";
import { formatDuration, formatTokens, shortAddress } from "../src/lib/format";

describe("formatting", () => {
  it("groups thousands and keeps at most four decimals of CKEY", () => {
    expect(formatTokens(parseEther("100000"))).toBe("100,000");
    expect(formatTokens(parseEther("1234.56789"))).toBe("1,234.5678");
    expect(formatTokens(0n)).toBe("0");
    expect(formatTokens(undefined)).toBe("…");
  });

  it("shows durations in their two largest units", () => {
    expect(formatDuration(7 * 86_400)).toBe("7 d");
    expect(formatDuration(90_061n)).toBe("1 d 1 h");
    expect(formatDuration(125)).toBe("2 min 5 s");
    expect(formatDuration(-5)).toBe("0 s");
  });

  it("shortens addresses", () => {
    expect(shortAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")).toBe("0xf39F…2266");
  });
});
