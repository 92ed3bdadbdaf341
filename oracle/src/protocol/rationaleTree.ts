/**
 * The rationale Merkle tree committed as `BatchHeader.rationaleRoot`: an OpenZeppelin StandardMerkleTree
 * whose leaves are `[submissionId, keccak256(rationale JSON)]` typed `["uint64", "bytes32"]`.
 *
 * Written here on viem against the StandardMerkleTree specification (`@openzeppelin/merkle-tree`
 * README, "Standard Merkle Trees"), so that the dApp checks proofs without that package and its
 * dependencies; test/oracle/protocol/rationaleTree.test.ts holds it equal to the package on random trees.
 * - leaf hash: `keccak256(keccak256(abi.encode(submissionId, rationaleHash)))` (double hashing keeps a
 *   64-byte leaf from passing for an inner node);
 * - inner node: `keccak256(a ‖ b)` with the pair sorted, so a proof needs no left/right bits;
 * - layout: leaf hashes sorted ascending, placed at the end of an array in reverse, each inner node `i`
 *   the hash of nodes `2i+1` and `2i+2`; the root is node 0. A proof is the sibling of each node on the
 *   way up from the leaf.
 */
import { type Hex, concat, encodeAbiParameters, isHex, keccak256, stringToBytes } from "viem";

export const RATIONALE_LEAF_ENCODING = ["uint64", "bytes32"] as const;

const LEAF_PARAMETERS = [{ type: "uint64" }, { type: "bytes32" }] as const;

/** `[submissionId in decimal, keccak256(rationale JSON)]`, the values StandardMerkleTree encodes. */
export type RationaleLeaf = [string, string];

export interface RationaleEntry {
  submissionId: bigint;
  /** The exact JSON text served by the oracle for this submission. */
  rationaleJson: string;
}

export function rationaleLeaf({ submissionId, rationaleJson }: RationaleEntry): RationaleLeaf {
  return [submissionId.toString(), keccak256(stringToBytes(rationaleJson))];
}

/** The StandardMerkleTree leaf hash of an entry; throws when the id is not a uint64. */
export function rationaleLeafHash(entry: RationaleEntry): Hex {
  const [, rationaleHash] = rationaleLeaf(entry);
  return keccak256(keccak256(encodeAbiParameters(LEAF_PARAMETERS, [entry.submissionId, rationaleHash as Hex])));
}

function hashPair(a: Hex, b: Hex): Hex {
  // Equal-length lowercase hex compares as the bytes do.
  return keccak256(a < b ? concat([a, b]) : concat([b, a]));
}

/** A built rationale tree: its root, its leaves in input order, and the proof of each. */
export class RationaleTree {
  readonly root: Hex;
  private readonly nodes: Hex[];
  /** For each entry in input order: its leaf and where its hash sits in `nodes`. */
  private readonly leaves: { leaf: RationaleLeaf; node: number }[];

  constructor(entries: readonly RationaleEntry[]) {
    if (entries.length === 0) throw new Error("a rationale tree needs at least one entry");
    const hashed = entries.map((entry, index) => ({ leaf: rationaleLeaf(entry), hash: rationaleLeafHash(entry), index }));
    const sorted = [...hashed].sort((x, y) => (x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : 0));
    this.nodes = new Array<Hex>(2 * sorted.length - 1);
    const nodeOf = new Array<number>(entries.length);
    sorted.forEach(({ hash, index }, rank) => {
      const node = this.nodes.length - 1 - rank;
      this.nodes[node] = hash;
      nodeOf[index] = node;
    });
    for (let i = this.nodes.length - 1 - sorted.length; i >= 0; i--) this.nodes[i] = hashPair(this.nodes[2 * i + 1], this.nodes[2 * i + 2]);
    this.root = this.nodes[0];
    this.leaves = hashed.map(({ leaf, index }) => ({ leaf, node: nodeOf[index] }));
  }

  /** `[index, leaf]` in input order, as StandardMerkleTree's `entries()`. */
  *entries(): IterableIterator<[number, RationaleLeaf]> {
    for (const [index, { leaf }] of this.leaves.entries()) yield [index, leaf];
  }

  /** The proof of the entry at `index` (input order). */
  getProof(index: number): Hex[] {
    const entry = this.leaves[index];
    if (entry === undefined) throw new Error(`no entry at index ${index}`);
    const proof: Hex[] = [];
    for (let node = entry.node; node > 0; node = Math.floor((node - 1) / 2)) proof.push(this.nodes[node % 2 === 1 ? node + 1 : node - 1]);
    return proof;
  }
}

export function buildRationaleTree(entries: readonly RationaleEntry[]): RationaleTree {
  return new RationaleTree(entries);
}

export function rationaleProof(tree: RationaleTree, submissionId: bigint): string[] {
  for (const [index, leaf] of tree.entries()) {
    if (BigInt(leaf[0]) === submissionId) return tree.getProof(index);
  }
  throw new Error(`submission ${submissionId} is not in the tree`);
}

/**
 * Checks a served rationale against the root posted on-chain. A malformed root, proof node or id
 * (not 32-byte hex, not a uint64) is not a proof: the answer is false, never an exception.
 */
export function verifyRationale(root: string, entry: RationaleEntry, proof: readonly string[]): boolean {
  const node32 = (value: string) => isHex(value, { strict: true }) && value.length === 66;
  if (!node32(root) || !proof.every(node32)) return false;
  if (entry.submissionId < 0n || entry.submissionId >= 1n << 64n) return false;
  const computed = proof.reduce<Hex>((node, sibling) => hashPair(node, sibling.toLowerCase() as Hex), rationaleLeafHash(entry));
  return computed === root.toLowerCase();
}
