/**
 * The rationale Merkle tree committed as `BatchHeader.rationaleRoot`: an OpenZeppelin StandardMerkleTree
 * whose leaves are `[submissionId, keccak256(rationale JSON)]` typed `["uint64", "bytes32"]`.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256, toUtf8Bytes } from "ethers";

export const RATIONALE_LEAF_ENCODING = ["uint64", "bytes32"] as const;

export type RationaleLeaf = [string, string];

export interface RationaleEntry {
  submissionId: bigint;
  /** The exact JSON text served by the oracle for this submission. */
  rationaleJson: string;
}

export function rationaleLeaf({ submissionId, rationaleJson }: RationaleEntry): RationaleLeaf {
  return [submissionId.toString(), keccak256(toUtf8Bytes(rationaleJson))];
}

export function buildRationaleTree(entries: readonly RationaleEntry[]): StandardMerkleTree<RationaleLeaf> {
  if (entries.length === 0) throw new Error("a rationale tree needs at least one entry");
  return StandardMerkleTree.of(entries.map(rationaleLeaf), [...RATIONALE_LEAF_ENCODING]);
}

export function rationaleProof(tree: StandardMerkleTree<RationaleLeaf>, submissionId: bigint): string[] {
  for (const [index, leaf] of tree.entries()) {
    if (BigInt(leaf[0]) === submissionId) return tree.getProof(index);
  }
  throw new Error(`submission ${submissionId} is not in the tree`);
}

/** Checks a served rationale against the root posted on-chain. */
export function verifyRationale(root: string, entry: RationaleEntry, proof: readonly string[]): boolean {
  return StandardMerkleTree.verify(root, [...RATIONALE_LEAF_ENCODING], rationaleLeaf(entry), [...proof]);
}
