import { expect } from "chai";
import { getAddress, id as keccakText } from "ethers";
import { BatchPostError, type PostOutcome } from "../../../oracle/src/ports/batchLedger";
import type { WatchedSubmission, WatcherStep } from "../../../oracle/src/ports/watcherStore";
import { StoreConflictError, StoreError } from "../../../oracle/src/store";
import { SqliteBatchLedger } from "../../../oracle/src/store/batchLedger";
import { SqliteWatcherStore } from "../../../oracle/src/store/watcherStore";
import { batchOf, seedEvaluated, submissionEvent, useTempStore } from "./fixtures";

function watched(id: number, blockNumber = 10 + id): WatchedSubmission {
  const event = submissionEvent(id, { blockNumber, blockHash: keccakText(`block ${blockNumber}`) });
  return { ...event, author: getAddress(event.author) };
}

function block(n: number) {
  return { blockNumber: n, blockHash: keccakText(`block ${n}`) };
}

function step(added: WatchedSubmission[], cursor: number, removed: WatchedSubmission[] = []): WatcherStep {
  const recent = Array.from({ length: 3 }, (_, i) => block(cursor - 2 + i));
  return { added, removed, checkpoint: { cursor: block(cursor), recent } };
}

describe("SQLite chain adapters", function () {
  const db = useTempStore("cashkey-adapters-");

  const reopen = () => db.reopen();

  describe("SqliteWatcherStore", function () {
    it("commits submissions and the checkpoint together and finds them after a restart", function () {
      new SqliteWatcherStore(db.store).commit(step([watched(1), watched(2)], 12));

      const watcherStore = new SqliteWatcherStore(reopen());
      expect(watcherStore.loadCheckpoint()).to.deep.equal({ cursor: block(12), recent: [block(10), block(11), block(12)] });
      expect(watcherStore.submissionsAfter(11).map((s) => s.id)).to.deep.equal([2n]);
      expect(db.store.submissions.countByStatus().pending).to.equal(2);
      expect(db.store.cursor.get()).to.include(block(12));
    });

    it("commits nothing of a step that fails", function () {
      const watcherStore = new SqliteWatcherStore(db.store);
      watcherStore.commit(step([watched(1)], 11));

      const bad = { ...watched(2), contentHash: "0x1234" };
      expect(() => watcherStore.commit(step([watched(3), bad], 14))).to.throw(StoreError);

      expect(watcherStore.loadCheckpoint()?.cursor).to.deep.equal(block(11));
      expect(db.store.submissions.get(3n)).to.equal(undefined);
    });

    it("marks removed submissions removed and abandons a live batch holding one", function () {
      const watcherStore = new SqliteWatcherStore(db.store);
      watcherStore.commit(step([watched(1), watched(2), watched(3)], 13));
      seedEvaluated(db.store, [1, 2, 3]);
      const batch = db.store.batches.create(batchOf(0, [2, 3]));

      watcherStore.commit(step([], 12, [watched(3)]));

      expect(db.store.batches.get(batch.id)?.state).to.equal("abandoned");
      expect(db.store.submissions.get(3n)?.status).to.equal("removed");
      expect(db.store.submissions.get(2n)?.status).to.equal("evaluated");
      expect(db.store.submissions.get(1n)?.status).to.equal("evaluated");
      expect(watcherStore.submissionsAfter(12)).to.deep.equal([]);
    });

    it("leaves a submission of a landed batch scored", function () {
      const watcherStore = new SqliteWatcherStore(db.store);
      watcherStore.commit(step([watched(1)], 11));
      seedEvaluated(db.store, [1]);
      const batch = db.store.batches.create(batchOf(0, [1]));
      db.store.batches.transition(batch.id, "landed");

      watcherStore.commit(step([], 10, [watched(1)]));

      expect(db.store.submissions.get(1n)?.status).to.equal("scored");
      expect(db.store.batches.get(batch.id)?.state).to.equal("landed");
    });

    it("keeps a cursor before block 0 in its block list only", function () {
      const watcherStore = new SqliteWatcherStore(db.store);
      watcherStore.commit({ added: [], removed: [], checkpoint: { cursor: block(0), recent: [{ blockNumber: -1, blockHash: keccakText("genesis parent") }, block(0)] } });
      const base = { blockNumber: -1, blockHash: keccakText("genesis parent") };
      watcherStore.commit({ added: [], removed: [], checkpoint: { cursor: base, recent: [base] } });

      expect(new SqliteWatcherStore(reopen()).loadCheckpoint()).to.deep.equal({ cursor: base, recent: [base] });
    });
  });

  describe("SqliteBatchLedger", function () {
    const tx = { hash: keccakText("tx"), accountNonce: 7, raw: "0x02f8aa01" };

    function storedBatch(nonce = 0) {
      seedEvaluated(db.store, [1, 2]);
      return db.store.batches.create(batchOf(nonce, [1, 2], { state: "signed" }));
    }

    it("records a sent transaction durably, on the batch too, before it is broadcast", function () {
      const batch = storedBatch();
      new SqliteBatchLedger(db.store).recordSent(batch.digest, 0n, tx);

      const ledger = new SqliteBatchLedger(reopen());
      expect(ledger.get(batch.digest)).to.deep.equal({ batchId: batch.digest, batchNonce: 0n, sent: tx });
      expect(db.store.batches.get(batch.id)).to.include({ state: "posting", txHash: tx.hash });
    });

    it("refuses to record a transaction for a batch that is abandoned or unknown, so it is never sent", function () {
      const batch = storedBatch();
      db.store.batches.transition(batch.id, "abandoned");
      const ledger = new SqliteBatchLedger(db.store);

      expect(() => ledger.recordSent(batch.digest, 0n, tx)).to.throw(StoreConflictError, /No live batch/);
      expect(() => ledger.recordSent(keccakText("unknown"), 0n, tx)).to.throw(StoreConflictError);
      expect(ledger.get(batch.digest)).to.equal(undefined);
    });

    it("keeps each outcome, and a new transaction makes the last outcome stale", function () {
      const batch = storedBatch();
      const ledger = new SqliteBatchLedger(db.store);
      const failed: PostOutcome = {
        status: "failed",
        txHash: tx.hash,
        error: new BatchPostError("No receipt in time.", { reason: "unconfirmed", retriable: true }),
      };
      ledger.recordOutcome(batch.digest, 0n, failed);
      const stored = ledger.get(batch.digest)?.outcome;
      expect(stored?.status).to.equal("failed");
      if (stored?.status === "failed") expect(stored.error).to.include({ shortMessage: "No receipt in time.", reason: "unconfirmed", retriable: true });

      ledger.recordSent(batch.digest, 0n, tx);
      expect(ledger.get(batch.digest)?.outcome).to.equal(undefined);

      const landed: PostOutcome = { status: "landed", txHash: tx.hash, blockNumber: 42, gasUsed: 123_456n, postedBySelf: false };
      ledger.recordOutcome(batch.digest, 0n, landed);
      expect(new SqliteBatchLedger(reopen()).get(batch.digest)).to.deep.equal({ batchId: batch.digest, batchNonce: 0n, sent: tx, outcome: landed });
    });

    it("round-trips a superseded outcome and a refusal with its contract error", function () {
      const ledger = new SqliteBatchLedger(db.store);
      const superseded: PostOutcome = { status: "superseded", txHash: tx.hash, blockNumber: 9, gasUsed: 1n };
      ledger.recordOutcome(keccakText("a"), 3n, superseded);
      expect(ledger.get(keccakText("a"))?.outcome).to.deep.equal(superseded);

      const revert = { name: "RewardsBatchExpired", signature: "RewardsBatchExpired(uint64,uint256)", args: {}, message: "RewardsBatchExpired(1, 2)", data: "0x" };
      ledger.recordOutcome(keccakText("b"), 3n, { status: "failed", error: new BatchPostError("Refused.", { reason: "preflight", revert, retriable: false }) });
      const outcome = ledger.get(keccakText("b"))?.outcome;
      if (outcome?.status !== "failed") throw new Error("expected a failure");
      expect(outcome.error).to.include({ reason: "preflight", errorName: "RewardsBatchExpired", retriable: false });
    });
  });
});
