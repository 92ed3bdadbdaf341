/**
 * Property test for contestable scores (issue 13): fast-check generates random sequences of submissions
 * scored by signed batches, challenges (any reason, any challenger), first-round verdicts, escalations,
 * Timelock decisions, finalizations, claims, time jumps and epoch changes, and checks after every step:
 *
 * - an epoch never mints more than its budget: everything Rewards minted (claims and challenge rewards) stays
 *   within the budgets snapshotted, every epoch's unsettled points fit in its total, and a reward never
 *   exceeds the epoch's budget;
 * - no claim is made on points that later disappear: a removal only ever hits an epoch that the claim gate
 *   has not yet opened, and a claim only succeeds once every epoch it pays from is final;
 * - open is refused exactly when the model says so (window, one open challenge per item, grounds rejected);
 * - bounded lock time: at the end of a run, once `window + verdictTimeout + escalationWindow +
 *   escalationTimeout` have passed after the last epoch ended, every challenge can be finalized, every
 *   ended epoch becomes final and every author can claim.
 *
 * The seed is fixed; on a failure fast-check prints the seed, the path and the shrunk command list.
 */
import { expect } from "chai";
import fc from "fast-check";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { MaxUint256, parseEther } from "ethers";
import { deployStandard, item, nextEpoch, postBatch } from "../helpers/cashkey";
import { REASON_HASH, Reason, Status, postVerdict } from "../helpers/challenges";
import { impersonate } from "../helpers/impersonate";

const SEED = 0x13_c4a1;
const NUM_RUNS = 40;
const MAX_COMMANDS = 40;
const HOUR = 3600;

type Command =
  | { kind: "score"; author: number; points: number }
  | { kind: "open"; item: number; challenger: number; reason: number; points: number }
  | { kind: "verdict"; challenge: number; upheld: boolean }
  | { kind: "escalate"; challenge: number }
  | { kind: "decide"; challenge: number; upheld: boolean }
  | { kind: "finalize"; challenge: number }
  | { kind: "claim"; author: number }
  | { kind: "wait"; hours: number }
  | { kind: "epoch" };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("score" as const), author: fc.nat(2), points: fc.integer({ min: 0, max: 1000 }) }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant("open" as const),
      item: fc.nat(20),
      challenger: fc.nat(3),
      reason: fc.nat(5),
      points: fc.integer({ min: 1, max: 1000 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant("verdict" as const), challenge: fc.nat(10), upheld: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("escalate" as const), challenge: fc.nat(10) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("decide" as const), challenge: fc.nat(10), upheld: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("finalize" as const), challenge: fc.nat(10) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("claim" as const), author: fc.nat(2) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("wait" as const), hours: fc.integer({ min: 1, max: 96 }) }), weight: 2 },
  { arbitrary: fc.constant({ kind: "epoch" as const }), weight: 1 },
);

async function fixture() {
  const d = await deployStandard();
  const challengers = [d.bob, d.carol, d.outsider, d.relayer];
  for (const who of [d.outsider, d.relayer]) await (await d.token.connect(d.deployer).transfer(who.address, parseEther("50000"))).wait();
  for (const who of challengers) await (await d.token.connect(who).approve(await d.challenges.getAddress(), MaxUint256)).wait();
  const timelockSigner = await impersonate(await d.timelock.getAddress());
  return { ...d, challengers, authors: [d.alice, d.bob, d.carol], timelockSigner, supply0: await d.token.totalSupply() };
}

interface ItemRecord {
  id: bigint;
  author: HardhatEthersSigner;
  epoch: number;
  points: number;
}

