/**
 * The node's HTTP API: uploads, submissions with their proofs, health, metrics, the operator
 * network's endpoints and, when configured, the gasless relayer (`POST /v1/relay`).
 */
import type { Server as NetServer } from "node:net";
import type { JsonRpcProvider } from "ethers";
import type { Logger } from "pino";
import type { Rewards } from "../bindings";
import { type ApiNode, startApiNode } from "../apiServer";
import type { HealthIssue } from "../api/types";
import { rewardsChainReader } from "../chain/rewardsReader";
import type { ContractAddresses, OracleConfig } from "../config";
import type { OracleMetrics } from "../metrics";
import { PeerRequestVerifier } from "../network/peerAuth";
import { createNetworkApi } from "../network/service";
import type { RelaySettings } from "../relay/config";
import { createRelayMetrics } from "../relay/metrics";
import { Relayer } from "../relay/relayer";
import type { Store } from "../store";
import type { StorageHealth } from "../store/storageHealth";
import { telegramIdentity } from "../telegram/identity";
import type { ChallengesApi } from "../challenges/service";
import { NodeStartError } from "./errors";
import type { NodeNetwork } from "./network";
import { OPERATOR_SET_TTL_MS, cachedOperatorCheck } from "./operatorCheck";

export interface ApiWiring {
  config: OracleConfig;
  contracts: ContractAddresses;
  store: Store;
  provider: JsonRpcProvider;
  rewards: Rewards;
  operator: string;
  network: NodeNetwork;
  storage: StorageHealth;
  metrics: OracleMetrics;
  logger: Logger;
  /** The gasless relayer with its own key; absent, the node does not relay. */
  relay?: RelaySettings;
  /** Serve on this listening socket instead of `config.host:config.port`. */
  listener?: NetServer;
  /** Content was uploaded: the evaluation stage has work. */
  onContent: () => void;
  healthIssues: () => HealthIssue[];
  /** Challenges of scores (challenges/service.ts); absent when the deployment has no Challenges contract or the node turned them off. */
  challenges?: ChallengesApi;
}

export interface NodeApi {
  api: ApiNode;
  /** Closes the server once the requests in flight are answered. */
  stop(): Promise<void>;
  /** Stops answering at once. */
  halt(): Promise<void>;
}

export async function serveNodeApi(options: ApiWiring): Promise<NodeApi> {
  const { config, store, rewards, operator, network, metrics, logger } = options;
  const api = await startApiNode({
    config,
    ...createRelayer(options),
    chainReader: rewardsChainReader(rewards),
    onContent: options.onContent,
    logger,
    operatorAddress: operator,
    store,
    metrics,
    network: createNetworkApi({ store, follower: network.follower, roster: network.roster, operator }),
    challenges: options.challenges,
    listener: options.listener,
    // Requests to peers carry the sender's operator signature: counted against its own budget.
    peerVerifier: new PeerRequestVerifier({ isOperator: cachedOperatorCheck(rewards, OPERATOR_SET_TTL_MS) }),
    storageHealth: options.storage,
    healthIssues: options.healthIssues,
  });
  return { api, stop: () => api.close(), halt: () => api.server.close() };
}

/** The relayer and its per-client limit, when relaying is configured. */
function createRelayer(options: ApiWiring): { relayer?: Relayer; relayClientLimit?: { clientBurst: number; clientWindowMs: number } } {
  const { relay: settings, contracts, provider, store, metrics, logger } = options;
  if (settings === undefined) return {};
  if (contracts.forwarder === undefined) {
    throw new NodeStartError("Relaying needs the ERC-2771 forwarder: the deployment record names none (Rewards before 1.2.0).");
  }
  const relayer = new Relayer({
    provider,
    relayerKey: settings.relayerKey,
    forwarder: contracts.forwarder,
    rewards: contracts.rewards,
    store,
    metrics: createRelayMetrics(metrics.registry),
    limits: settings.limits,
    logger,
    ...(settings.telegram === undefined ? {} : { identity: telegramIdentity({ ...settings.telegram, store }) }),
  });
  void relayer.refreshBalance().catch((error: unknown) => logger.warn({ err: error }, "cannot read the relayer balance"));
  logger.info({ relayer: relayer.address, telegram: settings.telegram !== undefined }, "relaying enabled");
  return { relayer, relayClientLimit: { clientBurst: settings.clientBurst, clientWindowMs: settings.clientWindowMs } };
}
