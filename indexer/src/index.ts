/**
 * Indexing functions: each event updates the rows it changes. Points and tallies are accumulated
 * here so that every page reads one indexed row set instead of replaying history.
 */
import { type Context, ponder } from "ponder:registry";
import { authorEpoch, batch, claim, delegation, epoch, operator, proposal, rewardsClock, stakeEvent, submission, vote } from "ponder:schema";
import { and, eq, sql } from "ponder";
import { type Hex, decodeFunctionData } from "viem";
import { rewardsDomain, scoreBatchDigest } from "../../oracle/src/protocol/eip712";
import { rewardsAbi } from "../abis/generated";
import { type FetchedContent, fetchContent, nodeUrls } from "./content";
import { tallyBatch } from "./scorecard";
import { recoverSigners } from "./signatures";
import { type RewardsClock, SEARCH_DOCUMENT_SQL, addToTally, addVote, contentSet, epochOf, proposalCreatedRow, scoredSet, submittedRow } from "../lib/rows";

const NODE_URLS = nodeUrls();

/**
 * Rewards' clock is fixed at initialization; it is read from the contract at the first Rewards event
 * (the deployment record's start block may precede the Rewards proxy) and kept in a row.
 */
async function clockOf(context: Context<"Rewards:Submitted">): Promise<RewardsClock> {
  let clock = await context.db.find(rewardsClock, { id: 1 });
  if (clock === null) {
    const address = context.contracts.Rewards.address as Hex;
    const [genesis, epochLength] = await Promise.all([
      context.client.readContract({ abi: rewardsAbi, address, functionName: "genesis" }),
      context.client.readContract({ abi: rewardsAbi, address, functionName: "epochLength" }),
    ]);
    clock = await context.db.insert(rewardsClock).values({ id: 1, genesis, epochLength });
  }
  return clock;
}

ponder.on("Rewards:Submitted", async ({ event, context }) => {
  const row = submittedRow({ ...event.args, timestamp: event.block.timestamp, txHash: event.transaction.hash }, await clockOf(context));
  await context.db.insert(submission).values(row);
});

/**
 * Content fetches started by `Scored` and awaited by the `BatchPosted` that closes the same transaction
 * (the contract emits every item's `Scored`, then one `BatchPosted`): a batch's texts are fetched
 * concurrently, up to CONTENT_CONCURRENCY at a time, instead of one after another inside each handler.
 */
const CONTENT_CONCURRENCY = Number(process.env.CASHKEY_INDEXER_CONTENT_CONCURRENCY ?? 16);
const contentFetches = new Map<string, Promise<FetchedContent>>();
let fetchesRunning = 0;
const fetchQueue: (() => void)[] = [];

async function limitedFetch(contentHashHex: string): Promise<FetchedContent> {
  if (fetchesRunning >= CONTENT_CONCURRENCY) await new Promise<void>((resolve) => fetchQueue.push(resolve));
  fetchesRunning += 1;
  try {
    return await fetchContent(contentHashHex, NODE_URLS);
  } finally {
    fetchesRunning -= 1;
    fetchQueue.shift()?.();
  }
}

function startContentFetch(contentHashHex: string): Promise<FetchedContent> {
  const key = contentHashHex.toLowerCase();
  let pending = contentFetches.get(key);
  if (pending === undefined) {
    pending = limitedFetch(key);
    contentFetches.set(key, pending);
  }
  return pending;
}

ponder.on("Rewards:Scored", async ({ event, context }) => {
  const clock = await clockOf(context);
  const set = scoredSet({ ...event.args, timestamp: event.block.timestamp, txHash: event.transaction.hash }, clock);
  const row = await context.db.update(submission, { id: event.args.id }).set(set);
  await context.db
    .insert(authorEpoch)
    .values({ author: event.args.author, epoch: set.scoredEpoch, points: set.points, scoredCount: 1 })
    .onConflictDoUpdate((existing) => addToTally(existing, set.points));
  await context.db
    .insert(epoch)
    .values({ epoch: set.scoredEpoch, totalPoints: set.points, scoredCount: 1 })
    .onConflictDoUpdate((existing) => {
      const tally = addToTally({ points: existing.totalPoints, scoredCount: existing.scoredCount }, set.points);
      return { totalPoints: tally.points, scoredCount: tally.scoredCount };
    });
  if (NODE_URLS.length > 0) void startContentFetch(row.contentHash);
});

