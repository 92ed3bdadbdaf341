import { QueryClient } from "@tanstack/react-query";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { parseEther } from "viem";
import { describe, expect, it } from "vitest";
import { connect } from "wagmi/actions";
import { CHAIN_QUERY } from "../src/hooks/useChain";
import { checkSize, findPastSubmission, fingerprint, rememberSubmission, uploadBytes } from "../src/lib/submission";
import { nextTier, quotaForStake } from "../src/lib/tiers";
import SubmitPage from "../src/pages/SubmitPage";
import { ACCOUNT, renderWithProviders, runtimeConfig, wagmiConfigFor } from "./render";

const SALT = `0x${"ab".repeat(32)}`;
const TIERS = [
  { minStake: parseEther("1000"), quota: 20 },
  { minStake: parseEther("10000"), quota: 100 },
];

describe("upload size", () => {
  it("counts UTF-8 bytes of the body the app uploads, not characters", () => {
    const ascii = checkSize({ text: "abc", author: ACCOUNT, salt: SALT }, 16_384);
    const emoji = checkSize({ text: "😀😀😀", author: ACCOUNT, salt: SALT }, 16_384);
    expect(ascii.characters).toBe(3);
    expect(emoji.characters).toBe(3);
    expect(emoji.bytes - ascii.bytes).toBe(9); // 4 bytes each instead of 1
    expect(ascii.bytes).toBe(new TextEncoder().encode(JSON.stringify({ text: "abc", author: ACCOUNT, salt: SALT })).length);
    expect(ascii.words).toMatch(/^3 characters · \d+ of 16,384 bytes used/);
  });

  it("says by how much a text is over the limit", () => {
    const overhead = uploadBytes({ text: "", author: ACCOUNT, salt: SALT });
    const exact = checkSize({ text: "a".repeat(16_384 - overhead), author: ACCOUNT, salt: SALT }, 16_384);
    expect(exact.over).toBe(false);
    expect(exact.left).toBe(0);
    const over = checkSize({ text: "é".repeat(16_384 - overhead), author: ACCOUNT, salt: SALT }, 16_384);
    expect(over.over).toBe(true);
    expect(over.words).toMatch(/bytes over the node's limit of 16,384 bytes/);
  });
});

describe("duplicate warning store", () => {
  it("matches the same text whatever its spacing or case, per chain and account", () => {
    expect(fingerprint("Hello  world\n")).toBe(fingerprint("hello world"));
    expect(fingerprint("hello world")).not.toBe(fingerprint("hello worlds"));
    rememberSubmission(31337, ACCOUNT, "Some text", 7n, 1_000);
    expect(findPastSubmission(31337, ACCOUNT.toLowerCase(), " some   TEXT ")).toEqual({ id: "7", at: 1_000 });
    expect(findPastSubmission(1, ACCOUNT, "Some text")).toBeUndefined();
    expect(findPastSubmission(31337, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "Some text")).toBeUndefined();
  });
});

describe("quota tiers", () => {
  it("follows the contract: tiers in order up to the first the stake misses", () => {
    expect(quotaForStake(0n, 5, TIERS)).toBe(5);
    expect(quotaForStake(parseEther("1000"), 5, TIERS)).toBe(20);
    expect(quotaForStake(parseEther("9999"), 5, TIERS)).toBe(20);
    expect(quotaForStake(parseEther("10000"), 5, TIERS)).toBe(100);
  });

  it("names what more stake buys", () => {
    expect(nextTier(parseEther("500"), TIERS)).toEqual({ more: parseEther("500"), quota: 20 });
    expect(nextTier(parseEther("1000"), TIERS)).toEqual({ more: parseEther("9000"), quota: 100 });
    expect(nextTier(parseEther("20000"), TIERS)).toBeUndefined();
  });
});

/** A query client holding the chain reads the page needs (the test chain at 127.0.0.1:9 does not answer). */
function seeded(left: bigint, staked = parseEther("500")) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData([CHAIN_QUERY, "quota", ACCOUNT], { baseQuota: 5, tiers: TIERS, quota: 5n, left });
  client.setQueryData([CHAIN_QUERY, "balances", ACCOUNT], {
    balance: parseEther("500"),
    stake: { staked, pendingUnstake: 0n, unlockAt: 0n },
    unlocked: 0n,
    votes: 0n,
    delegate: ACCOUNT,
    cooldown: 0n,
  });
  return client;
}

async function renderSubmit(left: bigint) {
  const runtime = runtimeConfig();
  const wagmi = wagmiConfigFor(runtime, runtime.chainId);
  await connect(wagmi, { connector: wagmi.connectors[0] });
  renderWithProviders(<SubmitPage />, runtime, wagmi, seeded(left));
  return { runtime, button: () => screen.getByRole("button", { name: "Upload and submit" }) as HTMLButtonElement };
}

describe("SubmitPage checks", () => {
  it("keeps a paste over the limit whole, counts it and refuses to submit it", async () => {
    const { button } = await renderSubmit(5n);
    const big = "x".repeat(2_000_000);
    fireEvent.input(await screen.findByLabelText("Content"), { target: { value: big } });
    expect((screen.getByLabelText("Content") as HTMLTextAreaElement).value.length).toBe(2_000_000);
    expect(screen.getByTestId("content-size").textContent).toMatch(/^2,000,000 characters: [\d,]+ bytes over the node's limit of 16,384 bytes/);
    expect(button().disabled).toBe(true);
    fireEvent.input(screen.getByLabelText("Content"), { target: { value: "short and fine" } });
    await waitFor(() => expect(button().disabled).toBe(false));
    expect(screen.getByTestId("content-size").textContent).toMatch(/^14 characters · /);
    // Two megabytes through the page's checks: a bound for a loaded machine (it ran 8 s at load 20), not a timing assertion.
  }, 60_000);

  it("warns before the same text goes in twice and asks to confirm", async () => {
    rememberSubmission(31337, ACCOUNT, "The Rhine is 1,230 km long.", 3n);
    const { button } = await renderSubmit(5n);
    fireEvent.input(await screen.findByLabelText("Content"), { target: { value: "the rhine is 1,230 km long. " } });
    expect(screen.getByTestId("duplicate-warning").textContent).toMatch(/already submitted this text as #3/);
    expect(button().disabled).toBe(true);
    fireEvent.click(screen.getByLabelText(/Submit it again anyway/));
    expect(button().disabled).toBe(false);
  });

  it("disables Submit at 0 quota left with the reason and what stake buys", async () => {
    const { button } = await renderSubmit(0n);
    fireEvent.input(await screen.findByLabelText("Content"), { target: { value: "Something new" } });
    const reason = await screen.findByTestId("no-quota");
    expect(reason.textContent).toMatch(/used all 5 submissions of this epoch/);
    expect(reason.textContent).toMatch(/Stake 500 more CKEY for 20 submissions per epoch/);
    expect(button().disabled).toBe(true);
  });
});
