/**
 * The node's chain: a provider checked to serve the deployment's chain, Rewards checked to be there,
 * and the operator key connected to it.
 */
import { type JsonRpcProvider, type Wallet, getAddress } from "ethers";
import type { Logger } from "pino";
import { Rewards__factory, type Rewards } from "../bindings";
import { createRpcProvider } from "../chain/rpc";
import { ConfigError, type ContractAddresses, type OracleConfig } from "../config";
import { NodeStartError } from "./errors";

export interface NodeChain {
  provider: JsonRpcProvider;
  rewards: Rewards;
  chainId: bigint;
  /** `Rewards.maxPointsPerSubmission()`, read at start. */
  maxPoints: number;
  /** The operator key, connected to `provider`. */
  wallet: Wallet;
  operator: string;
  stop(): void;
}

/** Refuses a JSON-RPC URL the node cannot use, before anything is opened. */
export function requireHttpRpc(config: OracleConfig): void {
  if (!/^https?:/.test(config.rpcUrl)) {
    throw new ConfigError(["CASHKEY_ORACLE_RPC_URL: the node needs an http(s) JSON-RPC endpoint (WebSocket endpoints are not supported)"]);
  }
}

/** Connects to `config.rpcUrl` and reads what the node needs from Rewards before it starts. */
export async function connectChain(config: OracleConfig, contracts: ContractAddresses, operatorKey: Wallet): Promise<NodeChain> {
  requireHttpRpc(config);
  const provider = await connect(config.rpcUrl, contracts.chainId, config.rpcTimeoutMs);
  try {
    const rewards = Rewards__factory.connect(contracts.rewards, provider);
    const [code, maxPoints] = await Promise.all([provider.getCode(contracts.rewards), rewards.maxPointsPerSubmission()]).catch((cause: unknown) => {
      throw new NodeStartError(`Cannot read the Rewards contract at ${contracts.rewards}.`, { cause });
    });
    if (code === "0x") throw new NodeStartError(`No contract at the Rewards address ${contracts.rewards}.`);
    const chainId = (await provider.getNetwork()).chainId;
    const wallet = operatorKey.connect(provider);
    return { provider, rewards, chainId, maxPoints: Number(maxPoints), wallet, operator: getAddress(wallet.address), stop: () => provider.destroy() };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}

/** Warns (the node still runs) when the chain would not count this node's signatures. */
export async function warnUnlessCounted(rewards: Rewards, operator: string, evaluator: string, logger: Logger): Promise<void> {
  const [isOperator, approved] = await Promise.all([rewards.isOperator(operator), rewards.isApprovedEvaluator(evaluator)]);
  if (!isOperator) logger.warn({ operator }, "this key is not a Rewards operator: its batches will be refused until governance adds it");
  if (!approved) logger.warn({ evaluator }, "this node's evaluator is not approved on-chain: its batches will be refused until governance approves it");
}

/** A provider for `url`, checked to serve `expectedChainId` when the deployment names one. */
async function connect(url: string, expectedChainId: number | undefined, timeoutMs: number): Promise<JsonRpcProvider> {
  const probe = createRpcProvider(url, expectedChainId ?? 1, { timeoutMs });
  let chainId: bigint;
  try {
    chainId = BigInt((await probe.send("eth_chainId", [])) as string);
  } catch (cause) {
    probe.destroy();
    throw new NodeStartError(`Cannot reach the chain at ${url}.`, { cause });
  }
  if (expectedChainId !== undefined && chainId !== BigInt(expectedChainId)) {
    probe.destroy();
    throw new NodeStartError(`The RPC endpoint serves chain ${chainId}; the deployment file is for chain ${expectedChainId}.`);
  }
  if (expectedChainId !== undefined) return probe;
  probe.destroy();
  return createRpcProvider(url, chainId, { timeoutMs });
}
