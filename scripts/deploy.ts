/**
 * Deploys CashKey behind UUPS proxies and wires roles. Tests, the local stack and the benchmarks all
 * deploy through `deployCashKey`; `npx hardhat run scripts/deploy.ts --network <name>` deploys with
 * parameters from the environment (see docs/CONTRACTS.md).
 */
import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { type Signer, ZeroAddress, formatEther, getAddress, parseEther } from "ethers";
import type { CashKeyForwarder, CashKeyGovernor, CashKeyTimelock, CashKeyToken, Challenges, Rewards } from "../typechain-types";
import { HEURISTIC_EVALUATOR_HASH } from "../oracle/src/protocol/evaluatorHash";
import { HEURISTIC_APPEAL_EVALUATOR_HASH } from "../oracle/src/challenges/appealEvaluator";
import { deployOptionsFromEnv } from "./lib/deployEnv";
import { type DeploymentRecord, parseDeploymentJson, parseDeploymentRecord } from "../oracle/src/protocol/deployment";

/** `deployments/<chainId>.json` as this script writes it: the protocol's schema (oracle/src/protocol/deployment.ts). See docs/CONTRACTS.md. */
export type { DeploymentRecord };

/** Challenges parameters (docs/CONTRACTS.md, "Challenges"); durations in seconds, amounts in CKEY wei. */
export interface ChallengeParamsOption {
  window: number;
  verdictTimeout: number;
  escalationWindow: number;
  escalationTimeout: number;
  bond: bigint;
  rewardBps: number;
  rejectedAuthorBps: number;
}

const DAY = 24 * 60 * 60;

export interface QuotaTierOption {
  minStake: bigint;
  quota: number;
}

/** A VestingWallet that receives part of the genesis supply (OpenZeppelin `VestingWallet`, linear). */
export interface GenesisVestingOption {
  beneficiary: string;
  amount: bigint;
  /** Seconds since the epoch; default: the deployment time. */
  start?: number;
  /** Seconds over which `amount` vests linearly. */
  durationSeconds: number;
}

export interface DeployOptions {
  /** Pays for the deployment and receives the genesis supply; keeps no role. Default: first signer. */
  deployer?: Signer;
  /** Operator addresses, in leader order. Default: the deployer. */
  operators?: string[];
  /** Signatures per batch. Default: a majority of the operators. */
  threshold?: number;
  /** Approved evaluator hashes. Default: the heuristic scorer's. */
  evaluators?: string[];
  /** May pause the token and Rewards and cancel timelocked operations. Default: none. */
  guardian?: string;
  /** Seconds per epoch, fixed at deployment. Default: 7 days. */
  epochLength?: number;
  /** CKEY shared by each epoch's points. Default: 100,000 CKEY. */
  epochBudget?: bigint;
  /**
   * Stake (bond) an operator needs for its signature to count. Default: sized so that a colluding
   * quorum's bonds exceed what it can take while governance removes it — `defaultMinOperatorStake`,
   * see docs/SECURITY.md.
   */
  minOperatorStake?: bigint;
  /** Seconds added to the slowest governance path before a removed operator's bond is released. Default: 1 day. */
  bondReleaseMargin?: number;
  /** Default: 1,000. */
  maxPointsPerSubmission?: number;
  /** Submissions per epoch without stake. Default: 5 on the local chain, 0 elsewhere (docs/SECURITY.md, sybils). */
  baseQuota?: number;
  /** Default: 1,000 CKEY → 20, 10,000 CKEY → 100. */
  quotaTiers?: QuotaTierOption[];
  /** Hard cap. Default: 1,000,000,000 CKEY. */
  cap?: bigint;
  /** Genesis supply minted to `initialHolder`. Default: 100,000,000 CKEY. */
  initialSupply?: bigint;
  /** Default: the deployer. */
  initialHolder?: string;
  /**
   * Place the genesis supply out of any single key's reach: after funding the operators' bonds, the
   * holder's genesis supply goes into `genesisVesting` wallets and the rest to the Timelock (the
   * treasury governance spends). Default: true outside the local chain (chain id 31337), false on it.
   */
  lockGenesis?: boolean;
  /** Whether this is the local development chain, which picks the defaults above. Default: chain id 31337. */
  localChain?: boolean;
  /** VestingWallets funded from the genesis supply when `lockGenesis` is on. Default: none. */
  genesisVesting?: GenesisVestingOption[];
  /** Default: 7 days. */
  unstakeCooldown?: number;
  /** Receiver of slashed stake. Default: the Timelock. */
  treasury?: string;
  /** Default: 2 days. */
  timelockDelay?: number;
  /** Default: 1 day. */
  votingDelay?: number;
  /** Default: 5 days. */
  votingPeriod?: number;
  /** Default: 10,000 CKEY. */
  proposalThreshold?: bigint;
  /** Percent of supply. Default: 4. */
  quorumPercent?: number;
  /** Default: 1 day. */
  voteExtension?: number;
  /**
   * Challenge parameters. Default: window 2 days (a third of the epoch if that is shorter), verdict timeout 3 days, escalation window 2 days,
   * escalation timeout max(14 days, governance path), bond 100 CKEY, reward 50 %, author's part of a
   * forfeited bond 50 %.
   */
  challengeParams?: Partial<ChallengeParamsOption>;
  /** Approved appeal evaluators. Default: the approved evaluators and the oracle's heuristic appeal evaluator (oracle/src/challenges). */
  appealEvaluators?: string[];
  /** Write deployments/<chainId>.json. Default: true. */
  writeDeployment?: boolean;
  /** Where to write it. Default: <project>/deployments. */
  deploymentsDir?: string;
  /** Print progress. Default: false. */
  log?: boolean;
}

