/**
 * Bonded challenges as the dApp shows them (docs/CONTRACTS.md, "Challenges"): reason codes, the reason
 * hash the contract commits, each phase's end, what an epoch's claims wait for, and the outcome in words.
 * Pure functions: the components read the chain and the indexer and pass the figures in.
 */
import { keccak256, stringToBytes } from "viem";
import { formatTimestamp, formatTokens } from "./format";

/** `IChallenges.Reason`, in order: the value is the index. */
export const REASONS = [
  { code: 0, name: "duplicate", label: "Duplicate of an earlier submission", help: "Name the earlier submission (#id) it copies." },
  { code: 1, name: "injection", label: "Prompt injection", help: "It tries to instruct the scorer instead of informing." },
  { code: 2, name: "decoration", label: "Decoration / padding", help: "Filler or repetition dressed up to score higher." },
  { code: 3, name: "spam", label: "Spam", help: "Advertising, nonsense or mass-produced text." },
  { code: 4, name: "off-topic", label: "Off-topic", help: "Not information for its category." },
  { code: 5, name: "other", label: "Other", help: "Say why in the reason text." },
] as const;
export const DUPLICATE = 0;

/** The reason text's limit in the app (the nodes store it; the chain commits only its hash). */
export const MAX_REASON_CHARS = 500;

/** `IChallenges.Status` by number. */
export const STATUSES = ["none", "open", "verdict", "escalated", "upheld", "rejected", "dismissed"] as const;
export type ChallengeStatus = (typeof STATUSES)[number];
export const ACTIVE_STATUSES: readonly ChallengeStatus[] = ["open", "verdict", "escalated"];

export interface ChallengeParams {
  window: bigint;
  verdictTimeout: bigint;
  escalationWindow: bigint;
  escalationTimeout: bigint;
  bond: bigint;
  rewardBps: number;
  rejectedAuthorBps: number;
}

/** `reasonHash` as `Challenges.open` commits it: keccak256 of the text's UTF-8 bytes (trimmed first, as the app sends it). */
export function reasonHash(text: string): `0x${string}` {
  return keccak256(stringToBytes(text.trim()));
}

export interface ChallengeDraft {
  submissionId: bigint;
  reason: number;
  duplicateOf: string;
  text: string;
}

