/**
 * Model-based property tests for Rewards and CashKeyToken.
 *
 * fast-check generates random command sequences (submissions, signed score batches, claims, staking,
 * transfers of staked tokens, time jumps, pauses, budget changes). Each command runs against the
 * chain and against `Model`, a plain TypeScript reading of the IRewards / ICashKeyToken NatSpec that
 * knows nothing of the contracts' packing or lazy settlement: it keeps every author's points per
 * epoch and pays `points × budget / totalPoints` (rounded down) per author per closed epoch. The model
 * predicts every revert with its custom error and arguments, and after every command the chain must
 * agree with it and the invariants must hold: among them (issue 11) an operator's bond stays slashable for
 * every batch it signed, no author's submissions in an epoch exceed what its stake at the epoch's start
 * buys, and the budgets reserved for snapshotted epochs never exceed what the cap leaves.
 *
 * The seed is fixed; on a failure fast-check prints the seed, the path and the shrunk command list.
 */
import { expect } from "chai";
import fc from "fast-check";
import hre from "hardhat";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type BaseContract, type ContractTransactionReceipt, type ContractTransactionResponse, MaxUint256, ZeroAddress, parseEther } from "ethers";
import { EPOCH_BUDGET, deployStandard, headerFor, item, postBatch, signBatch } from "../helpers/cashkey";
import type { CashKeyToken, Rewards } from "../../typechain-types";

const SEED = 0x0ca5_4e7;
const NUM_RUNS = 25;
const MAX_COMMANDS = 25;

const BASE_QUOTA = 2;
const QUOTA_TIERS = [
  { minStake: parseEther("1000"), quota: 4 },
  { minStake: parseEther("10000"), quota: 8 },
];
const MAX_POINTS = 1000;
// A cap only 2,500 CKEY above the genesis supply, so that the reserved budgets run into it within a run.
const INITIAL_SUPPLY = parseEther("1000000");
const CAP = INITIAL_SUPPLY + parseEther("2500");
// Shorter than an epoch, so that withdrawals happen within a run.
const UNSTAKE_COOLDOWN = 2 * 24 * 3600;
const UINT96_MAX = (1n << 96n) - 1n;
// Tiny budgets make rounding bite; 4,000 and 12,000 CKEY exceed what the cap leaves; the last is out of range.
const BUDGETS = [0n, 1n, 999n, EPOCH_BUDGET, parseEther("4000"), parseEther("12000"), UINT96_MAX + 1n];

// Actor indices: 0..2 authors, 3..7 operators, 8 outsider, 9 relayer; as a recipient 10 is the zero address.
const AUTHORS = [0, 1, 2];
const STAKERS = [0, 1, 2, 3, 4, 5, 6, 7];
const ACTOR_COUNT = 10;
const ZERO_RECIPIENT = 10;

async function fixture() {
  return deployStandard({
    baseQuota: BASE_QUOTA,
    quotaTiers: QUOTA_TIERS,
    maxPointsPerSubmission: MAX_POINTS,
    initialSupply: INITIAL_SUPPLY,
    cap: CAP,
    unstakeCooldown: UNSTAKE_COOLDOWN,
  });
}

// ---------------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------------

type Amount = "zero" | "one" | "small" | "tier1" | "tier2" | "half" | "all" | "allPlusOne";

type Command =
  | { kind: "submit"; author: number; count: number }
  | {
      kind: "postScores";
      picks: { sel: number; score: number; points: number }[];
      /** Insert an already scored submission at this selector. */
      scoredSel: number | null;
      /** Repeat one of the batch's own items at the end. */
      duplicateSel: number | null;
      /** Prefer operators whose stake still counts; otherwise any three to five. */
      eligibleSigners: boolean;
      signerSeed: number;
      signerCount: number;
    }
  | { kind: "claim"; who: number; to: number }
  | { kind: "stake" | "requestUnstake"; who: number; targeted: boolean; amount: Amount }
  | { kind: "withdrawUnstaked"; who: number; targeted: boolean }
  | { kind: "transfer"; from: number; to: number; amount: Amount }
  | { kind: "time"; mode: "seconds" | "toBoundary" | "epochs"; n: number }
  | { kind: "pause"; target: "rewards" | "token" }
  | { kind: "unpause"; target: "rewards" | "token" | "paused" }
  | { kind: "setEpochBudget"; budget: bigint };

const amountArb = fc.constantFrom<Amount>("zero", "one", "small", "tier1", "tier2", "half", "all", "allPlusOne");
const authorArb = fc.constantFrom(...AUTHORS);
const stakerArb = fc.oneof({ weight: 3, arbitrary: authorArb }, { weight: 1, arbitrary: fc.constantFrom(...STAKERS.slice(3)) });
const pointsArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: MAX_POINTS }), fc.constant(MAX_POINTS));

/** `true` three times out of four. */
const mostly = fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

