/**
 * CashKeyToken staking in place: stake, requestUnstake, withdrawUnstaked, the transfer lock, the
 * stake views, voting power of staked tokens, and slash.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash, parseEther } from "ethers";
import { DAY, MIN_OPERATOR_STAKE, deployStandard } from "../helpers/cashkey";
import { impersonate } from "../helpers/impersonate";

const AUTHOR_FUNDING = parseEther("50000");
const UNSTAKE_COOLDOWN = 7 * DAY;
const OPERATOR_COUNT = 5n;
const ADMIN_ROLE = ZeroHash;
const REASON = "signed a batch with fabricated scores";

async function fixture() {
  const deployment = await deployStandard();
  const timelockAsSigner = await impersonate(await deployment.timelock.getAddress());
  const [operator] = deployment.operatorSigners;
  return { ...deployment, timelockAsSigner, operator };
}

/** Alice stakes 30,000 of her 50,000 and then requests 10,000 back: 20,000 active, 10,000 pending. */
async function stakedFixture() {
  const f = await fixture();
  await f.token.connect(f.alice).stake(parseEther("30000"));
  await f.token.connect(f.alice).requestUnstake(parseEther("10000"));
  const requestedAt = await time.latest();
  return { ...f, requestedAt, unlockAt: requestedAt + UNSTAKE_COOLDOWN };
}

