/**
 * What the bot tells users, as plain text (no parse mode: nothing in a message is markup) with one
 * button that opens the Mini App where the message points. docs/USERS.md quotes these texts.
 */
import { formatUnits } from "ethers";
import type { NewTelegramNotice } from "../store";

export interface ScoredEvent {
  submissionId: bigint;
  score: number;
  points: number;
  /** The landed batch that scored it. */
  batchNonce: bigint;
}

export interface ClaimableEvent {
  account: string;
  /** The epoch whose points became claimable. */
  epoch: bigint;
  /** Everything the account can claim now, in token units (18 decimals). */
  claimable: bigint;
}

/** The Mini App at `route` (the dApp's hash routes, e.g. `/rewards`). */
export function miniAppLink(miniAppUrl: string, route: string): string {
  const url = new URL(miniAppUrl);
  url.hash = route;
  return url.toString();
}

export function scoredNotice(userId: number, event: ScoredEvent, miniAppUrl: string): NewTelegramNotice {
  const id = event.submissionId.toString();
  const earned = event.points > 0 ? `it earned ${event.points.toLocaleString("en-US")} points.` : "it earned no points this time.";
  return {
    key: `scored:${id}`,
    kind: "scored",
    userId,
    body: `Your submission #${id} was scored ${event.score}/100: ${earned}\nOpen it to see why.`,
    button: { text: "See the score", url: miniAppLink(miniAppUrl, `/submissions/${id}`) },
  };
}

export interface ChallengedEvent {
  challengeId: bigint;
  submissionId: bigint;
  /** `IChallenges.Reason`: 0 duplicate, 1 injection, 2 decoration, 3 spam, 4 off-topic, 5 other. */
  reason: number;
  /** The earlier submission, for a duplicate. */
  duplicateOf: bigint;
}

const REASONS = ["a duplicate", "a prompt injection", "decoration without substance", "spam", "off-topic", "another reason"];

export function challengedNotice(userId: number, event: ChallengedEvent, miniAppUrl: string): NewTelegramNotice {
  const id = event.submissionId.toString();
  const why = event.reason === 0 ? `a duplicate of #${event.duplicateOf}` : (REASONS[event.reason] ?? "another reason");
  return {
    key: `challenged:${event.challengeId}`,
    kind: "challenged",
    userId,
    body: `Your submission #${id} was challenged as ${why}. The operators will re-evaluate it; its points wait until the challenge is settled.\nYou can answer it in the app.`,
    button: { text: "See the challenge", url: miniAppLink(miniAppUrl, `/submissions/${id}`) },
  };
}

export function claimableNotice(userId: number, event: ClaimableEvent, miniAppUrl: string): NewTelegramNotice {
  return {
    key: `claimable:${event.epoch}:${event.account.toLowerCase()}`,
    kind: "claimable",
    userId,
    body: `Epoch ${event.epoch} has ended and your rewards can be claimed: ${tokenAmount(event.claimable)} CKEY in all.\nClaim them to your wallet or to any address; the relayer can pay the gas.`,
    button: { text: "Claim rewards", url: miniAppLink(miniAppUrl, "/rewards") },
  };
}

/** The answer to /start: what the bot does, whether this Telegram account is tied to a wallet here. */
export function welcomeText(account: string | undefined): string {
  const intro =
    "CashKey rewards useful information with points and CKEY tokens. Open the app to submit; I will tell you here when your submissions are scored and when your rewards can be claimed.";
  if (account === undefined) {
    return `${intro}\n\nNo wallet is tied to this Telegram account yet: your first submission from the app ties it, and the messages start.`;
  }
  return `${intro}\n\nMessages go to the wallet this Telegram account uses: ${account.slice(0, 6)}…${account.slice(-4)}.`;
}

export const OPEN_APP_BUTTON = "Open CashKey";

/** 18-decimal token units as a short decimal: 12.5, 1, 0.000001. */
export function tokenAmount(units: bigint): string {
  const text = formatUnits(units, 18);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}
