/**
 * Domain hooks over wagmi: every read goes to the chain through the deployment's public client, keyed
 * so that a new block or a confirmed transaction refreshes them all (nothing polls on a timer); queries
 * stay disabled while an argument is missing.
 */
import { type QueryKey, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { Address, PublicClient } from "viem";
import { useBlockNumber, useConnection, usePublicClient } from "wagmi";
import { useRuntimeConfig } from "../config/context";
import type { RuntimeConfig } from "../config/runtimeConfig";
import { governorAbi, rewardsAbi, tokenAbi } from "../generated/abis";

export const CHAIN_QUERY = "chain";

export function useChainQuery<T>(key: QueryKey, read: (client: PublicClient, config: RuntimeConfig) => Promise<T>, enabled = true) {
  const config = useRuntimeConfig();
  const client = usePublicClient({ chainId: config.chainId });
  return useQuery({
    queryKey: [CHAIN_QUERY, ...key],
    queryFn: () => read(client as PublicClient, config),
    enabled: enabled && client !== undefined,
  });
}

/**
 * Watches the chain's head (one `eth_blockNumber` poll for the whole app) and, on each new block,
 * refetches the chain reads on screen (scaffold-eth-2's useScaffoldReadContract pattern, once for all
 * reads). A read still running when the next block arrives finishes first, so fast chains cannot
 * starve it.
 */
export function useRefreshOnNewBlock(): bigint | undefined {
  const config = useRuntimeConfig();
  const queryClient = useQueryClient();
  const { data: blockNumber } = useBlockNumber({ chainId: config.chainId, watch: true });
  useEffect(() => {
    if (blockNumber === undefined) return;
    void queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] }, { cancelRefetch: false });
  }, [blockNumber, queryClient]);
  return blockNumber;
}

/** The connected account when the wallet is on the deployment's chain. */
export function useAccountState() {
  const config = useRuntimeConfig();
  const connection = useConnection();
  const connected = connection.status === "connected";
  const wrongNetwork = connected && connection.chainId !== config.chainId;
  return {
    address: connected ? connection.address : undefined,
    connected,
    wrongNetwork,
    ready: connected && !wrongNetwork,
    connectorId: connection.connector?.id,
  };
}

/** The chain's clock: the latest block's timestamp (local chains may run ahead of the wall clock). */
export function useChainTime() {
  return useChainQuery(["time"], async (client) => (await client.getBlock({ blockTag: "latest" })).timestamp);
}

export interface EpochState {
  current: number;
  genesis: bigint;
  length: bigint;
  budget: bigint;
  closesAt: bigint;
}

export function useEpoch() {
  return useChainQuery(["epoch"], async (client, { contracts }): Promise<EpochState> => {
    const rewards = { address: contracts.rewards, abi: rewardsAbi } as const;
    const [current, genesis, length, budget] = await Promise.all([
      client.readContract({ ...rewards, functionName: "currentEpoch" }),
      client.readContract({ ...rewards, functionName: "genesis" }),
      client.readContract({ ...rewards, functionName: "epochLength" }),
      client.readContract({ ...rewards, functionName: "epochBudget" }),
    ]);
    return { current: Number(current), genesis, length, budget, closesAt: genesis + (BigInt(current) + 1n) * length };
  });
}

export function useTokenBalances(address: Address | undefined) {
  return useChainQuery(
    ["balances", address],
    async (client, { contracts }) => {
      const token = { address: contracts.token, abi: tokenAbi } as const;
      const [balance, stake, unlocked, votes, delegate, cooldown] = await Promise.all([
        client.readContract({ ...token, functionName: "balanceOf", args: [address!] }),
        client.readContract({ ...token, functionName: "stakeInfoOf", args: [address!] }),
        client.readContract({ ...token, functionName: "unlockedBalanceOf", args: [address!] }),
        client.readContract({ ...token, functionName: "getVotes", args: [address!] }),
        client.readContract({ ...token, functionName: "delegates", args: [address!] }),
        client.readContract({ ...token, functionName: "unstakeCooldown" }),
      ]);
      return { balance, stake, unlocked, votes, delegate, cooldown };
    },
    address !== undefined,
  );
}

/**
 * The account's operator bond: its stake while it is an operator, held by Rewards until `lockedUntil`
 * (for good while it operates; the slowest governance path after its removal; or a guardian freeze).
 */
export function useOperatorBond(address: Address | undefined) {
  return useChainQuery(
    ["operatorBond", address],
    async (client, { contracts }) => {
      const rewards = { address: contracts.rewards, abi: rewardsAbi } as const;
      const [bond, releaseDelay] = await Promise.all([
        client.readContract({ ...rewards, functionName: "operatorBond", args: [address!] }),
        client.readContract({ ...rewards, functionName: "bondReleaseDelay" }),
      ]);
      return { ...bond, releaseDelay };
    },
    address !== undefined,
  );
}

export function useQuota(address: Address | undefined) {
  return useChainQuery(["quota", address], async (client, { contracts }) => {
    const rewards = { address: contracts.rewards, abi: rewardsAbi } as const;
    const [[baseQuota, tiers], quota, left] = await Promise.all([
      client.readContract({ ...rewards, functionName: "quota" }),
      address ? client.readContract({ ...rewards, functionName: "quotaOf", args: [address] }) : Promise.resolve(undefined),
      address ? client.readContract({ ...rewards, functionName: "submissionsLeft", args: [address] }) : Promise.resolve(undefined),
    ]);
    return { baseQuota, tiers, quota, left };
  });
}

export const contractsOf = (config: RuntimeConfig) => ({
  token: { address: config.contracts.token, abi: tokenAbi },
  rewards: { address: config.contracts.rewards, abi: rewardsAbi },
  governor: { address: config.contracts.governor, abi: governorAbi },
});
