/**
 * A batch's rationale root as the chain holds it, read from the receipt of the transaction that posted
 * it: no log scan at all. The transaction hash may come from anyone (the indexer, an oracle node); only
 * a `BatchPosted` emitted by Rewards itself with the expected nonce is accepted from its receipt.
 */
import { type Address, type Hex, type PublicClient, isAddressEqual, parseEventLogs } from "viem";
import { rewardsAbi } from "../generated/abis";

export async function batchRootFromTx(client: PublicClient, rewards: Address, nonce: bigint, txHash: Hex): Promise<Hex | null> {
  const receipt = await client.getTransactionReceipt({ hash: txHash });
  const posted = parseEventLogs({ abi: rewardsAbi, eventName: "BatchPosted", logs: receipt.logs }).find(
    (log) => isAddressEqual(log.address, rewards) && log.args.nonce === nonce,
  );
  return posted?.args.rationaleRoot ?? null;
}
