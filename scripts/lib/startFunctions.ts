/**
 * `CASHKEY_FUNCTIONS=1 npm start`: the Chainlink Functions verifier next to the local stack
 * (docs/FUNCTIONS.md, Local use). Deploys the toolkit's Functions router and coordinator on our chain,
 * the verifier with a funded subscription, enables it as the Timelock would (impersonated: a local
 * chain only), and runs the local fulfiller in this process.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { parseEther } from "ethers";
import { LocalFulfiller } from "../../oracle/src/functions/fulfiller";
import { deployLocalVerifier, enableVerifier } from "./functionsVerifier";

export interface LocalFunctionsOptions {
  /** The chain's JSON-RPC URL, which the source reads. */
  rpcUrl: string;
  rewards: string;
  timelock: string;
  /** Rewards' deploy block (where the source starts reading `Submitted`). */
  logsFromBlock: number;
  /** Threshold to set once the verifier is an operator; default: unchanged. */
  threshold?: number;
  log?: (message: string) => void;
}

export interface LocalFunctions {
  verifier: string;
  /** Lines for the start banner. */
  lines: string[];
  stop(): Promise<void>;
}

export async function startLocalFunctions(hre: HardhatRuntimeEnvironment, options: LocalFunctionsOptions): Promise<LocalFunctions> {
  const [deployer] = await hre.ethers.getSigners();
  const local = await deployLocalVerifier(hre, {
    deployer,
    rewards: options.rewards,
    timelock: options.timelock,
    rpcUrl: options.rpcUrl,
    logsFromBlock: options.logsFromBlock,
  });
  await hre.network.provider.request({ method: "hardhat_setBalance", params: [options.timelock, `0x${parseEther("10").toString(16)}`] });
  const timelock = await hre.ethers.getImpersonatedSigner(options.timelock);
  await enableVerifier(hre, timelock, local, { rewards: options.rewards, threshold: options.threshold, funder: deployer });
  const fulfiller = new LocalFulfiller({
    coordinator: local.functions.coordinator,
    router: local.functions.router,
    transmitter: deployer,
    log: options.log,
  });
  fulfiller.start(1000);
  const verifier = await local.verifier.getAddress();
  const rewards = await hre.ethers.getContractAt("Rewards", options.rewards);
  return {
    verifier,
    lines: [
      `  functions router ${local.functions.router}, coordinator ${local.functions.coordinator} (DON "${local.functions.donId}", simulated by the local fulfiller with Deno)`,
      `  verifier  ${verifier} (operator; subscription ${local.subscriptionId}; threshold now ${await rewards.threshold()})`,
    ],
    stop: () => fulfiller.stop(),
  };
}
