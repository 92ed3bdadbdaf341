/**
 * Chain reads for bonded challenges: the governance parameters and an epoch's claim gate, from the
 * Challenges contract named in `/config.json` (absent before Rewards 1.3.0: every hook stays disabled).
 */
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { useRuntimeConfig } from "../config/context";
import { challengesAbi, rewardsAbi, tokenAbi } from "../generated/abis";
import { type ChallengeStatus, type ChallengeParams, type EpochGate, ACTIVE_STATUSES } from "../lib/challenges";
import { type CommittedHashes, fetchChallengeTexts } from "../lib/challengeTexts";
import { indexerGet } from "../lib/indexer";
import { useChainQuery } from "./useChain";

export function useChallengesAddress(): Address | undefined {
  return useRuntimeConfig().contracts.challenges;
}

export function useChallengeParams() {
  const challenges = useChallengesAddress();
  return useChainQuery(
    ["challenge-params", challenges],
    async (client): Promise<ChallengeParams & { minBond: bigint }> => {
      const [p, minBond] = await Promise.all([
        client.readContract({ address: challenges!, abi: challengesAbi, functionName: "params" }),
        client.readContract({ address: challenges!, abi: challengesAbi, functionName: "MIN_BOND" }),
      ]);
      return {
        window: BigInt(p.window),
        verdictTimeout: BigInt(p.verdictTimeout),
        escalationWindow: BigInt(p.escalationWindow),
        escalationTimeout: BigInt(p.escalationTimeout),
        bond: p.bond,
        rewardBps: Number(p.rewardBps),
        rejectedAuthorBps: Number(p.rejectedAuthorBps),
        minBond,
      };
    },
    challenges !== undefined,
  );
}

/** The account's CKEY balance and what it allows Challenges to take. */
export function useChallengeAllowance(account: Address | undefined) {
  const challenges = useChallengesAddress();
  return useChainQuery(
    ["challenge-allowance", challenges, account],
    async (client, { contracts }) => {
      const token = { address: contracts.token, abi: tokenAbi } as const;
      const [unlocked, allowance] = await Promise.all([
        client.readContract({ ...token, functionName: "unlockedBalanceOf", args: [account!] }),
        client.readContract({ ...token, functionName: "allowance", args: [account!, challenges!] }),
      ]);
      return { unlocked, allowance };
    },
    challenges !== undefined && account !== undefined,
  );
}

/** What an item's challenge form needs: the epoch's last batch, the final mark, the item's open challenge and rejected grounds. */
export function useItemChallengeState(submissionId: bigint, epoch: number | null) {
  const challenges = useChallengesAddress();
  return useChainQuery(
    ["item-challenge", challenges, submissionId.toString(), epoch],
    async (client, { contracts }) => {
      const c = { address: challenges!, abi: challengesAbi } as const;
      const [lastScoredAt, finalizedEpochs, openId, rejectedGrounds, maxPoints] = await Promise.all([
        client.readContract({ address: contracts.rewards, abi: rewardsAbi, functionName: "lastScoredAt", args: [epoch!] }),
        client.readContract({ ...c, functionName: "finalizedEpochs" }),
        client.readContract({ ...c, functionName: "openChallengeOf", args: [submissionId] }),
        client.readContract({ ...c, functionName: "rejectedGrounds", args: [submissionId] }),
        client.readContract({ address: contracts.rewards, abi: rewardsAbi, functionName: "maxPointsPerSubmission" }),
      ]);
      return { lastScoredAt, finalizedEpochs: Number(finalizedEpochs), openId, rejectedGrounds, maxPoints: Number(maxPoints) };
    },
    challenges !== undefined && epoch !== null,
  );
}

/** The claim gate for `epochs`: each one's `claimableAt`, open challenges and whether it is final. */
export function useEpochGates(epochs: number[]) {
  const challenges = useChallengesAddress();
  return useChainQuery(
    ["epoch-gates", challenges, epochs.join(",")],
    async (client): Promise<EpochGate[]> => {
      const c = { address: challenges!, abi: challengesAbi } as const;
      const finalized = Number(await client.readContract({ ...c, functionName: "finalizedEpochs" }));
      return Promise.all(
        epochs.map(async (epoch) => {
          const [claimableAt, openCount] = await Promise.all([
            client.readContract({ ...c, functionName: "claimableAt", args: [epoch] }),
            client.readContract({ ...c, functionName: "openChallenges", args: [epoch] }),
          ]);
          return { epoch, claimableAt, openCount, final: epoch < finalized };
        }),
      );
    },
    challenges !== undefined && epochs.length > 0,
  );
}

/** One challenge as the contract stores it. */
export function useChainChallenge(id: bigint | undefined) {
  const challenges = useChallengesAddress();
  return useChainQuery(
    ["challenge", challenges, id?.toString()],
    (client) => client.readContract({ address: challenges!, abi: challengesAbi, functionName: "challenge", args: [id!] }),
    challenges !== undefined && id !== undefined && id > 0n,
  );
}

/** An indexer read that follows the chain (challenges change state while the page is open); disabled without an indexer. */
export function useIndexedChallenges<T>(path: string | undefined) {
  const { indexerUrl } = useRuntimeConfig();
  const query = useQuery({
    queryKey: ["indexer-live", indexerUrl, path],
    queryFn: () => indexerGet<T>(indexerUrl!, path!),
    enabled: indexerUrl !== undefined && path !== undefined,
    retry: false,
    refetchInterval: 3_000,
  });
  return { ...query, configured: indexerUrl !== undefined };
}

/** The nodes the dApp reads challenge texts from: the configured challenge nodes and the oracle node. */
export function useChallengeNodeUrls(): string[] {
  const { challengeNodeUrls, oracleUrl } = useRuntimeConfig();
  return [...new Set([...(challengeNodeUrls ?? []), oracleUrl])];
}

/**
 * A challenge's reason and answer texts from the nodes, each shown only when it hashes to the committed
 * value, and the appeal evaluation a node serves; re-read while the challenge is in progress.
 */
export function useChallengeTexts(challenge: CommittedHashes & { status: ChallengeStatus }) {
  const nodes = useChallengeNodeUrls();
  return useQuery({
    queryKey: ["challenge-texts", nodes.join(","), challenge.id, challenge.reasonHash, challenge.answerHash, challenge.status],
    queryFn: () => fetchChallengeTexts(nodes, challenge),
    retry: false,
    refetchInterval: ACTIVE_STATUSES.includes(challenge.status) ? 15_000 : false,
  });
}