/**
 * Stores the fetched texts of a transaction's scored items and the batch nonce, and computes their
 * search vectors in one statement (the database's own English text-search vector, kept as text:
 * Ponder's tables take no tsvector column).
 */
async function storeBatchContents(context: Context<"Rewards:BatchPosted">, txHash: Hex, nonce: bigint): Promise<void> {
  if (NODE_URLS.length > 0) {
    const scored = await context.db.sql
      .select({ id: submission.id, contentHash: submission.contentHash })
      .from(submission)
      .where(and(eq(submission.scoreTx, txHash), eq(submission.contentStatus, "pending")));
    const fetched = await Promise.all(scored.map((row) => startContentFetch(row.contentHash)));
    for (const [i, row] of scored.entries()) {
      const outcome = fetched[i]!;
      contentFetches.delete(row.contentHash.toLowerCase());
      const set = outcome.status === "fetched" ? contentSet(outcome.content, outcome.source) : { contentStatus: outcome.status };
      await context.db.update(submission, { id: row.id }).set(set);
    }
  }
  // The batch's Scored events came earlier in the same transaction.
  await context.db.sql
    .update(submission)
    .set({ batchNonce: nonce, searchVector: sql`case when ${submission.text} is null then null else to_tsvector('english', ${sql.raw(SEARCH_DOCUMENT_SQL)}) end` })
    .where(eq(submission.scoreTx, txHash));
}

/** The signers of a direct `postScores` call, recovered as the contract does; empty when it came through another contract. */
async function batchSigners(input: Hex, chainId: number, rewards: Hex): Promise<string[]> {
  let decoded;
  try {
    decoded = decodeFunctionData({ abi: rewardsAbi, data: input });
  } catch {
    return [];
  }
  if (decoded.functionName !== "postScores") return [];
  const [header, items, signatures] = decoded.args;
  // The digest the contract recovers from: the oracle's protocol module, one source of truth.
  const digest = scoreBatchDigest(rewardsDomain(chainId, rewards), header, items) as Hex;
  return recoverSigners(digest, signatures);
}