export interface CashKeyDeployment {
  token: CashKeyToken;
  rewards: Rewards;
  governor: CashKeyGovernor;
  timelock: CashKeyTimelock;
  /** The ERC-2771 forwarder that `Rewards` trusts (relayed `submit` and `claim`). */
  forwarder: CashKeyForwarder;
  /** Bonded challenges of scores; the gate Rewards' claims pass (docs/CONTRACTS.md). */
  challenges: Challenges;
  /** The VestingWallets that hold part of the genesis supply (empty unless `lockGenesis`). */
  vestingWallets: string[];
}

/** The local development chain (Hardhat's in-process network and `npx hardhat node`). */
export const LOCAL_CHAIN_ID = 31337;

/**
 * The operator bond that makes fraud unprofitable: a colluding quorum of `threshold` operators can
 * credit itself the budgets of every epoch that closes while governance removes it — at most
 * `floor(path / epochLength) + 2` epochs, where `path` is voting delay + voting period + late-quorum
 * extension + Timelock delay + margin — so each bond must exceed that take divided by the quorum.
 */
export function defaultMinOperatorStake(p: { epochBudget: bigint; epochLength: number; threshold: number; governancePathSeconds: number }): bigint {
  const epochsAtRisk = BigInt(Math.floor(p.governancePathSeconds / p.epochLength) + 2);
  return (epochsAtRisk * p.epochBudget) / BigInt(p.threshold) + parseEther("1");
}

