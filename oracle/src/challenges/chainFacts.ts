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
  /** The item's credit, or undefined when it has no `Scored` event (at or after `fromBlock`). */
  scoredFacts(submissionId: bigint): Promise<ScoredFacts | undefined>;
  operators(): Promise<{ operators: string[]; threshold: number }>;
  /** The latest block's timestamp (s). */
  time(): Promise<bigint>;
}

export function rewardsChallengeChain(rewards: Rewards, fromBlock: number): ChallengeChain {
  const facts = new Map<bigint, ScoredFacts>();
  return {
    async scoredFacts(submissionId) {
      const known = facts.get(submissionId);
      if (known !== undefined) return known;
      const events = await rewards.queryFilter(rewards.filters.Scored(submissionId), fromBlock);
      const event = events[0];
      if (event === undefined) return undefined;
      const epoch = Number(await rewards.currentEpoch({ blockTag: event.blockNumber }));
      const found = { epoch, points: Number(event.args.points) };
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
