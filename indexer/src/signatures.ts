/**
 * Quorum signers recovered as Rewards' `verifyQuorum` does: a 65-byte signature is ECDSA over the digest;
 * a longer one starts with the signing contract's address (ERC-1271), which is taken as the signer.
 */
import { type Hex, getAddress, recoverAddress, size, slice } from "viem";

export async function recoverSigners(digest: Hex, signatures: readonly Hex[]): Promise<string[]> {
  const signers: string[] = [];
  for (const signature of signatures) {
    if (size(signature) === 65) {
      signers.push(await recoverAddress({ hash: digest, signature }));
    } else if (size(signature) >= 20) {
      signers.push(getAddress(slice(signature, 0, 20)));
    }
  }
  return signers;
}
