import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress } from "ethers";
import { DAY, deployStandard } from "../helpers/cashkey";
import { asTimelock, impersonate } from "../helpers/rewardsTesting";
import {
  ProposalState,
  VoteType,
  encodeCall,
  endVoting,
  proposalOf,
  propose,
  selfDelegate,
  startVoting,
  timelockOperationIdOf,
  type Proposal,
} from "../helpers/governance";

const { ethers, upgrades } = hre;
const MIN_DELAY = 60;
const MAX_DELAY = 30 * DAY;

async function fixture() {
  const deployment = await deployStandard();
  await selfDelegate(deployment.token, [deployment.deployer]);
  const self = await asTimelock(deployment.timelock);
  return { ...deployment, self };
}

type Deployment = Awaited<ReturnType<typeof fixture>>;

/** Proposes, votes and queues `proposal`; returns its Timelock operation id. */
async function queue(d: Deployment, proposal: Proposal) {
  const { governor, timelock, deployer } = d;
  const proposalId = await propose(governor, deployer, proposal);
  await startVoting(governor, proposalId);
  await governor.connect(deployer).castVote(proposalId, VoteType.For);
  await endVoting(governor, proposalId);
  await governor["queue(uint256)"](proposalId);
  return { proposalId, operationId: await timelockOperationIdOf(timelock, governor, proposal) };
}