/** `null` nine times out of ten. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("submit" as const), author: authorArb, count: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constant("postScores" as const),
      picks: fc.array(fc.record({ sel: fc.nat(), score: fc.integer({ min: 0, max: 100 }), points: pointsArb }), {
        minLength: 1,
        maxLength: 6,
      }),
      scoredSel: rarely(fc.nat()),
      duplicateSel: rarely(fc.nat()),
      eligibleSigners: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      signerSeed: fc.nat(),
      signerCount: fc.integer({ min: 3, max: 5 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("claim" as const),
      who: fc.oneof({ weight: 4, arbitrary: authorArb }, { weight: 1, arbitrary: fc.nat({ max: ACTOR_COUNT - 1 }) }),
      to: fc.oneof({ weight: 10, arbitrary: fc.nat({ max: ACTOR_COUNT - 1 }) }, { weight: 1, arbitrary: fc.constant(ZERO_RECIPIENT) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("stake" as const), who: stakerArb, targeted: mostly, amount: amountArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("requestUnstake" as const), who: stakerArb, targeted: mostly, amount: amountArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("withdrawUnstaked" as const), who: stakerArb, targeted: mostly }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("transfer" as const),
      from: stakerArb,
      to: fc.nat({ max: ACTOR_COUNT - 1 }),
      amount: amountArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.record({ kind: fc.constant("time" as const), mode: fc.constant("seconds" as const), n: fc.integer({ min: 1, max: 2 * 24 * 3600 }) }),
      // n = 0 lands on the last second of the epoch, n = 1 on the first of the next.
      fc.record({ kind: fc.constant("time" as const), mode: fc.constant("toBoundary" as const), n: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ kind: fc.constant("time" as const), mode: fc.constant("epochs" as const), n: fc.integer({ min: 1, max: 3 }) }),
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("pause" as const), target: fc.constantFrom("rewards" as const, "token" as const) }) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      // Mostly whichever contract is paused, sometimes one that is not.
      { weight: 3, arbitrary: fc.constant({ kind: "unpause" as const, target: "paused" as const }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("unpause" as const), target: fc.constantFrom("rewards" as const, "token" as const) }) },
    ),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("setEpochBudget" as const), budget: fc.constantFrom(...BUDGETS) }) },
);

// ---------------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------------

interface StakeRecord {
  staked: bigint;
  pending: bigint;
  unlockAt: bigint;
}

interface SubmissionRecord {
  author: string;
  scored: boolean;
}

interface EpochRecord {
  budget: bigint;
  totalPoints: bigint;
}

interface ModelParams {
  genesis: number;
  epochLength: number;
  epochBudget: bigint;
  minOperatorStake: bigint;
  unstakeCooldown: bigint;
  totalSupply: bigint;
  balances: Map<string, bigint>;
  stakes: Map<string, StakeRecord>;
}

/** The spec in plain TypeScript: points per author per epoch, pro-rata shares, stakes and balances. */
class Model {
  readonly genesis: number;
  readonly epochLength: number;
  readonly minOperatorStake: bigint;
  readonly unstakeCooldown: bigint;
  epochBudget: bigint;
  totalSupply: bigint;
  readonly balances: Map<string, bigint>;
  readonly stakes: Map<string, StakeRecord>;

  readonly submissions: SubmissionRecord[] = [];
  readonly quotaUsage = new Map<string, { epoch: number; used: number }>();
  nextBatchNonce = 0n;
  scoredCount = 0;
  rewardsPaused = false;
  tokenPaused = false;

  /** Epochs whose budget was snapshotted by a credit, with their total points. */
  readonly epochs = new Map<number, EpochRecord>();
  /** author → epoch → points credited in that epoch. */
  readonly points = new Map<string, Map<number, bigint>>();
  /** author → epochs whose share was paid out by a claim. */
  readonly paid = new Map<string, Set<number>>();
  /** epoch → tokens minted from its budget. */
  readonly mintedByEpoch = new Map<number, bigint>();
  totalClaimed = 0n;
  /** Budgets reserved at their snapshots, less claims. */
  reserved = 0n;
  /** account → its active stake after each change, by timestamp. */
  readonly stakeHistory = new Map<string, { at: number; staked: bigint }[]>();
  /** operator → the largest active stake it had when a batch it signed landed. */
  readonly bondAtSigning = new Map<string, bigint>();
  /** The operator set (fixed in these runs). */
  operatorSet = new Set<string>();

  constructor(p: ModelParams) {
    this.genesis = p.genesis;
    this.epochLength = p.epochLength;
    this.epochBudget = p.epochBudget;
    this.minOperatorStake = p.minOperatorStake;
    this.unstakeCooldown = p.unstakeCooldown;
    this.totalSupply = p.totalSupply;
    this.balances = p.balances;
    this.stakes = p.stakes;
  }

  epochAt(timestamp: number): number {
    return Math.floor((timestamp - this.genesis) / this.epochLength);
  }

  balanceOf(account: string): bigint {
    return this.balances.get(account) ?? 0n;
  }

  stakeOf(account: string): StakeRecord {
    let record = this.stakes.get(account);
    if (!record) {
      record = { staked: 0n, pending: 0n, unlockAt: 0n };
      this.stakes.set(account, record);
    }
    return record;
  }

  unlockedOf(account: string): bigint {
    const s = this.stakeOf(account);
    return this.balanceOf(account) - s.staked - s.pending;
  }

  totalStaked(): bigint {
    let sum = 0n;
    for (const s of this.stakes.values()) sum += s.staked;
    return sum;
  }

  recordStake(account: string, at: number): void {
    const history = this.stakeHistory.get(account) ?? [];
    history.push({ at, staked: this.stakeOf(account).staked });
    this.stakeHistory.set(account, history);
  }

  /** Active stake at the end of second `at`. */
  stakeAt(account: string, at: number): bigint {
    let staked = this.stakeHistory.get(account)?.[0]?.staked ?? 0n;
    for (const entry of this.stakeHistory.get(account) ?? []) if (entry.at <= at) staked = entry.staked;
    return staked;
  }

  /** The quota of `epoch`: bought by the stake held the second before the epoch started. */
  quotaOf(author: string, epoch: number): number {
    return quotaFor(this.stakeAt(author, this.genesis + epoch * this.epochLength - 1));
  }

  unreservedCap(): bigint {
    const used = this.totalSupply + this.reserved;
    return CAP > used ? CAP - used : 0n;
  }

  usedIn(author: string, epoch: number): number {
    const usage = this.quotaUsage.get(author);
    return usage && usage.epoch === epoch ? usage.used : 0;
  }

  lifetimePoints(author: string): bigint {
    let sum = 0n;
    for (const p of this.points.get(author)?.values() ?? []) sum += p;
    return sum;
  }

