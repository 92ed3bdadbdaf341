/**
 * What each Rewards event writes, as pure functions of the event: the Ponder handlers (src/index.ts) and
 * the bulk loader of the scale benchmark (scripts/bench/indexerBulk.ts) build their rows with these, so
 * a history loaded in bulk holds exactly the rows indexing would have written.
 * No Ponder import here: the loader runs outside Ponder.
 */
type Hex = `0x${string}`;

export interface RewardsClock {
  genesis: bigint;
  epochLength: bigint;
}

/** Rewards' epoch of a block timestamp (the contract's own rule). */
export function epochOf(clock: RewardsClock, timestamp: bigint): number {
  return Number((timestamp - clock.genesis) / clock.epochLength);
}

export interface SubmittedEvent {
  id: bigint;
  author: Hex;
  contentHash: Hex;
  category: number;
  timestamp: bigint;
  txHash: Hex;
}

/** The `submission` row a `Submitted` event inserts. */
export function submittedRow(event: SubmittedEvent, clock: RewardsClock) {
  return {
    id: event.id,
    author: event.author,
    contentHash: event.contentHash,
    category: event.category,
    submittedAt: event.timestamp,
    submittedEpoch: epochOf(clock, event.timestamp),
    submitTx: event.txHash,
    contentStatus: "pending",
  };
}

export interface ScoredEvent {
  id: bigint;
  author: Hex;
  score: number;
  points: number;
  timestamp: bigint;
  txHash: Hex;
}

/** What a `Scored` event sets on its submission. */
export function scoredSet(event: ScoredEvent, clock: RewardsClock) {
  return {
    score: event.score,
    points: BigInt(event.points),
    scoredAt: event.timestamp,
    scoredEpoch: epochOf(clock, event.timestamp),
    scoreTx: event.txHash,
  };
}

/** A running tally (an author's epoch, an epoch) and what one scored item adds to it. */
export interface Tally {
  points: bigint;
  scoredCount: number;
}

export function addToTally(tally: Tally, points: bigint): Tally {
  return { points: tally.points + points, scoredCount: tally.scoredCount + 1 };
}

export interface StoredContent {
  text: string;
  title?: string;
  url?: string;
}

/** What a fetched, hash-checked content sets on its submission (its search vector aside: see `searchDocument`). */
export function contentSet(content: StoredContent, source: string) {
  return {
    contentStatus: "fetched",
    text: content.text,
    title: content.title ?? null,
    url: content.url ?? null,
    contentSource: source,
  };
}

/**
 * The text a submission is found by, as SQL over its own row: its stored search vector is
 * `to_tsvector('english', <this>)`, computed by the database when the text is stored.
 */
export const SEARCH_DOCUMENT_SQL = "coalesce(title, '') || ' ' || text";

export interface ProposalCreatedEvent {
  proposalId: bigint;
  proposer: Hex;
  description: string;
  targets: readonly Hex[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  voteStart: bigint;
  voteEnd: bigint;
  timestamp: bigint;
  txHash: Hex;
}

/** The `proposal` row a `ProposalCreated` event inserts (no votes yet). */
export function proposalCreatedRow(event: ProposalCreatedEvent) {
  return {
    id: event.proposalId,
    proposer: event.proposer,
    description: event.description,
    targets: [...event.targets] as string[],
    values: event.values.map((value) => value.toString()),
    calldatas: [...event.calldatas] as string[],
    voteStart: event.voteStart,
    voteEnd: event.voteEnd,
    forVotes: 0n,
    againstVotes: 0n,
    abstainVotes: 0n,
    voterCount: 0,
    executed: false,
    canceled: false,
    createdAt: event.timestamp,
    txHash: event.txHash,
  };
}

export interface VoteTally {
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
  voterCount: number;
}

/** A proposal's tally after one vote (GovernorCountingSimple: 0 against, 1 for, 2 abstain). */
export function addVote(tally: VoteTally, support: number, weight: bigint): VoteTally {
  return {
    forVotes: tally.forVotes + (support === 1 ? weight : 0n),
    againstVotes: tally.againstVotes + (support === 0 ? weight : 0n),
    abstainVotes: tally.abstainVotes + (support === 2 ? weight : 0n),
    voterCount: tally.voterCount + 1,
  };
}
