import type { Address, Hex, PublicClient } from "viem";
import type { RuntimeConfig } from "../config/runtimeConfig";
import { governorAbi } from "../generated/abis";
import { useChainQuery } from "./useChain";

export const PROPOSAL_STATES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"] as const;
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];

export interface ProposalSummary {
  id: bigint;
  state: ProposalStateName;
  description: string;
  proposer?: Address;
  targets: readonly Address[];
  calldatas: readonly Hex[];
}

async function descriptions(client: PublicClient, config: RuntimeConfig) {
  const created = await client.getContractEvents({ address: config.contracts.governor, abi: governorAbi, eventName: "ProposalCreated", fromBlock: config.deployBlock });
  return new Map(created.map((log) => [log.args.proposalId!, { description: log.args.description!, proposer: log.args.proposer! }]));
}

/** Every proposal, newest first, listed from the Governor's own storage (GovernorStorage). */
export function useProposals() {
  return useChainQuery(["proposals"], async (client, config): Promise<ProposalSummary[]> => {
    const governor = { address: config.contracts.governor, abi: governorAbi } as const;
    const count = await client.readContract({ ...governor, functionName: "proposalCount" });
    const [texts, details] = await Promise.all([
      descriptions(client, config),
      Promise.all(Array.from({ length: Number(count) }, (_, i) => client.readContract({ ...governor, functionName: "proposalDetailsAt", args: [BigInt(i)] }))),
    ]);
    const states = await Promise.all(details.map(([id]) => client.readContract({ ...governor, functionName: "state", args: [id] })));
    return details
      .map(([id, targets, , calldatas], i) => ({
        id,
        state: PROPOSAL_STATES[states[i]],
        description: texts.get(id)?.description ?? "",
        proposer: texts.get(id)?.proposer,
        targets,
        calldatas,
      }))
      .reverse();
  });
}

export interface ProposalDetail extends ProposalSummary {
  votes: { against: bigint; for: bigint; abstain: bigint };
  quorum: bigint;
  snapshot: bigint;
  deadline: bigint;
  eta: bigint;
  hasVoted?: boolean;
}

export function useProposal(id: bigint | undefined, voter: Address | undefined) {
  return useChainQuery(
    ["proposal", id?.toString(), voter],
    async (client, config): Promise<ProposalDetail> => {
      const governor = { address: config.contracts.governor, abi: governorAbi } as const;
      const [details, state, [against, forVotes, abstain], snapshot, deadline, eta, texts, latest] = await Promise.all([
        client.readContract({ ...governor, functionName: "proposalDetails", args: [id!] }),
        client.readContract({ ...governor, functionName: "state", args: [id!] }),
        client.readContract({ ...governor, functionName: "proposalVotes", args: [id!] }),
        client.readContract({ ...governor, functionName: "proposalSnapshot", args: [id!] }),
        client.readContract({ ...governor, functionName: "proposalDeadline", args: [id!] }),
        client.readContract({ ...governor, functionName: "proposalEta", args: [id!] }),
        descriptions(client, config),
        client.getBlock({ blockTag: "latest" }),
      ]);
      // quorum() looks up the past only: before the snapshot, show today's quorum.
      const timepoint = snapshot < latest.timestamp ? snapshot : latest.timestamp - 1n;
      const [quorum, hasVoted] = await Promise.all([
        client.readContract({ ...governor, functionName: "quorum", args: [timepoint] }),
        voter ? client.readContract({ ...governor, functionName: "hasVoted", args: [id!, voter] }) : Promise.resolve(undefined),
      ]);
      const [targets, , calldatas] = details;
      return {
        id: id!,
        state: PROPOSAL_STATES[state],
        description: texts.get(id!)?.description ?? "",
        proposer: texts.get(id!)?.proposer,
        targets,
        calldatas,
        votes: { against, for: forVotes, abstain },
        quorum,
        snapshot,
        deadline,
        eta,
        hasVoted,
      };
    },
    id !== undefined,
  );
}

export function useGovernorSettings() {
  return useChainQuery(["governor-settings"], async (client, config) => {
    const governor = { address: config.contracts.governor, abi: governorAbi } as const;
    const [threshold, delay, period] = await Promise.all([
      client.readContract({ ...governor, functionName: "proposalThreshold" }),
      client.readContract({ ...governor, functionName: "votingDelay" }),
      client.readContract({ ...governor, functionName: "votingPeriod" }),
    ]);
    return { threshold, delay, period };
  });
}
