/**
 * Governance test helpers: build a proposal from contract calls, and drive it through the Governor
 * and the Timelock on the timestamp clock (propose → vote → queue → execute).
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { type BaseContract, ZeroHash, keccak256, toBeHex, toUtf8Bytes, zeroPadValue } from "ethers";
import type { CashKeyGovernor, CashKeyTimelock, CashKeyToken } from "../../typechain-types";

/** OpenZeppelin `IGovernor.ProposalState`. */
export enum ProposalState {
  Pending,
  Active,
  Canceled,
  Defeated,
  Succeeded,
  Queued,
  Expired,
  Executed,
}

/** OpenZeppelin `GovernorCountingSimple.VoteType`. */
export enum VoteType {
  Against,
  For,
  Abstain,
}

/** OpenZeppelin `TimelockController.OperationState`. */
export enum OperationState {
  Unset,
  Waiting,
  Ready,
  Done,
}

/** One call a proposal makes. */
export interface ProposalCall {
  target: string;
  value: bigint;
  calldata: string;
}

/** What `propose`, `queue` and `execute` take, and `hashProposal` hashes. */
export interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
}

/** The call `contract.method(...args)`, as a proposal action. */
export async function encodeCall(contract: BaseContract, method: string, args: readonly unknown[] = [], value = 0n): Promise<ProposalCall> {
  return {
    target: await contract.getAddress(),
    value,
    calldata: contract.interface.encodeFunctionData(method, args),
  };
}

export function proposalOf(calls: ProposalCall[], description: string): Proposal {
  return {
    targets: calls.map((c) => c.target),
    values: calls.map((c) => c.value),
    calldatas: calls.map((c) => c.calldata),
    description,
  };
}

export function descriptionHashOf(description: string): string {
  return keccak256(toUtf8Bytes(description));
}

export async function proposalIdOf(governor: CashKeyGovernor, proposal: Proposal): Promise<bigint> {
  return governor.hashProposal(proposal.targets, proposal.values, proposal.calldatas, descriptionHashOf(proposal.description));
}

/**
 * The bitmap that `GovernorUnexpectedProposalState` / `TimelockUnexpectedOperationState` carry:
 * one bit per allowed state.
 */
export function stateBitmap(...states: number[]): string {
  const bits = states.reduce((acc, s) => acc | (1n << BigInt(s)), 0n);
  return zeroPadValue(toBeHex(bits), 32);
}

/** The salt `GovernorTimelockControl` schedules with: `bytes20(governor) ^ descriptionHash`. */
export function timelockSaltOf(governorAddress: string, description: string): string {
  const salt = (BigInt(governorAddress) << 96n) ^ BigInt(descriptionHashOf(description));
  return zeroPadValue(toBeHex(salt), 32);
}

/** The Timelock operation id of a queued proposal. */
export async function timelockOperationIdOf(timelock: CashKeyTimelock, governor: CashKeyGovernor, proposal: Proposal): Promise<string> {
  return timelock.hashOperationBatch(proposal.targets, proposal.values, proposal.calldatas, ZeroHash, timelockSaltOf(await governor.getAddress(), proposal.description));
}

/** Each signer delegates its votes to itself. */
export async function selfDelegate(token: CashKeyToken, signers: Signer[]): Promise<void> {
  for (const signer of signers) {
    await (await token.connect(signer).delegate(await signer.getAddress())).wait();
  }
}

/** Submits the proposal and returns its id. */
export async function propose(governor: CashKeyGovernor, proposer: Signer, proposal: Proposal): Promise<bigint> {
  await (await governor.connect(proposer).propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description)).wait();
  return proposalIdOf(governor, proposal);
}

/** Moves time past the vote snapshot, so the proposal is Active. */
export async function startVoting(governor: CashKeyGovernor, proposalId: bigint): Promise<void> {
  await time.increaseTo((await governor.proposalSnapshot(proposalId)) + 1n);
}

/** Moves time past the (possibly extended) deadline, so the vote is over. */
export async function endVoting(governor: CashKeyGovernor, proposalId: bigint): Promise<void> {
  await time.increaseTo((await governor.proposalDeadline(proposalId)) + 1n);
}

/** Queues the proposal in the Timelock and moves time to its ETA. */
export async function queueAndWait(governor: CashKeyGovernor, proposalId: bigint): Promise<void> {
  await (await governor["queue(uint256)"](proposalId)).wait();
  await time.increaseTo(await governor.proposalEta(proposalId));
}

/**
 * Takes a proposal from nothing to executed: `proposer` proposes, every voter votes For once the vote
 * opens, the vote closes, the proposal is queued and, after the Timelock delay, executed. The voters
 * must have delegated before the call and together reach quorum. Returns the id and the execution
 * transaction (for event assertions).
 */
export async function proposeVoteQueueExecute(governor: CashKeyGovernor, proposer: Signer, voters: Signer[], proposal: Proposal) {
  const proposalId = await propose(governor, proposer, proposal);
  await startVoting(governor, proposalId);
  for (const voter of voters) {
    await (await governor.connect(voter).castVote(proposalId, VoteType.For)).wait();
  }
  await endVoting(governor, proposalId);
  await queueAndWait(governor, proposalId);
  const executeTx = await governor["execute(uint256)"](proposalId);
  await executeTx.wait();
  return { proposalId, executeTx };
}
