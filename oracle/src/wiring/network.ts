/**
 * The operator network: the roster of operators and their URLs, the follower that co-signs other
 * leaders' proposals, the leader's schedule and signature collector, and the record of landed batches.
 */
import { type JsonRpcProvider, getAddress } from "ethers";
import type { Logger } from "pino";
import type { Rewards } from "../bindings";
import type { BatchSigner } from "../batch/signer";
import type { ContractAddresses, OracleConfig } from "../config";
import { DEFAULT_MIN_SCORE } from "../eval/points";
import type { OracleMetrics } from "../metrics";
import { SignatureCollector } from "../network/collector";
import { Follower } from "../network/follower";
import { LandedBatchSync } from "../network/landedSync";
import { LeaderSchedule } from "../network/leaderSchedule";
import { PeerClient } from "../network/peerClient";
import { OperatorRoster } from "../network/roster";
import type { EvaluationQueue } from "../pipeline/evaluationQueue";
import type { Store } from "../store";

export interface NetworkWiring {
  config: OracleConfig;
  contracts: ContractAddresses;
  store: Store;
  provider: JsonRpcProvider;
  rewards: Rewards;
  chainId: bigint;
  maxPoints: number;
  signer: BatchSigner;
  evaluation: EvaluationQueue;
  metrics: OracleMetrics;
  logger: Logger;
  now: () => number;
  /** Requests to peers, signed by the operator (network/peerAuth.ts). */
  fetch: typeof fetch;
}

export interface NodeNetwork {
  roster: OperatorRoster;
  follower: Follower;
  schedule: LeaderSchedule;
  collector: SignatureCollector;
  landed: LandedBatchSync;
}

export function wireNetwork(options: NetworkWiring): NodeNetwork {
  const { config, contracts, store, provider, rewards, chainId, evaluation, metrics, logger } = options;
  const rewardsAddress = getAddress(contracts.rewards);
  const client = new PeerClient({ timeoutMs: config.network.peerTimeoutMs, fetch: options.fetch });
  const roster = new OperatorRoster({ rewards, peers: config.peers, client, now: options.now });
  const follower = new Follower({
    store,
    signer: options.signer,
    chainId,
    rewardsAddress,
    evaluatorHash: () => evaluation.evaluatorHash,
    chain: () => roster.chain(),
    chainTime: async () => BigInt((await provider.getBlock("latest"))?.timestamp ?? 0),
    evaluateNow: (id, evaluateOptions) => evaluation.evaluateNow(id, evaluateOptions),
    peerUrlOf: async (operator) => (await roster.peerUrls()).get(getAddress(operator)),
    peers: config.peers,
    maxPoints: options.maxPoints,
    minScore: DEFAULT_MIN_SCORE,
    tolerance: config.network.scoreTolerance,
    // Leave the leader time to read the answer within its own peer timeout.
    evaluationTimeoutMs: Math.max(50, Math.floor(config.network.peerTimeoutMs * 0.6)),
    metrics,
    logger,
  });
  const collector = new SignatureCollector({ client, store, metrics, logger, onPeerFailure: (url) => roster.markStale(url) });
  const landed = new LandedBatchSync({
    store,
    rewards,
    provider,
    chainId,
    rewardsAddress,
    fromBlock: contracts.startBlock,
    client,
    peers: () => config.peers,
    logger,
  });
  return { roster, follower, schedule: new LeaderSchedule(config.network.failoverTimeoutMs), collector, landed };
}