export async function deployCashKey(hre: HardhatRuntimeEnvironment, options: DeployOptions = {}): Promise<CashKeyDeployment> {
  const { ethers, upgrades } = hre;
  const say = (message: string) => options.log && console.log(message);
  const deployer = options.deployer ?? (await ethers.getSigners())[0];
  const deployerAddress = await deployer.getAddress();

  const operators = (options.operators ?? [deployerAddress]).map((a) => getAddress(a));
  const threshold = options.threshold ?? Math.floor(operators.length / 2) + 1;
  const guardian = options.guardian ? getAddress(options.guardian) : ZeroAddress;
  const { chainId } = await ethers.provider.getNetwork();
  const local = options.localChain ?? Number(chainId) === LOCAL_CHAIN_ID;
  const epochLength = options.epochLength ?? 7 * DAY;
  const epochBudget = options.epochBudget ?? parseEther("100000");
  const timelockDelay = options.timelockDelay ?? 2 * DAY;
  const votingDelay = options.votingDelay ?? 1 * DAY;
  const votingPeriod = options.votingPeriod ?? 5 * DAY;
  const voteExtension = options.voteExtension ?? 1 * DAY;
  const bondReleaseMargin = options.bondReleaseMargin ?? 1 * DAY;
  const minOperatorStake =
    options.minOperatorStake ??
    defaultMinOperatorStake({
      epochBudget,
      epochLength,
      threshold,
      governancePathSeconds: votingDelay + votingPeriod + voteExtension + timelockDelay + bondReleaseMargin,
    });
  const lockGenesis = options.lockGenesis ?? !local;
  const vestingTotal = (options.genesisVesting ?? []).reduce((sum, v) => sum + v.amount, 0n);
  const initialSupply = options.initialSupply ?? parseEther("100000000");
  if (lockGenesis && vestingTotal > initialSupply) {
    // Refused before anything is deployed, so no half-wired deployment keeps the deployer's roles.
    throw new Error(`genesis vesting needs ${formatEther(vestingTotal)} CKEY, the genesis supply is ${formatEther(initialSupply)}`);
  }
  const startBlock = await ethers.provider.getBlockNumber();

  const deployProxy = async (name: string, args: unknown[], constructorArgs: unknown[] = []) => {
    const factory = await ethers.getContractFactory(name, deployer);
    const proxy = await upgrades.deployProxy(factory, args, { kind: "uups", initializer: "initialize", constructorArgs });
    await proxy.waitForDeployment();
    say(`${name}: ${await proxy.getAddress()}`);
    return proxy;
  };

  // The deployer is the Timelock's admin only until the Governor is wired in, then renounces.
  const timelock = (await deployProxy("CashKeyTimelock", [timelockDelay, [], [ZeroAddress], deployerAddress])) as unknown as CashKeyTimelock;
  const timelockAddress = await timelock.getAddress();

  const token = (await deployProxy("CashKeyToken", [
    deployerAddress,
    guardian,
    options.treasury ?? timelockAddress,
    options.cap ?? parseEther("1000000000"),
    options.initialHolder ?? deployerAddress,
    initialSupply,
    options.unstakeCooldown ?? 7 * DAY,
  ])) as unknown as CashKeyToken;
  const tokenAddress = await token.getAddress();

  const governor = (await deployProxy("CashKeyGovernor", [
    {
      token: tokenAddress,
      timelock: timelockAddress,
      votingDelay,
      votingPeriod,
      proposalThreshold: options.proposalThreshold ?? parseEther("10000"),
      quorumNumerator: options.quorumPercent ?? 4,
      voteExtension,
    },
  ])) as unknown as CashKeyGovernor;
  const governorAddress = await governor.getAddress();

  // The ERC-2771 forwarder is immutable in the Rewards implementation: relayed requests act for their signer.
  const forwarder = await (await ethers.getContractFactory("CashKeyForwarder", deployer)).deploy();
  await forwarder.waitForDeployment();
  const forwarderAddress = await forwarder.getAddress();
  say(`CashKeyForwarder: ${forwarderAddress}`);

  const rewards = (await deployProxy(
    "Rewards",
    [
      {
        token: tokenAddress,
        // The deployer wires Challenges in, then hands the admin role to the Timelock (below).
        admin: deployerAddress,
        guardian,
        epochLength,
        epochBudget,
        operators,
        threshold,
        minOperatorStake,
        evaluators: options.evaluators ?? [HEURISTIC_EVALUATOR_HASH],
        maxPointsPerSubmission: options.maxPointsPerSubmission ?? 1000,
        baseQuota: options.baseQuota ?? (local ? 5 : 0),
        quotaTiers: (
          options.quotaTiers ?? [
            { minStake: parseEther("1000"), quota: 20 },
            { minStake: parseEther("10000"), quota: 100 },
          ]
        ).map((t) => ({ minStake: t.minStake, quota: t.quota })),
        governor: governorAddress,
        bondReleaseMargin,
      },
    ],
    [forwarderAddress],
  )) as unknown as Rewards;
  const rewardsAddress = await rewards.getAddress();

  const challengeParams: ChallengeParamsOption = {
    // A third of the epoch on short (development) epochs, so claims still open soon after an epoch ends.
    window: Math.min(2 * DAY, Math.max(60, Math.floor(epochLength / 3))),
    verdictTimeout: 3 * DAY,
    escalationWindow: 2 * DAY,
    escalationTimeout: Math.max(14 * DAY, votingDelay + votingPeriod + voteExtension + timelockDelay),
    bond: parseEther("100"),
    rewardBps: 5_000,
    rejectedAuthorBps: 5_000,
    ...options.challengeParams,
  };
  const challenges = (await deployProxy("Challenges", [
    {
      rewards: rewardsAddress,
      admin: timelockAddress,
      treasury: options.treasury ?? timelockAddress,
      params: challengeParams,
      appealEvaluators: options.appealEvaluators ?? [...(options.evaluators ?? [HEURISTIC_EVALUATOR_HASH]), HEURISTIC_APPEAL_EVALUATOR_HASH],
    },
  ])) as unknown as Challenges;
  const challengesAddress = await challenges.getAddress();
  await (await rewards.connect(deployer).setChallenges(challengesAddress)).wait();
  const rewardsAdmin = await rewards.DEFAULT_ADMIN_ROLE();
  await (await rewards.connect(deployer).grantRole(rewardsAdmin, timelockAddress)).wait();
  await (await rewards.connect(deployer).renounceRole(rewardsAdmin, deployerAddress)).wait();

  await (await token.connect(deployer).grantRole(await token.MINTER_ROLE(), rewardsAddress)).wait();
  // An operator's stake is its bond: Rewards holds it while it operates and after (docs/SECURITY.md).
  await (await token.connect(deployer).setStakeLock(rewardsAddress)).wait();
  if (minOperatorStake > 0n) await stakeOperators(hre, token, deployer, operators, minOperatorStake, say);
  const vestingWallets = lockGenesis ? await placeGenesis(hre, token, deployer, timelockAddress, options.genesisVesting ?? [], say) : [];

  // Hand every role to the Timelock; the deployer keeps none.
  const adminRole = await token.DEFAULT_ADMIN_ROLE();
  await (await token.connect(deployer).grantRole(adminRole, timelockAddress)).wait();
  await (await token.connect(deployer).renounceRole(adminRole, deployerAddress)).wait();

  await (await timelock.connect(deployer).grantRole(await timelock.PROPOSER_ROLE(), governorAddress)).wait();
  await (await timelock.connect(deployer).grantRole(await timelock.CANCELLER_ROLE(), governorAddress)).wait();
  if (guardian !== ZeroAddress) {
    await (await timelock.connect(deployer).grantRole(await timelock.CANCELLER_ROLE(), guardian)).wait();
  }
  await (await timelock.connect(deployer).renounceRole(await timelock.DEFAULT_ADMIN_ROLE(), deployerAddress)).wait();

  if (options.writeDeployment ?? true) {
    const record: DeploymentRecord = {
      chainId: Number(chainId),
      token: tokenAddress,
      rewards: rewardsAddress,
      governor: governorAddress,
      timelock: timelockAddress,
      forwarder: forwarderAddress,
      challenges: challengesAddress,
      deployBlock: startBlock + 1,
    };
    const file = writeDeploymentRecord(options.deploymentsDir ?? path.join(hre.config.paths.root, "deployments"), record);
    say(`deployment written to ${file}`);
  }

  return { token, rewards, governor, timelock, forwarder, challenges, vestingWallets };
}

