import { type Address, type Hex, getAddress } from "viem";
import { governorAbi } from "../generated/abis";
import { useChainQuery } from "./useChain";
import { useHistory } from "./useHistory";

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

interface ProposalText {
  description: string;
  proposer?: Address;
}

interface IndexedProposal {
  id: string;
  proposer: Address;
  description: string;
}

/** Proposals whose descriptions the list shows (the newest). */
const DESCRIBED = 100;

/**
 * Proposal descriptions by id: the indexer's, or the `ProposalCreated` events of the chain's latest
 * blocks (an older proposal is then listed without its title).
 */
function useProposalTexts() {
  return useHistory(["proposal-texts"], {
    indexerPath: `/v1/proposals?limit=${DESCRIBED}`,
    fromIndexer: (body: { items: IndexedProposal[] }) =>
      new Map(body.items.map((row): [string, ProposalText] => [row.id, { description: row.description, proposer: getAddress(row.proposer) }])),
    fromChain: async (client, range, config) => {
      const created = await client.getContractEvents({ address: config.contracts.governor, abi: governorAbi, eventName: "ProposalCreated", ...range });
      return new Map(
        created.map((log): [string, ProposalText] => [log.args.proposalId!.toString(), { description: log.args.description!, proposer: log.args.proposer! }]),
      );
    },
  });
}

export interface ProposalListItem extends ProposalSummary {
  votes: { against: bigint; for: bigint; abstain: bigint };
  deadline: bigint;
}

/**
 * Every proposal, newest first, listed from the Governor's own storage (GovernorStorage), with its tally
 * and deadline; titles from `useProposalTexts` (`history` says where they came from).
 */
export function useProposals() {
  const texts = useProposalTexts();
  const byId = texts.data?.data;
  const proposals = useChainQuery(["proposals"], async (client, config): Promise<Omit<ProposalListItem, "description" | "proposer">[]> => {
    const governor = { address: config.contracts.governor, abi: governorAbi } as const;
    const count = await client.readContract({ ...governor, functionName: "proposalCount" });
    const details = await Promise.all(
      Array.from({ length: Number(count) }, (_, i) => client.readContract({ ...governor, functionName: "proposalDetailsAt", args: [BigInt(i)] })),
    );
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
        return { id, number: i + 1, state: PROPOSAL_STATES[state], targets, calldatas, votes: { against, for: forVotes, abstain }, deadline };
      })
      .reverse();
  });
  const data = proposals.data?.map((p): ProposalListItem => ({
    ...p,
    description: byId?.get(p.id.toString())?.description ?? "",
    proposer: byId?.get(p.id.toString())?.proposer,
  }));
  return { ...proposals, data, history: texts.data };
}

export interface Vote {
  voter: Address;
  support: number;
  weight: bigint;
  reason: string;
}

export interface ProposalRecord {
  /** Empty when not found (not indexed yet, or older than the blocks read from the chain). */
  description: string;
  proposer?: Address;
  votes: Vote[];
}

interface IndexedVote {
  voter: Address;
  support: number;
  weight: string;
  reason: string;
}

/**
 * A proposal's description and the votes cast on it with their reasons: the indexer's record, or the
 * Governor's `ProposalCreated` and `VoteCast` events in the chain's latest blocks.
 */
export function useProposalRecord(id: bigint | undefined) {
  return useHistory(
    ["proposal-record", id?.toString()],
    {
      indexerPath: `/v1/proposals/${id}`,
      fromIndexer: (body: { proposal: IndexedProposal; votes: IndexedVote[] }): ProposalRecord => ({
        description: body.proposal.description,
        proposer: getAddress(body.proposal.proposer),
        votes: body.votes.map((v) => ({ voter: getAddress(v.voter), support: v.support, weight: BigInt(v.weight), reason: v.reason })),
      }),
      whenNotIndexed: { description: "", votes: [] },
      fromChain: async (client, range, config): Promise<ProposalRecord> => {
        const governor = { address: config.contracts.governor, abi: governorAbi } as const;
        const [created, cast] = await Promise.all([
          client.getContractEvents({ ...governor, eventName: "ProposalCreated", ...range }),
          client.getContractEvents({ ...governor, eventName: "VoteCast", ...range }),
        ]);
        const own = created.find((log) => log.args.proposalId === id);
        return {
          description: own?.args.description ?? "",
          proposer: own?.args.proposer,
          votes: cast
            .filter((log) => log.args.proposalId === id)
            .map((log) => ({ voter: log.args.voter!, support: Number(log.args.support), weight: log.args.weight!, reason: log.args.reason ?? "" })),
        };
      },
    },
    id !== undefined,
  );
}

/** A proposal as the chain holds it; its description and votes come from `useProposalRecord`. */
export interface ProposalDetail extends Omit<ProposalSummary, "description" | "proposer"> {
  votes: { against: bigint; for: bigint; abstain: bigint };
  quorum: bigint;
  snapshot: bigint;
  deadline: bigint;
  eta: bigint;
  hasVoted?: boolean;
}

/** A proposal by number (`#/governance/3`, its place in the list) or by its full id. */
export function useProposal(ref: string, voter: Address | undefined) {
  return useChainQuery(["proposal", ref, voter], async (client, config): Promise<ProposalDetail> => {
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
    const [details, state, [against, forVotes, abstain], snapshot, deadline, eta, latest] = await Promise.all([
      client.readContract({ ...governor, functionName: "proposalDetails", args: [id] }),
      client.readContract({ ...governor, functionName: "state", args: [id] }),
      client.readContract({ ...governor, functionName: "proposalVotes", args: [id] }),
      client.readContract({ ...governor, functionName: "proposalSnapshot", args: [id] }),
      client.readContract({ ...governor, functionName: "proposalDeadline", args: [id] }),
      client.readContract({ ...governor, functionName: "proposalEta", args: [id] }),
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
      targets,
      calldatas,
      votes: { against, for: forVotes, abstain },
      quorum,
      snapshot,
      deadline,
      eta,
      hasVoted,
    };
  });
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