describe("Challenges (property)", function () {
  it("random challenges, verdicts, escalations, claims and epoch changes keep the budget, the claim gate and the lock bound", async function () {
    this.timeout(900_000);
    // What the runs reached, so that a generator change cannot silently stop exercising a path.
    const seen = { upheld: 0, rejected: 0, dismissed: 0, escalated: 0, removals: 0, claims: 0, gated: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 10, maxLength: MAX_COMMANDS }), async (commands) => {
        const f = await loadFixture(fixture);
        const { rewards, challenges, token } = f;
        const p = await challenges.params();
        const items: ItemRecord[] = [];
        const challengeIds: bigint[] = [];
        const rejected = new Map<bigint, Set<number>>();

        const checkInvariants = async () => {
          const snapshots = await rewards.queryFilter(rewards.filters.EpochBudgetSnapshotted());
          const budgets = snapshots.reduce((sum, e) => sum + e.args.budget, 0n);
          const minted = (await token.totalSupply()) - f.supply0;
          expect(minted).to.be.lessThanOrEqual(budgets);
          const current = Number(await rewards.currentEpoch());
          for (let e = 0; e <= current; e++) {
            const info = await rewards.epochInfo(e);
            let unsettled = 0n;
            for (const a of f.authors) {
              const acc = await rewards.accountOf(a.address);
              if (Number(acc.lastEpoch) === e) unsettled += acc.lastEpochPoints;
            }
            expect(unsettled).to.be.lessThanOrEqual(info.totalPoints);
            expect(Number(await challenges.openChallenges(e))).to.equal(
              (await Promise.all(challengeIds.map((id) => challenges.challenge(id)))).filter(
                (c) => Number(c.epoch) === e && [Status.Open, Status.Verdict, Status.Escalated].includes(Number(c.status)),
              ).length,
            );
          }
        };

        /** Runs a tx that may resolve a challenge: any removal must hit an epoch not yet open to claims. */
        const resolving = async (send: () => Promise<{ wait: () => Promise<unknown> }>) => {
          const mark = await challenges.finalizedEpochs();
          const budgetsBefore = new Map<number, bigint>();
          for (let e = 0; e <= Number(await rewards.currentEpoch()); e++) budgetsBefore.set(e, (await rewards.epochInfo(e)).budget);
          const receipt = (await (await send()).wait()) as { blockNumber: number };
          const removals = await rewards.queryFilter(rewards.filters.PointsRemoved(), receipt.blockNumber, receipt.blockNumber);
          seen.removals += removals.length;
          for (const r of removals) {
            expect(r.args.epoch).to.be.greaterThanOrEqual(mark);
            expect(r.args.reward).to.be.lessThanOrEqual(budgetsBefore.get(Number(r.args.epoch)) ?? 0n);
          }
        };

        for (const cmd of commands) {
          const now = BigInt(await time.latest());
          switch (cmd.kind) {
            case "score": {
              const author = f.authors[cmd.author];
              if ((await rewards.submissionsLeft(author.address)) === 0n) break;
              await (await rewards.connect(author).submit(hre.ethers.id(`${items.length}-${now}`), 1)).wait();
              const id = await rewards.submissionCount();
              await (await postBatch(f, [item(id, 50, cmd.points)])).wait();
              items.push({ id, author, epoch: Number(await rewards.currentEpoch()), points: cmd.points });
              break;
            }
            case "open": {
              if (items.length === 0) break;
              const it = items[cmd.item % items.length];
              const challenger = f.challengers[cmd.challenger];
              if (it.points === 0 || challenger.address === it.author.address) break;
              const reason = cmd.reason === Reason.Duplicate && it.id === 1n ? Reason.Spam : cmd.reason;
              const duplicateOf = reason === Reason.Duplicate ? 1n : 0n;
              const closesAt = (await rewards.lastScoredAt(it.epoch)) + p.window;
              const isFinal = BigInt(it.epoch) < (await challenges.finalizedEpochs());
              const hasOpen = (await challenges.openChallengeOf(it.id)) !== 0n;
              const nowNext = BigInt(await time.latest()) + 1n;
              const tx = challenges.connect(challenger).open(it.id, it.epoch, it.points, reason, duplicateOf, REASON_HASH);
              if (isFinal) {
                await expect(tx).to.be.revertedWithCustomError(challenges, "ChallengesEpochFinal").withArgs(it.epoch);
              } else if (nowNext > closesAt) {
                await expect(tx).to.be.revertedWithCustomError(challenges, "ChallengesWindowClosed").withArgs(it.epoch, closesAt);
              } else if (hasOpen) {
                await expect(tx).to.be.revertedWithCustomError(challenges, "ChallengesItemHasOpenChallenge");
              } else if (rejected.get(it.id)?.has(reason)) {
                await expect(tx).to.be.revertedWithCustomError(challenges, "ChallengesGroundsRejected").withArgs(it.id, reason);
              } else {
                await (await tx).wait();
                challengeIds.push(await challenges.challengeCount());
              }
              break;
            }
            case "verdict": {
              if (challengeIds.length === 0) break;
              const id = challengeIds[cmd.challenge % challengeIds.length];
              const c = await challenges.challenge(id);
              if (Number(c.status) !== Status.Open || now + 1n > c.deadline) break;
              await (await postVerdict(challenges, f.operatorSigners, id, cmd.upheld)).wait();
              break;
            }
            case "escalate": {
              if (challengeIds.length === 0) break;
              const id = challengeIds[cmd.challenge % challengeIds.length];
              const c = await challenges.challenge(id);
              if (Number(c.status) !== Status.Verdict || now + 1n > c.deadline) break;
              const escalator = c.firstUpheld ? c.author : c.challenger;
              const signer = [...f.authors, ...f.challengers].find((s) => s.address === escalator)!;
              await (await challenges.connect(signer).escalate(id)).wait();
              seen.escalated++;
              break;
            }
            case "decide": {
              if (challengeIds.length === 0) break;
              const id = challengeIds[cmd.challenge % challengeIds.length];
              const c = await challenges.challenge(id);
              if (Number(c.status) !== Status.Escalated || now + 1n > c.deadline) break;
              await resolving(() => challenges.connect(f.timelockSigner).decide(id, cmd.upheld));
              if (!cmd.upheld) (rejected.get(c.submissionId) ?? rejected.set(c.submissionId, new Set()).get(c.submissionId)!).add(Number(c.reason));
              break;
            }
            case "finalize": {
              if (challengeIds.length === 0) break;
              const id = challengeIds[cmd.challenge % challengeIds.length];
              const c = await challenges.challenge(id);
              const status = Number(c.status);
              if (![Status.Open, Status.Verdict, Status.Escalated].includes(status)) break;
              if (now + 1n <= c.deadline) {
                await expect(challenges.finalize(id)).to.be.revertedWithCustomError(challenges, "ChallengesNotFinalizable");
                break;
              }
              await resolving(() => challenges.finalize(id));
              if (status !== Status.Open && !c.firstUpheld) {
                (rejected.get(c.submissionId) ?? rejected.set(c.submissionId, new Set()).get(c.submissionId)!).add(Number(c.reason));
              }
              break;
            }
            case "claim": {
              const author = f.authors[cmd.author];
              try {
                await (await rewards.connect(author).claim(author.address)).wait();
                seen.claims++;
                const acc = await rewards.accountOf(author.address);
                const current = Number(await rewards.currentEpoch());
                const through = Number(acc.lastEpoch) === current ? Number(acc.lastEpoch) - 1 : Number(acc.lastEpoch);
                expect(Number(await challenges.finalizedEpochs())).to.be.greaterThan(through);
              } catch (error) {
                const message = String(error);
                expect(message).to.match(/RewardsNothingToClaim|ChallengesEpochNotFinal|ChallengesEpochHasOpenChallenges/);
                if (/Challenges/.test(message)) seen.gated++;
              }
              break;
            }
            case "wait":
              await time.increase(cmd.hours * HOUR);
              break;
            case "epoch":
              await nextEpoch(rewards);
              break;
          }
          await checkInvariants();
        }

        // Bounded lock: after the longest path, everything resolves and every ended epoch opens to claims.
        await nextEpoch(rewards);
        await time.increase(Number(p.window + p.verdictTimeout + p.escalationWindow + p.escalationTimeout) + 1);
        for (const id of challengeIds) {
          const c = await challenges.challenge(id);
          if ([Status.Open, Status.Verdict, Status.Escalated].includes(Number(c.status))) await resolving(() => challenges.finalize(id));
        }
        const last = Number(await rewards.currentEpoch()) - 1;
        await (await challenges.finalizeEpochs(last)).wait();
        for (const author of f.authors) {
          const acc = await rewards.accountOf(author.address);
          if ((await rewards.claimable(author.address)) > 0n || acc.settledTokens > 0n) {
            await (await rewards.connect(author).claim(author.address)).wait();
          }
        }
        await checkInvariants();
        for (const id of challengeIds) {
          const status = Number((await challenges.challenge(id)).status);
          if (status === Status.Upheld) seen.upheld++;
          if (status === Status.Rejected) seen.rejected++;
          if (status === Status.Dismissed) seen.dismissed++;
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    for (const [path, count] of Object.entries(seen)) expect(count, path).to.be.greaterThan(0);
  });
});
