import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, id as keccakText, parseEther } from "ethers";
import { DAY, EPOCH_BUDGET, EVALUATOR, MIN_OPERATOR_STAKE, deployStandard } from "../helpers/cashkey";
import {
  OperationState,
  ProposalState,
  VoteType,
  descriptionHashOf,
  encodeCall,
  endVoting,
  proposalOf,
  propose,
  proposeVoteQueueExecute,
  selfDelegate,
  startVoting,
  stateBitmap,
  timelockOperationIdOf,
  timelockSaltOf,
} from "../helpers/governance";

const { ethers, upgrades } = hre;

const VOTING_DELAY = 1 * DAY;
const VOTING_PERIOD = 5 * DAY;
const TIMELOCK_DELAY = 2 * DAY;
const VOTE_EXTENSION = 1 * DAY;
const PROPOSAL_THRESHOLD = parseEther("1000");
const QUORUM_PERCENT = 4n;
const AUTHOR_BALANCE = parseEther("50000");

async function fixture() {
  const deployment = await deployStandard();
  const { token, deployer, alice, bob, carol } = deployment;
  // The deployer holds almost all the supply: with it delegated, quorum (4M CKEY) is reachable;
  // the authors' 50,000 CKEY each are far below it.
  await selfDelegate(token, [deployer, alice, bob, carol]);
  return deployment;
}

type Deployment = Awaited<ReturnType<typeof fixture>>;

/** A proposal that doubles the epoch budget and raises the threshold from 3 to 4, in one go. */
async function rewardsParameterProposal({ rewards }: Deployment, description = "Double the epoch budget; threshold 4 of 5") {
  return proposalOf([await encodeCall(rewards, "setEpochBudget", [EPOCH_BUDGET * 2n]), await encodeCall(rewards, "setThreshold", [4])], description);
}

/** Valid Governor settings, to show that a second initialization is refused however sound its arguments. */
async function reinitializeArgs(token: { getAddress(): Promise<string> }, timelock: { getAddress(): Promise<string> }) {
  return {
    token: await token.getAddress(),
    timelock: await timelock.getAddress(),
    votingDelay: 1,
    votingPeriod: 1,
    proposalThreshold: 0,
    quorumNumerator: 1,
    voteExtension: 0,
  };
}

