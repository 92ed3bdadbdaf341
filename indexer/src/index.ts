/**
 * Indexing functions: each event updates the rows it changes. Points and tallies are accumulated
 * here so that every page reads one indexed row set instead of replaying history.
 */
import { type Context, ponder } from "ponder:registry";
import {
  authorEpoch,
  batch,
  claim,
  delegation,
  epoch,
  operator,
  proposal,
  rewardsClock,
  stakeEvent,
  submission,
  vote,
} from "ponder:schema";
import { eq, sql } from "ponder";
import { type Hex, decodeFunctionData, getAddress, recoverAddress, size, slice } from "viem";
import { rewardsDomain, scoreBatchDigest } from "../../oracle/src/protocol/eip712";
import { rewardsAbi } from "../abis/generated";
import { fetchContent, nodeUrls } from "./content";

const NODE_URLS = nodeUrls();

/**
 * Rewards' clock is fixed at initialization; it is read from the contract at the first Rewards event
 * (the deployment record's start block may precede the Rewards proxy) and kept in a row.
 */
async function epochAt(context: Context<"Rewards:Submitted">, timestamp: bigint): Promise<number> {
  let clock = await context.db.find(rewardsClock, { id: 1 });
  if (clock === null) {
    const address = context.contracts.Rewards.address as Hex;
    const [genesis, epochLength] = await Promise.all([
      context.client.readContract({ abi: rewardsAbi, address, functionName: "genesis" }),
      context.client.readContract({ abi: rewardsAbi, address, functionName: "epochLength" }),
    ]);
    clock = await context.db.insert(rewardsClock).values({ id: 1, genesis, epochLength });
  }
  return Number((timestamp - clock.genesis) / clock.epochLength);
}

ponder.on("Rewards:Submitted", async ({ event, context }) => {
  await context.db.insert(submission).values({
    id: event.args.id,
    author: event.args.author,
    contentHash: event.args.contentHash,
    category: event.args.category,
    submittedAt: event.block.timestamp,
    submittedEpoch: await epochAt(context, event.block.timestamp),
    submitTx: event.transaction.hash,
    contentStatus: "pending",
  });
});

ponder.on("Rewards:Scored", async ({ event, context }) => {
  const scoredEpoch = await epochAt(context, event.block.timestamp);
  const points = BigInt(event.args.points);
  const row = await context.db.update(submission, { id: event.args.id }).set({
    score: event.args.score,
    points,
    scoredAt: event.block.timestamp,
    scoredEpoch,
    scoreTx: event.transaction.hash,
  });
  await context.db
    .insert(authorEpoch)
    .values({ author: event.args.author, epoch: scoredEpoch, points, scoredCount: 1 })
    .onConflictDoUpdate((existing) => ({ points: existing.points + points, scoredCount: existing.scoredCount + 1 }));
  await context.db
    .insert(epoch)
    .values({ epoch: scoredEpoch, totalPoints: points, scoredCount: 1 })
    .onConflictDoUpdate((existing) => ({ totalPoints: existing.totalPoints + points, scoredCount: existing.scoredCount + 1 }));

  if (NODE_URLS.length === 0) return;
  const fetched = await fetchContent(row.contentHash, NODE_URLS);
  if (fetched.status !== "fetched") {
    await context.db.update(submission, { id: event.args.id }).set({ contentStatus: fetched.status });
    return;
  }
  const { text, title, url } = fetched.content;
  await context.db.update(submission, { id: event.args.id }).set({
    contentStatus: "fetched",
    text,
    title: title ?? null,
    url: url ?? null,
    contentSource: fetched.source,
    searchVector: await searchVector(context, `${title ?? ""} ${text}`),
  });
});

/** The database's own English text-search vector of `document`, as text (a select on no table: Ponder flushes nothing for it). */
async function searchVector(context: Context<"Rewards:Scored">, document: string): Promise<string> {
  type Row = { v: string } | string[];
  const result = (await context.db.sql.execute(sql`select to_tsvector('english', ${document})::text as v`)) as unknown as Row[] | { rows: Row[] };
  // PGlite's driver answers the rows, node-postgres a result holding them.
  const row = (Array.isArray(result) ? result : result.rows)[0];
  if (row === undefined) throw new Error(`to_tsvector returned no row: ${JSON.stringify(result).slice(0, 200)}`);
  return Array.isArray(row) ? row[0]! : row.v;
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
  const signers: string[] = [];
  for (const signature of signatures) {
    if (size(signature) === 65) {
      signers.push(await recoverAddress({ hash: digest, signature }));
    } else if (size(signature) >= 20) {
      signers.push(getAddress(slice(signature, 0, 20)));
    }
  }
  return signers;
}

ponder.on("Rewards:BatchPosted", async ({ event, context }) => {
  const rewards = context.contracts.Rewards.address as Hex;
  const direct = event.transaction.to?.toLowerCase() === rewards.toLowerCase();
  await context.db.insert(batch).values({
    nonce: event.args.nonce,
    evaluator: event.args.evaluator,
    rationaleRoot: event.args.rationaleRoot,
    count: Number(event.args.count),
    epoch: await epochAt(context, event.block.timestamp),
    relayer: event.transaction.from,
    signers: direct ? await batchSigners(event.transaction.input, context.chain.id, rewards) : [],
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  // The batch's Scored events came earlier in the same transaction.
  await context.db.sql.update(submission).set({ batchNonce: event.args.nonce }).where(eq(submission.scoreTx, event.transaction.hash));
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
  await context.db
    .insert(operator)
    .values({ address: event.args.operator, active: false })
    .onConflictDoUpdate({ frozenUntil: null });
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
  await context.db.insert(proposal).values({
    id: event.args.proposalId,
    proposer: event.args.proposer,
    description: event.args.description,
    targets: [...event.args.targets],
    values: event.args.values.map((value) => value.toString()),
    calldatas: [...event.args.calldatas],
    voteStart: event.args.voteStart,
    voteEnd: event.args.voteEnd,
    forVotes: 0n,
    againstVotes: 0n,
    abstainVotes: 0n,
    voterCount: 0,
    executed: false,
    canceled: false,
    createdAt: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});

async function recordVote(
  context: Context<"CashKeyGovernor:VoteCast">,
  args: { voter: Hex; proposalId: bigint; support: number; weight: bigint; reason: string },
  timestamp: bigint,
  txHash: Hex,
): Promise<void> {
  await context.db.insert(vote).values({ ...args, timestamp, txHash });
  await context.db.update(proposal, { id: args.proposalId }).set((row) => ({
    forVotes: row.forVotes + (args.support === 1 ? args.weight : 0n),
    againstVotes: row.againstVotes + (args.support === 0 ? args.weight : 0n),
    abstainVotes: row.abstainVotes + (args.support === 2 ? args.weight : 0n),
    voterCount: row.voterCount + 1,
  }));
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
