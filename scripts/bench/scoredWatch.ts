import hre from "hardhat";
import type { Rewards } from "../../typechain-types";

/** Follows `Scored` events from `fromBlock` (every 10 ms), noting when each submission was first seen scored. */
export function watchScored(rewards: Rewards, fromBlock: number): { at: Map<bigint, number>; stop(): Promise<void> } {
  const at = new Map<bigint, number>();
  let next = fromBlock;
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const head = await hre.ethers.provider.getBlockNumber();
      if (head >= next) {
        for (const event of await rewards.queryFilter(rewards.filters.Scored(), next, head)) {
          if (!at.has(event.args.id)) at.set(event.args.id, performance.now());
        }
        next = head + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    at,
    stop: async () => {
      watching = false;
      await loop;
    },
  };
}