  /** The share of `author` in the closed `epoch`, rounded down. */
  shareOf(author: string, epoch: number): bigint {
    const p = this.points.get(author)?.get(epoch) ?? 0n;
    if (p === 0n) return 0n;
    const info = this.epochs.get(epoch)!;
    return (p * info.budget) / info.totalPoints;
  }

  /** Epochs closed at `currentEpoch` in which `author` earned points and was not yet paid. */
  unpaidClosedEpochs(author: string, currentEpoch: number): number[] {
    const paid = this.paid.get(author) ?? new Set<number>();
    return [...(this.points.get(author)?.entries() ?? [])].filter(([epoch, p]) => epoch < currentEpoch && p > 0n && !paid.has(epoch)).map(([epoch]) => epoch);
  }

  claimable(author: string, currentEpoch: number): bigint {
    return this.unpaidClosedEpochs(author, currentEpoch).reduce((sum, e) => sum + this.shareOf(author, e), 0n);
  }

  /** `accountOf` as the NatSpec describes it. */
  account(author: string, currentEpoch: number) {
    const credited = [...(this.points.get(author)?.entries() ?? [])].filter(([, p]) => p > 0n).map(([e]) => e);
    const lastEpoch = credited.length === 0 ? 0 : Math.max(...credited);
    const lastPaid = this.paid.get(author)?.has(lastEpoch) ?? false;
    const lastEpochPoints = lastPaid ? 0n : (this.points.get(author)?.get(lastEpoch) ?? 0n);
    const lastShare = lastEpoch < currentEpoch && !lastPaid ? this.shareOf(author, lastEpoch) : 0n;
    return {
      lifetimePoints: this.lifetimePoints(author),
      lastEpoch,
      lastEpochPoints,
      settledTokens: this.claimable(author, currentEpoch) - lastShare,
    };
  }

  /** `epochInfo` as the NatSpec describes it. */
  epochInfoView(epoch: number, currentEpoch: number): EpochRecord {
    const info = this.epochs.get(epoch);
    if (info) return { ...info };
    return epoch >= currentEpoch ? { budget: this.epochBudget, totalPoints: 0n } : { budget: 0n, totalPoints: 0n };
  }

  credit(author: string, epoch: number, points: bigint): void {
    let perEpoch = this.points.get(author);
    if (!perEpoch) {
      perEpoch = new Map();
      this.points.set(author, perEpoch);
    }
    perEpoch.set(epoch, (perEpoch.get(epoch) ?? 0n) + points);
  }

  addEpochPoints(epoch: number, points: bigint): void {
    let info = this.epochs.get(epoch);
    if (!info) {
      const room = this.unreservedCap();
      info = { budget: this.epochBudget < room ? this.epochBudget : room, totalPoints: 0n };
      this.reserved += info.budget;
    }
    info.totalPoints += points;
    this.epochs.set(epoch, info);
  }

  pay(author: string, to: string, currentEpoch: number): bigint {
    let tokens = 0n;
    const paid = this.paid.get(author) ?? new Set<number>();
    for (const epoch of this.unpaidClosedEpochs(author, currentEpoch)) {
      const share = this.shareOf(author, epoch);
      tokens += share;
      this.mintedByEpoch.set(epoch, (this.mintedByEpoch.get(epoch) ?? 0n) + share);
      paid.add(epoch);
    }
    this.paid.set(author, paid);
    this.balances.set(to, this.balanceOf(to) + tokens);
    this.totalSupply += tokens;
    this.totalClaimed += tokens;
    this.reserved = tokens < this.reserved ? this.reserved - tokens : 0n;
    return tokens;
  }

  /** Every author's share of every closed epoch, paid or not. */
  totalSharesOfClosedEpochs(currentEpoch: number): bigint {
    let sum = 0n;
    for (const [author, perEpoch] of this.points) {
      for (const epoch of perEpoch.keys()) if (epoch < currentEpoch) sum += this.shareOf(author, epoch);
    }
    return sum;
  }
}

/** The tier quota that `staked` buys. */
function quotaFor(staked: bigint): number {
  let allowed = BASE_QUOTA;
  for (const tier of QUOTA_TIERS) {
    if (staked < tier.minStake) break;
    allowed = tier.quota;
  }
  return allowed;
}

// ---------------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------------

interface Expected {
  on: BaseContract;
  error: string;
  args: unknown[];
}

interface World {
  rewards: Rewards;
  token: CashKeyToken;
  actors: HardhatEthersSigner[];
  operators: HardhatEthersSigner[];
  guardian: HardhatEthersSigner;
  timelock: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  model: Model;
  /** `Scored` events seen on chain. */
  scoredEvents: number;
  /** Sum of `Claimed` events seen on chain. */
  claimedEvents: bigint;
  contentNonce: number;
}

/** How often each command ended in each way, over all runs. */
const outcomes = new Map<string, number>();

/** With the fixed seed, the generated runs reach at least these outcomes (`command: error | ok`). */
const REQUIRED_OUTCOMES = [
  "submit: ok",
  "submit: RewardsQuotaExceeded",
  "postScores: ok",
  "postScores: RewardsAlreadyScored",
  "postScores: RewardsOperatorStakeTooLow",
  "claim: ok",
  "claim: RewardsNothingToClaim",
  "withdrawUnstaked: CashKeyTokenStakeLocked",
  "stake: ok",
  "requestUnstake: ok",
  "withdrawUnstaked: ok",
  "withdrawUnstaked: CashKeyTokenCooldownActive",
  "transfer: ok",
  "transfer: CashKeyTokenTransferExceedsUnlocked",
  "pause: ok",
  "unpause: ok",
  "setEpochBudget: ok",
  "setEpochBudget: RewardsBudgetAboveRemainingCap",
];

/** Fixes the next block's timestamp so the model knows the epoch a transaction runs in. */
async function stampNextBlock(): Promise<number> {
  const timestamp = (await time.latest()) + 1;
  await time.setNextBlockTimestamp(timestamp);
  return timestamp;
}