/**
 * Moves the deployer's unlocked CKEY (the genesis supply left after funding the operators' bonds)
 * into the given VestingWallets and the rest to the Timelock, so that no single key holds the votes
 * that decide governance.
 */
async function placeGenesis(
  hre: HardhatRuntimeEnvironment,
  token: CashKeyToken,
  deployer: Signer,
  timelockAddress: string,
  vesting: GenesisVestingOption[],
  say: (message: string) => void,
): Promise<string[]> {
  const deployerAddress = await deployer.getAddress();
  let left = await token.unlockedBalanceOf(deployerAddress);
  const total = vesting.reduce((sum, v) => sum + v.amount, 0n);
  if (total > left) throw new Error(`genesis vesting needs ${formatEther(total)} CKEY, the deployer holds ${formatEther(left)}`);
  const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
  const factory = await hre.ethers.getContractFactory("VestingWallet", deployer);
  const wallets: string[] = [];
  for (const v of vesting) {
    if (v.durationSeconds <= 0) throw new Error(`genesis vesting for ${v.beneficiary}: the duration must be positive`);
    const wallet = await factory.deploy(getAddress(v.beneficiary), v.start ?? now, v.durationSeconds);
    await wallet.waitForDeployment();
    const address = await wallet.getAddress();
    await (await token.connect(deployer).transfer(address, v.amount)).wait();
    left -= v.amount;
    wallets.push(address);
    say(`VestingWallet ${address}: ${formatEther(v.amount)} CKEY for ${v.beneficiary} over ${v.durationSeconds} s`);
  }
  if (left > 0n) {
    await (await token.connect(deployer).transfer(timelockAddress, left)).wait();
    say(`treasury (Timelock) ${timelockAddress}: ${formatEther(left)} CKEY`);
  }
  return wallets;
}

