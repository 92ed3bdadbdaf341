/**
 * Before a proposal is made: would it be a duplicate, and could the Timelock execute its calls?
 * Each call is simulated with `eth_call` from the Timelock's address, as `execute` will run it, so
 * an impossible change (a signature threshold above the operator count, descending quota tiers…) is
 * refused now with the contract's reason instead of failing at execution, stuck "Queued" forever.
 * The chain may still change before execution; this catches what is impossible today.
 */
import { type Address, type Hex, type PublicClient, keccak256, toBytes } from "viem";
import { governorAbi } from "../generated/abis";
import { PROPOSAL_STATES } from "../hooks/useGovernor";
import { describeError } from "./errors";

export interface ProposalDraft {
  targets: readonly Address[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  description: string;
}

export type PreflightResult =
  { ok: true; proposalId: bigint } | { ok: false; proposalId: bigint; reason: string; existing?: { state: (typeof PROPOSAL_STATES)[number] } };

export async function preflightProposal(client: PublicClient, contracts: { governor: Address; timelock: Address }, draft: ProposalDraft): Promise<PreflightResult> {
  const governor = { address: contracts.governor, abi: governorAbi } as const;
  const proposalId = await client.readContract({
    ...governor,
    functionName: "hashProposal",
    args: [[...draft.targets], [...draft.values], [...draft.calldatas], keccak256(toBytes(draft.description))],
  });
  // The id is the hash of the calls and the description: the same pair can be proposed only once.
  const existing = await client.readContract({ ...governor, functionName: "state", args: [proposalId] }).then(
    (state) => PROPOSAL_STATES[state],
    () => undefined, // GovernorNonexistentProposal: a new proposal
  );
  if (existing) {
    return {
      ok: false,
      proposalId,
      existing: { state: existing },
      reason: `An identical proposal exists (same calls and description), now ${existing}. Change the description to propose it again, or vote on that one.`,
    };
  }
  for (let i = 0; i < draft.targets.length; i++) {
    try {
      await client.call({ account: contracts.timelock, to: draft.targets[i], data: draft.calldatas[i], value: draft.values[i] });
    } catch (error) {
      return { ok: false, proposalId, reason: `The Timelock could not execute this: ${describeError(error)}` };
    }
  }
  return { ok: true, proposalId };
}
