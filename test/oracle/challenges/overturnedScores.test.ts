/**
 * `cashkey_oracle_scores_overturned_total{reason, own}`: upheld challenges counted by reason, own="true"
 * exactly when this node's operator signed the item's landed batch (as its builder, or as a follower that
 * answered the batch's digest `signed`), on a real SQLite store.
 */
import { expect } from "chai";
import { Wallet, id as keccakText } from "ethers";
import { Registry } from "prom-client";
import { createChallengeMetrics } from "../../../oracle/src/challenges/metrics";
import { countOverturnedScores, signedOriginalBatch } from "../../../oracle/src/challenges/overturnedScores";
import type { Store } from "../../../oracle/src/store";
import { Reason } from "../../helpers/challenges";
import { AUTHOR, batchOf, seedEvaluated, useTempStore } from "../store/fixtures";

const SELF = new Wallet("0x" + "5e".repeat(32)).address;
const PEER = new Wallet("0x" + "9e".repeat(32)).address;
const RESOLUTION = { toChallenger: "1", toAuthor: "0", toTreasury: "0", reward: "0" };

function landBatch(store: Store, nonce: number, ids: number[], signers: string[]): string {
  const batch = store.batches.create(batchOf(nonce, ids, { signatures: signers.map((signer) => ({ signer, signature: keccakText(`sig ${signer} ${nonce}`) })) }));
  store.batches.transition(batch.id, "landed", { txHash: keccakText(`landed ${nonce}`) });
  return batch.digest;
}

function challenge(store: Store, id: number, submissionId: number, reason: Reason, status: "upheld" | "rejected" | "dismissed"): void {
  store.challenges.recordOpened({
    id: BigInt(id),
    submissionId: BigInt(submissionId),
    challenger: PEER.toLowerCase(),
    author: AUTHOR.toLowerCase(),
    epoch: 0,
    points: 1500,
    reason,
    duplicateOf: 0n,
    reasonHash: keccakText(`reason ${id}`),
    bond: 10n ** 18n,
    openedBlock: 100 + id,
    openedTx: keccakText(`open ${id}`),
  });
  store.challenges.recordResolved(BigInt(id), status, RESOLUTION);
}

describe("challenges: scores overturned", function () {
  const temp = useTempStore("cashkey-overturned-");

  it("tells this node's landed batches (built, or signed as a follower) from others'", function () {
    const { store } = temp;
    seedEvaluated(store, [1, 2, 3, 4]);
    landBatch(store, 0, [1], [SELF, PEER]);
    const followed = landBatch(store, 1, [2], [PEER]);
    store.network.saveProposal({ digest: followed, role: "follower", nonce: 1n, leader: PEER, proposal: {}, decision: "signed" });
    const disputed = landBatch(store, 2, [3], [PEER]);
    store.network.saveProposal({ digest: disputed, role: "follower", nonce: 2n, leader: PEER, proposal: {}, decision: "disputed" });
    expect(signedOriginalBatch(store, SELF, 1n)).to.equal(true);
    expect(signedOriginalBatch(store, SELF.toLowerCase(), 1n)).to.equal(true);
    expect(signedOriginalBatch(store, SELF, 2n)).to.equal(true);
    expect(signedOriginalBatch(store, SELF, 3n)).to.equal(false);
    // Evaluated but in no batch; and in a batch built here that never landed.
    expect(signedOriginalBatch(store, SELF, 4n)).to.equal(false);
    store.batches.create(batchOf(3, [4], { signatures: [{ signer: SELF, signature: keccakText("unlanded") }] }));
    expect(signedOriginalBatch(store, SELF, 4n)).to.equal(false);
  });

  it("counts upheld challenges only, by reason and own", async function () {
    const { store } = temp;
    seedEvaluated(store, [1, 2, 3, 4, 5]);
    landBatch(store, 0, [1, 2], [SELF]);
    landBatch(store, 1, [3, 4, 5], [PEER]);
    challenge(store, 1, 1, Reason.Duplicate, "upheld");
    challenge(store, 2, 2, Reason.Injection, "rejected");
    challenge(store, 3, 3, Reason.Injection, "upheld");
    challenge(store, 4, 4, Reason.Spam, "dismissed");
    challenge(store, 5, 5, Reason.Injection, "upheld");
    const registry = new Registry();
    const metrics = createChallengeMetrics(registry, store);
    countOverturnedScores(store, SELF, metrics.scoresOverturned, [1n, 2n, 3n, 4n, 5n, 99n]);
    const values = (await metrics.scoresOverturned.get()).values.map(({ labels, value }) => [labels.reason, labels.own, value]);
    expect(values).to.have.deep.members([
      ["duplicate", "true", 1],
      ["injection", "false", 2],
    ]);
    expect(await registry.metrics()).to.include('cashkey_oracle_scores_overturned_total{reason="duplicate",own="true"} 1');
  });
});
