/**
 * What the challenge parts read from the chain besides the Challenges events: an item's credit as its
 * `Scored` event gives it (the facts a verdict signs), the operator set and threshold, and chain time.
 */
import { getAddress } from "ethers";
import type { Rewards } from "../bindings";

export interface ScoredFacts {
  /** The epoch the item was credited in: `currentEpoch()` at its batch's block. */
  epoch: number;
  points: number;
}

export interface ChallengeChain {
  /**
   * The item's credit, or undefined when it has no `Scored` event. `batchTx`, the transaction of the
   * item's landed batch when this node knows it, is read first (one receipt instead of a log search
   * from `fromBlock`, which providers limit on long chains).
   */
  scoredFacts(submissionId: bigint, batchTx?: string | null): Promise<ScoredFacts | undefined>;
  operators(): Promise<{ operators: string[]; threshold: number }>;
  /** The latest block's timestamp (s). */
  time(): Promise<bigint>;
}

export function rewardsChallengeChain(rewards: Rewards, fromBlock: number): ChallengeChain {
  const facts = new Map<bigint, ScoredFacts>();
  return {
    async scoredFacts(submissionId, batchTx) {
      const known = facts.get(submissionId);
      if (known !== undefined) return known;
      const event = (batchTx ? await scoredInReceipt(rewards, submissionId, batchTx) : undefined) ?? (await scoredByLogSearch(rewards, submissionId, fromBlock));
      if (event === undefined) return undefined;
      const epoch = Number(await rewards.currentEpoch({ blockTag: event.blockNumber }));
      const found = { epoch, points: event.points };
      // A Scored event is final once read after confirmations; an item is scored once.
      facts.set(submissionId, found);
      return found;
    },
    async operators() {
      const [operators, threshold] = await Promise.all([rewards.operators(), rewards.threshold()]);
      return { operators: operators.map((a) => getAddress(a)), threshold: Number(threshold) };
    },
    async time() {
      const block = await rewards.runner?.provider?.getBlock("latest");
      return BigInt(block?.timestamp ?? 0);
    },
  };
}

type ScoredEvent = { blockNumber: number; points: number };

async function scoredInReceipt(rewards: Rewards, submissionId: bigint, txHash: string): Promise<ScoredEvent | undefined> {
  const receipt = await rewards.runner?.provider?.getTransactionReceipt(txHash);
  if (!receipt || receipt.status !== 1) return undefined;
  const address = (await rewards.getAddress()).toLowerCase();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = rewards.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === "Scored" && (parsed.args.id as bigint) === submissionId) return { blockNumber: receipt.blockNumber, points: Number(parsed.args.points) };
  }
  return undefined;
}

async function scoredByLogSearch(rewards: Rewards, submissionId: bigint, fromBlock: number): Promise<ScoredEvent | undefined> {
  const [event] = await rewards.queryFilter(rewards.filters.Scored(submissionId), fromBlock);
  return event === undefined ? undefined : { blockNumber: event.blockNumber, points: Number(event.args.points) };
}
