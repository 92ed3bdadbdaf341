import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroAddress, parseEther } from "ethers";
import { EPOCH_BUDGET, deployStandard, item, nextEpoch, postBatch } from "../helpers/cashkey";
import { asTimelock, contentHash } from "../helpers/rewardsTesting";

/** Alice authored submissions 1..5, bob 6..10; nothing scored yet. */
async function fixture() {
  const deployment = await deployStandard();
  const { rewards, alice, bob } = deployment;
  for (let i = 1; i <= 5; i++) await rewards.connect(alice).submit(contentHash(`alice ${i}`), 1);
  for (let i = 6; i <= 10; i++) await rewards.connect(bob).submit(contentHash(`bob ${i}`), 1);
  const admin = await asTimelock(deployment.timelock);
  return { ...deployment, admin };
}

type Deployment = Awaited<ReturnType<typeof fixture>>;

/** Credits `points` in the current epoch on the given submission. */
async function credit(d: Deployment, submissionId: number, points: number) {
  await (await postBatch(d, [item(submissionId, 50, points)])).wait();
}

async function accountTuple(d: Deployment, who: HardhatEthersSigner) {
  const a = await d.rewards.accountOf(who.address);
  return [a.lifetimePoints, a.lastEpoch, a.lastEpochPoints, a.settledTokens];
}

