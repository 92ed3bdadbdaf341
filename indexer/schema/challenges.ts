/**
 * Bonded challenges of scores (docs/CONTRACTS.md, "Challenges"): one row per challenge, rebuilt from the
 * Challenges contract's events (and Rewards' `PointsRemoved` for what an upheld one took away).
 * Re-exported by ponder.schema.ts.
 */
import { index, onchainTable } from "ponder";

/** `IChallenges.Status` by number, as the API names it. */
export const CHALLENGE_STATUSES = ["none", "open", "verdict", "escalated", "upheld", "rejected", "dismissed"] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];
/** `IChallenges.Reason` by number, as the API names it. */
export const CHALLENGE_REASON_NAMES = ["duplicate", "injection", "decoration", "spam", "off-topic", "other"] as const;

export const challenge = onchainTable(
  "challenge",
  (t) => ({
    id: t.bigint().primaryKey(),
    submissionId: t.bigint().notNull(),
    challenger: t.hex().notNull(),
    author: t.hex().notNull(),
    /** The credit the challenger stated (the item's `Scored` epoch and points); the verdict signs them. */
    epoch: t.integer().notNull(),
    points: t.bigint().notNull(),
    /** `IChallenges.Reason` (0..5) and its name. */
    reason: t.integer().notNull(),
    reasonName: t.text().notNull(),
    /** The earlier submission a `duplicate` challenge names; null otherwise. */
    duplicateOf: t.bigint(),
    /** keccak256 of the challenger's UTF-8 reason text (the text itself is served by the nodes). */
    reasonHash: t.hex().notNull(),
    bond: t.bigint().notNull(),
    /** open, verdict, escalated, then upheld, rejected or dismissed. */
    status: t.text().notNull(),
    /** The current phase's end (verdict, escalation or decision), as the contract stores it. */
    deadline: t.bigint().notNull(),
    openedAt: t.bigint().notNull(),
    openTx: t.hex().notNull(),
    answerHash: t.hex(),
    answeredAt: t.bigint(),
    /** The quorum's first-round verdict. */
    verdictUpheld: t.boolean(),
    verdictEvaluator: t.hex(),
    verdictRationaleRoot: t.hex(),
    verdictAt: t.bigint(),
    verdictTx: t.hex(),
    /** The verdict's co-signers, recovered from a direct `postVerdict` call (empty when relayed through another contract). */
    verdictSigners: t.json().$type<string[]>(),
    escalatedBy: t.hex(),
    escalationBond: t.bigint(),
    escalatedAt: t.bigint(),
    /** The Governor's decision through the Timelock (`decide`). */
    decidedUpheld: t.boolean(),
    decidedAt: t.bigint(),
    /** The outcome's payouts (`ChallengeResolved`) and, when upheld, the points Rewards removed. */
    resolvedAt: t.bigint(),
    resolveTx: t.hex(),
    toChallenger: t.bigint(),
    toAuthor: t.bigint(),
    toTreasury: t.bigint(),
    reward: t.bigint(),
    pointsRemoved: t.bigint(),
  }),
  (t) => ({
    statusIdx: index().on(t.status, t.id),
    challengerIdx: index().on(t.challenger, t.id),
    authorIdx: index().on(t.author, t.id),
    submissionIdx: index().on(t.submissionId, t.id),
  }),
);
