/**
 * CashKey deployed for the oracle's chain tests: one operator (a fresh key the oracle holds, as in
 * production), threshold 1, authors with room to submit, and helpers to submit and mine.
 */
import hre from "hardhat";
import { mine, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type Provider, type Signer, Wallet, keccak256, parseEther, toUtf8Bytes } from "ethers";
import { type CashKeyDeployment, deployCashKey } from "../../../scripts/deploy";
import type { DeploymentRecord } from "../../../oracle/src/chain/contracts";
import { HEURISTIC_EVALUATOR_HASH } from "../../../oracle/src/protocol/evaluatorHash";
import { type BuiltBatch, type EvaluatedSubmission, buildBatch } from "../../../oracle/src/batch/builder";
import { BatchSigner } from "../../../oracle/src/batch/signer";
import type { SignedBatch } from "../../../oracle/src/chain/poster";
import type { Rewards } from "../../../typechain-types";

export const EVALUATOR = HEURISTIC_EVALUATOR_HASH;

/** A fresh key (as a plain Wallet: the poster and the operator sign raw). */
export function randomWallet(): Wallet {
  return new Wallet(Wallet.createRandom().privateKey);
}

export async function oracleFixture() {
  const [deployer, alice, bob, relayer] = await hre.ethers.getSigners();
  const operator = randomWallet();
  const deployBlock = (await hre.ethers.provider.getBlockNumber()) + 1;
  const deployment = await deployCashKey(hre, {
    deployer,
    operators: [operator.address],
    threshold: 1,
    baseQuota: 1_000,
    quotaTiers: [],
    writeDeployment: false,
  });
  const record = await deploymentRecordOf(deployment, deployBlock);
  return { ...deployment, record, deployer, alice, bob, relayer, operator };
}

/** The `deployments/<chainId>.json` record of a deployment made at `deployBlock`. */
export async function deploymentRecordOf(deployment: CashKeyDeployment, deployBlock: number): Promise<DeploymentRecord> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  return {
    chainId: Number(chainId),
    token: await deployment.token.getAddress(),
    rewards: await deployment.rewards.getAddress(),
    governor: await deployment.governor.getAddress(),
    timelock: await deployment.timelock.getAddress(),
    deployBlock,
  };
}

/** A funded account with a key of its own, connected to `provider` (the poster needs raw signing). */
export async function fundedWallet(provider: Provider): Promise<Wallet> {
  const wallet = randomWallet().connect(provider);
  await setBalance(wallet.address, parseEther("100"));
  return wallet;
}

let contentCounter = 0;

/** Submits `count` distinct pieces of content as `author`; returns their ids. */
export async function submit(rewards: Rewards, author: HardhatEthersSigner, count = 1, category = 1): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (let i = 0; i < count; i++) {
    contentCounter += 1;
    const receipt = await (await rewards.connect(author).submit(keccak256(toUtf8Bytes(`content ${contentCounter}`)), category)).wait();
    const log = receipt!.logs.map((l) => rewards.interface.parseLog(l)).find((l) => l?.name === "Submitted");
    ids.push(log!.args.id as bigint);
  }
  return ids;
}

export async function mineBlocks(count: number): Promise<void> {
  await mine(count);
}

export async function chainNowMs(): Promise<number> {
  return (await time.latest()) * 1000;
}

/** Evaluated submissions with simple scores and a rationale per id. */
export function evaluated(ids: readonly bigint[], queuedAtMs = 0): EvaluatedSubmission[] {
  return ids.map((submissionId, i) => ({
    submissionId,
    score: 50 + i,
    points: 10 * (i + 1),
    rationaleJson: JSON.stringify({ submissionId: submissionId.toString(), reason: `useful #${i}` }),
    queuedAtMs,
  }));
}

/** Builds a batch of `ids` against the chain as it is now and signs it with `operator`. */
export async function signedBatchOf(
  rewards: Rewards,
  operator: Signer,
  ids: readonly bigint[],
  overrides: { nonce?: bigint; nowMs?: number; deadlineSeconds?: number } = {},
): Promise<{ built: BuiltBatch; batch: SignedBatch }> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const built = buildBatch(evaluated(ids), {
    chainId,
    rewardsAddress: await rewards.getAddress(),
    nonce: overrides.nonce ?? (await rewards.nextBatchNonce()),
    evaluator: EVALUATOR,
    nowMs: overrides.nowMs ?? (await chainNowMs()),
    deadlineSeconds: overrides.deadlineSeconds ?? 3_600,
  });
  const { signature } = await new BatchSigner(operator).sign(built);
  return { built, batch: { header: built.header, items: built.items, signatures: [signature] } };
}
