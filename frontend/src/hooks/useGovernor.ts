import type { Address, Hex, PublicClient } from "viem";
import type { RuntimeConfig } from "../config/runtimeConfig";
import { governorAbi } from "../generated/abis";
import { useChainQuery } from "./useChain";

export const PROPOSAL_STATES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"] as const;
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];

export interface ProposalSummary {
  id: bigint;
  /** The proposal's number: its 1-based position in the Governor's list (GovernorStorage), for short URLs. */
  number: number;
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

export interface ProposalListItem extends ProposalSummary {
  votes: { against: bigint; for: bigint; abstain: bigint };
  deadline: bigint;
}

/** Every proposal, newest first, listed from the Governor's own storage (GovernorStorage), with its tally and deadline. */
export function useProposals() {
  return useChainQuery(["proposals"], async (client, config): Promise<ProposalListItem[]> => {
    const governor = { address: config.contracts.governor, abi: governorAbi } as const;
    const count = await client.readContract({ ...governor, functionName: "proposalCount" });
    const [texts, details] = await Promise.all([
      descriptions(client, config),
      Promise.all(Array.from({ length: Number(count) }, (_, i) => client.readContract({ ...governor, functionName: "proposalDetailsAt", args: [BigInt(i)] }))),
    ]);
    const extra = await Promise.all(
      details.map(([id]) =>
        Promise.all([
          client.readContract({ ...governor, functionName: "state", args: [id] }),
          client.readContract({ ...governor, functionName: "proposalVotes", args: [id] }),
          client.readContract({ ...governor, functionName: "proposalDeadline", args: [id] }),
        ]),
      ),
    );
    return details
      .map(([id, targets, , calldatas], i) => {
        const [state, [against, forVotes, abstain], deadline] = extra[i];
        return {
          id,
          number: i + 1,
          state: PROPOSAL_STATES[state],
          description: texts.get(id)?.description ?? "",
          proposer: texts.get(id)?.proposer,
          targets,
          calldatas,
          votes: { against, for: forVotes, abstain },
          deadline,
        };
      })
      .reverse();
  });
}

export interface Vote {
  voter: Address;
  support: number;
  weight: bigint;
  reason: string;
}

/** The votes cast on a proposal, with their reasons, from the Governor's `VoteCast` events. */
export function useVotes(id: bigint | undefined) {
  return useChainQuery(
    ["votes", id?.toString()],
    async (client, config): Promise<Vote[]> => {
      const logs = await client.getContractEvents({ address: config.contracts.governor, abi: governorAbi, eventName: "VoteCast", fromBlock: config.deployBlock });
      return logs
        .filter((log) => log.args.proposalId === id)
        .map((log) => ({ voter: log.args.voter!, support: Number(log.args.support), weight: log.args.weight!, reason: log.args.reason ?? "" }));
    },
    id !== undefined,
  );
}

export interface ProposalDetail extends ProposalSummary {
  votes: { against: bigint; for: bigint; abstain: bigint };
  quorum: bigint;
  snapshot: bigint;
  deadline: bigint;
  eta: bigint;
  hasVoted?: boolean;
}

/** A proposal by number (`#/governance/3`, its place in the list) or by its full id. */
export function useProposal(ref: string, voter: Address | undefined) {
  return useChainQuery(
    ["proposal", ref, voter],
    async (client, config): Promise<ProposalDetail> => {
      const governor = { address: config.contracts.governor, abi: governorAbi } as const;
      if (!/^\d+$/.test(ref)) throw new Error("not a proposal number");
      let number = 0;
      let id = BigInt(ref);
      // Numbers are short; ids are 256-bit hashes: anything up to the count is a number.
      const count = await client.readContract({ ...governor, functionName: "proposalCount" });
      if (id >= 1n && id <= count) {
        number = Number(id);
        [id] = await client.readContract({ ...governor, functionName: "proposalDetailsAt", args: [id - 1n] });
      }
      const [details, state, [against, forVotes, abstain], snapshot, deadline, eta, texts, latest] = await Promise.all([
        client.readContract({ ...governor, functionName: "proposalDetails", args: [id] }),
        client.readContract({ ...governor, functionName: "state", args: [id] }),
        client.readContract({ ...governor, functionName: "proposalVotes", args: [id] }),
        client.readContract({ ...governor, functionName: "proposalSnapshot", args: [id] }),
        client.readContract({ ...governor, functionName: "proposalDeadline", args: [id] }),
        client.readContract({ ...governor, functionName: "proposalEta", args: [id] }),
        descriptions(client, config),
        client.getBlock({ blockTag: "latest" }),
      ]);
      // quorum() looks up the past only: before the snapshot, show today's quorum.
      const timepoint = snapshot < latest.timestamp ? snapshot : latest.timestamp - 1n;
      const [quorum, hasVoted] = await Promise.all([
        client.readContract({ ...governor, functionName: "quorum", args: [timepoint] }),
        voter ? client.readContract({ ...governor, functionName: "hasVoted", args: [id, voter] }) : Promise.resolve(undefined),
      ]);
      const [targets, , calldatas] = details;
      return {
        id,
        number,
        state: PROPOSAL_STATES[state],
        description: texts.get(id)?.description ?? "",
        proposer: texts.get(id)?.proposer,
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
