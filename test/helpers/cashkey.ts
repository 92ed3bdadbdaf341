/**
 * Shared test helpers: the standard deployment fixture and batch signing, built on the same
 * protocol module the oracle uses.
 */
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroHash, parseEther } from "ethers";
import { type DeployOptions, deployCashKey } from "../../scripts/deploy";
import { type BatchHeader, type AttributedSignature, orderSignatures, rewardsDomain, signScoreBatch } from "../../oracle/src/protocol/eip712";
import { packScoreItem } from "../../oracle/src/protocol/scoreItem";
import { HEURISTIC_EVALUATOR_HASH } from "../../oracle/src/protocol/evaluatorHash";
import type { Rewards } from "../../typechain-types";

export const DAY = 24 * 60 * 60;
export const EPOCH_LENGTH = 7 * DAY;
export const EPOCH_BUDGET = parseEther("1000");
export const MIN_OPERATOR_STAKE = parseEther("10000");
export const EVALUATOR = HEURISTIC_EVALUATOR_HASH;

/** Five operators with threshold 3, a guardian, authors with CKEY, short governance delays. */
export async function deployStandard(overrides: DeployOptions = {}) {
  const signers = await hre.ethers.getSigners();
  const [deployer, op1, op2, op3, op4, op5, guardian, alice, bob, carol, relayer, outsider] = signers;
  const operatorSigners = [op1, op2, op3, op4, op5];
  const deployment = await deployCashKey(hre, {
    deployer,
    operators: operatorSigners.map((s) => s.address),
    threshold: 3,
    guardian: guardian.address,
    epochLength: EPOCH_LENGTH,
    epochBudget: EPOCH_BUDGET,
    minOperatorStake: MIN_OPERATOR_STAKE,
    timelockDelay: 2 * DAY,
    votingDelay: 1 * DAY,
    votingPeriod: 5 * DAY,
    voteExtension: 1 * DAY,
    proposalThreshold: parseEther("1000"),
    writeDeployment: false,
    ...overrides,
  });
  for (const author of [alice, bob, carol]) {
    await deployment.token.connect(deployer).transfer(author.address, parseEther("50000"));
  }
  return { ...deployment, deployer, operatorSigners, guardian, alice, bob, carol, relayer, outsider, signers };
}

export async function domainOf(rewards: Rewards) {
  const { chainId } = await hre.ethers.provider.getNetwork();
  return rewardsDomain(chainId, await rewards.getAddress());
}

export function item(submissionId: bigint | number, score: number, points: number): bigint {
  return packScoreItem({ submissionId: BigInt(submissionId), score, points });
}

export async function headerFor(rewards: Rewards, overrides: Partial<BatchHeader> = {}): Promise<BatchHeader> {
  return {
    nonce: await rewards.nextBatchNonce(),
    evaluator: EVALUATOR,
    rationaleRoot: ZeroHash,
    deadline: BigInt((await time.latest()) + 3600),
    ...overrides,
  };
}

/** Signs with each signer and returns the signatures in ascending signer order. */
export async function signBatch(rewards: Rewards, signers: HardhatEthersSigner[], header: BatchHeader, items: bigint[]): Promise<string[]> {
  const domain = await domainOf(rewards);
  const attributed: AttributedSignature[] = [];
  for (const signer of signers) {
    attributed.push({ signer: signer.address, signature: await signScoreBatch(signer, domain, header, items) });
  }
  return orderSignatures(attributed);
}

/** Submits `count` pieces of content as `author` and returns their ids. */
export async function submitMany(rewards: Rewards, author: HardhatEthersSigner, count: number, category = 1): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const hash = hre.ethers.keccak256(hre.ethers.toUtf8Bytes(`${author.address}-${Date.now()}-${i}-${Math.random()}`));
    await (await rewards.connect(author).submit(hash, category)).wait();
    ids.push(await rewards.submissionCount());
  }
  return ids;
}

/** Signs with the first `threshold` operators and posts the batch. */
export async function postBatch(deployment: { rewards: Rewards; operatorSigners: HardhatEthersSigner[] }, items: bigint[], headerOverrides: Partial<BatchHeader> = {}) {
  const { rewards, operatorSigners } = deployment;
  const header = await headerFor(rewards, headerOverrides);
  const k = Number(await rewards.threshold());
  const signatures = await signBatch(rewards, operatorSigners.slice(0, k), header, items);
  return rewards.postScores(header, items, signatures);
}

export async function nextEpoch(rewards: Rewards) {
  const epochLength = Number(await rewards.epochLength());
  const genesis = Number(await rewards.genesis());
  const now = await time.latest();
  const current = Math.floor((now - genesis) / epochLength);
  await time.increaseTo(genesis + (current + 1) * epochLength);
}