ponder.on("Rewards:BatchPosted", async ({ event, context }) => {
  const rewards = context.contracts.Rewards.address as Hex;
  const direct = event.transaction.to?.toLowerCase() === rewards.toLowerCase();
  const signers = direct ? await batchSigners(event.transaction.input, context.chain.id, rewards) : [];
  await context.db.insert(batch).values({
    nonce: event.args.nonce,
    evaluator: event.args.evaluator,
    rationaleRoot: event.args.rationaleRoot,
    count: Number(event.args.count),
    epoch: epochOf(await clockOf(context), event.block.timestamp),
    relayer: event.transaction.from,
    signers,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await tallyBatch(context.db, signers, Number(event.args.count));
  await storeBatchContents(context, event.transaction.hash, event.args.nonce);
});

ponder.on("Rewards:EpochBudgetSnapshotted", async ({ event, context }) => {
  await context.db
    .insert(epoch)
    .values({ epoch: event.args.epoch, budget: event.args.budget, totalPoints: 0n, scoredCount: 0 })
    .onConflictDoUpdate({ budget: event.args.budget });
});

ponder.on("Rewards:Claimed", async ({ event, context }) => {
  await context.db.insert(claim).values({
    id: event.id,
    user: event.args.user,
    to: event.args.to,
    tokens: event.args.tokens,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});

ponder.on("Rewards:OperatorAdded", async ({ event, context }) => {
  await context.db
    .insert(operator)
    .values({ address: event.args.operator, active: true, addedAt: event.block.timestamp })
    .onConflictDoUpdate({ active: true, addedAt: event.block.timestamp, removedAt: null });
});

ponder.on("Rewards:OperatorRemoved", async ({ event, context }) => {
  await context.db
    .insert(operator)
    .values({ address: event.args.operator, active: false, removedAt: event.block.timestamp })
    .onConflictDoUpdate({ active: false, removedAt: event.block.timestamp });
});

ponder.on("Rewards:OperatorBondFrozen", async ({ event, context }) => {
  await context.db
    .insert(operator)
    .values({ address: event.args.operator, active: false, frozenUntil: event.args.frozenUntil })
    .onConflictDoUpdate({ frozenUntil: event.args.frozenUntil });
});

ponder.on("Rewards:OperatorBondUnfrozen", async ({ event, context }) => {
  await context.db.insert(operator).values({ address: event.args.operator, active: false }).onConflictDoUpdate({ frozenUntil: null });
});

ponder.on("CashKeyToken:Staked", async ({ event, context }) => {
  await context.db.insert(stakeEvent).values({
    id: event.id,
    account: event.args.account,
    kind: "staked",
    amount: event.args.amount,
    stakedBalance: event.args.stakedBalance,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});

ponder.on("CashKeyToken:UnstakeRequested", async ({ event, context }) => {
  await context.db.insert(stakeEvent).values({
    id: event.id,
    account: event.args.account,
    kind: "unstake_requested",
    amount: event.args.amount,
    unlockAt: event.args.unlockAt,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});

ponder.on("CashKeyToken:UnstakeWithdrawn", async ({ event, context }) => {
  await context.db.insert(stakeEvent).values({
    id: event.id,
    account: event.args.account,
    kind: "unstake_withdrawn",
    amount: event.args.amount,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});

ponder.on("CashKeyToken:Slashed", async ({ event, context }) => {
  await context.db.insert(stakeEvent).values({
    id: event.id,
    account: event.args.operator,
    kind: "slashed",
    amount: event.args.amount,
    reason: event.args.reason,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});

ponder.on("CashKeyToken:DelegateChanged", async ({ event, context }) => {
  await context.db.insert(delegation).values({
    id: event.id,
    delegator: event.args.delegator,
    fromDelegate: event.args.fromDelegate,
    toDelegate: event.args.toDelegate,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});

ponder.on("CashKeyGovernor:ProposalCreated", async ({ event, context }) => {
  await context.db.insert(proposal).values(proposalCreatedRow({ ...event.args, timestamp: event.block.timestamp, txHash: event.transaction.hash }));
});

async function recordVote(
  context: Context<"CashKeyGovernor:VoteCast">,
  args: { voter: Hex; proposalId: bigint; support: number; weight: bigint; reason: string },
  timestamp: bigint,
  txHash: Hex,
): Promise<void> {
  await context.db.insert(vote).values({ ...args, timestamp, txHash });
  await context.db.update(proposal, { id: args.proposalId }).set((row) => addVote(row, args.support, args.weight));
}

ponder.on("CashKeyGovernor:VoteCast", async ({ event, context }) => {
  await recordVote(context, event.args, event.block.timestamp, event.transaction.hash);
});

ponder.on("CashKeyGovernor:VoteCastWithParams", async ({ event, context }) => {
  await recordVote(context, event.args, event.block.timestamp, event.transaction.hash);
});

ponder.on("CashKeyGovernor:ProposalQueued", async ({ event, context }) => {
  await context.db.update(proposal, { id: event.args.proposalId }).set({ queuedEta: event.args.etaSeconds });
});

ponder.on("CashKeyGovernor:ProposalExecuted", async ({ event, context }) => {
  await context.db.update(proposal, { id: event.args.proposalId }).set({ executed: true });
});

ponder.on("CashKeyGovernor:ProposalCanceled", async ({ event, context }) => {
  await context.db.update(proposal, { id: event.args.proposalId }).set({ canceled: true });
});

ponder.on("CashKeyGovernor:ProposalExtended", async ({ event, context }) => {
  await context.db.update(proposal, { id: event.args.proposalId }).set({ voteEnd: event.args.extendedDeadline });
});
