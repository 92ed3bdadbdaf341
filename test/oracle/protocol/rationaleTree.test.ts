import { expect } from "chai";
import fc from "fast-check";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  RATIONALE_LEAF_ENCODING,
  type RationaleEntry,
  buildRationaleTree,
  rationaleLeaf,
  rationaleProof,
  verifyRationale,
} from "../../../oracle/src/protocol/rationaleTree";

const UINT64_MAX = (1n << 64n) - 1n;
const entryArb = fc.record({ submissionId: fc.bigInt({ min: 0n, max: UINT64_MAX }), rationaleJson: fc.string({ unit: "grapheme", maxLength: 80 }) });
/** Entries with distinct ids, as a batch has; 1 to 40 of them (odd and even sizes, unbalanced trees). */
const entriesArb = fc.uniqueArray(entryArb, { minLength: 1, maxLength: 40, selector: (e) => e.submissionId });

function reference(entries: readonly RationaleEntry[]) {
  return StandardMerkleTree.of(entries.map(rationaleLeaf), [...RATIONALE_LEAF_ENCODING]);
}

describe("rationaleTree (StandardMerkleTree written on viem)", function () {
  it("builds the root and every proof @openzeppelin/merkle-tree builds, on random batches", function () {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const ours = buildRationaleTree(entries);
        const theirs = reference(entries);
        expect(ours.root).to.equal(theirs.root);
        expect([...ours.entries()]).to.deep.equal([...theirs.entries()]);
        for (const [index] of theirs.entries()) expect(ours.getProof(index)).to.deep.equal(theirs.getProof(index));
      }),
      { numRuns: 150 },
    );
  });

  it("verifies exactly what @openzeppelin/merkle-tree verifies: every true proof, and not a changed rationale, id, sibling or root", function () {
    fc.assert(
      fc.property(entriesArb, fc.nat(), fc.nat(), (entries, pick, flip) => {
        const theirs = reference(entries);
        const index = pick % entries.length;
        const entry = entries[index];
        const proof = theirs.getProof(index);
        const verifyTheirs = (e: RationaleEntry, p: string[], root = theirs.root) => StandardMerkleTree.verify(root, [...RATIONALE_LEAF_ENCODING], rationaleLeaf(e), p);

        expect(verifyRationale(theirs.root, entry, proof)).to.equal(true);
        expect(rationaleProof(buildRationaleTree(entries), entry.submissionId)).to.deep.equal(proof);

        const changedText = { ...entry, rationaleJson: `${entry.rationaleJson} ` };
        const changedId = { ...entry, submissionId: entry.submissionId === 0n ? 1n : entry.submissionId - 1n };
        for (const other of [changedText, changedId]) expect(verifyRationale(theirs.root, other, proof)).to.equal(verifyTheirs(other, proof));

        if (proof.length > 0) {
          const at = flip % proof.length;
          const tampered = proof.map((node, i) => (i === at ? `0x${(BigInt(node) ^ 1n).toString(16).padStart(64, "0")}` : node));
          expect(verifyRationale(theirs.root, entry, tampered))
            .to.equal(false)
            .and.to.equal(verifyTheirs(entry, tampered));
        }
        const otherRoot = `0x${(BigInt(theirs.root) ^ (1n << 255n)).toString(16).padStart(64, "0")}`;
        expect(verifyRationale(otherRoot, entry, proof)).to.equal(false);
        expect(
          verifyRationale(
            theirs.root.toUpperCase().replace("0X", "0x"),
            entry,
            proof.map((p) => p.toUpperCase().replace("0X", "0x")),
          ),
        ).to.equal(true);
      }),
      { numRuns: 150 },
    );
  });

  it("answers false, not an exception, for a malformed root, proof node or id", function () {
    const entries = [
      { submissionId: 1n, rationaleJson: "{}" },
      { submissionId: 2n, rationaleJson: '{"a":1}' },
    ];
    const tree = buildRationaleTree(entries);
    const proof = rationaleProof(tree, 1n);
    expect(verifyRationale(tree.root, entries[0], proof)).to.equal(true);
    expect(verifyRationale(tree.root.slice(0, 64), entries[0], proof)).to.equal(false);
    expect(verifyRationale("root", entries[0], proof)).to.equal(false);
    expect(verifyRationale(tree.root, entries[0], [...proof, "0x12"])).to.equal(false);
    expect(verifyRationale(tree.root, entries[0], ["0x" + "zz".repeat(32)])).to.equal(false);
    expect(verifyRationale(tree.root, { ...entries[0], submissionId: -1n }, proof)).to.equal(false);
    expect(verifyRationale(tree.root, { ...entries[0], submissionId: 1n << 64n }, proof)).to.equal(false);
  });

  it("refuses an empty tree, an id that is not a uint64 and an id it does not hold", function () {
    expect(() => buildRationaleTree([])).to.throw("at least one entry");
    expect(() => buildRationaleTree([{ submissionId: 1n << 64n, rationaleJson: "{}" }])).to.throw();
    expect(() => rationaleProof(buildRationaleTree([{ submissionId: 1n, rationaleJson: "{}" }]), 2n)).to.throw("not in the tree");
  });
});