/** Funds each operator from the deployer up to `minimum` and stakes it, so its signature counts. */
async function stakeOperators(
  hre: HardhatRuntimeEnvironment,
  token: CashKeyToken,
  deployer: Signer,
  operators: string[],
  minimum: bigint,
  say: (message: string) => void,
): Promise<void> {
  const local = hre.network.name === "hardhat";
  for (const operator of operators) {
    const staked = await token.stakedBalanceOf(operator);
    if (staked >= minimum) continue;
    const missing = minimum - staked;
    const unlocked = await token.unlockedBalanceOf(operator);
    if (unlocked < missing) {
      // With the genesis supply at another holder the deployer cannot fund the operator; reverting here
      // would leave the deployer with the admin roles that are handed to the Timelock below.
      if ((await token.unlockedBalanceOf(await deployer.getAddress())) < missing - unlocked) {
        say(`operator ${operator} must be funded with ${missing - unlocked} and stake it itself: the deployer holds too little`);
        continue;
      }
      await (await token.connect(deployer).transfer(operator, missing - unlocked)).wait();
    }

    if (local) {
      await hre.network.provider.request({ method: "hardhat_impersonateAccount", params: [operator] });
      const balance = await hre.ethers.provider.getBalance(operator);
      if (balance < parseEther("1")) {
        await hre.network.provider.request({ method: "hardhat_setBalance", params: [operator, "0x56BC75E2D63100000"] });
      }
    }
    const signer = await signerFor(hre, operator);
    if (!signer) {
      say(`operator ${operator} was funded with ${missing} but must stake it itself`);
      continue;
    }
    await (await token.connect(signer).stake(missing)).wait();
    if (local) await hre.network.provider.request({ method: "hardhat_stopImpersonatingAccount", params: [operator] });
    say(`operator ${operator} staked ${missing}`);
  }
}

async function signerFor(hre: HardhatRuntimeEnvironment, address: string): Promise<Signer | undefined> {
  if (hre.network.name === "hardhat") return hre.ethers.getSigner(address);
  const accounts = (await hre.ethers.getSigners()).map((s) => s.address);
  return accounts.includes(address) ? hre.ethers.getSigner(address) : undefined;
}

/** Writes `<dir>/<chainId>.json`, validated by the schema every reader uses (`protocol/deployment.ts`). */
export function writeDeploymentRecord(dir: string, record: DeploymentRecord): string {
  const file = path.join(dir, `${record.chainId}.json`);
  const valid = parseDeploymentRecord(record, file);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(valid, null, 2) + "\n");
  return file;
}

export function readDeploymentRecord(dir: string, chainId: number): DeploymentRecord {
  const file = path.join(dir, `${chainId}.json`);
  if (!fs.existsSync(file)) throw new Error(`no deployment for chain ${chainId}: ${file} is missing`);
  const record = parseDeploymentJson(fs.readFileSync(file, "utf8"), file);
  if (record.chainId !== chainId) throw new Error(`${file} describes chain ${record.chainId}, not ${chainId}`);
  return record;
}

if (require.main === module) {
  // `npx hardhat run scripts/deploy.ts --network <name>`
  // Only a run as a script creates the Hardhat runtime; importers (tests, tasks, other scripts) pass theirs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre: HardhatRuntimeEnvironment = require("hardhat");
  deployCashKey(hre, { ...deployOptionsFromEnv(process.env), log: true }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