describe("Rewards: epochs and claims", function () {
  describe("claim", function () {
    describe("before the epoch closes", function () {
      it("reverts with RewardsNothingToClaim and leaves the account as it was", async function () {
        const d = await loadFixture(fixture);
        await credit(d, 1, 300);
        const before = await accountTuple(d, d.alice);
        expect(await d.rewards.claimable(d.alice.address)).to.equal(0);
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim").withArgs(d.alice.address);
        expect(await accountTuple(d, d.alice)).to.deep.equal(before);
        expect(before).to.deep.equal([300n, 0n, 300n, 0n]);
      });
    });

    describe("by someone with no points", function () {
      it("reverts with RewardsNothingToClaim", async function () {
        const d = await loadFixture(fixture);
        await credit(d, 1, 300);
        await nextEpoch(d.rewards);
        expect(await d.rewards.claimable(d.carol.address)).to.equal(0);
        await expect(d.rewards.connect(d.carol).claim(d.carol.address)).to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim").withArgs(d.carol.address);
      });

      it("reverts with RewardsNothingToClaim for an author whose items earned 0 points", async function () {
        const d = await loadFixture(fixture);
        await (await postBatch(d, [item(1, 10, 0), item(6, 90, 100)])).wait();
        await nextEpoch(d.rewards);
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim").withArgs(d.alice.address);
      });
    });

    describe("after the epoch closes", function () {
      async function closedEpochFixture() {
        const d = await loadFixture(fixture);
        await (await postBatch(d, [item(1, 80, 300), item(6, 40, 100)])).wait();
        await nextEpoch(d.rewards);
        return d;
      }

      it("shares the budget pro rata: 300 and 100 points of 1000 CKEY are 750 and 250 CKEY", async function () {
        const d = await closedEpochFixture();
        expect(EPOCH_BUDGET).to.equal(parseEther("1000"));
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.changeTokenBalance(d.token, d.alice, parseEther("750"));
        await expect(d.rewards.connect(d.bob).claim(d.bob.address)).to.changeTokenBalance(d.token, d.bob, parseEther("250"));
      });

      it("emits Claimed(user, to, tokens) and mints from the zero address", async function () {
        const d = await closedEpochFixture();
        const tx = d.rewards.connect(d.alice).claim(d.alice.address);
        await expect(tx).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, parseEther("750"));
        await expect(tx).to.emit(d.token, "Transfer").withArgs(ZeroAddress, d.alice.address, parseEther("750"));
      });

      it("returns the amount minted", async function () {
        const d = await closedEpochFixture();
        expect(await d.rewards.connect(d.bob).claim.staticCall(d.bob.address)).to.equal(parseEther("250"));
      });

      it("grows the total supply by exactly the amounts claimed, never beyond the budget", async function () {
        const d = await closedEpochFixture();
        const supply = await d.token.totalSupply();
        await d.rewards.connect(d.alice).claim(d.alice.address);
        await d.rewards.connect(d.bob).claim(d.bob.address);
        expect((await d.token.totalSupply()) - supply).to.equal(EPOCH_BUDGET);
      });

      it("mints to another address with claim(to)", async function () {
        const d = await closedEpochFixture();
        const tx = d.rewards.connect(d.alice).claim(d.carol.address);
        await expect(tx).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.carol.address, parseEther("750"));
        await expect(tx).to.changeTokenBalances(d.token, [d.alice, d.carol], [0, parseEther("750")]);
        expect(await d.rewards.claimable(d.alice.address)).to.equal(0);
        await expect(d.rewards.connect(d.carol).claim(d.carol.address)).to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim").withArgs(d.carol.address);
      });

      it("shows in claimable exactly what claim mints, and zero after", async function () {
        const d = await closedEpochFixture();
        const claimable = await d.rewards.claimable(d.alice.address);
        expect(claimable).to.equal(parseEther("750"));
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, claimable);
        expect(await d.rewards.claimable(d.alice.address)).to.equal(0);
      });

      it("keeps lifetime points and clears the claimed epoch", async function () {
        const d = await closedEpochFixture();
        await d.rewards.connect(d.alice).claim(d.alice.address);
        expect(await d.rewards.pointsOf(d.alice.address)).to.equal(300);
        expect(await accountTuple(d, d.alice)).to.deep.equal([300n, 0n, 0n, 0n]);
      });

      describe("when claimed twice", function () {
        it("reverts the second time with RewardsNothingToClaim and mints nothing more", async function () {
          const d = await closedEpochFixture();
          await d.rewards.connect(d.alice).claim(d.alice.address);
          const supply = await d.token.totalSupply();
          await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim").withArgs(d.alice.address);
          expect(await d.token.totalSupply()).to.equal(supply);
        });

        it("reverts the second time also when the first went to another address", async function () {
          const d = await closedEpochFixture();
          await d.rewards.connect(d.alice).claim(d.carol.address);
          await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim").withArgs(d.alice.address);
        });
      });

      describe("to the zero address", function () {
        it("reverts with RewardsZeroAddress and keeps the tokens claimable", async function () {
          const d = await closedEpochFixture();
          await expect(d.rewards.connect(d.alice).claim(ZeroAddress)).to.be.revertedWithCustomError(d.rewards, "RewardsZeroAddress").withArgs();
          expect(await d.rewards.claimable(d.alice.address)).to.equal(parseEther("750"));
          expect(await accountTuple(d, d.alice)).to.deep.equal([300n, 0n, 300n, 0n]);
        });
      });

      describe("while paused", function () {
        it("reverts with EnforcedPause and keeps the tokens claimable", async function () {
          const d = await closedEpochFixture();
          await d.rewards.connect(d.guardian).pause();
          await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.be.revertedWithCustomError(d.rewards, "EnforcedPause").withArgs();
          expect(await d.rewards.claimable(d.alice.address)).to.equal(parseEther("750"));
          await d.rewards.connect(d.admin).unpause();
          await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, parseEther("750"));
        });
      });
    });

    describe("when shares do not divide evenly", function () {
      it("rounds each share down, leaving the remainder unminted", async function () {
        const d = await loadFixture(fixture);
        await (await postBatch(d, [item(1, 50, 1), item(6, 50, 2)])).wait();
        await nextEpoch(d.rewards);
        const aliceShare = (1n * EPOCH_BUDGET) / 3n;
        const bobShare = (2n * EPOCH_BUDGET) / 3n;
        expect(aliceShare * 3n).to.be.lessThan(EPOCH_BUDGET);
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, aliceShare);
        await expect(d.rewards.connect(d.bob).claim(d.bob.address)).to.emit(d.rewards, "Claimed").withArgs(d.bob.address, d.bob.address, bobShare);
        expect(aliceShare + bobShare).to.equal(EPOCH_BUDGET - 1n);
      });
    });
  });

  describe("across several epochs", function () {
    it("adds up each closed epoch's share", async function () {
      const d = await loadFixture(fixture);
      await (await postBatch(d, [item(1, 80, 300), item(6, 40, 100)])).wait();
      await nextEpoch(d.rewards);
      await d.rewards.connect(d.admin).setEpochBudget(parseEther("2000"));
      await (await postBatch(d, [item(2, 40, 100), item(7, 80, 300)])).wait();
      await nextEpoch(d.rewards);

      expect(await d.rewards.claimable(d.alice.address)).to.equal(parseEther("1250"));
      expect(await d.rewards.claimable(d.bob.address)).to.equal(parseEther("1750"));
      await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, parseEther("1250"));
      await expect(d.rewards.connect(d.bob).claim(d.bob.address)).to.emit(d.rewards, "Claimed").withArgs(d.bob.address, d.bob.address, parseEther("1750"));
    });

    it("lets an author claim each epoch as it closes", async function () {
      const d = await loadFixture(fixture);
      await (await postBatch(d, [item(1, 80, 300), item(6, 40, 100)])).wait();
      await nextEpoch(d.rewards);
      await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, parseEther("750"));
      await (await postBatch(d, [item(2, 40, 100), item(7, 80, 300)])).wait();
      await nextEpoch(d.rewards);
      await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, parseEther("250"));
      expect(await d.rewards.pointsOf(d.alice.address)).to.equal(400);
    });

    describe("lazy settlement: credited in epoch 0 and again in epoch 2", function () {
      async function lazyFixture() {
        const d = await loadFixture(fixture);
        await (await postBatch(d, [item(1, 80, 300), item(6, 40, 100)])).wait();
        await nextEpoch(d.rewards);
        await nextEpoch(d.rewards);
        expect(await d.rewards.currentEpoch()).to.equal(2);
        await credit(d, 2, 200);
        return d;
      }

      it("settles epoch 0 into tokens when epoch 2 credits", async function () {
        const d = await lazyFixture();
        expect(await accountTuple(d, d.alice)).to.deep.equal([500n, 2n, 200n, parseEther("750")]);
        expect(await d.rewards.claimable(d.alice.address)).to.equal(parseEther("750"));
      });

      it("pays both epochs' shares once epoch 2 closes", async function () {
        const d = await lazyFixture();
        await nextEpoch(d.rewards);
        const both = parseEther("750") + EPOCH_BUDGET;
        expect(await d.rewards.claimable(d.alice.address)).to.equal(both);
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, both);
        expect(await accountTuple(d, d.alice)).to.deep.equal([500n, 2n, 0n, 0n]);
      });

      it("pays only the closed epoch while epoch 2 is open, keeping its points for later", async function () {
        const d = await lazyFixture();
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, parseEther("750"));
        expect(await accountTuple(d, d.alice)).to.deep.equal([500n, 2n, 200n, 0n]);
        await nextEpoch(d.rewards);
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, EPOCH_BUDGET);
      });

      it("leaves the other author's epoch 0 share unaffected", async function () {
        const d = await lazyFixture();
        await nextEpoch(d.rewards);
        await expect(d.rewards.connect(d.bob).claim(d.bob.address)).to.emit(d.rewards, "Claimed").withArgs(d.bob.address, d.bob.address, parseEther("250"));
      });
    });
  });

  describe("epoch budget", function () {
    describe("when changed mid-epoch after the epoch's first credit", function () {
      it("keeps the snapshotted budget for that epoch", async function () {
        const d = await loadFixture(fixture);
        await credit(d, 1, 300);
        await expect(d.rewards.connect(d.admin).setEpochBudget(parseEther("4000")))
          .to.emit(d.rewards, "EpochBudgetSet")
          .withArgs(EPOCH_BUDGET, parseEther("4000"));
        await expect(postBatch(d, [item(6, 40, 100)])).not.to.emit(d.rewards, "EpochBudgetSnapshotted");
        expect((await d.rewards.epochInfo(0)).budget).to.equal(EPOCH_BUDGET);
        await nextEpoch(d.rewards);
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, parseEther("750"));
      });

      it("applies the new budget to the next epoch", async function () {
        const d = await loadFixture(fixture);
        await credit(d, 1, 300);
        await d.rewards.connect(d.admin).setEpochBudget(parseEther("4000"));
        await nextEpoch(d.rewards);
        await expect(postBatch(d, [item(2, 40, 100)]))
          .to.emit(d.rewards, "EpochBudgetSnapshotted")
          .withArgs(1, parseEther("4000"));
        await nextEpoch(d.rewards);
        await expect(d.rewards.connect(d.alice).claim(d.alice.address))
          .to.emit(d.rewards, "Claimed")
          .withArgs(d.alice.address, d.alice.address, EPOCH_BUDGET + parseEther("4000"));
      });
    });

    describe("when changed before the epoch's first credit", function () {
      it("snapshots the new budget", async function () {
        const d = await loadFixture(fixture);
        await d.rewards.connect(d.admin).setEpochBudget(parseEther("3000"));
        await expect(postBatch(d, [item(1, 80, 300)]))
          .to.emit(d.rewards, "EpochBudgetSnapshotted")
          .withArgs(0, parseEther("3000"));
        await nextEpoch(d.rewards);
        expect(await d.rewards.claimable(d.alice.address)).to.equal(parseEther("3000"));
      });
    });

    describe("when zero", function () {
      it("credits points but leaves nothing to claim", async function () {
        const d = await loadFixture(fixture);
        await d.rewards.connect(d.admin).setEpochBudget(0);
        await expect(postBatch(d, [item(1, 80, 300)]))
          .to.emit(d.rewards, "EpochBudgetSnapshotted")
          .withArgs(0, 0);
        await nextEpoch(d.rewards);
        expect(await d.rewards.pointsOf(d.alice.address)).to.equal(300);
        await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim").withArgs(d.alice.address);
      });
    });

    describe("epochInfo", function () {
      it("shows the current budget for the current and future epochs before any credit", async function () {
        const d = await loadFixture(fixture);
        await d.rewards.connect(d.admin).setEpochBudget(parseEther("5000"));
        for (const epoch of [0, 1, 10]) {
          const info = await d.rewards.epochInfo(epoch);
          expect([info.budget, info.totalPoints]).to.deep.equal([parseEther("5000"), 0n]);
        }
      });

      it("shows zeros for an epoch that closed without credit", async function () {
        const d = await loadFixture(fixture);
        await nextEpoch(d.rewards);
        const info = await d.rewards.epochInfo(0);
        expect([info.budget, info.totalPoints]).to.deep.equal([0n, 0n]);
      });

      it("shows the snapshot and total points of a credited epoch after it closes", async function () {
        const d = await loadFixture(fixture);
        await (await postBatch(d, [item(1, 80, 300), item(6, 40, 100)])).wait();
        await nextEpoch(d.rewards);
        await d.rewards.connect(d.admin).setEpochBudget(parseEther("7000"));
        const info = await d.rewards.epochInfo(0);
        expect([info.budget, info.totalPoints]).to.deep.equal([EPOCH_BUDGET, 400n]);
      });
    });
  });

  describe("against the cap (findings 5 and 6)", function () {
    /** A cap that leaves 1,500 CKEY above the genesis supply: room for one and a half epoch budgets. */
    async function nearCap() {
      const deployment = await deployStandard({ cap: parseEther("100001500") });
      const { rewards, alice, bob } = deployment;
      for (let i = 1; i <= 2; i++) await rewards.connect(alice).submit(contentHash(`alice ${i}`), 1);
      for (let i = 3; i <= 4; i++) await rewards.connect(bob).submit(contentHash(`bob ${i}`), 1);
      const admin = await asTimelock(deployment.timelock);
      return { ...deployment, admin };
    }

    it("reserves each epoch's budget at its snapshot, at most what the cap still leaves", async function () {
      const d = await loadFixture(nearCap);
      await expect(postBatch(d, [item(1, 50, 10)]))
        .to.emit(d.rewards, "BudgetReserved")
        .withArgs(0, EPOCH_BUDGET, EPOCH_BUDGET);
      expect(await d.rewards.unreservedCap()).to.equal(parseEther("500"));
      await nextEpoch(d.rewards);
      await expect(postBatch(d, [item(3, 50, 10)]))
        .to.emit(d.rewards, "EpochBudgetSnapshotted")
        .withArgs(1, parseEther("500"));
      expect(await d.rewards.reservedBudget()).to.equal(parseEther("1500"));
      expect(await d.rewards.unreservedCap()).to.equal(0);
    });

    it("pays every claimer in full whatever the order: no race for the last room under the cap", async function () {
      const d = await loadFixture(nearCap);
      await postBatch(d, [item(1, 50, 10)]);
      await nextEpoch(d.rewards);
      await postBatch(d, [item(3, 50, 10)]);
      await nextEpoch(d.rewards);
      // Bob claims first; before the reservation, Alice's claim then reverted with ERC20ExceededCap.
      await expect(d.rewards.connect(d.bob).claim(d.bob.address)).to.emit(d.rewards, "Claimed").withArgs(d.bob.address, d.bob.address, parseEther("500"));
      await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, EPOCH_BUDGET);
      expect(await d.token.totalSupply()).to.equal(await d.token.cap());
      expect(await d.rewards.reservedBudget()).to.equal(0);
    });

    it("refuses a budget one wei above what the cap leaves with RewardsBudgetAboveRemainingCap", async function () {
      const d = await loadFixture(nearCap);
      await postBatch(d, [item(1, 50, 10)]);
      const room = await d.rewards.unreservedCap();
      await expect(d.rewards.connect(d.admin).setEpochBudget(room + 1n))
        .to.be.revertedWithCustomError(d.rewards, "RewardsBudgetAboveRemainingCap")
        .withArgs(room + 1n, room);
      await expect(d.rewards.connect(d.admin).setEpochBudget(room)).to.emit(d.rewards, "EpochBudgetSet").withArgs(EPOCH_BUDGET, room);
    });

    it("never wedges an account: the largest budget accepted still lets its author be credited and claim", async function () {
      const d = await loadFixture(nearCap);
      await d.rewards.connect(d.admin).setEpochBudget(await d.rewards.unreservedCap());
      await postBatch(d, [item(1, 50, 10)]);
      await nextEpoch(d.rewards);
      await postBatch(d, [item(2, 50, 10)]);
      await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, d.alice.address, parseEther("1500"));
      await nextEpoch(d.rewards);
      // Epoch 1 snapshotted what was left, nothing: the credit still lands and the claim reverts cleanly.
      expect((await d.rewards.epochInfo(1)).budget).to.equal(0);
      await expect(d.rewards.connect(d.alice).claim(d.alice.address)).to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim").withArgs(d.alice.address);
    });
  });
});
