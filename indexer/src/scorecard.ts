/**
 * The operators' agreement scorecard (docs/INDEXER.md, "Operator scorecard"), tallied from the handlers of
 * the events that change it: a batch's signers, the challenges of their items and how those ended, and the
 * verdicts' co-signers, recovered from `postVerdict` calldata as batch signers are from `postScores`.
 * A self-reversal is an upheld `duplicate`/`injection` verdict co-signed by an operator that also signed
 * the challenged item's score batch: on record, whatever the escalation that may follow decides.
 */
import type { Context } from "ponder:registry";
import { batch, operatorScorecard, submission } from "ponder:schema";
import { type Hex, decodeFunctionData } from "viem";
import { challengeVerdictDigest, challengesDomain } from "../../oracle/src/protocol/challengeVerdict";
import { challengesAbi } from "../abis/generated";
import { recoverSigners } from "./signatures";

type Db = Context<"Rewards:BatchPosted">["db"];
type Scorecard = typeof operatorScorecard.$inferSelect;
type Counts = Omit<Scorecard, "address">;

/** The reasons whose upheld verdict says the scored text should never have scored: copied or manipulative. */
const SELF_REVERSAL_REASONS = new Set(["duplicate", "injection"]);

const EMPTY: Counts = { batchesSigned: 0, itemsScored: 0, challenged: 0, upheld: 0, upheldByReason: {}, rejected: 0, verdictsSigned: 0, selfReversals: 0 };

/** Distinct lower-case addresses (a quorum never counts one operator twice). */
function distinct(addresses: readonly string[]): Hex[] {
  return [...new Set(addresses.map((address) => address.toLowerCase() as Hex))];
}

/** Applies `change` to each operator's row, creating it at zero first. */
async function bump(db: Db, operators: readonly string[], change: (row: Counts) => Partial<Counts>): Promise<void> {
  for (const address of distinct(operators)) {
    await db
      .insert(operatorScorecard)
      .values({ address, ...EMPTY, ...change(EMPTY) })
      .onConflictDoUpdate((existing) => change(existing));
  }
}

export async function tallyBatch(db: Db, signers: readonly string[], count: number): Promise<void> {
  await bump(db, signers, (row) => ({ batchesSigned: row.batchesSigned + 1, itemsScored: row.itemsScored + count }));
}

/** The recovered signers of the batch that scored `submissionId` (empty if relayed or not scored). */
export async function batchSignersOf(db: Db, submissionId: bigint): Promise<string[]> {
  const item = await db.find(submission, { id: submissionId });
  if (item?.batchNonce === null || item?.batchNonce === undefined) return [];
  const posted = await db.find(batch, { nonce: item.batchNonce });
  return posted?.signers ?? [];
}

export async function tallyChallengeOpened(db: Db, submissionId: bigint): Promise<void> {
  await bump(db, await batchSignersOf(db, submissionId), (row) => ({ challenged: row.challenged + 1 }));
}

/** The facts of the challenge the verdict signs over (as the contract stores them). */
export interface VerdictFacts {
  submissionId: bigint;
  epoch: number;
  points: bigint;
  reason: number;
}

/** The co-signers of a direct `postVerdict` call, recovered over the contract's `ChallengeVerdict` digest. */
export async function verdictSigners(input: Hex, chainId: number, challenges: Hex, facts: VerdictFacts): Promise<string[]> {
  let decoded;
  try {
    decoded = decodeFunctionData({ abi: challengesAbi, data: input });
  } catch {
    return [];
  }
  if (decoded.functionName !== "postVerdict") return [];
  const [verdict, signatures] = decoded.args;
  const digest = challengeVerdictDigest(challengesDomain(chainId, challenges), {
    challengeId: verdict.challengeId,
    submissionId: facts.submissionId,
    epoch: facts.epoch,
    points: Number(facts.points),
    reason: facts.reason,
    upheld: verdict.upheld,
    evaluator: verdict.evaluator,
    rationaleRoot: verdict.rationaleRoot,
    deadline: verdict.deadline,
  }) as Hex;
  return recoverSigners(digest, signatures);
}

export async function tallyVerdict(db: Db, signers: readonly string[], upheld: boolean, reasonName: string, submissionId: bigint): Promise<void> {
  await bump(db, signers, (row) => ({ verdictsSigned: row.verdictsSigned + 1 }));
  if (!upheld || !SELF_REVERSAL_REASONS.has(reasonName)) return;
  const scoredBy = new Set(distinct(await batchSignersOf(db, submissionId)));
  await bump(
    db,
    distinct(signers).filter((signer) => scoredBy.has(signer)),
    (row) => ({ selfReversals: row.selfReversals + 1 }),
  );
}

/** A resolved challenge, charged to the signers of the item's batch: upheld (by reason) or rejected; a dismissal counts neither. */
export async function tallyResolved(db: Db, submissionId: bigint, status: string, reasonName: string): Promise<void> {
  if (status !== "upheld" && status !== "rejected") return;
  await bump(db, await batchSignersOf(db, submissionId), (row) =>
    status === "upheld"
      ? { upheld: row.upheld + 1, upheldByReason: { ...row.upheldByReason, [reasonName]: (row.upheldByReason[reasonName] ?? 0) + 1 } }
      : { rejected: row.rejected + 1 },
  );
}
