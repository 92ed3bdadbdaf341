/**
 * What a claim can pay now and when the rest opens, in words (docs/CONTRACTS.md, "The claim gate").
 * `Rewards.claim` finalizes every epoch from `Challenges.finalizedEpochs()` up to the newest one it pays
 * from, oldest first, and reverts unless all of them are final: so an epoch's tokens are claimable only
 * once it and every epoch before it (down to the mark) has ended, has its challenge window closed and has
 * no open challenge. `Rewards.claimable(account)` is the amount owed, whether or not that holds yet.
 * Pure functions: the page reads the chain and the indexer and passes the figures in.
 */
import type { EpochGate } from "./challenges";
import type { EpochState } from "../hooks/useChain";
import { formatTimestamp, formatTokens } from "./format";

export interface GateView {
  /** `Challenges.finalizedEpochs()`: every epoch below it is final. */
  mark: number;
  /** The gate of each epoch from the mark up, by epoch. */
  gates: ReadonlyMap<number, EpochGate>;
  /** Open challenges' ids by epoch, as far as the indexer knows them. */
  holding: ReadonlyMap<number, readonly string[]>;
  /** The chain's time, seconds. */
  now: bigint;
  /** The current epoch: its last batch (and so its window) may still move. */
  current: number;
}

export type ClaimState =
  { kind: "final" } | { kind: "open" } | { kind: "held"; epoch: number; count: bigint; ids: readonly string[] } | { kind: "waiting"; epoch: number; at: bigint };

/**
 * Whether a claim paying through `epoch` passes the gate now, and if not the first epoch that holds it
 * (an open challenge) or the latest `claimableAt` it waits for. Undefined while a needed gate is unread.
 */
export function claimStateThrough(epoch: number, view: GateView): ClaimState | undefined {
  if (epoch < view.mark) return { kind: "final" };
  let waiting: { epoch: number; at: bigint } | undefined;
  for (let e = view.mark; e <= epoch; e += 1) {
    const gate = view.gates.get(e);
    if (gate === undefined) return undefined;
    if (gate.final) continue;
    if (gate.openCount > 0n) return { kind: "held", epoch: e, count: gate.openCount, ids: view.holding.get(e) ?? [] };
    if (gate.claimableAt > view.now && (waiting === undefined || gate.claimableAt >= waiting.at)) waiting = { epoch: e, at: gate.claimableAt };
  }
  return waiting ? { kind: "waiting", ...waiting } : { kind: "open" };
}

/** The state as a phrase: "claims open", "claimable from … when …", "held by … open challenge …". */
export function describeClaimState(state: ClaimState, current: number): string {
  switch (state.kind) {
    case "final":
      return "final, claims open";
    case "open":
      return "claims open";
    case "held": {
      const ids = state.ids.length > 0 ? ` (${state.ids.map((id) => `#${id}`).join(", ")})` : "";
      return `held by ${state.count} open challenge${state.count === 1n ? "" : "s"}${ids} on epoch ${state.epoch}; claimable once resolved`;
    }
    case "waiting":
      return state.epoch >= current
        ? `claimable from ${formatTimestamp(state.at)} at the earliest, once epoch ${state.epoch} has ended and its challenge window has closed`
        : `claimable from ${formatTimestamp(state.at)}, when epoch ${state.epoch}'s challenge window closes`;
  }
}

/**
 * The newest epoch a claim now would pay from (`Rewards.claim`: the account's last epoch if it has closed,
 * else the one before), or undefined when nothing is owed.
 */
export function claimThrough(account: { lastEpoch: number; lastEpochPoints: bigint; settledTokens: bigint }, current: number): number | undefined {
  const lastClosed = account.lastEpoch !== current;
  if (account.settledTokens === 0n && !(lastClosed && account.lastEpochPoints > 0n)) return undefined;
  return lastClosed ? account.lastEpoch : account.lastEpoch - 1;
}

/**
 * When an epoch's tokens are claimable: a claim pays them together with everything else owed, through
 * the newest epoch it pays from (`through`), so that epoch's gate counts too.
 */
function earningState(epochNumber: number, through: number | undefined, view: GateView): ClaimState | undefined {
  if (epochNumber < view.mark) return { kind: "final" };
  return claimStateThrough(Math.max(epochNumber, through ?? epochNumber), view);
}

/** The note after an epoch's figures: an estimate while it is open, and when its tokens are claimable. */
export function earningNote(
  e: { epoch: number; closed: boolean },
  epoch: Pick<EpochState, "closesAt"> | undefined,
  view: GateView | null | undefined,
  through: number | undefined,
): string {
  if (view === null) return e.closed ? " · claimable" : epoch ? ` · estimate; claimable from ${formatTimestamp(epoch.closesAt)}` : "";
  const state = view && earningState(e.epoch, through, view);
  if (!view || !state) return e.closed ? "" : " · estimate";
  return `${e.epoch >= view.current ? " · estimate;" : " ·"} ${describeClaimState(state, view.current)}`;
}

/**
 * What a claim pays now (`Rewards.claimable` once every epoch it pays from is final, else nothing: the
 * claim reverts) and, when the gate holds it, what it waits for. `tokens` undefined while loading.
 */
export function claimNow(claimable: bigint | undefined, through: number | undefined, view: GateView | null | undefined): { tokens: bigint | undefined; note: string } {
  const plain = "Tokens from closed epochs: each epoch's budget shared by points.";
  if (view === null) return { tokens: claimable, note: plain };
  if (claimable === undefined || claimable === 0n || through === undefined) return { tokens: claimable, note: plain };
  const state = view ? claimStateThrough(through, view) : undefined;
  if (!view || !state) return { tokens: undefined, note: plain };
  if (state.kind === "final" || state.kind === "open") return { tokens: claimable, note: "Tokens from final epochs: each epoch's budget shared by points." };
  return { tokens: 0n, note: `${formatTokens(claimable)} CKEY from closed epochs, ${describeClaimState(state, view.current)}.` };
}

/** When this epoch's share becomes claimable, as a sentence. */
export function thisEpochNote(epoch: Pick<EpochState, "closesAt" | "current">, view: GateView | null | undefined): string | undefined {
  if (view === null) return `Claimable from ${formatTimestamp(epoch.closesAt)}, when epoch ${epoch.current} closes.`;
  const state = view && claimStateThrough(epoch.current, view);
  if (!state) return undefined;
  const phrase = describeClaimState(state, epoch.current);
  return `${phrase[0].toUpperCase()}${phrase.slice(1)}.`;
}

/**
 * The mark the page's gate starts from, when it reads the gates from `oldestRead` up only: the chain's
 * mark, or `oldestRead` when the epochs between pass the gate now (`olderPass`: a call of
 * `finalizeEpochs(oldestRead - 1)` did not revert), else undefined (the texts stay unsaid).
 */
export function gateMark(mark: number, oldestRead: number, olderPass: boolean | undefined): number | undefined {
  if (mark >= oldestRead) return mark;
  return olderPass === true ? oldestRead : undefined;
}