describe("CashKeyToken staking", function () {
  describe("views after deployCashKey", function () {
    it("show each operator's minimum stake and their sum as totalStaked", async function () {
      const { token, operatorSigners } = await loadFixture(fixture);
      for (const op of operatorSigners) {
        expect(await token.stakedBalanceOf(op)).to.equal(MIN_OPERATOR_STAKE);
        expect(await token.unlockedBalanceOf(op)).to.equal(0n);
        const info = await token.stakeInfoOf(op);
        expect([info.staked, info.pendingUnstake, info.unlockAt]).to.deep.equal([MIN_OPERATOR_STAKE, 0n, 0n]);
      }
      expect(await token.totalStaked()).to.equal(OPERATOR_COUNT * MIN_OPERATOR_STAKE);
    });

    it("show an account without stake as fully unlocked", async function () {
      const { token, alice } = await loadFixture(fixture);
      expect(await token.stakedBalanceOf(alice)).to.equal(0n);
      expect(await token.unlockedBalanceOf(alice)).to.equal(AUTHOR_FUNDING);
    });
  });

  describe("stake", function () {
    describe("with an amount within the unlocked balance", function () {
      it("locks it as active stake and emits Staked(account, amount, staked)", async function () {
        const { token, alice } = await loadFixture(fixture);
        const amount = parseEther("1000");
        await expect(token.connect(alice).stake(amount)).to.emit(token, "Staked").withArgs(alice.address, amount, amount);
        expect(await token.stakedBalanceOf(alice)).to.equal(amount);
        expect(await token.unlockedBalanceOf(alice)).to.equal(AUTHOR_FUNDING - amount);
        expect(await token.balanceOf(alice)).to.equal(AUTHOR_FUNDING);
        expect(await token.totalStaked()).to.equal(OPERATOR_COUNT * MIN_OPERATOR_STAKE + amount);
      });

      it("adds to an existing stake and reports the account's new stake in Staked", async function () {
        const { token, alice } = await loadFixture(fixture);
        await token.connect(alice).stake(parseEther("1000"));
        await expect(token.connect(alice).stake(parseEther("500")))
          .to.emit(token, "Staked")
          .withArgs(alice.address, parseEther("500"), parseEther("1500"));
        expect(await token.stakedBalanceOf(alice)).to.equal(parseEther("1500"));
      });

      it("accepts the whole unlocked balance", async function () {
        const { token, alice } = await loadFixture(fixture);
        await token.connect(alice).stake(AUTHOR_FUNDING);
        expect(await token.unlockedBalanceOf(alice)).to.equal(0n);
      });

      it("does not move tokens and emits no Transfer", async function () {
        const { token, alice } = await loadFixture(fixture);
        await expect(token.connect(alice).stake(parseEther("1"))).to.not.emit(token, "Transfer");
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with CashKeyTokenZeroAmount", async function () {
        const { token, alice } = await loadFixture(fixture);
        await expect(token.connect(alice).stake(0)).to.be.revertedWithCustomError(token, "CashKeyTokenZeroAmount");
      });
    });

    describe("when the amount exceeds the unlocked balance", function () {
      it("reverts with CashKeyTokenInsufficientUnlockedBalance", async function () {
        const { token, alice } = await loadFixture(fixture);
        await expect(token.connect(alice).stake(AUTHOR_FUNDING + 1n))
          .to.be.revertedWithCustomError(token, "CashKeyTokenInsufficientUnlockedBalance")
          .withArgs(alice.address, AUTHOR_FUNDING, AUTHOR_FUNDING + 1n);
        expect(await token.stakedBalanceOf(alice)).to.equal(0n);
      });

      it("counts active and pending stake as locked (attack: stake the same tokens twice)", async function () {
        const { token, alice } = await loadFixture(stakedFixture);
        const totalBefore = await token.totalStaked();
        await expect(token.connect(alice).stake(parseEther("20000") + 1n))
          .to.be.revertedWithCustomError(token, "CashKeyTokenInsufficientUnlockedBalance")
          .withArgs(alice.address, parseEther("20000"), parseEther("20000") + 1n);
        expect(await token.stakedBalanceOf(alice)).to.equal(parseEther("20000"));
        expect(await token.totalStaked()).to.equal(totalBefore);
      });

      it("reverts for an account with no tokens", async function () {
        const { token, outsider } = await loadFixture(fixture);
        await expect(token.connect(outsider).stake(1n))
          .to.be.revertedWithCustomError(token, "CashKeyTokenInsufficientUnlockedBalance")
          .withArgs(outsider.address, 0n, 1n);
      });
    });
  });

  describe("requestUnstake", function () {
    describe("with an amount within the active stake", function () {
      it("moves it to pending, starts the cooldown and emits UnstakeRequested(account, amount, pending, unlockAt)", async function () {
        const { token, alice } = await loadFixture(fixture);
        await token.connect(alice).stake(parseEther("3000"));
        const totalBefore = await token.totalStaked();
        const tx = token.connect(alice).requestUnstake(parseEther("1000"));
        await expect(tx).to.emit(token, "UnstakeRequested");
        const now = await time.latest();
        await expect(tx)
          .to.emit(token, "UnstakeRequested")
          .withArgs(alice.address, parseEther("1000"), parseEther("1000"), now + UNSTAKE_COOLDOWN);
        const info = await token.stakeInfoOf(alice);
        expect(info.staked).to.equal(parseEther("2000"));
        expect(info.pendingUnstake).to.equal(parseEther("1000"));
        expect(info.unlockAt).to.equal(BigInt(now + UNSTAKE_COOLDOWN));
        expect(await token.stakedBalanceOf(alice)).to.equal(parseEther("2000"));
        expect(await token.totalStaked()).to.equal(totalBefore - parseEther("1000"));
      });

      it("keeps the pending amount locked", async function () {
        const { token, alice } = await loadFixture(fixture);
        await token.connect(alice).stake(parseEther("3000"));
        await token.connect(alice).requestUnstake(parseEther("3000"));
        expect(await token.unlockedBalanceOf(alice)).to.equal(AUTHOR_FUNDING - parseEther("3000"));
      });
    });

    describe("when a request is already pending", function () {
      it("adds to the pending amount and restarts the cooldown for all of it", async function () {
        const { token, alice, unlockAt: firstUnlockAt } = await loadFixture(stakedFixture);
        await time.increase(3 * DAY);
        await token.connect(alice).requestUnstake(parseEther("5000"));
        const secondUnlockAt = (await time.latest()) + UNSTAKE_COOLDOWN;
        const info = await token.stakeInfoOf(alice);
        expect(info.pendingUnstake).to.equal(parseEther("15000"));
        expect(info.staked).to.equal(parseEther("15000"));
        expect(info.unlockAt).to.equal(BigInt(secondUnlockAt));

        await time.setNextBlockTimestamp(firstUnlockAt);
        await expect(token.connect(alice).withdrawUnstaked()).to.be.revertedWithCustomError(token, "CashKeyTokenCooldownActive").withArgs(alice.address, secondUnlockAt);
      });

      it("reports the cumulative pending amount in UnstakeRequested", async function () {
        const { token, alice } = await loadFixture(stakedFixture);
        const tx = token.connect(alice).requestUnstake(parseEther("5000"));
        await expect(tx).to.emit(token, "UnstakeRequested");
        await expect(tx)
          .to.emit(token, "UnstakeRequested")
          .withArgs(alice.address, parseEther("5000"), parseEther("15000"), (await time.latest()) + UNSTAKE_COOLDOWN);
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with CashKeyTokenZeroAmount", async function () {
        const { token, alice } = await loadFixture(stakedFixture);
        await expect(token.connect(alice).requestUnstake(0)).to.be.revertedWithCustomError(token, "CashKeyTokenZeroAmount");
      });
    });

    describe("when the amount exceeds the active stake", function () {
      it("reverts with CashKeyTokenInsufficientStake (pending stake cannot be unstaked again)", async function () {
        const { token, alice } = await loadFixture(stakedFixture);
        const before = await token.stakeInfoOf(alice);
        await expect(token.connect(alice).requestUnstake(parseEther("20000") + 1n))
          .to.be.revertedWithCustomError(token, "CashKeyTokenInsufficientStake")
          .withArgs(alice.address, parseEther("20000"), parseEther("20000") + 1n);
        expect(await token.stakeInfoOf(alice)).to.deep.equal(before);
      });

      it("reverts for an account that never staked", async function () {
        const { token, bob } = await loadFixture(fixture);
        await expect(token.connect(bob).requestUnstake(1n)).to.be.revertedWithCustomError(token, "CashKeyTokenInsufficientStake").withArgs(bob.address, 0n, 1n);
      });
    });
  });

  describe("withdrawUnstaked", function () {
    describe("after the cooldown", function () {
      it("unlocks the pending amount, clears the record and emits UnstakeWithdrawn", async function () {
        const { token, alice, unlockAt } = await loadFixture(stakedFixture);
        const totalBefore = await token.totalStaked();
        await time.setNextBlockTimestamp(unlockAt);
        await expect(token.connect(alice).withdrawUnstaked()).to.emit(token, "UnstakeWithdrawn").withArgs(alice.address, parseEther("10000"));
        const info = await token.stakeInfoOf(alice);
        expect([info.staked, info.pendingUnstake, info.unlockAt]).to.deep.equal([parseEther("20000"), 0n, 0n]);
        expect(await token.unlockedBalanceOf(alice)).to.equal(parseEther("30000"));
        expect(await token.balanceOf(alice)).to.equal(AUTHOR_FUNDING);
        expect(await token.totalStaked()).to.equal(totalBefore);
      });

      it("returns the amount unlocked", async function () {
        const { token, alice, unlockAt } = await loadFixture(stakedFixture);
        await time.increaseTo(unlockAt);
        expect(await token.connect(alice).withdrawUnstaked.staticCall()).to.equal(parseEther("10000"));
      });

      it("lets the unlocked tokens be transferred", async function () {
        const { token, alice, bob, unlockAt } = await loadFixture(stakedFixture);
        await time.increaseTo(unlockAt);
        await token.connect(alice).withdrawUnstaked();
        await expect(token.connect(alice).transfer(bob, parseEther("30000"))).to.changeTokenBalances(token, [alice, bob], [-parseEther("30000"), parseEther("30000")]);
      });

      it("works immediately when the cooldown is zero", async function () {
        const { token, timelockAsSigner, alice } = await loadFixture(fixture);
        await token.connect(timelockAsSigner).setUnstakeCooldown(0);
        await token.connect(alice).stake(parseEther("1"));
        await token.connect(alice).requestUnstake(parseEther("1"));
        await expect(token.connect(alice).withdrawUnstaked()).to.emit(token, "UnstakeWithdrawn").withArgs(alice.address, parseEther("1"));
      });
    });

    describe("before the cooldown has passed", function () {
      it("reverts with CashKeyTokenCooldownActive(account, unlockAt) one second early (attack: withdraw before cooldown)", async function () {
        const { token, alice, unlockAt } = await loadFixture(stakedFixture);
        await time.setNextBlockTimestamp(unlockAt - 1);
        await expect(token.connect(alice).withdrawUnstaked()).to.be.revertedWithCustomError(token, "CashKeyTokenCooldownActive").withArgs(alice.address, unlockAt);
        const info = await token.stakeInfoOf(alice);
        expect(info.pendingUnstake).to.equal(parseEther("10000"));
        expect(await token.unlockedBalanceOf(alice)).to.equal(parseEther("20000"));
      });

      it("reverts with CashKeyTokenCooldownActive right after the request (attack: withdraw before cooldown)", async function () {
        const { token, alice, unlockAt } = await loadFixture(stakedFixture);
        await expect(token.connect(alice).withdrawUnstaked()).to.be.revertedWithCustomError(token, "CashKeyTokenCooldownActive").withArgs(alice.address, unlockAt);
      });
    });

    describe("when nothing is pending", function () {
      it("reverts with CashKeyTokenNothingToWithdraw", async function () {
        const { token, alice } = await loadFixture(fixture);
        await token.connect(alice).stake(parseEther("1"));
        await expect(token.connect(alice).withdrawUnstaked()).to.be.revertedWithCustomError(token, "CashKeyTokenNothingToWithdraw").withArgs(alice.address);
      });

      it("reverts with CashKeyTokenNothingToWithdraw on a second withdrawal (attack: double withdrawal)", async function () {
        const { token, alice, unlockAt } = await loadFixture(stakedFixture);
        await time.increaseTo(unlockAt);
        await token.connect(alice).withdrawUnstaked();
        await expect(token.connect(alice).withdrawUnstaked()).to.be.revertedWithCustomError(token, "CashKeyTokenNothingToWithdraw").withArgs(alice.address);
        expect(await token.unlockedBalanceOf(alice)).to.equal(parseEther("30000"));
      });
    });
  });

  describe("transfers of locked tokens", function () {
    describe("transfer", function () {
      it("moves up to the unlocked balance", async function () {
        const { token, alice, bob } = await loadFixture(stakedFixture);
        await expect(token.connect(alice).transfer(bob, parseEther("20000"))).to.changeTokenBalances(token, [alice, bob], [-parseEther("20000"), parseEther("20000")]);
        expect(await token.unlockedBalanceOf(alice)).to.equal(0n);
        expect(await token.stakedBalanceOf(alice)).to.equal(parseEther("20000"));
      });

      it("reverts with CashKeyTokenTransferExceedsUnlocked for one wei of stake (attack: transfer staked tokens)", async function () {
        const { token, alice, bob } = await loadFixture(stakedFixture);
        await expect(token.connect(alice).transfer(bob, parseEther("20000") + 1n))
          .to.be.revertedWithCustomError(token, "CashKeyTokenTransferExceedsUnlocked")
          .withArgs(alice.address, parseEther("20000"), parseEther("20000") + 1n);
        expect(await token.balanceOf(alice)).to.equal(AUTHOR_FUNDING);
        expect(await token.balanceOf(bob)).to.equal(AUTHOR_FUNDING);
      });

      it("reverts with CashKeyTokenTransferExceedsUnlocked when only active stake is locked (attack: transfer staked tokens)", async function () {
        const { token, alice, bob } = await loadFixture(fixture);
        await token.connect(alice).stake(parseEther("30000"));
        await expect(token.connect(alice).transfer(bob, parseEther("20001")))
          .to.be.revertedWithCustomError(token, "CashKeyTokenTransferExceedsUnlocked")
          .withArgs(alice.address, parseEther("20000"), parseEther("20001"));
      });

      it("reverts with CashKeyTokenTransferExceedsUnlocked when only a pending unstake is locked (attack: transfer during cooldown)", async function () {
        const { token, alice, bob } = await loadFixture(fixture);
        await token.connect(alice).stake(parseEther("30000"));
        await token.connect(alice).requestUnstake(parseEther("30000"));
        await expect(token.connect(alice).transfer(bob, parseEther("20001")))
          .to.be.revertedWithCustomError(token, "CashKeyTokenTransferExceedsUnlocked")
          .withArgs(alice.address, parseEther("20000"), parseEther("20001"));
      });

      it("reverts with CashKeyTokenTransferExceedsUnlocked for an operator's whole stake (attack: operator walks away with its bond)", async function () {
        const { token, operator, bob } = await loadFixture(fixture);
        await expect(token.connect(operator).transfer(bob, MIN_OPERATOR_STAKE))
          .to.be.revertedWithCustomError(token, "CashKeyTokenTransferExceedsUnlocked")
          .withArgs(operator.address, 0n, MIN_OPERATOR_STAKE);
      });

      it("reverts with CashKeyTokenTransferExceedsUnlocked, not a balance error, beyond the balance of a staker", async function () {
        const { token, alice, bob } = await loadFixture(stakedFixture);
        await expect(token.connect(alice).transfer(bob, AUTHOR_FUNDING + 1n))
          .to.be.revertedWithCustomError(token, "CashKeyTokenTransferExceedsUnlocked")
          .withArgs(alice.address, parseEther("20000"), AUTHOR_FUNDING + 1n);
      });

      it("still reverts with ERC20InsufficientBalance beyond the balance of an account with no stake", async function () {
        const { token, bob, carol } = await loadFixture(fixture);
        await expect(token.connect(bob).transfer(carol, AUTHOR_FUNDING + 1n))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
          .withArgs(bob.address, AUTHOR_FUNDING, AUTHOR_FUNDING + 1n);
      });

      it("does not restrict what a staker receives", async function () {
        const { token, alice, bob } = await loadFixture(stakedFixture);
        await token.connect(bob).transfer(alice, parseEther("5"));
        expect(await token.unlockedBalanceOf(alice)).to.equal(parseEther("20005"));
      });
    });

    describe("transferFrom", function () {
      it("reverts with CashKeyTokenTransferExceedsUnlocked and keeps the allowance (attack: transfer staked tokens through an allowance)", async function () {
        const { token, alice, bob } = await loadFixture(stakedFixture);
        await token.connect(alice).approve(bob, AUTHOR_FUNDING);
        await expect(token.connect(bob).transferFrom(alice, bob, parseEther("20000") + 1n))
          .to.be.revertedWithCustomError(token, "CashKeyTokenTransferExceedsUnlocked")
          .withArgs(alice.address, parseEther("20000"), parseEther("20000") + 1n);
        expect(await token.allowance(alice, bob)).to.equal(AUTHOR_FUNDING);
        expect(await token.balanceOf(alice)).to.equal(AUTHOR_FUNDING);
      });

      it("moves up to the unlocked balance", async function () {
        const { token, alice, bob } = await loadFixture(stakedFixture);
        await token.connect(alice).approve(bob, AUTHOR_FUNDING);
        await expect(token.connect(bob).transferFrom(alice, bob, parseEther("20000"))).to.changeTokenBalances(
          token,
          [alice, bob],
          [-parseEther("20000"), parseEther("20000")],
        );
        expect(await token.allowance(alice, bob)).to.equal(parseEther("30000"));
      });
    });
  });

  describe("voting power of staked tokens", function () {
    it("is unchanged by stake, requestUnstake and withdrawUnstaked", async function () {
      const { token, alice } = await loadFixture(fixture);
      await token.connect(alice).delegate(alice);
      expect(await token.getVotes(alice)).to.equal(AUTHOR_FUNDING);

      await expect(token.connect(alice).stake(parseEther("30000"))).to.not.emit(token, "DelegateVotesChanged");
      expect(await token.getVotes(alice)).to.equal(AUTHOR_FUNDING);

      await token.connect(alice).requestUnstake(parseEther("30000"));
      expect(await token.getVotes(alice)).to.equal(AUTHOR_FUNDING);

      await time.increase(UNSTAKE_COOLDOWN);
      await token.connect(alice).withdrawUnstaked();
      expect(await token.getVotes(alice)).to.equal(AUTHOR_FUNDING);
    });

    it("counts for the delegatee too", async function () {
      const { token, alice, carol } = await loadFixture(fixture);
      await token.connect(alice).stake(AUTHOR_FUNDING);
      await token.connect(alice).delegate(carol);
      expect(await token.getVotes(carol)).to.equal(AUTHOR_FUNDING);
    });
  });

  describe("slash", function () {
    describe("when called by the admin (Timelock)", function () {
      it("moves the amount to the treasury and emits Slashed(operator, amount, treasury, reason) and Transfer", async function () {
        const { token, timelock, timelockAsSigner, operator } = await loadFixture(fixture);
        const treasury = await timelock.getAddress();
        const amount = parseEther("4000");
        const tx = token.connect(timelockAsSigner).slash(operator, amount, REASON);
        await expect(tx).to.emit(token, "Slashed").withArgs(operator.address, amount, treasury, REASON);
        await expect(tx).to.emit(token, "Transfer").withArgs(operator.address, treasury, amount);
        await expect(tx).to.changeTokenBalances(token, [operator, treasury], [-amount, amount]);
      });

      it("takes active stake and lowers totalStaked by it", async function () {
        const { token, timelockAsSigner, operator } = await loadFixture(fixture);
        const totalBefore = await token.totalStaked();
        await token.connect(timelockAsSigner).slash(operator, parseEther("4000"), REASON);
        expect(await token.stakedBalanceOf(operator)).to.equal(MIN_OPERATOR_STAKE - parseEther("4000"));
        expect(await token.unlockedBalanceOf(operator)).to.equal(0n);
        expect(await token.totalStaked()).to.equal(totalBefore - parseEther("4000"));
      });

      it("takes active stake first, then the pending unstake, keeping its unlockAt", async function () {
        const { token, timelockAsSigner, operator } = await loadFixture(fixture);
        await token.connect(operator).requestUnstake(parseEther("4000"));
        const { unlockAt } = await token.stakeInfoOf(operator);
        const totalBefore = await token.totalStaked();
        await token.connect(timelockAsSigner).slash(operator, parseEther("7000"), REASON);
        const info = await token.stakeInfoOf(operator);
        expect(info.staked).to.equal(0n);
        expect(info.pendingUnstake).to.equal(parseEther("3000"));
        expect(info.unlockAt).to.equal(unlockAt);
        // Only the active part counted in totalStaked.
        expect(await token.totalStaked()).to.equal(totalBefore - parseEther("6000"));
        expect(await token.balanceOf(operator)).to.equal(parseEther("3000"));
        expect(await token.unlockedBalanceOf(operator)).to.equal(0n);
      });

      it("clears unlockAt when it takes the whole pending unstake", async function () {
        const { token, timelockAsSigner, operator } = await loadFixture(fixture);
        await token.connect(operator).requestUnstake(MIN_OPERATOR_STAKE);
        await token.connect(timelockAsSigner).slash(operator, MIN_OPERATOR_STAKE, REASON);
        const info = await token.stakeInfoOf(operator);
        expect([info.staked, info.pendingUnstake, info.unlockAt]).to.deep.equal([0n, 0n, 0n]);
        await expect(token.connect(operator).withdrawUnstaked()).to.be.revertedWithCustomError(token, "CashKeyTokenNothingToWithdraw").withArgs(operator.address);
      });

      it("can take a pending unstake during its cooldown (attack: unstake to escape a slash)", async function () {
        const { token, timelockAsSigner, operator, timelock } = await loadFixture(fixture);
        await token.connect(operator).requestUnstake(MIN_OPERATOR_STAKE);
        await time.increase(UNSTAKE_COOLDOWN - 10);
        await expect(token.connect(timelockAsSigner).slash(operator, MIN_OPERATOR_STAKE, REASON)).to.changeTokenBalances(
          token,
          [operator, await timelock.getAddress()],
          [-MIN_OPERATOR_STAKE, MIN_OPERATOR_STAKE],
        );
      });

      it("leaves the operator's unlocked tokens untouched and transferable", async function () {
        const { token, timelockAsSigner, operator, alice } = await loadFixture(fixture);
        await token.connect(alice).transfer(operator, parseEther("500"));
        await token.connect(timelockAsSigner).slash(operator, MIN_OPERATOR_STAKE, REASON);
        expect(await token.balanceOf(operator)).to.equal(parseEther("500"));
        expect(await token.unlockedBalanceOf(operator)).to.equal(parseEther("500"));
        await token.connect(operator).transfer(alice, parseEther("500"));
        expect(await token.balanceOf(operator)).to.equal(0n);
      });

      it("pays the treasury set by setTreasury", async function () {
        const { token, timelockAsSigner, operator, carol } = await loadFixture(fixture);
        await token.connect(timelockAsSigner).setTreasury(carol);
        await expect(token.connect(timelockAsSigner).slash(operator, parseEther("1"), REASON))
          .to.emit(token, "Slashed")
          .withArgs(operator.address, parseEther("1"), carol.address, REASON);
        expect(await token.balanceOf(carol)).to.equal(AUTHOR_FUNDING + parseEther("1"));
      });

      it("lowers the operator's votes by the amount", async function () {
        const { token, timelockAsSigner, operator } = await loadFixture(fixture);
        await token.connect(operator).delegate(operator);
        expect(await token.getVotes(operator)).to.equal(MIN_OPERATOR_STAKE);
        await expect(token.connect(timelockAsSigner).slash(operator, parseEther("2500"), REASON))
          .to.emit(token, "DelegateVotesChanged")
          .withArgs(operator.address, MIN_OPERATOR_STAKE, MIN_OPERATOR_STAKE - parseEther("2500"));
        expect(await token.getVotes(operator)).to.equal(MIN_OPERATOR_STAKE - parseEther("2500"));
      });

      it("keeps the total supply", async function () {
        const { token, timelockAsSigner, operator } = await loadFixture(fixture);
        const supply = await token.totalSupply();
        await token.connect(timelockAsSigner).slash(operator, MIN_OPERATOR_STAKE, REASON);
        expect(await token.totalSupply()).to.equal(supply);
      });
    });

    describe("while paused", function () {
      it("still slashes, and transfers stay paused afterwards", async function () {
        const { token, timelock, timelockAsSigner, guardian, operator, alice, bob } = await loadFixture(fixture);
        await token.connect(guardian).pause();
        await expect(token.connect(timelockAsSigner).slash(operator, parseEther("1000"), REASON))
          .to.emit(token, "Slashed")
          .withArgs(operator.address, parseEther("1000"), await timelock.getAddress(), REASON);
        expect(await token.stakedBalanceOf(operator)).to.equal(MIN_OPERATOR_STAKE - parseEther("1000"));
        await expect(token.connect(alice).transfer(bob, 1n)).to.be.revertedWithCustomError(token, "EnforcedPause");
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with CashKeyTokenZeroAmount", async function () {
        const { token, timelockAsSigner, operator } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).slash(operator, 0, REASON)).to.be.revertedWithCustomError(token, "CashKeyTokenZeroAmount");
      });
    });

    describe("when the amount exceeds active plus pending stake", function () {
      it("reverts with CashKeyTokenInsufficientStake(operator, staked + pending, amount)", async function () {
        const { token, timelockAsSigner, operator } = await loadFixture(fixture);
        await token.connect(operator).requestUnstake(parseEther("4000"));
        const before = await token.stakeInfoOf(operator);
        await expect(token.connect(timelockAsSigner).slash(operator, MIN_OPERATOR_STAKE + 1n, REASON))
          .to.be.revertedWithCustomError(token, "CashKeyTokenInsufficientStake")
          .withArgs(operator.address, MIN_OPERATOR_STAKE, MIN_OPERATOR_STAKE + 1n);
        expect(await token.stakeInfoOf(operator)).to.deep.equal(before);
        expect(await token.balanceOf(operator)).to.equal(MIN_OPERATOR_STAKE);
      });

      it("reverts even when the account's unlocked balance would cover it (only stake is slashable)", async function () {
        const { token, timelockAsSigner, alice } = await loadFixture(fixture);
        await token.connect(alice).stake(parseEther("100"));
        await expect(token.connect(timelockAsSigner).slash(alice, parseEther("101"), REASON))
          .to.be.revertedWithCustomError(token, "CashKeyTokenInsufficientStake")
          .withArgs(alice.address, parseEther("100"), parseEther("101"));
        expect(await token.balanceOf(alice)).to.equal(AUTHOR_FUNDING);
      });
    });

    describe("when called by anyone but the admin", function () {
      for (const who of ["guardian", "outsider", "deployer", "alice"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who} (attack: unauthorized slash)`, async function () {
          const f = await loadFixture(fixture);
          await expect(f.token.connect(f[who]).slash(f.operator, parseEther("1"), REASON))
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, ADMIN_ROLE);
          expect(await f.token.stakedBalanceOf(f.operator)).to.equal(MIN_OPERATOR_STAKE);
          expect(await f.token.balanceOf(f.operator)).to.equal(MIN_OPERATOR_STAKE);
        });
      }

      it("reverts with AccessControlUnauthorizedAccount for another operator (attack: operators slash each other)", async function () {
        const { token, operatorSigners, operator } = await loadFixture(fixture);
        const other = operatorSigners[1];
        await expect(token.connect(other).slash(operator, parseEther("1"), REASON))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(other.address, ADMIN_ROLE);
      });

      it("reverts with AccessControlUnauthorizedAccount for Rewards (the minter)", async function () {
        const { token, rewards, operator } = await loadFixture(fixture);
        const rewardsAsSigner = await impersonate(await rewards.getAddress());
        await expect(token.connect(rewardsAsSigner).slash(operator, parseEther("1"), REASON))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(await rewards.getAddress(), ADMIN_ROLE);
      });
    });
  });
});
