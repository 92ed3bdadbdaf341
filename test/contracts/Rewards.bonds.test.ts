import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress, parseEther } from "ethers";
import { DAY, MIN_OPERATOR_STAKE, deployStandard, item, postBatch, submitMany } from "../helpers/cashkey";
import { asTimelock } from "../helpers/rewardsTesting";
import { encodeCall, proposalOf, proposeVoteQueueExecute, selfDelegate } from "../helpers/governance";

/** 1 day voting delay + 5 days voting + 1 day late-quorum extension + 2 days Timelock (deployStandard). */
const GOVERNANCE_PATH = 9 * DAY;
const MARGIN = DAY;
const RELEASE_DELAY = GOVERNANCE_PATH + MARGIN;
const COOLDOWN = 7 * DAY;

async function fixture() {
  const deployment = await deployStandard();
  const admin = await asTimelock(deployment.timelock);
  const [op1] = deployment.operatorSigners;
  return { ...deployment, admin, op1 };
}

/** Removes `operator` as the Timelock and returns the removal's timestamp. */
async function remove(d: Awaited<ReturnType<typeof fixture>>, operator: string): Promise<number> {
  await (await d.rewards.connect(d.admin).removeOperator(operator)).wait();
  return time.latest();
}

describe("Rewards: operator bonds", function () {
  describe("while an operator", function () {
    it("refuses the withdrawal of an unstaked bond after the cooldown with CashKeyTokenStakeLocked", async function () {
      const { token, op1 } = await loadFixture(fixture);
      await token.connect(op1).requestUnstake(MIN_OPERATOR_STAKE);
      await time.increase(COOLDOWN);
      await expect(token.connect(op1).withdrawUnstaked()).to.be.revertedWithCustomError(token, "CashKeyTokenStakeLocked").withArgs(op1.address, MaxUint256);
    });

    it("reports the bond as locked for good", async function () {
      const { rewards, op1 } = await loadFixture(fixture);
      const bond = await rewards.operatorBond(op1.address);
      expect(bond.isOperator).to.equal(true);
      expect(bond.lockedUntil).to.equal(MaxUint256);
      expect(await rewards.stakeLockedUntil(op1.address)).to.equal(MaxUint256);
    });
  });

  describe("after removal", function () {
    it("holds the bond until exactly removal + governance path + margin", async function () {
      const d = await loadFixture(fixture);
      const { token, rewards, op1 } = d;
      await token.connect(op1).requestUnstake(MIN_OPERATOR_STAKE);
      const removedAt = await remove(d, op1.address);
      const releaseAt = removedAt + RELEASE_DELAY;
      expect((await rewards.operatorBond(op1.address)).lockedUntil).to.equal(releaseAt);

      await time.setNextBlockTimestamp(releaseAt - 1);
      await expect(token.connect(op1).withdrawUnstaked()).to.be.revertedWithCustomError(token, "CashKeyTokenStakeLocked").withArgs(op1.address, releaseAt);
      await time.setNextBlockTimestamp(releaseAt);
      await expect(token.connect(op1).withdrawUnstaked()).to.emit(token, "UnstakeWithdrawn").withArgs(op1.address, MIN_OPERATOR_STAKE);
    });

    it("follows a longer Timelock delay at once, for removals already made", async function () {
      const d = await loadFixture(fixture);
      const { token, rewards, timelock, op1, admin } = d;
      await token.connect(op1).requestUnstake(MIN_OPERATOR_STAKE);
      const removedAt = await remove(d, op1.address);
      await timelock.connect(admin).updateDelay(5 * DAY);
      expect(await rewards.bondReleaseDelay()).to.equal(RELEASE_DELAY + 3 * DAY);
      await time.setNextBlockTimestamp(removedAt + RELEASE_DELAY);
      await expect(token.connect(op1).withdrawUnstaked())
        .to.be.revertedWithCustomError(token, "CashKeyTokenStakeLocked")
        .withArgs(op1.address, removedAt + RELEASE_DELAY + 3 * DAY);
    });

    it("follows the Governor's voting period and late-quorum extension", async function () {
      const { rewards, governor, token, deployer } = await loadFixture(fixture);
      await selfDelegate(token, [deployer]);
      const calls = [await encodeCall(governor, "setVotingPeriod", [10 * DAY]), await encodeCall(governor, "setLateQuorumVoteExtension", [2 * DAY])];
      await proposeVoteQueueExecute(governor, deployer, [deployer], proposalOf(calls, "Slower votes"));
      expect(await rewards.governancePath()).to.equal(GOVERNANCE_PATH + 5 * DAY + DAY);
    });

    it("locks the bond for good again when the operator is re-added", async function () {
      const d = await loadFixture(fixture);
      const { rewards, op1, admin } = d;
      await remove(d, op1.address);
      await rewards.connect(admin).addOperator(op1.address);
      const bond = await rewards.operatorBond(op1.address);
      expect(bond.removedAt).to.equal(0);
      expect(bond.lockedUntil).to.equal(MaxUint256);
    });

    it("does not hold the stake of an account that never was an operator", async function () {
      const { rewards, token, alice } = await loadFixture(fixture);
      expect(await rewards.stakeLockedUntil(alice.address)).to.equal(0);
      await token.connect(alice).stake(parseEther("10"));
      await token.connect(alice).requestUnstake(parseEther("10"));
      await time.increase(COOLDOWN);
      await expect(token.connect(alice).withdrawUnstaked()).to.emit(token, "UnstakeWithdrawn");
    });
  });

  describe("the attack of finding 1: fraud, unstake at once, withdraw before the slash", function () {
    it("leaves the whole bond to the slash that governance executes after its slowest path", async function () {
      const d = await loadFixture(fixture);
      const { token, rewards, governor, timelock, deployer, alice, operatorSigners } = d;
      await selfDelegate(token, [deployer]);
      // The colluding quorum posts a batch and every signer starts leaving at once.
      const ids = await submitMany(rewards, alice, 1);
      await postBatch(d, [item(ids[0], 100, 1000)]);
      const colluders = operatorSigners.slice(0, 3);
      for (const op of colluders) await token.connect(op).requestUnstake(MIN_OPERATOR_STAKE);

      const calls = [];
      for (const op of colluders) calls.push(await encodeCall(token, "slash", [op.address, MIN_OPERATOR_STAKE, "fraudulent batch 0"]));
      const treasury = await timelock.getAddress();
      const before = await token.balanceOf(treasury);
      const { executeTx } = await proposeVoteQueueExecute(governor, deployer, [deployer], proposalOf(calls, "Slash the colluders"));
      for (const op of colluders) {
        await expect(executeTx).to.emit(token, "Slashed").withArgs(op.address, MIN_OPERATOR_STAKE, treasury, "fraudulent batch 0");
        await expect(token.connect(op).withdrawUnstaked()).to.be.revertedWithCustomError(token, "CashKeyTokenNothingToWithdraw");
      }
      expect((await token.balanceOf(treasury)) - before).to.equal(3n * MIN_OPERATOR_STAKE);
    });

    it("was open before: with no stake lock the colluder withdraws after the cooldown", async function () {
      const { token, op1, admin } = await loadFixture(fixture);
      await token.connect(admin).setStakeLock(ZeroAddress);
      await token.connect(op1).requestUnstake(MIN_OPERATOR_STAKE);
      await time.increase(COOLDOWN);
      await expect(token.connect(op1).withdrawUnstaked()).to.emit(token, "UnstakeWithdrawn");
    });
  });

  describe("freezeOperatorBond", function () {
    it("lets the guardian hold a removed operator's bond for one freeze duration", async function () {
      const d = await loadFixture(fixture);
      const { token, rewards, guardian, op1 } = d;
      await token.connect(op1).requestUnstake(MIN_OPERATOR_STAKE);
      const removedAt = await remove(d, op1.address);
      await time.increaseTo(removedAt + RELEASE_DELAY - 10);
      const freezeAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(freezeAt);
      await expect(rewards.connect(guardian).freezeOperatorBond(op1.address))
        .to.emit(rewards, "OperatorBondFrozen")
        .withArgs(op1.address, freezeAt + RELEASE_DELAY);
      expect(await rewards.bondFreezeDuration()).to.equal(RELEASE_DELAY);

      await time.setNextBlockTimestamp(freezeAt + RELEASE_DELAY - 1);
      await expect(token.connect(op1).withdrawUnstaked())
        .to.be.revertedWithCustomError(token, "CashKeyTokenStakeLocked")
        .withArgs(op1.address, freezeAt + RELEASE_DELAY);
      await time.setNextBlockTimestamp(freezeAt + RELEASE_DELAY);
      await expect(token.connect(op1).withdrawUnstaked()).to.emit(token, "UnstakeWithdrawn");
    });

    it("refuses a second freeze before one more freeze duration has passed (RewardsBondFreezeTooSoon)", async function () {
      const d = await loadFixture(fixture);
      const { rewards, guardian, op1 } = d;
      await rewards.connect(guardian).freezeOperatorBond(op1.address);
      const frozenUntil = Number((await rewards.operatorBond(op1.address)).frozenUntil);
      const allowedAt = frozenUntil + RELEASE_DELAY;
      await time.setNextBlockTimestamp(allowedAt - 1);
      await expect(rewards.connect(guardian).freezeOperatorBond(op1.address))
        .to.be.revertedWithCustomError(rewards, "RewardsBondFreezeTooSoon")
        .withArgs(op1.address, allowedAt);
      await time.setNextBlockTimestamp(allowedAt);
      await expect(rewards.connect(guardian).freezeOperatorBond(op1.address))
        .to.emit(rewards, "OperatorBondFrozen")
        .withArgs(op1.address, allowedAt + RELEASE_DELAY);
    });

    it("caps a freeze at MAX_BOND_FREEZE however slow governance is", async function () {
      const { rewards, timelock, guardian, op1, admin } = await loadFixture(fixture);
      await timelock.connect(admin).updateDelay(30 * DAY);
      expect(await rewards.bondReleaseDelay()).to.equal(7 * DAY + 30 * DAY + MARGIN);
      expect(await rewards.bondFreezeDuration()).to.equal(30 * DAY);
      const at = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(at);
      await expect(rewards.connect(guardian).freezeOperatorBond(op1.address))
        .to.emit(rewards, "OperatorBondFrozen")
        .withArgs(op1.address, at + 30 * DAY);
    });

    it("reverts with RewardsNotAnOperator for an account that never was one", async function () {
      const { rewards, guardian, alice } = await loadFixture(fixture);
      await expect(rewards.connect(guardian).freezeOperatorBond(alice.address)).to.be.revertedWithCustomError(rewards, "RewardsNotAnOperator").withArgs(alice.address);
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone but the guardian", async function () {
      const { rewards, alice, op1, admin } = await loadFixture(fixture);
      for (const caller of [alice, admin]) {
        await expect(rewards.connect(caller).freezeOperatorBond(op1.address))
          .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, await rewards.GUARDIAN_ROLE());
      }
    });
  });

  describe("unfreezeOperatorBond", function () {
    it("lets governance end a freeze, which still counts for the guardian's next one", async function () {
      const d = await loadFixture(fixture);
      const { rewards, guardian, op1, admin } = d;
      await rewards.connect(guardian).freezeOperatorBond(op1.address);
      const at = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(at);
      await expect(rewards.connect(admin).unfreezeOperatorBond(op1.address)).to.emit(rewards, "OperatorBondUnfrozen").withArgs(op1.address);
      expect((await rewards.operatorBond(op1.address)).frozenUntil).to.equal(at);
      await expect(rewards.connect(guardian).freezeOperatorBond(op1.address))
        .to.be.revertedWithCustomError(rewards, "RewardsBondFreezeTooSoon")
        .withArgs(op1.address, at + RELEASE_DELAY);
    });

    it("emits nothing when the bond is not frozen", async function () {
      const { rewards, op1, admin } = await loadFixture(fixture);
      await expect(rewards.connect(admin).unfreezeOperatorBond(op1.address)).not.to.emit(rewards, "OperatorBondUnfrozen");
    });

    it("reverts with AccessControlUnauthorizedAccount for the guardian", async function () {
      const { rewards, guardian, op1 } = await loadFixture(fixture);
      await expect(rewards.connect(guardian).unfreezeOperatorBond(op1.address))
        .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
        .withArgs(guardian.address, await rewards.DEFAULT_ADMIN_ROLE());
    });
  });

  describe("setBondReleaseMargin and setGovernor", function () {
    it("sets the margin within its bounds and emits BondReleaseMarginSet", async function () {
      const { rewards, admin } = await loadFixture(fixture);
      await expect(rewards.connect(admin).setBondReleaseMargin(30 * DAY))
        .to.emit(rewards, "BondReleaseMarginSet")
        .withArgs(MARGIN, 30 * DAY);
      await expect(rewards.connect(admin).setBondReleaseMargin(30 * DAY + 1))
        .to.be.revertedWithCustomError(rewards, "RewardsBondReleaseMarginOutOfRange")
        .withArgs(30 * DAY + 1, DAY, 30 * DAY);
      await expect(rewards.connect(admin).setBondReleaseMargin(DAY - 1))
        .to.be.revertedWithCustomError(rewards, "RewardsBondReleaseMarginOutOfRange")
        .withArgs(DAY - 1, DAY, 30 * DAY);
    });

    it("sets the Governor and emits GovernorSet; without one only the margin holds the bond", async function () {
      const { rewards, governor, admin } = await loadFixture(fixture);
      await expect(rewards.connect(admin).setGovernor(ZeroAddress))
        .to.emit(rewards, "GovernorSet")
        .withArgs(await governor.getAddress(), ZeroAddress);
      expect(await rewards.governancePath()).to.equal(0);
      expect(await rewards.bondReleaseDelay()).to.equal(MARGIN);
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone but the admin", async function () {
      const { rewards, alice } = await loadFixture(fixture);
      const role = await rewards.DEFAULT_ADMIN_ROLE();
      await expect(rewards.connect(alice).setBondReleaseMargin(DAY))
        .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, role);
      await expect(rewards.connect(alice).setGovernor(alice.address))
        .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, role);
    });
  });

  describe("setStakeLock (token)", function () {
    it("emits StakeLockSet and refuses anyone but the admin", async function () {
      const { token, rewards, admin, alice } = await loadFixture(fixture);
      await expect(token.connect(admin).setStakeLock(ZeroAddress))
        .to.emit(token, "StakeLockSet")
        .withArgs(await rewards.getAddress(), ZeroAddress);
      await expect(token.connect(alice).setStakeLock(alice.address))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, await token.DEFAULT_ADMIN_ROLE());
    });
  });
});

void hre;
