/**
 * The Chainlink Functions verifier on a local chain: the Functions router and coordinator (from the
 * toolkit), a funded subscription, the `FunctionsBatchVerifier` consumer, and the Timelock calls that
 * configure it and add it to the operator set. Used by the tests, `npm start` (CASHKEY_FUNCTIONS=1)
 * and `npm run bench:functions`. On a real network the Functions contracts and the subscription
 * exist already, and the Timelock calls are a governance proposal (docs/FUNCTIONS.md).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";
import { parseEther } from "ethers";
import type { FunctionsBatchVerifier, IFunctionsBatchVerifier } from "../../typechain-types";
import { type FunctionsDeployment, createFundedSubscription, deployLocalFunctions } from "../../oracle/src/functions/toolkit";
import { readVerifyBatchSource, sourceHashOf } from "../../oracle/src/functions/source";

/** Gas the router gives the verifier's callback: it measures ~40k (docs/BENCHMARKS.md), with headroom. */
export const DEFAULT_CALLBACK_GAS_LIMIT = 100_000;

export interface LocalVerifierOptions {
  deployer: Signer;
  rewards: string;
  timelock: string;
  /** JSON-RPC endpoint the DON reads the chain from. */
  rpcUrl: string;
  /** Rewards' deploy block. */
  logsFromBlock?: number;
  source?: string;
  /** LINK for the subscription, in juels. */
  subscriptionJuels?: bigint;
  callbackGasLimit?: number;
}

export interface LocalVerifier {
  functions: FunctionsDeployment;
  verifier: FunctionsBatchVerifier;
  subscriptionId: bigint;
  /** What the Timelock should configure. */
  config: IFunctionsBatchVerifier.VerifierConfigStruct;
}

/** Deploys the local Functions contracts, the verifier and a funded subscription (not configured yet). */
export async function deployLocalVerifier(hre: HardhatRuntimeEnvironment, options: LocalVerifierOptions): Promise<LocalVerifier> {
  const deployerAddress = await options.deployer.getAddress();
  const functions = await deployLocalFunctions(hre.network.provider, deployerAddress);
  const factory = await hre.ethers.getContractFactory("FunctionsBatchVerifier", options.deployer);
  const verifier = await factory.deploy(functions.router, options.timelock, options.rewards);
  await verifier.waitForDeployment();
  const subscriptionId = await createFundedSubscription(
    hre.network.provider,
    deployerAddress,
    functions,
    await verifier.getAddress(),
    options.subscriptionJuels ?? parseEther("100"),
  );
  const config: IFunctionsBatchVerifier.VerifierConfigStruct = {
    sourceHash: sourceHashOf(options.source ?? readVerifyBatchSource()),
    subscriptionId,
    callbackGasLimit: options.callbackGasLimit ?? DEFAULT_CALLBACK_GAS_LIMIT,
    donId: functions.donIdBytes32,
    rpcUrl: options.rpcUrl,
    logsFromBlock: options.logsFromBlock ?? 0,
  };
  return { functions, verifier, subscriptionId, config };
}

/**
 * What governance does to make the verifier count: configure it, add it as an operator, stake its
 * bond (when operators need a stake) and set the threshold. `timelock` signs as the Timelock (an
 * impersonated account on a local chain, or the Timelock itself in a proposal's place).
 */
export async function enableVerifier(
  hre: HardhatRuntimeEnvironment,
  timelock: Signer,
  local: LocalVerifier,
  options: { rewards: string; threshold?: number; funder?: Signer },
): Promise<void> {
  const rewards = await hre.ethers.getContractAt("Rewards", options.rewards, timelock);
  const verifierAddress = await local.verifier.getAddress();
  await (await local.verifier.connect(timelock).setConfig(local.config)).wait();
  await (await rewards.addOperator(verifierAddress)).wait();
  const minimum = await rewards.minOperatorStake();
  if (minimum > 0n) {
    if (!options.funder) throw new Error("operators need a stake: pass a funder with CKEY for the verifier's bond");
    const token = await hre.ethers.getContractAt("CashKeyToken", await rewards.token(), options.funder);
    await (await token.transfer(verifierAddress, minimum)).wait();
    await (await local.verifier.connect(timelock).stakeBond(minimum)).wait();
  }
  if (options.threshold !== undefined) await (await rewards.setThreshold(options.threshold)).wait();
}
