/** The API's view of the chain (`ChainReader`) over the Rewards contract and its provider. */
import { ZeroAddress, getAddress } from "ethers";
import type { Rewards } from "../bindings";
import type { ChainReader, OnChainSubmission } from "../ports/chainReader";

const UINT64_MAX = (1n << 64n) - 1n;

export function rewardsChainReader(rewards: Rewards): ChainReader {
  const provider = rewards.runner?.provider;
  if (!provider) throw new TypeError("The Rewards contract must be connected to a provider.");
  return {
    blockNumber: () => provider.getBlockNumber(),
    async submission(id: bigint): Promise<OnChainSubmission | undefined> {
      if (id < 1n || id > UINT64_MAX) return undefined;
      const record = await rewards.submission(id);
      if (record.author === ZeroAddress) return undefined;
      return {
        author: getAddress(record.author),
        submittedAt: Number(record.submittedAt),
        epoch: Number(record.epoch),
        category: Number(record.category),
      };
    },
    isScored: (id: bigint) => rewards.isScored(id),
  };
}
