import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { deployStandard, item, nextEpoch, postBatch, submitMany } from "../helpers/cashkey";
import { asTimelock, contentHash } from "../helpers/rewardsTesting";

const TIER_1_STAKE = parseEther("1000");
const TIER_2_STAKE = parseEther("10000");

async function fixture() {
  const deployment = await deployStandard();
  const admin = await asTimelock(deployment.timelock);
  return { ...deployment, admin };
}

describe("Rewards: submit", function () {
  describe("when an author submits", function () {
    it("returns id 1 for the first submission", async function () {
      const { rewards, alice } = await loadFixture(fixture);
      expect(await rewards.connect(alice).submit.staticCall(contentHash("first"), 3)).to.equal(1);
    });

    it("emits Submitted with the id, author, content hash and category", async function () {
      const { rewards, alice } = await loadFixture(fixture);
      await expect(rewards.connect(alice).submit(contentHash("first"), 3))
        .to.emit(rewards, "Submitted")
        .withArgs(1, alice.address, contentHash("first"), 3);
    });

    it("numbers submissions 1, 2, 3 across authors", async function () {
      const { rewards, alice, bob } = await loadFixture(fixture);
      await expect(rewards.connect(alice).submit(contentHash("a"), 1))
        .to.emit(rewards, "Submitted")
        .withArgs(1, alice.address, contentHash("a"), 1);
      await expect(rewards.connect(bob).submit(contentHash("b"), 2))
        .to.emit(rewards, "Submitted")
        .withArgs(2, bob.address, contentHash("b"), 2);
      await expect(rewards.connect(alice).submit(contentHash("c"), 7))
        .to.emit(rewards, "Submitted")
        .withArgs(3, alice.address, contentHash("c"), 7);
      expect(await rewards.submissionCount()).to.equal(3);
    });

    it("records author, submittedAt, epoch and category", async function () {
      const { rewards, alice } = await loadFixture(fixture);
      const tx = await rewards.connect(alice).submit(contentHash("record"), 65535);
      const block = await tx.getBlock();
      const record = await rewards.submission(1);
      expect(record.author).to.equal(alice.address);
      expect(record.submittedAt).to.equal(block!.timestamp);
      expect(record.epoch).to.equal(0);
      expect(record.category).to.equal(65535);
    });

    it("records the epoch in which the submission was made", async function () {
      const { rewards, alice } = await loadFixture(fixture);
      await nextEpoch(rewards);
      await nextEpoch(rewards);
      await rewards.connect(alice).submit(contentHash("late"), 1);
      expect(await rewards.currentEpoch()).to.equal(2);
      expect((await rewards.submission(1)).epoch).to.equal(2);
    });

    it("accepts the same content hash twice as two submissions", async function () {
      const { rewards, alice, bob } = await loadFixture(fixture);
      await rewards.connect(alice).submit(contentHash("same"), 1);
      await expect(rewards.connect(bob).submit(contentHash("same"), 1))
        .to.emit(rewards, "Submitted")
        .withArgs(2, bob.address, contentHash("same"), 1);
    });

    it("shows an empty record for an id that does not exist", async function () {
      const { rewards, alice } = await loadFixture(fixture);
      await rewards.connect(alice).submit(contentHash("only"), 1);
      const record = await rewards.submission(2);
      expect(record.author).to.equal(hre.ethers.ZeroAddress);
      expect(record.submittedAt).to.equal(0);
    });
  });

  describe("quota without stake", function () {
    it("gives the base quota", async function () {
      const { rewards, alice } = await loadFixture(fixture);
      expect(await rewards.quotaOf(alice.address)).to.equal(5);
      expect(await rewards.submissionsLeft(alice.address)).to.equal(5);
    });

    it("counts submissionsLeft down with each submission", async function () {
      const { rewards, alice } = await loadFixture(fixture);
      for (let left = 4; left >= 0; left--) {
        await rewards.connect(alice).submit(contentHash(`s${left}`), 1);
        expect(await rewards.submissionsLeft(alice.address)).to.equal(left);
      }
    });

    describe("when the author exceeds it", function () {
      it("reverts with RewardsQuotaExceeded(author, quota) and registers nothing", async function () {
        const { rewards, alice } = await loadFixture(fixture);
        await submitMany(rewards, alice, 5);
        await expect(rewards.connect(alice).submit(contentHash("sixth"), 1))
          .to.be.revertedWithCustomError(rewards, "RewardsQuotaExceeded")
          .withArgs(alice.address, 5);
        expect(await rewards.submissionCount()).to.equal(5);
        expect(await rewards.submissionsLeft(alice.address)).to.equal(0);
      });

      it("does not affect another author", async function () {
        const { rewards, alice, bob } = await loadFixture(fixture);
        await submitMany(rewards, alice, 5);
        expect(await rewards.submissionsLeft(bob.address)).to.equal(5);
        await expect(rewards.connect(bob).submit(contentHash("bob"), 1))
          .to.emit(rewards, "Submitted")
          .withArgs(6, bob.address, contentHash("bob"), 1);
      });
    });

    describe("in the next epoch", function () {
      it("resets the quota", async function () {
        const { rewards, alice } = await loadFixture(fixture);
        await submitMany(rewards, alice, 5);
        await nextEpoch(rewards);
        expect(await rewards.submissionsLeft(alice.address)).to.equal(5);
        await expect(rewards.connect(alice).submit(contentHash("again"), 1))
          .to.emit(rewards, "Submitted")
          .withArgs(6, alice.address, contentHash("again"), 1);
        expect(await rewards.submissionsLeft(alice.address)).to.equal(4);
      });

      it("still refuses in the last second of the epoch", async function () {
        const { rewards, alice } = await loadFixture(fixture);
        await submitMany(rewards, alice, 5);
        const nextEpochStart = Number((await rewards.genesis()) + (await rewards.epochLength()));
        await time.setNextBlockTimestamp(nextEpochStart - 1);
        await expect(rewards.connect(alice).submit(contentHash("too early"), 1))
          .to.be.revertedWithCustomError(rewards, "RewardsQuotaExceeded")
          .withArgs(alice.address, 5);
      });
    });
  });

  describe("quota with stake", function () {
    it("grows to the first tier's quota at exactly its minimum stake, from the next epoch", async function () {
      const { rewards, token, alice } = await loadFixture(fixture);
      await token.connect(alice).stake(TIER_1_STAKE - 1n);
      await nextEpoch(rewards);
      expect(await rewards.quotaOf(alice.address)).to.equal(5);
      await token.connect(alice).stake(1n);
      expect(await rewards.quotaOf(alice.address)).to.equal(5);
      await nextEpoch(rewards);
      expect(await rewards.quotaOf(alice.address)).to.equal(20);
      expect(await rewards.submissionsLeft(alice.address)).to.equal(20);
    });

    it("grows to the second tier's quota with more stake", async function () {
      const { rewards, token, alice } = await loadFixture(fixture);
      await token.connect(alice).stake(TIER_2_STAKE);
      await nextEpoch(rewards);
      expect(await rewards.quotaOf(alice.address)).to.equal(100);
    });

    it("lets a staked author submit beyond the base quota up to the tier quota", async function () {
      const { rewards, token, alice } = await loadFixture(fixture);
      await token.connect(alice).stake(TIER_1_STAKE);
      await nextEpoch(rewards);
      await submitMany(rewards, alice, 20);
      expect(await rewards.submissionsLeft(alice.address)).to.equal(0);
      await expect(rewards.connect(alice).submit(contentHash("21st"), 1))
        .to.be.revertedWithCustomError(rewards, "RewardsQuotaExceeded")
        .withArgs(alice.address, 20);
      expect(await rewards.submissionCount()).to.equal(20);
    });

    it("keeps the epoch's quota after an unstake, and shrinks in the next epoch", async function () {
      const { rewards, token, alice } = await loadFixture(fixture);
      await token.connect(alice).stake(TIER_1_STAKE);
      await nextEpoch(rewards);
      await submitMany(rewards, alice, 7);
      await token.connect(alice).requestUnstake(1n);
      expect(await rewards.submissionsLeft(alice.address)).to.equal(13);
      await nextEpoch(rewards);
      expect(await rewards.quotaOf(alice.address)).to.equal(5);
    });

    it("fixes the epoch's quota at the author's first submission: a tier change applies from the next epoch", async function () {
      const { rewards, token, alice, admin } = await loadFixture(fixture);
      await token.connect(alice).stake(TIER_1_STAKE);
      await nextEpoch(rewards);
      await submitMany(rewards, alice, 1);
      await rewards.connect(admin).setQuota(5, [{ minStake: TIER_1_STAKE, quota: 30 }]);
      expect(await rewards.quotaOf(alice.address)).to.equal(20);
      expect(await rewards.submissionsLeft(alice.address)).to.equal(19);
      await nextEpoch(rewards);
      expect(await rewards.quotaOf(alice.address)).to.equal(30);
    });

    describe("at the epoch boundary (stake counts as held the second before the epoch starts)", function () {
      async function stakeAt(offsetFromEpochStart: number) {
        const d = await loadFixture(fixture);
        const epochLength = Number(await d.rewards.epochLength());
        const genesis = Number(await d.rewards.genesis());
        const nextStart = genesis + epochLength;
        await time.setNextBlockTimestamp(nextStart + offsetFromEpochStart);
        await d.token.connect(d.alice).stake(TIER_1_STAKE);
        if (offsetFromEpochStart < 0) await time.increaseTo(nextStart);
        return d;
      }

      it("counts stake placed at the last second of the previous epoch", async function () {
        const { rewards, alice } = await stakeAt(-1);
        expect(await rewards.currentEpoch()).to.equal(1);
        expect(await rewards.quotaOf(alice.address)).to.equal(20);
      });

      it("does not count stake placed at the epoch's first second", async function () {
        const { rewards, alice } = await stakeAt(0);
        expect(await rewards.currentEpoch()).to.equal(1);
        expect(await rewards.quotaOf(alice.address)).to.equal(5);
      });
    });

    describe("against stake reuse", function () {
      it("refuses a flash-loan quota: stake, submit beyond the base quota and unstake in one epoch", async function () {
        const { rewards, token, alice, admin } = await loadFixture(fixture);
        // Even with a zero cooldown, stake that arrives during an epoch buys nothing in it.
        await token.connect(admin).setUnstakeCooldown(0);
        await token.connect(alice).stake(TIER_2_STAKE);
        await submitMany(rewards, alice, 5);
        await expect(rewards.connect(alice).submit(contentHash("6th"), 1))
          .to.be.revertedWithCustomError(rewards, "RewardsQuotaExceeded")
          .withArgs(alice.address, 5);
      });

      it("gives one stake recycled through five accounts one tier quota per epoch, not five", async function () {
        const { rewards, token, alice, admin, signers } = await loadFixture(fixture);
        await token.connect(admin).setUnstakeCooldown(0);
        const sybils = signers.slice(12, 17);
        await token.connect(alice).transfer(sybils[0].address, TIER_1_STAKE);
        await token.connect(sybils[0]).stake(TIER_1_STAKE);
        await nextEpoch(rewards);
        let submitted = 0;
        for (let i = 0; i < sybils.length; i++) {
          const sybil = sybils[i];
          const left = Number(await rewards.submissionsLeft(sybil.address));
          await submitMany(rewards, sybil, left);
          submitted += left;
          if (i + 1 < sybils.length) {
            await token.connect(sybil).requestUnstake(TIER_1_STAKE);
            await token.connect(sybil).withdrawUnstaked();
            await token.connect(sybil).transfer(sybils[i + 1].address, TIER_1_STAKE);
            await token.connect(sybils[i + 1]).stake(TIER_1_STAKE);
          }
        }
        // One tier quota (20) for the account that held the stake at the epoch start, the base quota (5)
        // for each of the other four: the stake bought one quota.
        expect(submitted).to.equal(20 + 4 * 5);
      });
    });
  });

  describe("when governance sets other quotas", function () {
    it("uses the base quota alone when there are no tiers", async function () {
      const { rewards, token, alice, admin } = await loadFixture(fixture);
      await rewards.connect(admin).setQuota(2, []);
      await token.connect(alice).stake(TIER_2_STAKE);
      await nextEpoch(rewards);
      expect(await rewards.quotaOf(alice.address)).to.equal(2);
      await submitMany(rewards, alice, 2);
      await expect(rewards.connect(alice).submit(contentHash("third"), 1))
        .to.be.revertedWithCustomError(rewards, "RewardsQuotaExceeded")
        .withArgs(alice.address, 2);
    });

    it("refuses every unstaked submission with a base quota of 0", async function () {
      const { rewards, token, alice, bob, admin } = await loadFixture(fixture);
      await rewards.connect(admin).setQuota(0, [{ minStake: TIER_1_STAKE, quota: 1 }]);
      await expect(rewards.connect(alice).submit(contentHash("none"), 1))
        .to.be.revertedWithCustomError(rewards, "RewardsQuotaExceeded")
        .withArgs(alice.address, 0);
      await token.connect(bob).stake(TIER_1_STAKE);
      await nextEpoch(rewards);
      await expect(rewards.connect(bob).submit(contentHash("staked"), 1))
        .to.emit(rewards, "Submitted")
        .withArgs(1, bob.address, contentHash("staked"), 1);
    });
  });

  describe("when paused", function () {
    it("reverts with EnforcedPause and registers nothing", async function () {
      const { rewards, alice, guardian } = await loadFixture(fixture);
      await rewards.connect(guardian).pause();
      await expect(rewards.connect(alice).submit(contentHash("paused"), 1))
        .to.be.revertedWithCustomError(rewards, "EnforcedPause")
        .withArgs();
      expect(await rewards.submissionCount()).to.equal(0);
      expect(await rewards.submissionsLeft(alice.address)).to.equal(5);
    });

    it("accepts submissions again once the Timelock unpauses", async function () {
      const { rewards, alice, guardian, admin } = await loadFixture(fixture);
      await rewards.connect(guardian).pause();
      await rewards.connect(admin).unpause();
      await expect(rewards.connect(alice).submit(contentHash("resumed"), 1))
        .to.emit(rewards, "Submitted")
        .withArgs(1, alice.address, contentHash("resumed"), 1);
    });
  });

  describe("gas at the bitmap word boundaries (issue 15, item 3)", function () {
    it("warms 16 bitmap words at initialization, and anyone may warm more (ScoredBitmapWarmed)", async function () {
      const { rewards, outsider } = await loadFixture(fixture);
      expect(await rewards.warmedScoredBitmapWords()).to.equal(16);
      await expect(rewards.connect(outsider).warmScoredBitmap(4)).to.emit(rewards, "ScoredBitmapWarmed").withArgs(16, 20);
      expect(await rewards.warmedScoredBitmapWords()).to.equal(20);
      const max = await rewards.MAX_WARM_WORDS();
      await expect(rewards.connect(outsider).warmScoredBitmap(max))
        .to.emit(rewards, "ScoredBitmapWarmed")
        .withArgs(20, 20n + max);
      for (const words of [0n, max + 1n]) {
        await expect(rewards.connect(outsider).warmScoredBitmap(words)).to.be.revertedWithCustomError(rewards, "RewardsInvalidWarmCount").withArgs(words, max);
      }
    });

    it("costs the same whichever id it gets, at ids 254, 255, 256 and 509, 510, 511", async function () {
      const { rewards, alice, admin, operatorSigners } = await loadFixture(fixture);
      await rewards.connect(admin).setQuota(600, []);
      const gasById = new Map<number, bigint>();
      for (let id = 1; id <= 512; id++) {
        const receipt = await (await rewards.connect(alice).submit(contentHash("same content"), 1)).wait();
        gasById.set(id, receipt!.gasUsed);
      }
      const reference = gasById.get(2)!;
      for (const id of [254, 255, 256, 509, 510, 511, 512]) expect(gasById.get(id), `id ${id}`).to.equal(reference);

      // The scored bits on both sides of each boundary still land where they belong.
      const ids = [254n, 255n, 256n, 509n, 510n, 511n];
      await postBatch(
        { rewards, operatorSigners },
        ids.map((id) => item(id, 50, 1)),
      );
      for (const id of ids) expect(await rewards.isScored(id), `id ${id}`).to.equal(true);
      for (const id of [253n, 257n, 508n, 512n]) expect(await rewards.isScored(id), `id ${id}`).to.equal(false);
    });
  });
});
