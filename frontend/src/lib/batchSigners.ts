/**
 * The signers of a direct `postScores` call, recovered from its call data as the contract does (the
 * EIP-712 digest from the shared protocol module); for the Network page when it reads batches from the
 * chain rather than the indexer, which recovers them the same way.
 */
import { type Address, type Hex, type PublicClient, getAddress, recoverAddress, size, slice } from "viem";
import { rewardsDomain, scoreBatchDigest } from "../../../oracle/src/protocol/eip712";

type PostScoresArgs = readonly [{ nonce: bigint; evaluator: Hex; rationaleRoot: Hex; deadline: bigint }, readonly bigint[], readonly Hex[]];

export async function signersOf(client: PublicClient, rewards: Address, args: readonly unknown[]): Promise<string[]> {
  const [header, items, signatures] = args as unknown as PostScoresArgs;
  const digest = scoreBatchDigest(rewardsDomain(await client.getChainId(), rewards), header, items) as Hex;
  const signers: string[] = [];
  for (const signature of signatures) {
    // 65 bytes: ECDSA; longer: an ERC-1271 contract signature, its signer in the first 20 bytes.
    if (size(signature) === 65) signers.push(await recoverAddress({ hash: digest, signature }));
    else if (size(signature) >= 20) signers.push(getAddress(slice(signature, 0, 20)));
  }
  return signers;
}
