/**
 * `npx hardhat cashkey:status [--deployment <file>] [--json] --network <name>`: the state of a CashKey
 * deployment, read from the chain: addresses, parameters, operators, counters, governance settings.
 *
 * hardhat.config.ts loads this file before anything is compiled, so it imports neither typechain
 * types nor scripts that do; contracts are reached by artifact name with `ethers.getContractAt`.
 */
import fs from "node:fs";
import path from "node:path";
import { task } from "hardhat/config";
import { HardhatPluginError } from "hardhat/plugins";
import { TASK_COMPILE } from "hardhat/builtin-tasks/task-names";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { formatEther, getAddress } from "ethers";
import { type DeploymentRecord, DeploymentRecordError, parseDeploymentJson } from "../oracle/src/protocol/deployment";

const TASK_NAME = "cashkey:status";

/** deployments/<chainId>.json, validated by the schema every reader uses. */
export type StatusDeploymentRecord = DeploymentRecord;

type ContractKey = "token" | "rewards" | "governor" | "timelock";
const CONTRACT_KEYS: ContractKey[] = ["token", "rewards", "governor", "timelock"];

export interface OperatorStatus {
  address: string;
  stake: bigint;
  /** Whether its signature counts now (stake at least the minimum). */
  eligible: boolean;
  /** Its bond: active plus pending stake, all of it slashable and held by Rewards while it operates. */
  bond: bigint;
  /** End of a guardian freeze of its bond (0: never frozen). */
  frozenUntil: bigint;
}

export interface DeploymentStatus {
  network: { name: string; chainId: number; blockNumber: number; timestamp: number };
  deployBlock: number;
  addresses: Record<ContractKey, string>;
  implementations: Record<ContractKey, string>;
  token: {
    name: string;
    symbol: string;
    version: string;
    cap: bigint;
    totalSupply: bigint;
    totalStaked: bigint;
    unstakeCooldown: bigint;
    treasury: string;
    paused: boolean;
  };
  rewards: {
    version: string;
    epochLength: bigint;
    genesis: bigint;
    currentEpoch: bigint;
    currentEpochBudget: bigint;
    currentEpochPoints: bigint;
    epochBudget: bigint;
    maxPointsPerSubmission: bigint;
    baseQuota: bigint;
    quotaTiers: { minStake: bigint; quota: bigint }[];
    minOperatorStake: bigint;
    /** How long a removed operator's bond stays locked: the slowest governance path plus the margin. */
    bondReleaseDelay: bigint;
    /** Budgets snapshotted and not yet claimed, held under the cap. */
    reservedBudget: bigint;
    /** What the cap leaves after the supply and the reserved budgets. */
    unreservedCap: bigint;
    threshold: bigint;
    operators: OperatorStatus[];
    nextBatchNonce: bigint;
    submissionCount: bigint;
    paused: boolean;
  };
  governor: {
    name: string;
    clockMode: string;
    votingDelay: bigint;
    votingPeriod: bigint;
    proposalThreshold: bigint;
    quorumNumerator: bigint;
    /** Votes needed now: the quorum fraction of the supply one second ago. */
    quorum: bigint;
    lateQuorumVoteExtension: bigint;
    proposalCount: bigint;
    timelock: string;
  };
  timelock: { version: string; minDelay: bigint };
}

/** Reads `file`, or deployments/<chainId>.json of the connected network, and checks it is a record. */
export async function readStatusRecord(hre: HardhatRuntimeEnvironment, file?: string): Promise<StatusDeploymentRecord> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const location = file ?? path.join(hre.config.paths.root, "deployments", `${chainId}.json`);
  if (!fs.existsSync(location)) {
    throw new HardhatPluginError(TASK_NAME, `no deployment for chain ${chainId}: ${location} is missing`);
  }
  let record: DeploymentRecord;
  try {
    record = parseDeploymentJson(fs.readFileSync(location, "utf8"), location);
  } catch (error) {
    throw new HardhatPluginError(TASK_NAME, error instanceof DeploymentRecordError ? error.shortMessage : String(error));
  }
  if (record.chainId !== Number(chainId)) {
    throw new HardhatPluginError(TASK_NAME, `${location} is for chain ${String(record.chainId)}, but ${hre.network.name} is chain ${chainId}`);
  }
  return record;
}

