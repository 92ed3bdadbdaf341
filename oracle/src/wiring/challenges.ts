/**
 * Challenges of scores (oracle/src/challenges): follow them, judge them with the appeal evaluator,
 * co-sign and post verdicts. Absent (undefined) when the deployment has no Challenges contract or the
 * node's settings turn challenges off.
 */
import type { JsonRpcProvider, Wallet } from "ethers";
import type { Logger } from "pino";
import type { Rewards } from "../bindings";
import { type ChallengeService, startChallengeService } from "../challenges/service";
import type { ContractAddresses, OracleConfig } from "../config";
import type { OracleMetrics } from "../metrics";
import type { Store } from "../store";
import type { NodeNetwork } from "./network";

export interface ChallengesWiring {
  config: OracleConfig;
  contracts: ContractAddresses;
  store: Store;
  provider: JsonRpcProvider;
  rewards: Rewards;
  /** The operator key, connected: signs verdicts and pays for posting them. */
  wallet: Wallet;
  chainId: bigint;
  maxPoints: bigint | number;
  confirmations: number;
  network: NodeNetwork;
  /** Signed requests to peers (network/peerAuth.ts). */
  fetch: typeof fetch;
  metrics: OracleMetrics;
  logger: Logger;
  now: () => number;
}

export async function wireChallenges(options: ChallengesWiring): Promise<ChallengeService | undefined> {
  const { config, contracts } = options;
  return startChallengeService({
    settings: config.challenges,
    store: options.store,
    provider: options.provider,
    rewards: options.rewards,
    signer: options.wallet,
    chainId: options.chainId,
    startBlock: contracts.startBlock,
    confirmations: options.confirmations,
    maxPoints: Number(options.maxPoints),
    failoverTimeoutMs: config.network.failoverTimeoutMs,
    peerTimeoutMs: config.network.peerTimeoutMs,
    peerUrls: () => options.network.roster.peerUrls(),
    fetch: options.fetch,
    registry: options.metrics.registry,
    logger: options.logger,
    now: options.now,
  });
}
