import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { EpochGate } from "../src/lib/challenges";
import { type GateView, claimNow, claimStateThrough, claimThrough, earningNote, gateMark, thisEpochNote } from "../src/lib/claimStatus";
import { formatTimestamp } from "../src/lib/format";
import { Earnings } from "../src/pages/RewardsPage";
import { renderWithProviders, runtimeConfig } from "./render";

const NOW = 100_000n;
const EPOCH = { current: 5, closesAt: 108_000n };

/** Epochs 3..5 unfinal (mark 3); `over` replaces some of their gates. */
function view(over: Partial<Record<number, Partial<EpochGate>>> = {}, holding: [number, string[]][] = []): GateView {
  const gates = new Map<number, EpochGate>();
  for (const epoch of [3, 4, 5]) gates.set(epoch, { epoch, claimableAt: epoch === 5 ? 108_000n : 90_000n, openCount: 0n, final: false, ...over[epoch] });
  return { mark: 3, gates, holding: new Map(holding), now: NOW, current: 5 };
}

const ONE = 10n ** 18n;

describe("the claim gate on the Rewards page", () => {
  it("(a) an epoch still in its challenge window: claimable from claimableAt, never from its end", () => {
    const v = view({ 4: { claimableAt: 104_000n } });
    expect(claimStateThrough(4, v)).toEqual({ kind: "waiting", epoch: 4, at: 104_000n });
    expect(earningNote({ epoch: 4, closed: true }, EPOCH, v, 4)).toBe(` · claimable from ${formatTimestamp(104_000n)}, when epoch 4's challenge window closes`);
    expect(claimNow(2n * ONE, 4, v)).toEqual({
      tokens: 0n,
      note: `2 CKEY from closed epochs, claimable from ${formatTimestamp(104_000n)}, when epoch 4's challenge window closes.`,
    });
    // The open epoch: its end is only the earliest (a later batch moves its window).
    expect(thisEpochNote(EPOCH, v)).toBe(`Claimable from ${formatTimestamp(108_000n)} at the earliest, once epoch 5 has ended and its challenge window has closed.`);
    expect(earningNote({ epoch: 5, closed: false }, EPOCH, v, 4)).toBe(
      ` · estimate; claimable from ${formatTimestamp(108_000n)} at the earliest, once epoch 5 has ended and its challenge window has closed`,
    );
  });

  it("(b) an epoch held by an open challenge holds it and every later epoch's tokens, with the challenge's id", () => {
    const v = view({ 3: { claimableAt: 0n, openCount: 1n } }, [[3, ["7"]]]);
    const held = "held by 1 open challenge (#7) on epoch 3; claimable once resolved";
    expect(earningNote({ epoch: 3, closed: true }, EPOCH, v, 4)).toBe(` · ${held}`);
    expect(earningNote({ epoch: 4, closed: true }, EPOCH, v, 4)).toBe(` · ${held}`);
    expect(claimNow(2n * ONE, 4, v)).toEqual({ tokens: 0n, note: `2 CKEY from closed epochs, ${held}.` });
    expect(thisEpochNote(EPOCH, v)).toBe("Held by 1 open challenge (#7) on epoch 3; claimable once resolved.");
    // Without the indexer the count alone.
    expect(earningNote({ epoch: 3, closed: true }, EPOCH, view({ 3: { claimableAt: 0n, openCount: 2n } }), 3)).toBe(
      " · held by 2 open challenges on epoch 3; claimable once resolved",
    );
  });

  it("(c) final epochs, and epochs whose window has closed: the whole amount is claimable now", () => {
    const v = view();
    expect(earningNote({ epoch: 2, closed: true }, EPOCH, v, 4)).toBe(" · final, claims open");
    expect(earningNote({ epoch: 4, closed: true }, EPOCH, v, 4)).toBe(" · claims open");
    expect(claimNow(2n * ONE, 4, v)).toEqual({ tokens: 2n * ONE, note: "Tokens from final epochs: each epoch's budget shared by points." });
    expect(claimNow(2n * ONE, 2, v).tokens).toBe(2n * ONE);
  });

  it("counts the newest epoch a claim pays from, as Rewards.claim does", () => {
    expect(claimThrough({ lastEpoch: 4, lastEpochPoints: 10n, settledTokens: 0n }, 5)).toBe(4);
    expect(claimThrough({ lastEpoch: 5, lastEpochPoints: 10n, settledTokens: 0n }, 5)).toBeUndefined();
    expect(claimThrough({ lastEpoch: 5, lastEpochPoints: 10n, settledTokens: 1n }, 5)).toBe(4);
    expect(claimThrough({ lastEpoch: 4, lastEpochPoints: 0n, settledTokens: 1n }, 5)).toBe(4);
  });

  it("a closed epoch's own window is past but a later held one still holds its tokens in the claim", () => {
    const v = view({ 4: { claimableAt: 0n, openCount: 1n } }, [[4, ["9"]]]);
    expect(earningNote({ epoch: 3, closed: true }, EPOCH, v, 4)).toBe(" · held by 1 open challenge (#9) on epoch 4; claimable once resolved");
  });

  it("says nothing of a time while the gate is unread, and keeps the old texts without a Challenges contract", () => {
    expect(earningNote({ epoch: 4, closed: true }, EPOCH, undefined, 4)).toBe("");
    expect(claimNow(2n * ONE, 4, undefined).tokens).toBeUndefined();
    expect(thisEpochNote(EPOCH, undefined)).toBeUndefined();
    expect(earningNote({ epoch: 4, closed: true }, EPOCH, null, 4)).toBe(" · claimable");
    expect(thisEpochNote(EPOCH, null)).toBe(`Claimable from ${formatTimestamp(108_000n)}, when epoch 5 closes.`);
  });

  it("starts from the chain's mark, or past older epochs only when a claim through them passes the gate", () => {
    expect(gateMark(40, 9, undefined)).toBe(40);
    expect(gateMark(3, 9, true)).toBe(9);
    expect(gateMark(3, 9, false)).toBeUndefined();
    expect(gateMark(3, 9, undefined)).toBeUndefined();
  });

  it("renders the earnings per epoch with each epoch's gate", () => {
    const v = view({ 3: { claimableAt: 0n, openCount: 1n } }, [[3, ["7"]]]);
    const row = (epoch: number) => ({ epoch, points: 10n, totalPoints: 20n, budget: 4n * ONE, tokens: 2n * ONE, closed: epoch < 5 });
    renderWithProviders(
      <Earnings earnings={[row(5), row(2)]} epoch={{ ...EPOCH, genesis: 0n, length: 18_000n, budget: 4n * ONE }} view={v} through={3} />,
      runtimeConfig(),
    );
    const items = screen.getByTestId("earnings").querySelectorAll("li");
    expect(items[0].textContent).toBe("Epoch 5: 2 CKEY for 10 of 20 points · estimate; held by 1 open challenge (#7) on epoch 3; claimable once resolved");
    expect(items[1].textContent).toBe("Epoch 2: 2 CKEY for 10 of 20 points · final, claims open");
  });
});