/** Gathers the state of the deployment `record` from the connected chain. */
export async function deploymentStatus(hre: HardhatRuntimeEnvironment, record: StatusDeploymentRecord): Promise<DeploymentStatus> {
  const { ethers } = hre;
  const addresses = Object.fromEntries(CONTRACT_KEYS.map((k) => [k, getAddress(record[k])])) as Record<ContractKey, string>;
  for (const key of CONTRACT_KEYS) {
    if ((await ethers.provider.getCode(addresses[key])) === "0x") {
      throw new HardhatPluginError(TASK_NAME, `no contract at the ${key} address ${addresses[key]}`);
    }
  }
  const implementations = {} as Record<ContractKey, string>;
  for (const key of CONTRACT_KEYS) {
    // The EIP-1967 slot, read by the upgrades plugin as scripts/upgrade.ts does.
    implementations[key] = getAddress(await hre.upgrades.erc1967.getImplementationAddress(addresses[key]));
  }

  const token = await ethers.getContractAt("CashKeyToken", addresses.token);
  const rewards = await ethers.getContractAt("Rewards", addresses.rewards);
  const governor = await ethers.getContractAt("CashKeyGovernor", addresses.governor);
  const timelock = await ethers.getContractAt("CashKeyTimelock", addresses.timelock);

  const block = await ethers.provider.getBlock("latest");
  if (!block) throw new HardhatPluginError(TASK_NAME, "the node returned no latest block");
  const { chainId } = await ethers.provider.getNetwork();

  const currentEpoch = BigInt(await rewards.currentEpoch());
  const epochInfo = await rewards.epochInfo(currentEpoch);
  const [baseQuota, tiers] = await rewards.quota();
  const minOperatorStake: bigint = await rewards.minOperatorStake();
  const operators: OperatorStatus[] = [];
  for (const operator of await rewards.operators()) {
    const [info, bond] = await Promise.all([token.stakeInfoOf(operator), rewards.operatorBond(operator)]);
    const stake = BigInt(info.staked);
    operators.push({
      address: operator,
      stake,
      eligible: stake >= minOperatorStake,
      bond: stake + BigInt(info.pendingUnstake),
      frozenUntil: BigInt(bond.frozenUntil),
    });
  }
  const clock = BigInt(await governor.clock());

  return {
    network: { name: hre.network.name, chainId: Number(chainId), blockNumber: block.number, timestamp: block.timestamp },
    deployBlock: record.deployBlock,
    addresses,
    implementations,
    token: {
      name: await token.name(),
      symbol: await token.symbol(),
      version: await token.version(),
      cap: await token.cap(),
      totalSupply: await token.totalSupply(),
      totalStaked: await token.totalStaked(),
      unstakeCooldown: await token.unstakeCooldown(),
      treasury: await token.treasury(),
      paused: await token.paused(),
    },
    rewards: {
      version: await rewards.version(),
      epochLength: await rewards.epochLength(),
      genesis: await rewards.genesis(),
      currentEpoch,
      currentEpochBudget: BigInt(epochInfo.budget),
      currentEpochPoints: BigInt(epochInfo.totalPoints),
      epochBudget: await rewards.epochBudget(),
      maxPointsPerSubmission: BigInt(await rewards.maxPointsPerSubmission()),
      baseQuota: BigInt(baseQuota),
      quotaTiers: tiers.map((t: { minStake: bigint; quota: bigint }) => ({ minStake: BigInt(t.minStake), quota: BigInt(t.quota) })),
      minOperatorStake,
      bondReleaseDelay: await rewards.bondReleaseDelay(),
      reservedBudget: await rewards.reservedBudget(),
      unreservedCap: await rewards.unreservedCap(),
      threshold: await rewards.threshold(),
      operators,
      nextBatchNonce: BigInt(await rewards.nextBatchNonce()),
      submissionCount: BigInt(await rewards.submissionCount()),
      paused: await rewards.paused(),
    },
    governor: {
      name: await governor.name(),
      clockMode: await governor.CLOCK_MODE(),
      votingDelay: await governor.votingDelay(),
      votingPeriod: await governor.votingPeriod(),
      proposalThreshold: await governor.proposalThreshold(),
      quorumNumerator: await governor["quorumNumerator()"](),
      quorum: clock > 0n ? await governor.quorum(clock - 1n) : 0n,
      lateQuorumVoteExtension: BigInt(await governor.lateQuorumVoteExtension()),
      proposalCount: await governor.proposalCount(),
      timelock: await governor.timelock(),
    },
    timelock: { version: await timelock.version(), minDelay: await timelock.getMinDelay() },
  };
}

/** JSON with bigints as decimal strings. */
export function statusJson(status: DeploymentStatus): string {
  return JSON.stringify(status, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2);
}

function ckey(amount: bigint): string {
  return `${formatEther(amount)} CKEY`;
}