describe("CashKeyTimelock", function () {
  describe("updateDelay (finding 8: one proposal must not brick the Timelock)", function () {
    for (const [label, delay, accepted] of [
      ["MIN_DELAY - 1", MIN_DELAY - 1, false],
      ["exactly MIN_DELAY", MIN_DELAY, true],
      ["exactly MAX_DELAY", MAX_DELAY, true],
      ["MAX_DELAY + 1", MAX_DELAY + 1, false],
      ["2^256 - 1", MaxUint256, false],
    ] as const) {
      it(`${accepted ? "accepts" : "reverts with CashKeyTimelockDelayOutOfRange for"} a delay of ${label}`, async function () {
        const { timelock, self } = await loadFixture(fixture);
        if (accepted) {
          await expect(timelock.connect(self).updateDelay(delay))
            .to.emit(timelock, "MinDelayChange")
            .withArgs(2 * DAY, delay);
          expect(await timelock.getMinDelay()).to.equal(delay);
        } else {
          await expect(timelock.connect(self).updateDelay(delay))
            .to.be.revertedWithCustomError(timelock, "CashKeyTimelockDelayOutOfRange")
            .withArgs(delay, MIN_DELAY, MAX_DELAY);
        }
      });
    }

    it("still refuses a caller other than the Timelock with TimelockUnauthorizedCaller", async function () {
      const { timelock, guardian } = await loadFixture(fixture);
      await expect(timelock.connect(guardian).updateDelay(DAY)).to.be.revertedWithCustomError(timelock, "TimelockUnauthorizedCaller").withArgs(guardian.address);
    });

    it("refuses a delay out of range at initialization", async function () {
      const { deployer } = await loadFixture(fixture);
      const factory = await ethers.getContractFactory("CashKeyTimelock");
      await expect(upgrades.deployProxy(factory, [MAX_DELAY + 1, [], [ZeroAddress], deployer.address], { kind: "uups" }))
        .to.be.revertedWithCustomError(factory, "CashKeyTimelockDelayOutOfRange")
        .withArgs(MAX_DELAY + 1, MIN_DELAY, MAX_DELAY);
    });
  });

  describe("guardian cancels (finding 2: delay, never block)", function () {
    async function rescue(d: Deployment) {
      const { token, rewards, timelock, guardian } = d;
      const calls = [
        await encodeCall(timelock, "revokeRole", [await timelock.CANCELLER_ROLE(), guardian.address]),
        await encodeCall(token, "revokeRole", [await token.GUARDIAN_ROLE(), guardian.address]),
        await encodeCall(rewards, "revokeRole", [await rewards.GUARDIAN_ROLE(), guardian.address]),
        await encodeCall(token, "unpause"),
        await encodeCall(rewards, "unpause"),
      ];
      return proposalOf(calls, "Remove the guardian and unpause");
    }

    it("cannot cancel the rescue that revokes its roles and unpauses (CashKeyTimelockProtectedOperation)", async function () {
      const d = await loadFixture(fixture);
      const { token, rewards, governor, timelock, guardian } = d;
      await token.connect(guardian).pause();
      await rewards.connect(guardian).pause();
      const proposal = await rescue(d);
      const { proposalId, operationId } = await queue(d, proposal);
      expect(await timelock.isProtectedOperation(operationId)).to.equal(true);
      await expect(timelock.connect(guardian).cancel(operationId))
        .to.be.revertedWithCustomError(timelock, "CashKeyTimelockProtectedOperation")
        .withArgs(operationId, guardian.address);

      await time.increaseTo(await governor.proposalEta(proposalId));
      await governor["execute(uint256)"](proposalId);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Executed);
      expect(await token.paused()).to.equal(false);
      expect(await rewards.paused()).to.equal(false);
      expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), guardian.address)).to.equal(false);
    });

    it("emits OperationProtected with the first call's selector when it is queued", async function () {
      const d = await loadFixture(fixture);
      const { governor, timelock, deployer } = d;
      const proposal = await rescue(d);
      const proposalId = await propose(governor, deployer, proposal);
      await startVoting(governor, proposalId);
      await governor.connect(deployer).castVote(proposalId, VoteType.For);
      await endVoting(governor, proposalId);
      const operationId = await timelockOperationIdOf(timelock, governor, proposal);
      await expect(governor["queue(uint256)"](proposalId))
        .to.emit(timelock, "OperationProtected")
        .withArgs(operationId, timelock.interface.getFunction("revokeRole").selector);
    });

    it("cannot cancel a slash", async function () {
      const d = await loadFixture(fixture);
      const { token, timelock, guardian, operatorSigners } = d;
      const proposal = proposalOf([await encodeCall(token, "slash", [operatorSigners[0].address, 1n, "fraud"])], "Slash");
      const { operationId } = await queue(d, proposal);
      await expect(timelock.connect(guardian).cancel(operationId))
        .to.be.revertedWithCustomError(timelock, "CashKeyTimelockProtectedOperation")
        .withArgs(operationId, guardian.address);
    });

    it("can still cancel an operation that mixes a protected call with any other", async function () {
      const d = await loadFixture(fixture);
      const { token, rewards, timelock, guardian } = d;
      const calls = [await encodeCall(token, "unpause"), await encodeCall(rewards, "setEpochBudget", [1n])];
      const { operationId } = await queue(d, proposalOf(calls, "Unpause and change the budget"));
      expect(await timelock.isProtectedOperation(operationId)).to.equal(false);
      await expect(timelock.connect(guardian).cancel(operationId)).to.emit(timelock, "Cancelled").withArgs(operationId);
    });

    it("lets the Governor (a proposer) cancel a protected operation", async function () {
      const d = await loadFixture(fixture);
      const { token, governor, timelock } = d;
      const proposal = proposalOf([await encodeCall(token, "unpause")], "Unpause");
      const { operationId } = await queue(d, proposal);
      const asGovernor = await impersonate(await governor.getAddress());
      await expect(timelock.connect(asGovernor).cancel(operationId)).to.emit(timelock, "Cancelled").withArgs(operationId);
    });

    it("protects a single scheduled call too", async function () {
      const d = await loadFixture(fixture);
      const { token, governor, timelock, guardian } = d;
      const asGovernor = await impersonate(await governor.getAddress());
      const data = token.interface.encodeFunctionData("unpause");
      const salt = ethers.id("single");
      await timelock.connect(asGovernor).schedule(await token.getAddress(), 0, data, ethers.ZeroHash, salt, 2 * DAY);
      const id = await timelock.hashOperation(await token.getAddress(), 0, data, ethers.ZeroHash, salt);
      expect(await timelock.isProtectedOperation(id)).to.equal(true);
      await expect(timelock.connect(guardian).cancel(id)).to.be.revertedWithCustomError(timelock, "CashKeyTimelockProtectedOperation").withArgs(id, guardian.address);
    });

    it("names revokeRole, unpause and slash as the protected selectors, and no other", async function () {
      const { timelock, token, rewards } = await loadFixture(fixture);
      for (const selector of [
        token.interface.getFunction("revokeRole").selector,
        token.interface.getFunction("unpause").selector,
        token.interface.getFunction("slash").selector,
      ]) {
        expect(await timelock.isProtectedSelector(selector)).to.equal(true);
      }
      for (const selector of [rewards.interface.getFunction("setEpochBudget").selector, token.interface.getFunction("pause").selector, "0x00000000"]) {
        expect(await timelock.isProtectedSelector(selector)).to.equal(false);
      }
    });
  });
});
