/**
 * The indexer's tables. One row per thing a page lists; every row is rebuilt from chain events (and, for
 * a submission's text, from the operator nodes, checked against the on-chain content hash).
 */
import { customType } from "drizzle-orm/pg-core";
import { index, onchainTable, primaryKey, sql } from "ponder";

/**
 * The words a submission is found by: `to_tsvector('english', coalesce(title, '') || ' ' || text)`,
 * computed by the database once when its text is stored (indexer/lib/rows.ts), in a `tsvector` column:
 * matching and ranking read it as it is, with no text to parse per row (a vector kept as text cost
 * tens of microseconds a row to cast back, which a million rows made seconds). The GIN index and the
 * search query use this column.
 */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
export const SEARCH_DOCUMENT = "search_vector";

/** Rewards' fixed clock (read once at the start block): epoch = (timestamp - genesis) / epochLength. */
export const rewardsClock = onchainTable("rewards_clock", (t) => ({
  id: t.integer().primaryKey(),
  genesis: t.bigint().notNull(),
  epochLength: t.bigint().notNull(),
}));

export const submission = onchainTable(
  "submission",
  (t) => ({
    id: t.bigint().primaryKey(),
    author: t.hex().notNull(),
    contentHash: t.hex().notNull(),
    category: t.integer().notNull(),
    submittedAt: t.bigint().notNull(),
    submittedEpoch: t.integer().notNull(),
    submitTx: t.hex().notNull(),
    /** Set by `Scored`. */
    score: t.integer(),
    points: t.bigint(),
    scoredAt: t.bigint(),
    scoredEpoch: t.integer(),
    scoreTx: t.hex(),
    /** Set by the `BatchPosted` that closes the scoring transaction. */
    batchNonce: t.bigint(),
    /** pending (not scored yet), fetched, unavailable (no node served it), mismatch (a node served other bytes). */
    contentStatus: t.text().notNull(),
    text: t.text(),
    title: t.text(),
    url: t.text(),
    contentSource: t.text(),
    searchVector: tsvector("search_vector"),
  }),
  (t) => ({
    authorIdx: index().on(t.author, t.id),
    scoreIdx: index().on(t.score, t.id),
    scoredEpochIdx: index().on(t.scoredEpoch, t.points),
    scoreTxIdx: index().on(t.scoreTx),
    searchIdx: index("submission_search_idx").using("gin", sql.raw(SEARCH_DOCUMENT)),
  }),
);

export const batch = onchainTable("batch", (t) => ({
  nonce: t.bigint().primaryKey(),
  evaluator: t.hex().notNull(),
  rationaleRoot: t.hex().notNull(),
  count: t.integer().notNull(),
  epoch: t.integer().notNull(),
  relayer: t.hex().notNull(),
  /** Signer addresses recovered from a direct `postScores` call (empty when relayed through another contract). */
  signers: t.json().$type<string[]>().notNull(),
  blockNumber: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  txHash: t.hex().notNull(),
}));

export const epoch = onchainTable("epoch", (t) => ({
  epoch: t.integer().primaryKey(),
  budget: t.bigint(),
  totalPoints: t.bigint().notNull(),
  scoredCount: t.integer().notNull(),
}));

export const authorEpoch = onchainTable(
  "author_epoch",
  (t) => ({
    author: t.hex().notNull(),
    epoch: t.integer().notNull(),
    points: t.bigint().notNull(),
    scoredCount: t.integer().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.author, t.epoch] }),
    leaderboardIdx: index().on(t.epoch, t.points),
  }),
);

export const claim = onchainTable(
  "claim",
  (t) => ({
    id: t.text().primaryKey(),
    user: t.hex().notNull(),
    to: t.hex().notNull(),
    tokens: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (t) => ({ userIdx: index().on(t.user, t.timestamp) }),
);

/** Stakes, unstake requests and withdrawals, slashes. */
export const stakeEvent = onchainTable(
  "stake_event",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex().notNull(),
    kind: t.text().notNull(),
    amount: t.bigint().notNull(),
    stakedBalance: t.bigint(),
    unlockAt: t.bigint(),
    reason: t.text(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (t) => ({ accountIdx: index().on(t.account, t.timestamp) }),
);

export const delegation = onchainTable(
  "delegation",
  (t) => ({
    id: t.text().primaryKey(),
    delegator: t.hex().notNull(),
    fromDelegate: t.hex().notNull(),
    toDelegate: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (t) => ({ delegatorIdx: index().on(t.delegator, t.timestamp) }),
);

export const operator = onchainTable("operator", (t) => ({
  address: t.hex().primaryKey(),
  active: t.boolean().notNull(),
  addedAt: t.bigint(),
  removedAt: t.bigint(),
  frozenUntil: t.bigint(),
}));

export const proposal = onchainTable(
  "proposal",
  (t) => ({
    id: t.bigint().primaryKey(),
    proposer: t.hex().notNull(),
    description: t.text().notNull(),
    targets: t.json().$type<string[]>().notNull(),
    values: t.json().$type<string[]>().notNull(),
    calldatas: t.json().$type<string[]>().notNull(),
    voteStart: t.bigint().notNull(),
    voteEnd: t.bigint().notNull(),
    forVotes: t.bigint().notNull(),
    againstVotes: t.bigint().notNull(),
    abstainVotes: t.bigint().notNull(),
    voterCount: t.integer().notNull(),
    queuedEta: t.bigint(),
    executed: t.boolean().notNull(),
    canceled: t.boolean().notNull(),
    createdAt: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (t) => ({ createdIdx: index().on(t.createdAt, t.id) }),
);

export const vote = onchainTable(
  "vote",
  (t) => ({
    proposalId: t.bigint().notNull(),
    voter: t.hex().notNull(),
    /** 0 against, 1 for, 2 abstain (GovernorCountingSimple). */
    support: t.integer().notNull(),
    weight: t.bigint().notNull(),
    reason: t.text().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.proposalId, t.voter] }) }),
);

export { challenge } from "./schema/challenges";
export { operatorScorecard } from "./schema/scorecard";