describe("Governance", function () {
  describe("Governor initialization", function () {
    it("is named, configured and bound to the token and the Timelock", async function () {
      const { governor, token, timelock } = await loadFixture(fixture);
      expect(await governor.name()).to.equal("CashKey Governor");
      expect(await governor.votingDelay()).to.equal(VOTING_DELAY);
      expect(await governor.votingPeriod()).to.equal(VOTING_PERIOD);
      expect(await governor.proposalThreshold()).to.equal(PROPOSAL_THRESHOLD);
      expect(await governor["quorumNumerator()"]()).to.equal(QUORUM_PERCENT);
      expect(await governor.quorumDenominator()).to.equal(100n);
      expect(await governor.lateQuorumVoteExtension()).to.equal(VOTE_EXTENSION);
      expect(await governor.token()).to.equal(await token.getAddress());
      expect(await governor.timelock()).to.equal(await timelock.getAddress());
      expect(await governor.COUNTING_MODE()).to.equal("support=bravo&quorum=for,abstain");
      expect(await timelock.getMinDelay()).to.equal(TIMELOCK_DELAY);
    });

    it("runs on the timestamp clock, like the token", async function () {
      const { governor, token } = await loadFixture(fixture);
      expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
      await time.increase(12345);
      expect(await governor.clock()).to.equal(await time.latest());
      expect(await token.clock()).to.equal(await time.latest());
    });

    it("computes quorum as 4% of the supply at the snapshot", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, token, alice } = deployment;
      const proposalId = await propose(governor, alice, await rewardsParameterProposal(deployment));
      await startVoting(governor, proposalId);
      const snapshot = await governor.proposalSnapshot(proposalId);
      const supply = await token.getPastTotalSupply(snapshot);
      expect(await governor.quorum(snapshot)).to.equal((supply * QUORUM_PERCENT) / 100n);
    });

    it("reverts with InvalidInitialization when the proxy is initialized again", async function () {
      const { governor, token, timelock, outsider } = await loadFixture(fixture);
      await expect(governor.connect(outsider).initialize(await reinitializeArgs(token, timelock)))
        .to.be.revertedWithCustomError(governor, "InvalidInitialization")
        .withArgs();
    });

    it("reverts with InvalidInitialization when the implementation itself is initialized", async function () {
      const { governor, token, timelock, outsider } = await loadFixture(fixture);
      const implementation = await ethers.getContractAt("CashKeyGovernor", await upgrades.erc1967.getImplementationAddress(await governor.getAddress()));
      await expect(implementation.connect(outsider).initialize(await reinitializeArgs(token, timelock)))
        .to.be.revertedWithCustomError(implementation, "InvalidInitialization")
        .withArgs();
    });

    it("reverts with InvalidInitialization when the Timelock proxy or implementation is initialized again", async function () {
      const { timelock, outsider } = await loadFixture(fixture);
      const implementation = await ethers.getContractAt("CashKeyTimelock", await upgrades.erc1967.getImplementationAddress(await timelock.getAddress()));
      for (const target of [timelock, implementation]) {
        await expect(target.connect(outsider).initialize(0, [outsider.address], [outsider.address], outsider.address))
          .to.be.revertedWithCustomError(target, "InvalidInitialization")
          .withArgs();
      }
    });
  });

  describe("roles", function () {
    it("makes the Governor the Timelock's proposer and canceller", async function () {
      const { governor, timelock } = await loadFixture(fixture);
      const governorAddress = await governor.getAddress();
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), governorAddress)).to.equal(true);
      expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), governorAddress)).to.equal(true);
    });

    it("leaves the executor role open to anyone", async function () {
      const { timelock } = await loadFixture(fixture);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), ZeroAddress)).to.equal(true);
    });

    it("lets the guardian cancel, and only cancel", async function () {
      const { timelock, guardian } = await loadFixture(fixture);
      expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), guardian.address)).to.equal(true);
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), guardian.address)).to.equal(false);
      expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), guardian.address)).to.equal(false);
    });

    it("makes the Timelock its own admin and the admin of the token and Rewards", async function () {
      const { timelock, token, rewards } = await loadFixture(fixture);
      const timelockAddress = await timelock.getAddress();
      expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), timelockAddress)).to.equal(true);
      expect(await token.hasRole(await token.DEFAULT_ADMIN_ROLE(), timelockAddress)).to.equal(true);
      expect(await rewards.hasRole(await rewards.DEFAULT_ADMIN_ROLE(), timelockAddress)).to.equal(true);
    });

    it("makes Rewards the only minter and the guardian the pauser", async function () {
      const { token, rewards, guardian } = await loadFixture(fixture);
      expect(await token.hasRole(await token.MINTER_ROLE(), await rewards.getAddress())).to.equal(true);
      expect(await token.hasRole(await token.GUARDIAN_ROLE(), guardian.address)).to.equal(true);
      expect(await rewards.hasRole(await rewards.GUARDIAN_ROLE(), guardian.address)).to.equal(true);
    });

    it("leaves the deployer no role on the Timelock, the token or Rewards", async function () {
      const { timelock, token, rewards, deployer } = await loadFixture(fixture);
      const timelockRoles = await Promise.all([timelock.DEFAULT_ADMIN_ROLE(), timelock.PROPOSER_ROLE(), timelock.EXECUTOR_ROLE(), timelock.CANCELLER_ROLE()]);
      for (const role of timelockRoles) expect(await timelock.hasRole(role, deployer.address)).to.equal(false);
      for (const role of [await token.DEFAULT_ADMIN_ROLE(), await token.MINTER_ROLE(), await token.GUARDIAN_ROLE()]) {
        expect(await token.hasRole(role, deployer.address)).to.equal(false);
      }
      for (const role of [await rewards.DEFAULT_ADMIN_ROLE(), await rewards.GUARDIAN_ROLE()]) {
        expect(await rewards.hasRole(role, deployer.address)).to.equal(false);
      }
    });
  });

  describe("a governance cycle on the timestamp clock", function () {
    it("takes a Rewards parameter change from proposal to execution", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, timelock, rewards, deployer, alice, bob, carol } = deployment;
      const proposal = await rewardsParameterProposal(deployment);
      const proposalId = await governor.hashProposal(proposal.targets, proposal.values, proposal.calldatas, descriptionHashOf(proposal.description));

      // Propose: the snapshot and deadline are timestamps, a voting delay and a period away.
      const proposedAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(proposedAt);
      const voteStart = proposedAt + VOTING_DELAY;
      const voteEnd = voteStart + VOTING_PERIOD;
      await expect(governor.connect(alice).propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description))
        .to.emit(governor, "ProposalCreated")
        .withArgs(
          proposalId,
          alice.address,
          proposal.targets,
          proposal.values,
          proposal.calldatas.map(() => ""),
          proposal.calldatas,
          voteStart,
          voteEnd,
          proposal.description,
        );
      expect(await governor.proposalSnapshot(proposalId)).to.equal(voteStart);
      expect(await governor.proposalDeadline(proposalId)).to.equal(voteEnd);
      expect(await governor.proposalProposer(proposalId)).to.equal(alice.address);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Pending);

      // Listed from storage alone.
      expect(await governor.proposalCount()).to.equal(1n);
      const [listedId, targets, values, calldatas, descriptionHash] = await governor.proposalDetailsAt(0);
      expect(listedId).to.equal(proposalId);
      expect(targets).to.deep.equal(proposal.targets);
      expect(values).to.deep.equal(proposal.values);
      expect(calldatas).to.deep.equal(proposal.calldatas);
      expect(descriptionHash).to.equal(descriptionHashOf(proposal.description));

      // No vote before the snapshot.
      await expect(governor.connect(deployer).castVote(proposalId, VoteType.For))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposalId, ProposalState.Pending, stateBitmap(ProposalState.Active));

      // Vote: For, Against and Abstain are each counted with the voter's weight at the snapshot.
      await startVoting(governor, proposalId);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Active);
      const forWeight = await governor.getVotes(deployer.address, voteStart);
      await expect(governor.connect(deployer).castVoteWithReason(proposalId, VoteType.For, "a bigger budget brings more content"))
        .to.emit(governor, "VoteCast")
        .withArgs(deployer.address, proposalId, VoteType.For, forWeight, "a bigger budget brings more content");
      await expect(governor.connect(bob).castVoteWithReason(proposalId, VoteType.Against, "inflation"))
        .to.emit(governor, "VoteCast")
        .withArgs(bob.address, proposalId, VoteType.Against, AUTHOR_BALANCE, "inflation");
      await expect(governor.connect(carol).castVote(proposalId, VoteType.Abstain))
        .to.emit(governor, "VoteCast")
        .withArgs(carol.address, proposalId, VoteType.Abstain, AUTHOR_BALANCE, "");
      await expect(governor.connect(bob).castVote(proposalId, VoteType.For)).to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote").withArgs(bob.address);
      const [againstVotes, forVotes, abstainVotes] = await governor.proposalVotes(proposalId);
      expect(forVotes).to.equal(forWeight);
      expect(againstVotes).to.equal(AUTHOR_BALANCE);
      expect(abstainVotes).to.equal(AUTHOR_BALANCE);
      expect(await governor.hasVoted(proposalId, bob.address)).to.equal(true);
      expect(await governor.hasVoted(proposalId, alice.address)).to.equal(false);

      // Still Active until the deadline has passed.
      await time.increaseTo(voteEnd);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Active);
      await time.increase(1);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Succeeded);

      // With a Timelock, a proposal runs only once queued.
      await expect(governor["execute(uint256)"](proposalId))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposalId, ProposalState.Succeeded, stateBitmap(ProposalState.Queued));

      // Queue: the Timelock schedules the batch for the delay.
      const queuedAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(queuedAt);
      const operationId = await timelockOperationIdOf(timelock, governor, proposal);
      await expect(governor["queue(uint256)"](proposalId))
        .to.emit(governor, "ProposalQueued")
        .withArgs(proposalId, queuedAt + TIMELOCK_DELAY)
        .and.to.emit(timelock, "CallSalt")
        .withArgs(operationId, timelockSaltOf(await governor.getAddress(), proposal.description));
      expect(await governor.state(proposalId)).to.equal(ProposalState.Queued);
      expect(await governor.proposalEta(proposalId)).to.equal(queuedAt + TIMELOCK_DELAY);
      expect(await timelock.getOperationState(operationId)).to.equal(OperationState.Waiting);

      // Execution before the delay is refused by the Timelock.
      await expect(governor["execute(uint256)"](proposalId))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(operationId, stateBitmap(OperationState.Ready));
      expect(await rewards.epochBudget()).to.equal(EPOCH_BUDGET);

      // Execute after the delay; anyone may.
      await time.increaseTo(queuedAt + TIMELOCK_DELAY);
      await expect(governor.connect(carol)["execute(uint256)"](proposalId))
        .to.emit(governor, "ProposalExecuted")
        .withArgs(proposalId)
        .and.to.emit(rewards, "EpochBudgetSet")
        .withArgs(EPOCH_BUDGET, EPOCH_BUDGET * 2n)
        .and.to.emit(rewards, "ThresholdSet")
        .withArgs(3n, 4n);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Executed);
      expect(await timelock.getOperationState(operationId)).to.equal(OperationState.Done);
      expect(await rewards.epochBudget()).to.equal(EPOCH_BUDGET * 2n);
      expect(await rewards.threshold()).to.equal(4n);
    });

    it("lists every proposal in order from storage", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, alice, bob } = deployment;
      const first = await rewardsParameterProposal(deployment, "first");
      const second = await rewardsParameterProposal(deployment, "second");
      const firstId = await propose(governor, alice, first);
      const secondId = await propose(governor, bob, second);
      expect(await governor.proposalCount()).to.equal(2n);
      expect((await governor.proposalDetailsAt(0)).proposalId).to.equal(firstId);
      expect((await governor.proposalDetailsAt(1)).proposalId).to.equal(secondId);
      expect((await governor.proposalDetails(secondId)).descriptionHash).to.equal(descriptionHashOf("second"));
    });

    it("reverts with GovernorInsufficientProposerVotes for a proposer below the threshold", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, token, deployer, outsider } = deployment;
      // Just under the threshold, delegated.
      await token.connect(deployer).transfer(outsider.address, PROPOSAL_THRESHOLD - 1n);
      await token.connect(outsider).delegate(outsider.address);
      const proposal = await rewardsParameterProposal(deployment);
      await expect(governor.connect(outsider).propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description))
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(outsider.address, PROPOSAL_THRESHOLD - 1n, PROPOSAL_THRESHOLD);
    });

    it("defeats a proposal that does not reach quorum, and refuses to queue it", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, alice, bob, carol } = deployment;
      const proposalId = await propose(governor, alice, await rewardsParameterProposal(deployment));
      await startVoting(governor, proposalId);
      // 150,000 CKEY For, unanimously, against a 4,000,000 CKEY quorum.
      for (const voter of [alice, bob, carol]) await governor.connect(voter).castVote(proposalId, VoteType.For);
      const snapshot = await governor.proposalSnapshot(proposalId);
      expect(await governor.quorum(snapshot)).to.be.greaterThan(3n * AUTHOR_BALANCE);
      await endVoting(governor, proposalId);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Defeated);
      await expect(governor["queue(uint256)"](proposalId))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposalId, ProposalState.Defeated, stateBitmap(ProposalState.Succeeded));
    });

    it("defeats a proposal that reaches quorum with more votes against", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, deployer, alice } = deployment;
      const proposalId = await propose(governor, alice, await rewardsParameterProposal(deployment));
      await startVoting(governor, proposalId);
      await governor.connect(alice).castVote(proposalId, VoteType.For);
      await governor.connect(deployer).castVote(proposalId, VoteType.Against);
      await endVoting(governor, proposalId);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Defeated);
    });
  });

  describe("PreventLateQuorum", function () {
    it("extends the deadline when quorum is reached late, with ProposalExtended", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, deployer, alice, bob } = deployment;
      const proposalId = await propose(governor, alice, await rewardsParameterProposal(deployment));
      await startVoting(governor, proposalId);
      await expect(governor.connect(bob).castVote(proposalId, VoteType.For)).not.to.emit(governor, "ProposalExtended");

      const deadline = await governor.proposalDeadline(proposalId);
      const lateVoteAt = deadline - 3600n;
      await time.setNextBlockTimestamp(lateVoteAt);
      await expect(governor.connect(deployer).castVote(proposalId, VoteType.For))
        .to.emit(governor, "ProposalExtended")
        .withArgs(proposalId, lateVoteAt + BigInt(VOTE_EXTENSION));
      expect(await governor.proposalDeadline(proposalId)).to.equal(lateVoteAt + BigInt(VOTE_EXTENSION));

      // Past the original deadline, the vote is still open for the others to react.
      await time.increaseTo(deadline + 1n);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Active);
      await time.increaseTo(lateVoteAt + BigInt(VOTE_EXTENSION) + 1n);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Succeeded);
    });

    it("does not extend the deadline when quorum is reached early", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, deployer, alice } = deployment;
      const proposalId = await propose(governor, alice, await rewardsParameterProposal(deployment));
      await startVoting(governor, proposalId);
      const deadline = await governor.proposalDeadline(proposalId);
      await expect(governor.connect(deployer).castVote(proposalId, VoteType.For)).not.to.emit(governor, "ProposalExtended");
      expect(await governor.proposalDeadline(proposalId)).to.equal(deadline);
    });
  });

  describe("when votes are acquired after the snapshot", function () {
    it("counts the voter's weight at the snapshot, not what it bought since", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, token, deployer, alice, outsider } = deployment;
      const proposalId = await propose(governor, alice, await rewardsParameterProposal(deployment));
      await startVoting(governor, proposalId);

      // A flash-sized acquisition once voting is open.
      const bought = parseEther("10000000");
      await token.connect(deployer).transfer(alice.address, bought);
      await token.connect(deployer).transfer(outsider.address, bought);
      await token.connect(outsider).delegate(outsider.address);
      expect(await token.getVotes(alice.address)).to.equal(AUTHOR_BALANCE + bought);
      expect(await token.getVotes(outsider.address)).to.equal(bought);

      await expect(governor.connect(alice).castVote(proposalId, VoteType.For))
        .to.emit(governor, "VoteCast")
        .withArgs(alice.address, proposalId, VoteType.For, AUTHOR_BALANCE, "");
      await expect(governor.connect(outsider).castVote(proposalId, VoteType.For))
        .to.emit(governor, "VoteCast")
        .withArgs(outsider.address, proposalId, VoteType.For, 0n, "");
      const [, forVotes] = await governor.proposalVotes(proposalId);
      expect(forVotes).to.equal(AUTHOR_BALANCE);

      await endVoting(governor, proposalId);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Defeated);
    });
  });

  describe("cancelling a queued operation", function () {
    async function queuedProposal(deployment: Deployment) {
      const { governor, timelock, deployer, alice } = deployment;
      const proposal = await rewardsParameterProposal(deployment);
      const proposalId = await propose(governor, alice, proposal);
      await startVoting(governor, proposalId);
      await governor.connect(deployer).castVote(proposalId, VoteType.For);
      await endVoting(governor, proposalId);
      await governor["queue(uint256)"](proposalId);
      const operationId = await timelockOperationIdOf(timelock, governor, proposal);
      return { proposal, proposalId, operationId };
    }

    it("lets the guardian cancel it, which cancels the proposal", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, timelock, rewards, guardian } = deployment;
      const { proposalId, operationId } = await queuedProposal(deployment);
      expect(await timelock.isOperationPending(operationId)).to.equal(true);

      await expect(timelock.connect(guardian).cancel(operationId)).to.emit(timelock, "Cancelled").withArgs(operationId);
      expect(await timelock.getOperationState(operationId)).to.equal(OperationState.Unset);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Canceled);

      await time.increase(TIMELOCK_DELAY);
      await expect(governor["execute(uint256)"](proposalId))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposalId, ProposalState.Canceled, stateBitmap(ProposalState.Queued));
      expect(await rewards.epochBudget()).to.equal(EPOCH_BUDGET);
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone else", async function () {
      const deployment = await loadFixture(fixture);
      const { timelock, deployer, outsider, alice } = deployment;
      const { operationId } = await queuedProposal(deployment);
      const cancellerRole = await timelock.CANCELLER_ROLE();
      for (const caller of [outsider, deployer, alice]) {
        await expect(timelock.connect(caller).cancel(operationId))
          .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, cancellerRole);
      }
      expect(await timelock.isOperationPending(operationId)).to.equal(true);
    });
  });

  describe("governance-only functions", function () {
    it("reverts with GovernorOnlyExecutor when the Governor's settings are called directly", async function () {
      const { governor, rewards, deployer, outsider, guardian } = await loadFixture(fixture);
      const rewardsAddress = await rewards.getAddress();
      const budgetCall = rewards.interface.encodeFunctionData("setEpochBudget", [0]);
      const implementation = await upgrades.erc1967.getImplementationAddress(await governor.getAddress());
      for (const caller of [deployer, outsider, guardian]) {
        const asCaller = governor.connect(caller);
        const calls = [
          () => asCaller.relay(rewardsAddress, 0, budgetCall),
          () => asCaller.updateQuorumNumerator(1),
          () => asCaller.setVotingDelay(1),
          () => asCaller.setVotingPeriod(1),
          () => asCaller.setProposalThreshold(0),
          () => asCaller.setLateQuorumVoteExtension(0),
          () => asCaller.updateTimelock(caller.address),
          () => asCaller.upgradeToAndCall(implementation, "0x"),
        ];
        for (const call of calls) {
          await expect(call()).to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor").withArgs(caller.address);
        }
      }
    });

    it("reverts with TimelockUnauthorizedCaller when the Timelock's delay is changed directly", async function () {
      const { timelock, outsider, guardian } = await loadFixture(fixture);
      for (const caller of [outsider, guardian]) {
        await expect(timelock.connect(caller).updateDelay(0)).to.be.revertedWithCustomError(timelock, "TimelockUnauthorizedCaller").withArgs(caller.address);
      }
    });

    it("reverts with CashKeyTimelockUnauthorizedUpgrade when anyone upgrades the Timelock directly", async function () {
      const { timelock, deployer, outsider } = await loadFixture(fixture);
      const implementation = await upgrades.erc1967.getImplementationAddress(await timelock.getAddress());
      for (const caller of [deployer, outsider]) {
        await expect(timelock.connect(caller).upgradeToAndCall(implementation, "0x"))
          .to.be.revertedWithCustomError(timelock, "CashKeyTimelockUnauthorizedUpgrade")
          .withArgs(caller.address);
      }
    });

    it("reverts with AccessControlUnauthorizedAccount when anyone schedules or grants on the Timelock", async function () {
      const { timelock, rewards, outsider } = await loadFixture(fixture);
      const call = rewards.interface.encodeFunctionData("setEpochBudget", [0]);
      await expect(timelock.connect(outsider).schedule(await rewards.getAddress(), 0, call, ZeroHash, ZeroHash, TIMELOCK_DELAY))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await timelock.PROPOSER_ROLE());
      await expect(timelock.connect(outsider).grantRole(await timelock.PROPOSER_ROLE(), outsider.address))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await timelock.DEFAULT_ADMIN_ROLE());
    });

    it("applies the Governor's and the Timelock's own settings through a proposal", async function () {
      const { governor, timelock, deployer, alice } = await loadFixture(fixture);
      const proposal = proposalOf(
        [
          await encodeCall(governor, "setVotingDelay", [2 * DAY]),
          await encodeCall(governor, "setVotingPeriod", [6 * DAY]),
          await encodeCall(governor, "setProposalThreshold", [parseEther("2000")]),
          await encodeCall(governor, "updateQuorumNumerator", [5]),
          await encodeCall(governor, "setLateQuorumVoteExtension", [2 * DAY]),
          await encodeCall(timelock, "updateDelay", [3 * DAY]),
        ],
        "Slower, more deliberate governance",
      );
      const { executeTx } = await proposeVoteQueueExecute(governor, alice, [deployer], proposal);
      await expect(executeTx)
        .to.emit(governor, "VotingDelaySet")
        .withArgs(VOTING_DELAY, 2 * DAY)
        .and.to.emit(governor, "VotingPeriodSet")
        .withArgs(VOTING_PERIOD, 6 * DAY)
        .and.to.emit(governor, "ProposalThresholdSet")
        .withArgs(PROPOSAL_THRESHOLD, parseEther("2000"))
        .and.to.emit(governor, "QuorumNumeratorUpdated")
        .withArgs(QUORUM_PERCENT, 5n)
        .and.to.emit(governor, "LateQuorumVoteExtensionSet")
        .withArgs(VOTE_EXTENSION, 2 * DAY)
        .and.to.emit(timelock, "MinDelayChange")
        .withArgs(TIMELOCK_DELAY, 3 * DAY);
      expect(await governor.votingDelay()).to.equal(2 * DAY);
      expect(await governor.votingPeriod()).to.equal(6 * DAY);
      expect(await governor.proposalThreshold()).to.equal(parseEther("2000"));
      expect(await governor["quorumNumerator()"]()).to.equal(5n);
      expect(await governor.lateQuorumVoteExtension()).to.equal(2 * DAY);
      expect(await timelock.getMinDelay()).to.equal(3 * DAY);
    });
  });

  describe("governance can change every parameter", function () {
    it("executes setters across Rewards and the token in one proposal", async function () {
      const deployment = await loadFixture(fixture);
      const { governor, timelock, token, rewards, deployer, alice, guardian, operatorSigners, outsider, relayer } = deployment;
      const [op1, , , , op5] = operatorSigners;
      const timelockAddress = await timelock.getAddress();
      const newEvaluator = keccakText("llm:qwen2.5-7b-instruct:q4:prompt-3:rubric-2");
      const newTiers = [
        { minStake: parseEther("500"), quota: 10 },
        { minStake: parseEther("5000"), quota: 50 },
      ];
      const slashed = parseEther("4000");
      const newMinimum = parseEther("5000");

      // An emergency: the guardian pauses both contracts; only governance may unpause.
      await expect(token.connect(guardian).pause()).to.emit(token, "Paused").withArgs(guardian.address);
      await expect(rewards.connect(guardian).pause()).to.emit(rewards, "Paused").withArgs(guardian.address);
      await expect(token.connect(guardian).unpause())
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(guardian.address, await token.DEFAULT_ADMIN_ROLE());

      const treasuryBefore = await token.balanceOf(timelockAddress);
      const proposal = proposalOf(
        [
          await encodeCall(rewards, "setEpochBudget", [parseEther("2500")]),
          await encodeCall(rewards, "addOperator", [outsider.address]),
          await encodeCall(rewards, "setThreshold", [4]),
          await encodeCall(rewards, "removeOperator", [op5.address]),
          await encodeCall(rewards, "setEvaluator", [newEvaluator, true]),
          await encodeCall(rewards, "setEvaluator", [EVALUATOR, false]),
          await encodeCall(rewards, "setQuota", [3, newTiers]),
          await encodeCall(rewards, "setMinOperatorStake", [newMinimum]),
          await encodeCall(rewards, "setMaxPointsPerSubmission", [250]),
          await encodeCall(rewards, "unpause"),
          await encodeCall(token, "setUnstakeCooldown", [3 * DAY]),
          await encodeCall(token, "slash", [op1.address, slashed, "signed a batch it had not checked"]),
          await encodeCall(token, "setTreasury", [relayer.address]),
          await encodeCall(token, "unpause"),
        ],
        "Operator set, quotas and evaluators for season 2; slash op1; end the emergency pause",
      );
      const { executeTx } = await proposeVoteQueueExecute(governor, alice, [deployer], proposal);

      await expect(executeTx)
        .to.emit(rewards, "EpochBudgetSet")
        .withArgs(EPOCH_BUDGET, parseEther("2500"))
        .and.to.emit(rewards, "OperatorAdded")
        .withArgs(outsider.address)
        .and.to.emit(rewards, "ThresholdSet")
        .withArgs(3n, 4n)
        .and.to.emit(rewards, "OperatorRemoved")
        .withArgs(op5.address)
        .and.to.emit(rewards, "EvaluatorSet")
        .withArgs(newEvaluator, true)
        .and.to.emit(rewards, "EvaluatorSet")
        .withArgs(EVALUATOR, false)
        .and.to.emit(rewards, "QuotaSet")
        .withArgs(
          3n,
          newTiers.map((t) => [t.minStake, BigInt(t.quota)]),
        )
        .and.to.emit(rewards, "MinOperatorStakeSet")
        .withArgs(MIN_OPERATOR_STAKE, newMinimum)
        .and.to.emit(rewards, "MaxPointsPerSubmissionSet")
        .withArgs(1000n, 250n)
        .and.to.emit(rewards, "Unpaused")
        .withArgs(timelockAddress)
        .and.to.emit(token, "UnstakeCooldownSet")
        .withArgs(7 * DAY, 3 * DAY)
        .and.to.emit(token, "Slashed")
        .withArgs(op1.address, slashed, timelockAddress, "signed a batch it had not checked")
        .and.to.emit(token, "TreasurySet")
        .withArgs(timelockAddress, relayer.address)
        .and.to.emit(token, "Unpaused")
        .withArgs(timelockAddress);

      expect(await rewards.epochBudget()).to.equal(parseEther("2500"));
      expect(await rewards.operators()).to.deep.equal([...operatorSigners.slice(0, 4).map((s) => s.address), outsider.address]);
      expect(await rewards.isOperator(op5.address)).to.equal(false);
      expect(await rewards.threshold()).to.equal(4n);
      expect(await rewards.isApprovedEvaluator(newEvaluator)).to.equal(true);
      expect(await rewards.isApprovedEvaluator(EVALUATOR)).to.equal(false);
      const [baseQuota, tiers] = await rewards.quota();
      expect(baseQuota).to.equal(3n);
      expect(tiers.map((t) => [t.minStake, t.quota])).to.deep.equal(newTiers.map((t) => [t.minStake, BigInt(t.quota)]));
      expect(await rewards.minOperatorStake()).to.equal(newMinimum);
      expect(await rewards.maxPointsPerSubmission()).to.equal(250n);
      expect(await rewards.paused()).to.equal(false);
      expect(await token.unstakeCooldown()).to.equal(3 * DAY);
      expect(await token.stakedBalanceOf(op1.address)).to.equal(MIN_OPERATOR_STAKE - slashed);
      expect(await token.balanceOf(op1.address)).to.equal(MIN_OPERATOR_STAKE - slashed);
      expect(await token.balanceOf(timelockAddress)).to.equal(treasuryBefore + slashed);
      expect(await token.treasury()).to.equal(relayer.address);
      expect(await token.paused()).to.equal(false);
    });
  });
});