function duration(seconds: bigint): string {
  const units: [bigint, string][] = [
    [86400n, "d"],
    [3600n, "h"],
    [60n, "min"],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0n) return `${seconds} s (${seconds / size} ${unit})`;
  }
  return `${seconds} s`;
}

function section(title: string, rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join("\n");
}

/** The status as aligned text, one section per contract. */
export function formatStatus(status: DeploymentStatus): string {
  const { network, token, rewards, governor, timelock } = status;
  const when = new Date(network.timestamp * 1000).toISOString();
  const header = `CashKey on ${network.name} (chain ${network.chainId}), block ${network.blockNumber} at ${when}; deployed at block ${status.deployBlock}`;
  const addresses = section(
    "Contracts (proxy / implementation)",
    CONTRACT_KEYS.map((k) => [k, `${status.addresses[k]} / ${status.implementations[k]}`]),
  );
  const tokenSection = section(`Token ${token.name} (${token.symbol}) v${token.version}`, [
    ["cap", ckey(token.cap)],
    ["total supply", ckey(token.totalSupply)],
    ["total staked", ckey(token.totalStaked)],
    ["unstake cooldown", duration(token.unstakeCooldown)],
    ["treasury", token.treasury],
    ["paused", String(token.paused)],
  ]);
  const tiers = rewards.quotaTiers.map((t) => `${ckey(t.minStake)} → ${t.quota}`).join(", ");
  const rewardsSection = section(`Rewards v${rewards.version}`, [
    ["epoch length", duration(rewards.epochLength)],
    ["genesis", `${rewards.genesis} (${new Date(Number(rewards.genesis) * 1000).toISOString()})`],
    ["current epoch", String(rewards.currentEpoch)],
    ["current epoch budget", ckey(rewards.currentEpochBudget)],
    ["current epoch points", String(rewards.currentEpochPoints)],
    ["epoch budget", ckey(rewards.epochBudget)],
    ["max points/submission", String(rewards.maxPointsPerSubmission)],
    ["quota", `${rewards.baseQuota} per epoch${tiers ? `; staked ${tiers}` : ""}`],
    ["min operator stake", ckey(rewards.minOperatorStake)],
    ["bond release delay", duration(rewards.bondReleaseDelay)],
    ["reserved budgets", `${ckey(rewards.reservedBudget)} (cap left: ${ckey(rewards.unreservedCap)})`],
    ["threshold", `${rewards.threshold} of ${rewards.operators.length}`],
    ["next batch nonce", String(rewards.nextBatchNonce)],
    ["submissions", String(rewards.submissionCount)],
    ["paused", String(rewards.paused)],
  ]);
  const operatorsSection = section(
    "Operators (stake; bond)",
    rewards.operators.map((o, i) => [
      String(i),
      `${o.address}  ${ckey(o.stake)}; bond ${ckey(o.bond)}${o.eligible ? "" : "  below the minimum: its signatures do not count"}` +
        (o.frozenUntil > BigInt(network.timestamp) ? `  frozen until ${new Date(Number(o.frozenUntil) * 1000).toISOString()}` : ""),
    ]),
  );
  const governorSection = section(governor.name, [
    ["clock", governor.clockMode],
    ["voting delay", duration(governor.votingDelay)],
    ["voting period", duration(governor.votingPeriod)],
    ["proposal threshold", ckey(governor.proposalThreshold)],
    ["quorum", `${governor.quorumNumerator}% of supply (now ${ckey(governor.quorum)})`],
    ["late quorum extension", duration(governor.lateQuorumVoteExtension)],
    ["proposals", String(governor.proposalCount)],
  ]);
  const timelockSection = section(`Timelock v${timelock.version}`, [["delay", duration(timelock.minDelay)]]);
  return [header, addresses, tokenSection, rewardsSection, operatorsSection, governorSection, timelockSection].join("\n\n");
}

task(TASK_NAME, "Prints the state of a CashKey deployment")
  .addOptionalParam("deployment", "The deployment record to read (default: deployments/<chainId>.json)")
  .addFlag("json", "Print JSON instead of text")
  .setAction(async (args: { deployment?: string; json: boolean }, hre) => {
    // Compile only on a fresh checkout: recompiling when artifacts exist would, under solidity-coverage,
    // replace the instrumented artifacts in the middle of the run.
    if (!(await hre.artifacts.artifactExists("Rewards"))) await hre.run(TASK_COMPILE, { quiet: true });
    const record = await readStatusRecord(hre, args.deployment);
    const status = await deploymentStatus(hre, record);
    console.log(args.json ? statusJson(status) : formatStatus(status));
    return status;
  });
