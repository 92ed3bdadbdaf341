/**
 * Indexing functions for bonded challenges (docs/CONTRACTS.md, "Challenges"): every Challenges event
 * updates its challenge's row; the phase deadline is read from the contract at the event's block (it is
 * derived from parameters governance may change, so it is never re-derived here).
 */
import { type Context, ponder } from "ponder:registry";
import { authorEpoch, challenge } from "ponder:schema";
import { and, eq, inArray } from "ponder";
import type { Hex } from "viem";
import { challengesAbi } from "../abis/generated";
import { CHALLENGE_REASON_NAMES, CHALLENGE_STATUSES } from "../schema/challenges";
import { tallyChallengeOpened, tallyResolved, tallyVerdict, verdictSigners } from "./scorecard";

/** The challenge's current phase end as the contract stores it, at the event's block. */
async function deadlineOf(context: Context<"Challenges:ChallengeOpened">, id: bigint): Promise<bigint> {
  const stored = await context.client.readContract({
    abi: challengesAbi,
    address: context.contracts.Challenges.address as Hex,
    functionName: "challenge",
    args: [id],
  });
  return BigInt(stored.deadline);
}

ponder.on("Challenges:ChallengeOpened", async ({ event, context }) => {
  const { id, submissionId, challenger, author, epoch, points, reason, duplicateOf, reasonHash, bond } = event.args;
  await context.db.insert(challenge).values({
    id,
    submissionId,
    challenger,
    author,
    epoch,
    points: BigInt(points),
    reason,
    reasonName: CHALLENGE_REASON_NAMES[reason] ?? "other",
    duplicateOf: duplicateOf === 0n ? null : duplicateOf,
    reasonHash,
    bond,
    status: "open",
    deadline: await deadlineOf(context, id),
    openedAt: event.block.timestamp,
    openTx: event.transaction.hash,
  });
  await tallyChallengeOpened(context.db, submissionId);
});

ponder.on("Challenges:ChallengeAnswered", async ({ event, context }) => {
  await context.db.update(challenge, { id: event.args.id }).set({ answerHash: event.args.answerHash, answeredAt: event.block.timestamp });
});

ponder.on("Challenges:VerdictPosted", async ({ event, context }) => {
  const { id, upheld } = event.args;
  const row = await context.db.find(challenge, { id });
  const address = context.contracts.Challenges.address as Hex;
  const direct = event.transaction.to?.toLowerCase() === address.toLowerCase();
  const signers = direct && row !== null ? await verdictSigners(event.transaction.input, context.chain.id, address, row) : [];
  await context.db.update(challenge, { id }).set({
    status: "verdict",
    verdictUpheld: upheld,
    verdictEvaluator: event.args.evaluator,
    verdictRationaleRoot: event.args.rationaleRoot,
    verdictAt: event.block.timestamp,
    verdictTx: event.transaction.hash,
    verdictSigners: signers,
    deadline: await deadlineOf(context, id),
  });
  if (row !== null) await tallyVerdict(context.db, signers, upheld, row.reasonName, row.submissionId);
});

ponder.on("Challenges:ChallengeEscalated", async ({ event, context }) => {
  await context.db.update(challenge, { id: event.args.id }).set({
    status: "escalated",
    escalatedBy: event.args.by,
    escalationBond: event.args.bond,
    escalatedAt: event.block.timestamp,
    deadline: await deadlineOf(context, event.args.id),
  });
});

ponder.on("Challenges:ChallengeDecided", async ({ event, context }) => {
  await context.db.update(challenge, { id: event.args.id }).set({ decidedUpheld: event.args.upheld, decidedAt: event.block.timestamp });
});

ponder.on("Challenges:ChallengeResolved", async ({ event, context }) => {
  const { id, status, toChallenger, toAuthor, toTreasury, reward } = event.args;
  const outcome = CHALLENGE_STATUSES[status] ?? "none";
  const row = await context.db.update(challenge, { id }).set({
    status: outcome,
    resolvedAt: event.block.timestamp,
    resolveTx: event.transaction.hash,
    toChallenger,
    toAuthor,
    toTreasury,
    reward,
  });
  await tallyResolved(context.db, row.submissionId, outcome, row.reasonName);
});

/**
 * An upheld challenge's removal (emitted by Rewards inside the resolving transaction, before
 * `ChallengeResolved`): recorded on the challenge still in progress on that item, and taken off the
 * author's points for the epoch on the leaderboard. The epoch's total is left alone: how much of it the
 * contract lowers depends on the author's settlement (docs/INDEXER.md).
 */
ponder.on("Rewards:PointsRemoved", async ({ event, context }) => {
  const { submissionId, author, epoch, points } = event.args;
  const [inProgress] = await context.db.sql
    .select({ id: challenge.id })
    .from(challenge)
    .where(and(eq(challenge.submissionId, submissionId), inArray(challenge.status, ["open", "verdict", "escalated"])))
    .limit(1);
  if (inProgress !== undefined) await context.db.update(challenge, { id: inProgress.id }).set({ pointsRemoved: points });
  const row = await context.db.find(authorEpoch, { author, epoch });
  if (row !== null) {
    await context.db.update(authorEpoch, { author, epoch }).set({ points: row.points > points ? row.points - points : 0n });
  }
});