/**
 * Sends and asserts the model's prediction: the custom error with its arguments, or success. The label
 * starts with the command's kind, which keys the outcome tally.
 */
async function expectOutcome(label: string, send: () => Promise<ContractTransactionResponse>, expected: Expected | null): Promise<ContractTransactionReceipt | null> {
  const outcome = `${label.split(" ")[0]}: ${expected ? expected.error : "ok"}`;
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if (expected) {
    await expect(send(), label)
      .to.be.revertedWithCustomError(expected.on, expected.error)
      .withArgs(...expected.args);
    return null;
  }
  try {
    const receipt = await (await send()).wait();
    return receipt!;
  } catch (error) {
    throw new Error(`${label}: expected success, got ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function resolveAmount(amount: Amount, available: bigint): bigint {
  switch (amount) {
    case "zero":
      return 0n;
    case "one":
      return 1n;
    case "small":
      return parseEther("500");
    case "tier1":
      return QUOTA_TIERS[0].minStake;
    case "tier2":
      return QUOTA_TIERS[1].minStake;
    case "half":
      return available / 2n;
    case "all":
      return available;
    case "allPlusOne":
      return available + 1n;
  }
}

/** Picks `count` distinct operators, those whose stake counts first when `eligibleFirst`. */
function pickSigners(world: World, seed: number, count: number, eligibleFirst: boolean): HardhatEthersSigner[] {
  const { model, operators } = world;
  let pool = [...operators];
  // A seeded Fisher–Yates shuffle, so the choice is part of the shrinkable command.
  let state = seed >>> 0;
  for (let i = pool.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  if (eligibleFirst) {
    const counts = (s: HardhatEthersSigner) => model.stakeOf(s.address).staked >= model.minOperatorStake;
    pool = [...pool.filter(counts), ...pool.filter((s) => !counts(s))];
  }
  return pool.slice(0, count);
}

async function runSubmit(world: World, cmd: Extract<Command, { kind: "submit" }>): Promise<void> {
  const { rewards, model } = world;
  const author = world.actors[cmd.author];
  for (let i = 0; i < cmd.count; i++) {
    const timestamp = await stampNextBlock();
    const epoch = model.epochAt(timestamp);
    const used = model.usedIn(author.address, epoch);
    const allowed = model.quotaOf(author.address, epoch);
    const expected: Expected | null = model.rewardsPaused
      ? { on: rewards, error: "EnforcedPause", args: [] }
      : used >= allowed
        ? { on: rewards, error: "RewardsQuotaExceeded", args: [author.address, allowed] }
        : null;
    const contentHash = hre.ethers.id(`content-${world.contentNonce++}`);
    const receipt = await expectOutcome(`submit by actor ${cmd.author}`, () => rewards.connect(author).submit(contentHash, 1), expected);
    if (!receipt) continue;
    model.quotaUsage.set(author.address, { epoch, used: used + 1 });
    model.submissions.push({ author: author.address, scored: false });
    const id = BigInt(model.submissions.length);
    await expect(receipt).to.emit(rewards, "Submitted").withArgs(id, author.address, contentHash, 1);
  }
}

async function runPostScores(world: World, cmd: Extract<Command, { kind: "postScores" }>): Promise<void> {
  const { rewards, model } = world;
  const unscored = model.submissions
    .map((s, i) => ({ id: i + 1, s }))
    .filter(({ s }) => !s.scored)
    .map(({ id }) => id);
  const scored = model.submissions
    .map((s, i) => ({ id: i + 1, s }))
    .filter(({ s }) => s.scored)
    .map(({ id }) => id);

  const entries: { id: number; score: number; points: number }[] = [];
  for (const pick of cmd.picks) {
    if (unscored.length === 0) break;
    const id = unscored[pick.sel % unscored.length];
    if (!entries.some((e) => e.id === id)) entries.push({ id, score: pick.score, points: pick.points });
  }
  if (cmd.scoredSel !== null && scored.length > 0) {
    const id = scored[cmd.scoredSel % scored.length];
    entries.splice(cmd.scoredSel % (entries.length + 1), 0, { id, score: 50, points: 1 });
  }
  if (cmd.duplicateSel !== null && entries.length > 0) {
    entries.push({ ...entries[cmd.duplicateSel % entries.length] });
  }
  const items = entries.map((e) => item(e.id, e.score, e.points));

  const signers = pickSigners(world, cmd.signerSeed, cmd.signerCount, cmd.eligibleSigners);
  const timestamp = await stampNextBlock();
  const epoch = model.epochAt(timestamp);
  const header = await headerFor(rewards, { nonce: model.nextBatchNonce, deadline: BigInt(timestamp + 3600) });
  const signatures = await signBatch(rewards, signers, header, items);

  let expected: Expected | null = null;
  if (model.rewardsPaused) expected = { on: rewards, error: "EnforcedPause", args: [] };
  else if (items.length === 0) expected = { on: rewards, error: "RewardsEmptyBatch", args: [] };
  if (!expected) {
    const ascending = [...signers].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
    const weak = ascending.find((s) => model.stakeOf(s.address).staked < model.minOperatorStake);
    if (weak) {
      expected = {
        on: rewards,
        error: "RewardsOperatorStakeTooLow",
        args: [weak.address, model.stakeOf(weak.address).staked, model.minOperatorStake],
      };
    }
  }
  if (!expected) {
    const seen = new Set<number>();
    for (const e of entries) {
      if (seen.has(e.id) || model.submissions[e.id - 1].scored) {
        expected = { on: rewards, error: "RewardsAlreadyScored", args: [e.id] };
        break;
      }
      seen.add(e.id);
    }
  }

  const receipt = await expectOutcome(
    `postScores [${entries.map((e) => e.id).join(",")}]`,
    () => rewards.connect(world.relayer).postScores(header, items, signatures),
    expected,
  );
  if (!receipt) return;

  let batchPoints = 0n;
  for (const e of entries) {
    const submission = model.submissions[e.id - 1];
    submission.scored = true;
    model.scoredCount += 1;
    if (e.points > 0) {
      model.credit(submission.author, epoch, BigInt(e.points));
      batchPoints += BigInt(e.points);
    }
  }
  if (batchPoints > 0n) model.addEpochPoints(epoch, batchPoints);
  model.nextBatchNonce += 1n;
  for (const signer of signers) {
    const staked = model.stakeOf(signer.address).staked;
    if (staked > (model.bondAtSigning.get(signer.address) ?? 0n)) model.bondAtSigning.set(signer.address, staked);
  }

  const scoredLogs = receipt.logs.map((log) => rewards.interface.parseLog(log)).filter((parsed) => parsed?.name === "Scored");
  expect(scoredLogs.map((l) => [Number(l!.args.id), l!.args.author, Number(l!.args.score), Number(l!.args.points)])).to.deep.equal(
    entries.map((e) => [e.id, model.submissions[e.id - 1].author, e.score, e.points]),
  );
  world.scoredEvents += scoredLogs.length;
  await expect(receipt).to.emit(rewards, "BatchPosted").withArgs(header.nonce, header.evaluator, header.rationaleRoot, items.length);
}

async function runClaim(world: World, cmd: Extract<Command, { kind: "claim" }>): Promise<void> {
  const { rewards, token, model } = world;
  const who = world.actors[cmd.who];
  const to = cmd.to === ZERO_RECIPIENT ? ZeroAddress : world.actors[cmd.to].address;
  const timestamp = await stampNextBlock();
  const epoch = model.epochAt(timestamp);
  const tokens = model.claimable(who.address, epoch);

  let expected: Expected | null = null;
  if (model.rewardsPaused) expected = { on: rewards, error: "EnforcedPause", args: [] };
  else if (to === ZeroAddress) expected = { on: rewards, error: "RewardsZeroAddress", args: [] };
  else if (tokens === 0n) expected = { on: rewards, error: "RewardsNothingToClaim", args: [who.address] };
  else if (model.tokenPaused) expected = { on: token, error: "EnforcedPause", args: [] };
  // Never ERC20ExceededCap: every claim comes out of a budget reserved under the cap.

  const receipt = await expectOutcome(`claim by actor ${cmd.who} to ${cmd.to}`, () => rewards.connect(who).claim(to), expected);
  if (!receipt) return;
  expect(model.pay(who.address, to, epoch)).to.equal(tokens);
  await expect(receipt).to.emit(rewards, "Claimed").withArgs(who.address, to, tokens);
  world.claimedEvents += tokens;
}

/** A targeted staking command goes to a staker for whom it can succeed, when there is one. */
function targetStaker(world: World, kind: "stake" | "requestUnstake" | "withdrawUnstaked", who: number, timestamp: number): number {
  const { model, actors } = world;
  const able = STAKERS.filter((i) => {
    const s = model.stakeOf(actors[i].address);
    if (kind === "stake") return model.unlockedOf(actors[i].address) > 0n;
    if (kind === "requestUnstake") return s.staked > 0n;
    // Past its cooldown: an author withdraws, an operator finds its bond held by Rewards.
    return s.pending > 0n && s.unlockAt <= BigInt(timestamp);
  });
  // Half the time an author, when one can: operators' withdrawals are always refused.
  const authorsAble = able.filter((i) => AUTHORS.includes(i));
  const pool = kind === "withdrawUnstaked" && authorsAble.length > 0 && who % 2 === 0 ? authorsAble : able;
  return pool.length === 0 ? who : pool[who % pool.length];
}

async function runStaking(world: World, cmd: Extract<Command, { kind: "stake" | "requestUnstake" | "withdrawUnstaked" }>): Promise<void> {
  const { token, model } = world;
  const timestamp = await stampNextBlock();
  const who = world.actors[cmd.targeted ? targetStaker(world, cmd.kind, cmd.who, timestamp) : cmd.who];
  const record = model.stakeOf(who.address);
  const label = `${cmd.kind} by ${who.address}`;

  if (cmd.kind === "stake") {
    const unlocked = model.unlockedOf(who.address);
    const amount = resolveAmount(cmd.amount, unlocked);
    const expected: Expected | null =
      amount === 0n
        ? { on: token, error: "CashKeyTokenZeroAmount", args: [] }
        : amount > unlocked
          ? { on: token, error: "CashKeyTokenInsufficientUnlockedBalance", args: [who.address, unlocked, amount] }
          : null;
    if (await expectOutcome(label, () => token.connect(who).stake(amount), expected)) {
      record.staked += amount;
      model.recordStake(who.address, timestamp);
    }
  } else if (cmd.kind === "requestUnstake") {
    const amount = resolveAmount(cmd.amount, record.staked);
    const expected: Expected | null =
      amount === 0n
        ? { on: token, error: "CashKeyTokenZeroAmount", args: [] }
        : amount > record.staked
          ? { on: token, error: "CashKeyTokenInsufficientStake", args: [who.address, record.staked, amount] }
          : null;
    if (await expectOutcome(label, () => token.connect(who).requestUnstake(amount), expected)) {
      record.staked -= amount;
      record.pending += amount;
      record.unlockAt = BigInt(timestamp) + model.unstakeCooldown;
      model.recordStake(who.address, timestamp);
    }
  } else {
    const expected: Expected | null =
      record.pending === 0n
        ? { on: token, error: "CashKeyTokenNothingToWithdraw", args: [who.address] }
        : BigInt(timestamp) < record.unlockAt
          ? { on: token, error: "CashKeyTokenCooldownActive", args: [who.address, record.unlockAt] }
          : model.operatorSet.has(who.address)
            ? { on: token, error: "CashKeyTokenStakeLocked", args: [who.address, MaxUint256] }
            : null;
    if (await expectOutcome(label, () => token.connect(who).withdrawUnstaked(), expected)) {
      record.pending = 0n;
      record.unlockAt = 0n;
    }
  }
}

async function runTransfer(world: World, cmd: Extract<Command, { kind: "transfer" }>): Promise<void> {
  const { token, model } = world;
  const from = world.actors[cmd.from];
  const to = world.actors[cmd.to];
  const unlocked = model.unlockedOf(from.address);
  const balance = model.balanceOf(from.address);
  const record = model.stakeOf(from.address);
  const amount = resolveAmount(cmd.amount, unlocked);
  await stampNextBlock();

  let expected: Expected | null = null;
  if (model.tokenPaused) expected = { on: token, error: "EnforcedPause", args: [] };
  else if ((record.staked !== 0n || record.pending !== 0n) && amount > unlocked) {
    expected = { on: token, error: "CashKeyTokenTransferExceedsUnlocked", args: [from.address, unlocked, amount] };
  } else if (amount > balance) expected = { on: token, error: "ERC20InsufficientBalance", args: [from.address, balance, amount] };

  if (await expectOutcome(`transfer ${amount} from actor ${cmd.from} to ${cmd.to}`, () => token.connect(from).transfer(to.address, amount), expected)) {
    model.balances.set(from.address, balance - amount);
    model.balances.set(to.address, model.balanceOf(to.address) + amount);
  }
}

async function runTime(world: World, cmd: Extract<Command, { kind: "time" }>): Promise<void> {
  const { model } = world;
  const now = await time.latest();
  if (cmd.mode === "seconds") {
    await time.increase(cmd.n);
  } else if (cmd.mode === "epochs") {
    await time.increase(cmd.n * model.epochLength);
  } else {
    const nextBoundary = model.genesis + (model.epochAt(now) + 1) * model.epochLength;
    const target = nextBoundary - 1 + cmd.n;
    await time.increaseTo(Math.max(target, now + 1));
  }
}

async function runPause(world: World, cmd: Extract<Command, { kind: "pause" | "unpause" }>): Promise<void> {
  const { model } = world;
  const target = cmd.target !== "paused" ? cmd.target : model.tokenPaused && !model.rewardsPaused ? "token" : "rewards";
  const contract = target === "rewards" ? world.rewards : world.token;
  const paused = target === "rewards" ? model.rewardsPaused : model.tokenPaused;
  await stampNextBlock();
  if (cmd.kind === "pause") {
    const expected = paused ? { on: contract, error: "EnforcedPause", args: [] } : null;
    const ok = await expectOutcome(`pause ${target}`, () => contract.connect(world.guardian).pause(), expected);
    if (ok) {
      if (target === "rewards") model.rewardsPaused = true;
      else model.tokenPaused = true;
    }
  } else {
    const expected = paused ? null : { on: contract, error: "ExpectedPause", args: [] };
    const ok = await expectOutcome(`unpause ${target}`, () => contract.connect(world.timelock).unpause(), expected);
    if (ok) {
      if (target === "rewards") model.rewardsPaused = false;
      else model.tokenPaused = false;
    }
  }
}

async function runSetEpochBudget(world: World, cmd: Extract<Command, { kind: "setEpochBudget" }>): Promise<void> {
  const { rewards, model } = world;
  await stampNextBlock();
  const room = model.unreservedCap();
  const expected: Expected | null =
    cmd.budget > UINT96_MAX
      ? { on: rewards, error: "RewardsBudgetTooLarge", args: [cmd.budget, UINT96_MAX] }
      : cmd.budget > room
        ? { on: rewards, error: "RewardsBudgetAboveRemainingCap", args: [cmd.budget, room] }
        : null;
  const receipt = await expectOutcome(`setEpochBudget ${cmd.budget}`, () => rewards.connect(world.timelock).setEpochBudget(cmd.budget), expected);
  if (!receipt) return;
  if (cmd.budget === model.epochBudget) await expect(receipt).not.to.emit(rewards, "EpochBudgetSet");
  else await expect(receipt).to.emit(rewards, "EpochBudgetSet").withArgs(model.epochBudget, cmd.budget);
  model.epochBudget = cmd.budget;
}

async function runCommand(world: World, cmd: Command): Promise<void> {
  switch (cmd.kind) {
    case "submit":
      return runSubmit(world, cmd);
    case "postScores":
      return runPostScores(world, cmd);
    case "claim":
      return runClaim(world, cmd);
    case "stake":
    case "requestUnstake":
    case "withdrawUnstaked":
      return runStaking(world, cmd);
    case "transfer":
      return runTransfer(world, cmd);
    case "time":
      return runTime(world, cmd);
    case "pause":
    case "unpause":
      return runPause(world, cmd);
    case "setEpochBudget":
      return runSetEpochBudget(world, cmd);
  }
}

/** The invariants, read from the chain at the latest block. */
async function checkInvariants(world: World): Promise<void> {
  const { rewards, token, model, actors } = world;
  const epoch = model.epochAt(await time.latest());
  expect(await rewards.currentEpoch()).to.equal(epoch);

  // Staked (active + pending) never exceeds the balance; balances and stakes match the model.
  let chainTotalStaked = 0n;
  for (const actor of actors) {
    const [balance, info] = await Promise.all([token.balanceOf(actor.address), token.stakeInfoOf(actor.address)]);
    expect(info.staked + info.pendingUnstake, `locked ≤ balance for ${actor.address}`).to.be.lte(balance);
    const record = model.stakeOf(actor.address);
    expect([balance, info.staked, info.pendingUnstake, info.unlockAt]).to.deep.equal([model.balanceOf(actor.address), record.staked, record.pending, record.unlockAt]);
    chainTotalStaked += info.staked;
  }

  // Supply: under the cap, and exactly the genesis supply plus what claims minted.
  const [supply, totalStaked] = await Promise.all([token.totalSupply(), token.totalStaked()]);
  expect(supply).to.be.lte(CAP);
  expect(supply).to.equal(model.totalSupply);
  expect(supply - INITIAL_SUPPLY).to.equal(model.totalClaimed);
  expect(world.claimedEvents).to.equal(model.totalClaimed);
  expect(totalStaked).to.equal(chainTotalStaked);
  expect(totalStaked).to.equal(model.totalStaked());

  // Points and claimable tokens, as the model computes them.
  for (const index of [...AUTHORS, 8]) {
    const who = actors[index].address;
    const [points, claimable, account] = await Promise.all([rewards.pointsOf(who), rewards.claimable(who), rewards.accountOf(who)]);
    expect(points, `pointsOf(${who})`).to.equal(model.lifetimePoints(who));
    expect(claimable, `claimable(${who})`).to.equal(model.claimable(who, epoch));
    const expected = model.account(who, epoch);
    expect([account.lifetimePoints, Number(account.lastEpoch), account.lastEpochPoints, account.settledTokens]).to.deep.equal([
      expected.lifetimePoints,
      expected.lastEpoch,
      expected.lastEpochPoints,
      expected.settledTokens,
    ]);
  }

  // Epochs: budget snapshots and totals match; no epoch minted more than its budget.
  for (let e = 0; e <= epoch + 1; e++) {
    const info = await rewards.epochInfo(e);
    const expected = model.epochInfoView(e, epoch);
    expect([info.budget, info.totalPoints], `epochInfo(${e})`).to.deep.equal([expected.budget, expected.totalPoints]);
    expect(model.mintedByEpoch.get(e) ?? 0n, `minted from epoch ${e}`).to.be.lte(info.budget);
  }

  // The budgets reserved for snapshotted epochs never exceed what the cap leaves after the supply.
  const reserved = await rewards.reservedBudget();
  expect(reserved, "reservedBudget").to.equal(model.reserved);
  expect(supply + reserved, "supply + reserved ≤ cap").to.be.lte(CAP);

  // An operator's bond stays slashable for every batch it signed: active + pending never fell below the
  // stake it had when the batch landed, and Rewards holds it for as long as it is an operator.
  for (const operator of world.operators) {
    const info = await token.stakeInfoOf(operator.address);
    const signedWith = model.bondAtSigning.get(operator.address) ?? 0n;
    expect(info.staked + info.pendingUnstake, `bond of ${operator.address}`).to.be.gte(signedWith);
    expect(await rewards.stakeLockedUntil(operator.address)).to.equal(MaxUint256);
  }

  // No author's submissions in this epoch exceed what its stake at the epoch's start buys.
  const epochStart = model.genesis + epoch * model.epochLength;
  for (const index of AUTHORS) {
    const who = actors[index].address;
    const stakeAtStart = await token.stakedBalanceAt(who, epochStart - 1);
    expect(stakeAtStart, `stake of ${who} at the epoch start`).to.equal(model.stakeAt(who, epochStart - 1));
    expect(model.usedIn(who, epoch), `submissions of ${who} in epoch ${epoch}`).to.be.lte(quotaFor(stakeAtStart));
    expect(await rewards.quotaOf(who)).to.equal(BigInt(quotaFor(stakeAtStart)));
  }

  // Every score was posted once.
  expect(world.scoredEvents).to.equal(model.scoredCount);
  const [count, nonce, rewardsPaused, tokenPaused] = await Promise.all([rewards.submissionCount(), rewards.nextBatchNonce(), rewards.paused(), token.paused()]);
  expect([count, nonce, rewardsPaused, tokenPaused]).to.deep.equal([BigInt(model.submissions.length), model.nextBatchNonce, model.rewardsPaused, model.tokenPaused]);
}

/** At the end of a run: unpause, close the epoch, let every author claim, and settle the books. */
async function settleRun(world: World): Promise<void> {
  const { rewards, model } = world;
  for (let i = 0; i < model.submissions.length; i++) {
    expect(await rewards.isScored(i + 1), `isScored(${i + 1})`).to.equal(model.submissions[i].scored);
  }
  if (model.rewardsPaused) await runPause(world, { kind: "unpause", target: "rewards" });
  if (model.tokenPaused) await runPause(world, { kind: "unpause", target: "token" });
  // An author (not an operator) leaves its stake through the whole cooldown, as the model predicts.
  await runStaking(world, { kind: "stake", who: AUTHORS[0], targeted: false, amount: "half" });
  await runStaking(world, { kind: "requestUnstake", who: AUTHORS[0], targeted: false, amount: "all" });
  await runTime(world, { kind: "time", mode: "seconds", n: UNSTAKE_COOLDOWN });
  await runStaking(world, { kind: "withdrawUnstaked", who: AUTHORS[0], targeted: false });
  await runTime(world, { kind: "time", mode: "toBoundary", n: 1 });
  for (const author of AUTHORS) await runClaim(world, { kind: "claim", who: author, to: author });
  await checkInvariants(world);

  // Every claim was paid in full (no race at the cap): claims are exactly the sum of every author's
  // rounded-down share of every closed epoch, and nothing is left claimable.
  const epoch = model.epochAt(await time.latest());
  let stillClaimable = 0n;
  for (const author of AUTHORS) stillClaimable += await rewards.claimable(world.actors[author].address);
  expect(stillClaimable).to.equal(0n);
  expect(model.totalClaimed).to.equal(model.totalSharesOfClosedEpochs(epoch));
}

async function newWorld(): Promise<World> {
  const d = await loadFixture(fixture);
  const { rewards, token, alice, bob, carol, operatorSigners, outsider, relayer, guardian } = d;
  const timelockAddress = await d.timelock.getAddress();
  await impersonateAccount(timelockAddress);
  await setBalance(timelockAddress, parseEther("10"));
  const timelock = await hre.ethers.getSigner(timelockAddress);

  const actors = [alice, bob, carol, ...operatorSigners, outsider, relayer];
  const balances = new Map<string, bigint>();
  const stakes = new Map<string, StakeRecord>();
  for (const actor of actors) {
    const [balance, info] = await Promise.all([token.balanceOf(actor.address), token.stakeInfoOf(actor.address)]);
    balances.set(actor.address, balance);
    stakes.set(actor.address, { staked: info.staked, pending: info.pendingUnstake, unlockAt: info.unlockAt });
  }
  const model = new Model({
    genesis: Number(await rewards.genesis()),
    epochLength: Number(await rewards.epochLength()),
    epochBudget: await rewards.epochBudget(),
    minOperatorStake: await rewards.minOperatorStake(),
    unstakeCooldown: await token.unstakeCooldown(),
    totalSupply: await token.totalSupply(),
    balances,
    stakes,
  });
  model.operatorSet = new Set(operatorSigners.map((s) => s.address));
  for (const actor of actors) {
    // The stake each actor held before the runs began (operators staked at deployment).
    model.stakeHistory.set(actor.address, [{ at: 0, staked: stakes.get(actor.address)!.staked }]);
  }
  return {
    rewards,
    token,
    actors,
    operators: operatorSigners,
    guardian,
    timelock,
    relayer,
    model,
    scoredEvents: 0,
    claimedEvents: 0n,
    contentNonce: 0,
  };
}

// ---------------------------------------------------------------------------------------------------
// The scored bitmap across its words
// ---------------------------------------------------------------------------------------------------

// Enough submissions for three bitmap words, whether a word holds 256 ids or fewer.
const BULK_SUBMISSIONS = 520;
// Ids at and around the word boundaries of a 255- or 256-id word.
const BOUNDARY_IDS = [1, 2, 253, 254, 255, 256, 257, 508, 509, 510, 511, 512, 513, 519, 520];

async function bulkFixture() {
  const d = await deployStandard({ baseQuota: BULK_SUBMISSIONS, quotaTiers: [], maxPointsPerSubmission: MAX_POINTS });
  const authors = [d.alice, d.bob, d.carol];
  for (let i = 0; i < BULK_SUBMISSIONS; i++) {
    await d.rewards.connect(authors[i % authors.length]).submit(hre.ethers.id(`bulk ${i}`), 1);
  }
  return { ...d, authors };
}

const bulkBatchArb = fc.record({
  ids: fc.array(fc.oneof(fc.integer({ min: 1, max: BULK_SUBMISSIONS }), fc.constantFrom(...BOUNDARY_IDS)), {
    minLength: 1,
    maxLength: 40,
  }),
  pointsSeed: fc.nat({ max: MAX_POINTS }),
});

describe("Invariants (model-based, fast-check)", function () {
  it("hold over random sequences of submissions, batches, claims, staking, transfers, time, pauses and budgets", async function () {
    this.timeout(600_000);
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 15, maxLength: MAX_COMMANDS, size: "max" }), async (commands) => {
        const world = await newWorld();
        expect(await world.token.totalSupply()).to.equal(INITIAL_SUPPLY);
        await checkInvariants(world);
        for (const command of commands) {
          await runCommand(world, command);
          await checkInvariants(world);
        }
        await settleRun(world);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    // The runs must have reached the paths the invariants are about, or they prove little.
    const reached = [...outcomes.keys()];
    expect(
      REQUIRED_OUTCOMES.filter((o) => !reached.includes(o)),
      "outcomes never reached",
    ).to.deep.equal([]);
  });

  it("score each submission once across bitmap words, in any order, with repeats refused", async function () {
    this.timeout(600_000);
    await fc.assert(
      fc.asyncProperty(fc.array(bulkBatchArb, { minLength: 1, maxLength: 6 }), async (batches) => {
        const d = await loadFixture(bulkFixture);
        const { rewards, authors } = d;
        const authorOf = (id: number) => authors[(id - 1) % authors.length].address;
        const scored = new Set<number>();
        const points = new Map<string, bigint>(authors.map((a) => [a.address, 0n]));
        let scoredEvents = 0;

        for (const batch of batches) {
          const items = batch.ids.map((id, k) => item(id, (id + k) % 101, (id * 7 + batch.pointsSeed) % (MAX_POINTS + 1)));
          const seen = new Set<number>();
          const repeated = batch.ids.find((id) => {
            if (scored.has(id) || seen.has(id)) return true;
            seen.add(id);
            return false;
          });
          if (repeated !== undefined) {
            await expect(postBatch(d, items)).to.be.revertedWithCustomError(rewards, "RewardsAlreadyScored").withArgs(repeated);
          } else {
            const receipt = (await (await postBatch(d, items)).wait())!;
            scoredEvents += receipt.logs.filter((log) => rewards.interface.parseLog(log)?.name === "Scored").length;
            batch.ids.forEach((id, k) => {
              scored.add(id);
              const author = authorOf(id);
              points.set(author, points.get(author)! + (BigInt(items[k]) & 0xffff_ffffn));
            });
          }
          expect(scoredEvents).to.equal(scored.size);
          for (const id of new Set([...batch.ids, ...BOUNDARY_IDS])) {
            expect(await rewards.isScored(id), `isScored(${id})`).to.equal(scored.has(id));
          }
        }

        for (let id = 1; id <= BULK_SUBMISSIONS; id++) {
          expect(await rewards.isScored(id), `isScored(${id})`).to.equal(scored.has(id));
        }
        let total = 0n;
        for (const [author, p] of points) {
          expect(await rewards.pointsOf(author)).to.equal(p);
          total += p;
        }
        expect((await rewards.epochInfo(await rewards.currentEpoch())).totalPoints).to.equal(total);
      }),
      { seed: SEED, numRuns: 15 },
    );
  });
});
