/**
 * `register`: the governance proposal that makes an address an operator — `Rewards.addOperator`,
 * optionally with a new threshold — and the stake the operator must hold for its signatures to count.
 */
import fs from "node:fs";
import { Interface, JsonRpcProvider, formatEther, getAddress, id, isAddress } from "ethers";
import { Rewards__factory } from "../bindings";
import { resolveContracts, type OracleConfig } from "../config";
import { CashKeyError } from "../errors";

export interface RegisterProposal {
  operator: string;
  rewards: string;
  targets: string[];
  values: string[];
  calldatas: string[];
  description: string;
  descriptionHash: string;
  minOperatorStake: string | null;
  alreadyOperator: boolean | null;
}

/** The operator address: given, or read from the keystore's (unencrypted) address field. */
export function operatorAddress(given: string | undefined, keystore: string): string {
  if (given !== undefined) {
    if (!isAddress(given)) throw new CashKeyError(`--address: "${given}" is not an address.`);
    return getAddress(given);
  }
  let address: unknown;
  try {
    address = (JSON.parse(fs.readFileSync(keystore, "utf8")) as { address?: unknown }).address;
  } catch (cause) {
    throw new CashKeyError(`Cannot read the keystore ${keystore}; pass --address.`, { cause });
  }
  if (typeof address !== "string" || !isAddress(address.startsWith("0x") ? address : `0x${address}`)) {
    throw new CashKeyError(`The keystore ${keystore} names no address; pass --address.`);
  }
  return getAddress(address.startsWith("0x") ? address : `0x${address}`);
}

export async function registerProposal(config: OracleConfig, operator: string, options: { threshold?: number; offline?: boolean }): Promise<RegisterProposal> {
  const { rewards } = resolveContracts(config);
  const iface = new Interface(Rewards__factory.abi);
  const targets = [rewards];
  const calldatas = [iface.encodeFunctionData("addOperator", [operator])];
  if (options.threshold !== undefined) {
    targets.push(rewards);
    calldatas.push(iface.encodeFunctionData("setThreshold", [options.threshold]));
  }
  const description = `Add ${operator} as a CashKey oracle operator` + (options.threshold === undefined ? "." : ` and set the threshold to ${options.threshold}.`);
  let minOperatorStake: string | null = null;
  let alreadyOperator: boolean | null = null;
  if (!options.offline) {
    const provider = new JsonRpcProvider(config.rpcUrl, undefined, { staticNetwork: true });
    try {
      const contract = Rewards__factory.connect(rewards, provider);
      const [stake, isOperator, count] = await Promise.all([contract.minOperatorStake(), contract.isOperator(operator), contract.operators()]);
      minOperatorStake = stake.toString();
      alreadyOperator = isOperator;
      if (options.threshold !== undefined && options.threshold > count.length + (isOperator ? 0 : 1)) {
        throw new CashKeyError(`--threshold ${options.threshold} exceeds the ${count.length + (isOperator ? 0 : 1)} operators there would be.`);
      }
    } catch (error) {
      if (error instanceof CashKeyError) throw error;
      throw new CashKeyError(`Cannot read Rewards at ${rewards} through ${config.rpcUrl} (use --offline to skip).`, { cause: error });
    } finally {
      provider.destroy();
    }
  }
  return {
    operator,
    rewards,
    targets,
    values: targets.map(() => "0"),
    calldatas,
    description,
    descriptionHash: id(description),
    minOperatorStake,
    alreadyOperator,
  };
}

export function formatRegister(proposal: RegisterProposal): string {
  const lines = [
    `Governance proposal (Governor.propose(targets, values, calldatas, description)):`,
    `  targets      ${JSON.stringify(proposal.targets)}`,
    `  values       ${JSON.stringify(proposal.values)}`,
    `  calldatas    ${JSON.stringify(proposal.calldatas)}`,
    `  description  ${JSON.stringify(proposal.description)}`,
    `  (queue/execute with descriptionHash ${proposal.descriptionHash})`,
    "",
  ];
  if (proposal.alreadyOperator) lines.push(`Note: ${proposal.operator} is already an operator; the proposal would revert.`);
  lines.push(
    proposal.minOperatorStake === null
      ? "Stake: read Rewards.minOperatorStake(); the operator must stake at least that much CKEY (CashKeyToken.stake) or its signatures do not count."
      : `Stake: the operator must keep at least ${formatEther(proposal.minOperatorStake)} CKEY staked (CashKeyToken.stake) or its signatures do not count.`,
    "Bond: that stake is the operator's bond. While it is an operator, and for Rewards.bondReleaseDelay() after its removal " +
      "(the slowest governance path plus a margin), the token refuses to release it, so it stays slashable for every batch it signed; " +
      "the guardian may freeze it for a bounded time pending a slash proposal.",
  );
  return lines.join("\n");
}