/** What is wrong with a draft before anything is sent, or undefined. */
export function draftProblem(draft: ChallengeDraft): string | undefined {
  if (!REASONS.some((r) => r.code === draft.reason)) return "Pick a reason.";
  const text = draft.text.trim();
  if (text.length === 0) return "Say in a few words why the score is wrong.";
  if (text.length > MAX_REASON_CHARS) return `Keep the reason under ${MAX_REASON_CHARS} characters.`;
  if (draft.reason === DUPLICATE) {
    const raw = draft.duplicateOf.trim().replace(/^#/, "");
    if (!/^\d{1,20}$/.test(raw) || BigInt(raw) === 0n) return "Name the earlier submission it duplicates, as #id.";
    if (BigInt(raw) >= draft.submissionId) return `A duplicate copies an earlier submission: #${raw} is not before #${draft.submissionId}.`;
  }
  return undefined;
}

/** `duplicateOf` as `open` takes it: the earlier id for a duplicate, 0 otherwise. */
export function duplicateOfArg(draft: ChallengeDraft): bigint {
  return draft.reason === DUPLICATE ? BigInt(draft.duplicateOf.trim().replace(/^#/, "")) : 0n;
}

/** Whether reason `code` was rejected for the item before (`rejectedGrounds` bit mask): it cannot be raised again. */
export function groundsRejected(mask: bigint, code: number): boolean {
  return ((mask >> BigInt(code)) & 1n) === 1n;
}

/** The at-risk sentence for a challenger before opening. */
export function atRisk(params: ChallengeParams): string {
  const authorShare = formatPercent(params.rejectedAuthorBps);
  return (
    `You lock ${formatTokens(params.bond)} CKEY. Upheld: it comes back with a reward of ${formatPercent(params.rewardBps)} of the points' share of the epoch budget. ` +
    `Rejected: you lose it (${authorShare} to the author, the rest to the treasury). No verdict in time: it comes back in full. ` +
    `Escalating a verdict costs ${formatTokens(params.bond * 2n)} CKEY more.`
  );
}

function formatPercent(bps: number): string {
  return `${(bps / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })} %`;
}

export interface TimelineStep {
  label: string;
  at: bigint;
}

/** A would-be challenge's timeline from now: when the window closes, the verdict is due, escalation ends, governance must decide. */
export function openingTimeline(params: ChallengeParams, now: bigint, lastScoredAt: bigint): TimelineStep[] {
  const verdictBy = now + params.verdictTimeout;
  return [
    { label: "Challenge window closes", at: lastScoredAt + params.window },
    { label: "The operators' verdict is due by", at: verdictBy },
    { label: "Escalation possible until at most", at: verdictBy + params.escalationWindow },
    { label: "Governance decides an escalation by at most", at: verdictBy + params.escalationWindow + params.escalationTimeout },
  ];
}

/** What the indexer stores per challenge (docs/INDEXER.md), bigints as decimal strings. */
export interface IndexedChallenge {
  id: string;
  submissionId: string;
  challenger: string;
  author: string;
  epoch: number;
  points: string;
  reason: number;
  reasonName: string;
  duplicateOf: string | null;
  reasonHash: string;
  bond: string;
  status: ChallengeStatus;
  deadline: string;
  openedAt: string;
  answerHash: string | null;
  verdictUpheld: boolean | null;
  verdictAt: string | null;
  escalatedBy: string | null;
  escalationBond: string | null;
  decidedUpheld: boolean | null;
  resolvedAt: string | null;
  toChallenger: string | null;
  toAuthor: string | null;
  toTreasury: string | null;
  reward: string | null;
  pointsRemoved: string | null;
  title?: string | null;
}

/**
 * The latest time a challenge can still be in progress, from its status and current deadline: the
 * remaining phases at their longest (a verdict by the deadline, then escalation and a decision).
 */
export function latestEnd(status: ChallengeStatus, deadline: bigint, params: Pick<ChallengeParams, "escalationWindow" | "escalationTimeout">): bigint {
  if (status === "open") return deadline + params.escalationWindow + params.escalationTimeout;
  if (status === "verdict") return deadline + params.escalationTimeout;
  return deadline;
}

export interface EpochGate {
  epoch: number;
  /** `Challenges.claimableAt(epoch)`: 0 while a challenge on it is open. */
  claimableAt: bigint;
  /** `Challenges.openChallenges(epoch)`. */
  openCount: bigint;
  /** Every epoch below `finalizedEpochs()` is final. */
  final: boolean;
}

/** "Claimable from …" and why, for one epoch. `holding`: the open challenges on it the app knows of. */
export function describeGate(
  gate: EpochGate,
  now: bigint,
  holding: { id: string; status: ChallengeStatus; deadline: bigint }[],
  params: Pick<ChallengeParams, "escalationWindow" | "escalationTimeout"> | undefined,
): string {
  if (gate.final) return `Epoch ${gate.epoch}: final, claimable.`;
  if (gate.openCount > 0n) {
    const ids = holding.map((c) => `#${c.id}`).join(", ");
    const count = `${gate.openCount} open challenge${gate.openCount === 1n ? "" : "s"}${ids ? ` (${ids})` : ""}`;
    const bound =
      params && holding.length > 0
        ? holding.reduce((m, c) => {
            const end = latestEnd(c.status, c.deadline, params);
            return end > m ? end : m;
          }, 0n)
        : undefined;
    return `Epoch ${gate.epoch}: held by ${count}; claimable once resolved${bound ? `, at the latest from ${formatTimestamp(bound)}` : ""}.`;
  }
  if (gate.claimableAt <= now) return `Epoch ${gate.epoch}: claimable (its challenge window has closed).`;
  return `Epoch ${gate.epoch}: claimable from ${formatTimestamp(gate.claimableAt)}, when the epoch has ended and its challenge window has closed.`;
}

/** The outcome and who was paid, in words. */
export function describeOutcome(c: IndexedChallenge): string {
  const paid = (label: string, value: string | null) => (value !== null && BigInt(value) > 0n ? `${label} ${formatTokens(BigInt(value))} CKEY` : undefined);
  const payouts = [paid("challenger", c.toChallenger), paid("author", c.toAuthor), paid("treasury", c.toTreasury)].filter(Boolean).join(", ");
  const by = c.decidedUpheld !== null ? " by governance" : c.escalatedBy !== null ? " (escalation timed out)" : "";
  switch (c.status) {
    case "upheld":
      return `Upheld${by}: ${c.pointsRemoved ?? c.points} points removed; reward ${formatTokens(BigInt(c.reward ?? "0"))} CKEY. Paid: ${payouts || "nothing"}.`;
    case "rejected":
      return `Rejected${by}: the score stands. Paid: ${payouts || "nothing"}.`;
    case "dismissed":
      return `Dismissed: no verdict in time, the score stands and the bond went back. Paid: ${payouts || "nothing"}.`;
    case "escalated":
      return `Escalated to governance (verdict was ${c.verdictUpheld ? "upheld" : "rejected"}); decision due by ${formatTimestamp(BigInt(c.deadline))}.`;
    case "verdict":
      return `Verdict: ${c.verdictUpheld ? "upheld" : "rejected"}; the other side may escalate until ${formatTimestamp(BigInt(c.deadline))}.`;
    default:
      return `Open: the operators' verdict is due by ${formatTimestamp(BigInt(c.deadline))}.`;
  }
}

/** Who may escalate a verdict: the author of an upheld one, the challenger of a rejected one. */
export function escalator(c: Pick<IndexedChallenge, "verdictUpheld" | "author" | "challenger">): string {
  return c.verdictUpheld ? c.author : c.challenger;
}

export interface SendTextOptions {
  /** How long to keep asking a node that has not seen the challenge yet (404). Default 120 s. */
  patienceMs?: number;
  /** Between two tries at such a node. Default 3 s. */
  retryMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Sends the challenger's reason text (or an author's answer) to the nodes, best effort: the chain holds
 * only its hash, each node checks the text against it. A node follows the chain after its confirmations,
 * so right after the transaction it may not know the challenge yet and answers 404: such a node is asked
 * again every `retryMs` for `patienceMs`; any other answer is final (409: not the committed text).
 * Resolves to the nodes that accepted it; never throws.
 */
export async function sendChallengeText(
  nodeUrls: readonly string[],
  challengeId: bigint,
  kind: "reason" | "answer",
  text: string,
  fetchImpl: typeof fetch = (...args) => fetch(...args),
  options: SendTextOptions = {},
): Promise<string[]> {
  const patienceMs = options.patienceMs ?? 120_000;
  const retryMs = options.retryMs ?? 3_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const accepted = await Promise.all(
    nodeUrls.map(async (url) => {
      const giveUpAt = Date.now() + patienceMs;
      for (;;) {
        try {
          const response = await fetchImpl(`${url}/v1/challenges/${challengeId}/${kind}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ text: text.trim() }),
          });
          if (response.ok) return url;
          if (response.status !== 404 || Date.now() + retryMs > giveUpAt) return undefined;
        } catch {
          return undefined;
        }
        await sleep(retryMs);
      }
    }),
  );
  return accepted.filter((url): url is string => url !== undefined);
}

/** Custom errors of Challenges in words (merged into lib/errors.ts). */
export const CHALLENGE_ERROR_DESCRIPTIONS: Record<string, (args: readonly unknown[]) => string> = {
  ChallengesNotScored: ([id]) => `Submission ${id} is not scored yet: only a score can be challenged.`,
  ChallengesEpochOutOfRange: ([, epoch, first, last]) => `Epoch ${epoch} is not the item's credit epoch (between ${first} and ${last}).`,
  ChallengesWindowClosed: ([epoch, closedAt]) => `The challenge window of epoch ${epoch} closed at ${formatTimestamp(BigInt(closedAt as bigint))}.`,
  ChallengesEpochFinal: ([epoch]) => `Epoch ${epoch} is final: its scores can no longer be challenged.`,
  ChallengesInvalidPoints: ([points, max]) => `${points} points is not a valid credit (1 to ${max}).`,
  ChallengesOwnItem: () => "You cannot challenge your own submission.",
  ChallengesItemHasOpenChallenge: ([id, challengeId]) => `Submission ${id} already has an open challenge (#${challengeId}).`,
  ChallengesGroundsRejected: ([id, reason]) =>
    `A challenge of submission ${id} for ${REASONS[Number(reason)]?.label.toLowerCase() ?? "this reason"} was already rejected: pick another reason.`,
  ChallengesInvalidDuplicateOf: ([id, of]) => `#${of} cannot be what submission ${id} duplicates: name an earlier submission.`,
  ChallengesUnknownChallenge: ([id]) => `There is no challenge #${id}.`,
  ChallengesWrongStatus: ([id, status]) => `Challenge #${id} is ${STATUSES[Number(status)] ?? "in another state"}: this action is not possible now.`,
  ChallengesNotAuthor: ([id]) => `Only the author of the challenged submission can answer challenge #${id}.`,
  ChallengesNotEscalator: ([id]) => `Only the side the verdict went against can escalate challenge #${id}.`,
  ChallengesEscalationClosed: ([id, closedAt]) => `The escalation window of challenge #${id} closed at ${formatTimestamp(BigInt(closedAt as bigint))}.`,
  ChallengesNotFinalizable: ([id, at]) => `Challenge #${id} can be finalized from ${formatTimestamp(BigInt(at as bigint))}.`,
  ChallengesEpochNotFinal: ([epoch, claimableAt]) =>
    BigInt(claimableAt as bigint) === 0n
      ? `Epoch ${epoch} is held by an open challenge: its tokens become claimable once it is resolved.`
      : `Epoch ${epoch} is not final yet: claimable from ${formatTimestamp(BigInt(claimableAt as bigint))}.`,
  ChallengesEpochHasOpenChallenges: ([epoch, count]) =>
    `Epoch ${epoch} is held by ${count} open challenge${BigInt(count as bigint) === 1n ? "" : "s"}: its tokens become claimable once they are resolved.`,
};
