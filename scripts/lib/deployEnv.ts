/**
 * Deployment parameters from the environment, for `npx hardhat run scripts/deploy.ts`.
 * Each variable is optional; a malformed one stops the deployment with a message that names it.
 */
import { isAddress, isHexString, parseEther } from "ethers";
import type { DeployOptions, GenesisVestingOption, QuotaTierOption } from "../deploy";

export class DeployEnvError extends Error {
  override name = "DeployEnvError";
}

type Env = Record<string, string | undefined>;

function addressList(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const list = raw.split(",").map((s) => s.trim());
  for (const a of list) if (!isAddress(a)) throw new DeployEnvError(`${name}: "${a}" is not an address`);
  return list;
}

function address(env: Env, name: string): string | undefined {
  const list = addressList(env, name);
  if (list !== undefined && list.length > 1) throw new DeployEnvError(`${name}: expected one address, got ${list.length}`);
  return list?.[0];
}

function integer(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new DeployEnvError(`${name}: "${raw}" is not a non-negative integer`);
  return Number(raw);
}

function ckey(env: Env, name: string): bigint | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  // At most 18 decimals: CKEY has 18, and parseEther would throw an error that names no variable.
  if (!/^\d+(\.\d{1,18})?$/.test(raw.trim())) throw new DeployEnvError(`${name}: "${raw}" is not an amount of CKEY`);
  return parseEther(raw.trim());
}

function bytes32List(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const list = raw.split(",").map((s) => s.trim());
  for (const h of list) if (!isHexString(h, 32)) throw new DeployEnvError(`${name}: "${h}" is not a bytes32 hash`);
  return list;
}

/** `CASHKEY_QUOTA_TIERS="1000:20,10000:100"` (CKEY staked : submissions per epoch). */
function quotaTiers(env: Env, name: string): QuotaTierOption[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw.split(",").map((pair) => {
    const match = /^\s*(\d+(?:\.\d{1,18})?)\s*:\s*(\d+)\s*$/.exec(pair);
    if (!match) throw new DeployEnvError(`${name}: "${pair}" is not STAKE:QUOTA`);
    return { minStake: parseEther(match[1]), quota: Number(match[2]) };
  });
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = raw.trim().toLowerCase();
  if (["1", "true", "yes"].includes(value)) return true;
  if (["0", "false", "no"].includes(value)) return false;
  throw new DeployEnvError(`${name}: "${raw}" is not true or false`);
}

/** `CASHKEY_GENESIS_VESTING="0xabc…:1000000:126144000,…"` (beneficiary : CKEY : seconds of linear vesting). */
function genesisVesting(env: Env, name: string): GenesisVestingOption[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw.split(",").map((entry) => {
    const match = /^\s*(0x[0-9a-fA-F]{40})\s*:\s*(\d+(?:\.\d{1,18})?)\s*:\s*(\d+)\s*$/.exec(entry);
    if (!match || !isAddress(match[1]) || Number(match[3]) === 0) {
      throw new DeployEnvError(`${name}: "${entry}" is not BENEFICIARY:CKEY:SECONDS with positive seconds`);
    }
    return { beneficiary: match[1], amount: parseEther(match[2]), durationSeconds: Number(match[3]) };
  });
}

/** Reads every `CASHKEY_*` deployment variable (documented in docs/CONTRACTS.md). */
export function deployOptionsFromEnv(env: Env): DeployOptions {
  const options: DeployOptions = {
    operators: addressList(env, "CASHKEY_OPERATORS"),
    threshold: integer(env, "CASHKEY_THRESHOLD"),
    evaluators: bytes32List(env, "CASHKEY_EVALUATORS"),
    appealEvaluators: bytes32List(env, "CASHKEY_APPEAL_EVALUATORS"),
    guardian: address(env, "CASHKEY_GUARDIAN"),
    epochLength: integer(env, "CASHKEY_EPOCH_LENGTH"),
    epochBudget: ckey(env, "CASHKEY_EPOCH_BUDGET"),
    minOperatorStake: ckey(env, "CASHKEY_MIN_OPERATOR_STAKE"),
    maxPointsPerSubmission: integer(env, "CASHKEY_MAX_POINTS"),
    baseQuota: integer(env, "CASHKEY_BASE_QUOTA"),
    quotaTiers: quotaTiers(env, "CASHKEY_QUOTA_TIERS"),
    cap: ckey(env, "CASHKEY_CAP"),
    initialSupply: ckey(env, "CASHKEY_INITIAL_SUPPLY"),
    initialHolder: address(env, "CASHKEY_INITIAL_HOLDER"),
    unstakeCooldown: integer(env, "CASHKEY_UNSTAKE_COOLDOWN"),
    treasury: address(env, "CASHKEY_TREASURY"),
    timelockDelay: integer(env, "CASHKEY_TIMELOCK_DELAY"),
    votingDelay: integer(env, "CASHKEY_VOTING_DELAY"),
    votingPeriod: integer(env, "CASHKEY_VOTING_PERIOD"),
    proposalThreshold: ckey(env, "CASHKEY_PROPOSAL_THRESHOLD"),
    quorumPercent: integer(env, "CASHKEY_QUORUM_PERCENT"),
    voteExtension: integer(env, "CASHKEY_VOTE_EXTENSION"),
    bondReleaseMargin: integer(env, "CASHKEY_BOND_RELEASE_MARGIN"),
    lockGenesis: flag(env, "CASHKEY_LOCK_GENESIS"),
    genesisVesting: genesisVesting(env, "CASHKEY_GENESIS_VESTING"),
  };
  if (options.epochLength === 0) throw new DeployEnvError("CASHKEY_EPOCH_LENGTH: must be positive");
  if (options.quorumPercent !== undefined && options.quorumPercent > 100) {
    throw new DeployEnvError("CASHKEY_QUORUM_PERCENT: must be at most 100");
  }
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as DeployOptions;
}
