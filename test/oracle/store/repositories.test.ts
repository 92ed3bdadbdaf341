import path from "node:path";
import { expect } from "chai";
import { id as keccakText, keccak256 } from "ethers";
import { type Store, StoreConflictError, StoreError, StoreNotFoundError, openStore } from "../../../oracle/src/store";
import { canonicalContentBytes, contentHash } from "../../../oracle/src/protocol/contentHash";
import { AUTHOR, EVALUATOR, batchOf, okEvaluation, rationaleJsonOf, seedEvaluated, submissionEvent, tempDir, textOf } from "./fixtures";

describe("store repositories", function () {
  let store: Store;
  let cleanup: () => void;
  let clock: number;

  beforeEach(function () {
    const temp = tempDir("cashkey-repo-");
    cleanup = temp.cleanup;
    clock = 1_700_000_000_000;
    store = openStore(path.join(temp.dir, "oracle.sqlite"), { now: () => clock });
  });

  afterEach(function () {
    store.close();
    cleanup();
  });

  describe("content", function () {
    it("stores content under the protocol's content hash", function () {
      const content = { text: "Water boils at 100 °C at sea level.", title: "Boiling", url: "https://example.org/water" };
      const result = store.content.put(content, "upload");
      expect(result).to.deep.equal({ hash: contentHash(content), size: canonicalContentBytes(content).length, created: true });
      const record = store.content.get(result.hash);
      expect(record?.content).to.deep.equal(content);
      expect(keccak256(record!.bytes)).to.equal(result.hash);
      expect(record).to.include({ source: "upload", receivedAt: clock, size: result.size });
    });

    it("stores the same content once", function () {
      const first = store.content.put({ text: "Once." }, "upload");
      clock += 1000;
      const second = store.content.put({ text: "Once." }, "peer");
      expect(second).to.deep.equal({ ...first, created: false });
      expect(store.content.count()).to.equal(1);
      expect(store.content.get(first.hash)).to.include({ source: "upload", receivedAt: clock - 1000 });
    });

    it("stores NFC-equivalent texts under one hash", function () {
      const composed = store.content.put({ text: "caf\u00e9" }, "upload");
      const decomposed = store.content.put({ text: "cafe\u0301" }, "upload");
      expect(decomposed.hash).to.equal(composed.hash);
      expect(decomposed.created).to.equal(false);
    });

    it("refuses bytes that are not canonical", function () {
      const bytes = new TextEncoder().encode('{"title":"T","text":"x"}');
      expect(() => store.content.putCanonical(bytes, "peer")).to.throw(StoreError, /not canonical/);
      expect(store.content.count()).to.equal(0);
    });

    it("keeps a lone surrogate as the canonical JSON escapes it", function () {
      const { hash } = store.content.put({ text: "odd \ud800" }, "upload");
      expect(hash).to.equal(contentHash({ text: "odd \ud800" }));
      expect(store.content.get(hash)?.content.text).to.equal("odd \ud800");
    });

    it("answers unknown hashes with undefined and refuses malformed ones", function () {
      expect(store.content.get(keccakText("nothing"))).to.equal(undefined);
      expect(store.content.has(keccakText("nothing"))).to.equal(false);
      expect(() => store.content.get("0x1234")).to.throw(StoreError, /32 bytes/);
    });
  });

  describe("submissions", function () {
    it("records an event as pending, with hex in lowercase", function () {
      const { outcome, record } = store.submissions.record(submissionEvent(1));
      expect(outcome).to.equal("created");
      expect(record).to.include({ id: 1n, status: "pending", author: AUTHOR.toLowerCase(), seenAt: clock });
    });

    it("recognizes the same event again", function () {
      store.submissions.record(submissionEvent(1));
      expect(store.submissions.record(submissionEvent(1)).outcome).to.equal("unchanged");
    });

    it("moves a submission re-included in another block", function () {
      store.submissions.record(submissionEvent(1));
      const { outcome, record } = store.submissions.record(submissionEvent(1, { blockNumber: 99, blockHash: keccakText("other") }));
      expect(outcome).to.equal("moved");
      expect(record).to.include({ blockNumber: 99, blockHash: keccakText("other") });
    });

    it("replaces a submission whose id went to other content, dropping its evaluations", function () {
      seedEvaluated(store, [1]);
      const other = submissionEvent(1, { contentHash: keccakText("other content") });
      const { outcome, record } = store.submissions.record(other);
      expect(outcome).to.equal("replaced");
      expect(record).to.include({ status: "pending", contentHash: other.contentHash });
      expect(store.evaluations.forSubmission(1n)).to.deep.equal([]);
    });

    it("marks submissions from a reorged block on as removed, and restores them", function () {
      seedEvaluated(store, [1]);
      store.submissions.record(submissionEvent(2));
      store.submissions.record(submissionEvent(3));
      const removed = store.submissions.markRemovedFrom(submissionEvent(2).blockNumber);
      expect(removed).to.deep.equal([2n, 3n]);
      expect(store.submissions.countByStatus()).to.include({ evaluated: 1, removed: 2 });
      expect(store.submissions.record(submissionEvent(2)).outcome).to.equal("restored");
      expect(store.submissions.get(2n)?.status).to.equal("pending");
    });

    it("lists by status in id order, after a cursor", function () {
      for (const id of [3, 1, 2]) store.submissions.record(submissionEvent(id));
      expect(store.submissions.listByStatus("pending").map((s) => s.id)).to.deep.equal([1n, 2n, 3n]);
      expect(store.submissions.listByStatus("pending", { afterId: 1n, limit: 1 }).map((s) => s.id)).to.deep.equal([2n]);
    });

    it("refuses a status change of an unknown submission", function () {
      expect(() => store.submissions.setStatus(7n, "failed")).to.throw(StoreNotFoundError);
    });

    it("refuses a malformed event and stores nothing", function () {
      expect(() => store.submissions.record(submissionEvent(1, { author: "0x1234" }))).to.throw(StoreError, /author/);
      expect(() => store.submissions.record(submissionEvent(0))).to.throw(StoreError, /out of range/);
      expect(store.submissions.get(1n)).to.equal(undefined);
    });

    it("answers ids beyond SQLite's range with undefined", function () {
      expect(store.submissions.get((1n << 64n) - 1n)).to.equal(undefined);
    });
  });

  describe("evaluations", function () {
    beforeEach(function () {
      store.submissions.record(submissionEvent(1));
    });

    it("records an ok evaluation and marks the submission evaluated", function () {
      const { created, record } = store.evaluations.recordOk(okEvaluation(1));
      expect(created).to.equal(true);
      expect(record).to.deep.include({ status: "ok", score: 72, points: 1500, attempts: 1, error: null });
      expect(record.subScores).to.deep.equal(okEvaluation(1).subScores);
      expect(record.flags).to.deep.equal(okEvaluation(1).flags);
      expect(store.submissions.get(1n)?.status).to.equal("evaluated");
    });

    it("keeps the rationale JSON byte for byte", function () {
      const rationaleJson = '{"z":1,"a":"\\u00e9 é ✓ 😀","n":1.50}';
      store.evaluations.recordOk(okEvaluation(1, { rationaleJson }));
      expect(store.evaluations.get(1n, EVALUATOR)?.rationaleJson).to.equal(rationaleJson);
    });

    it("keeps the first ok evaluation", function () {
      store.evaluations.recordOk(okEvaluation(1));
      const { created, record } = store.evaluations.recordOk(okEvaluation(1, { score: 10, rationaleJson: '{"other":true}' }));
      expect(created).to.equal(false);
      expect(record).to.include({ score: 72, rationaleJson: rationaleJsonOf(1) });
    });

    it("counts failed attempts, then an ok one", function () {
      const failure = { submissionId: 1n, evaluator: EVALUATOR, contentHash: okEvaluation(1).contentHash, error: "timeout", final: false };
      store.evaluations.recordFailure(failure);
      expect(store.evaluations.recordFailure({ ...failure, error: "rate limited" })).to.include({ status: "failed", attempts: 2, error: "rate limited" });
      expect(store.submissions.get(1n)?.status).to.equal("pending");
      expect(store.evaluations.recordOk(okEvaluation(1)).record).to.include({ status: "ok", attempts: 3, error: null });
    });

    it("marks the submission failed on a final failure, and never overwrites an ok evaluation", function () {
      const failure = { submissionId: 1n, evaluator: EVALUATOR, contentHash: okEvaluation(1).contentHash, error: "refused", final: true };
      store.evaluations.recordFailure(failure);
      expect(store.submissions.get(1n)?.status).to.equal("failed");
      store.evaluations.recordOk(okEvaluation(1));
      expect(store.evaluations.recordFailure(failure)).to.include({ status: "ok" });
      expect(store.submissions.get(1n)?.status).to.equal("evaluated");
    });

    it("refuses an evaluation of other content or of an unknown submission", function () {
      expect(() => store.evaluations.recordOk(okEvaluation(1, { contentHash: keccakText("x") }))).to.throw(StoreConflictError);
      expect(() => store.evaluations.recordOk(okEvaluation(2))).to.throw(StoreNotFoundError);
      expect(store.evaluations.forSubmission(1n)).to.deep.equal([]);
    });

    it("refuses out-of-range scores and non-JSON rationales", function () {
      expect(() => store.evaluations.recordOk(okEvaluation(1, { score: 101 }))).to.throw(StoreError, /score/);
      expect(() => store.evaluations.recordOk(okEvaluation(1, { points: 2 ** 32 }))).to.throw(StoreError, /points/);
      expect(() => store.evaluations.recordOk(okEvaluation(1, { rationaleJson: "not json" }))).to.throw(StoreError, /not JSON/);
      expect(store.submissions.get(1n)?.status).to.equal("pending");
    });
  });

  describe("batches", function () {
    beforeEach(function () {
      seedEvaluated(store, [1, 2, 3]);
    });

    it("stores a batch with its items and marks them batched", function () {
      const batch = store.batches.create(batchOf(0, [1, 2]));
      expect(batch).to.include({ nonce: 0n, state: "built", txHash: null });
      expect(batch.items.map((i) => [i.position, i.submissionId, i.score, i.points])).to.deep.equal([
        [0, 1n, 72, 1500],
        [1, 2n, 72, 1500],
      ]);
      expect(batch.items[1].rationaleJson).to.equal(rationaleJsonOf(2));
      expect(store.submissions.countByStatus()).to.include({ batched: 2, evaluated: 1 });
      expect(store.batches.liveBatchOf(2n)?.id).to.equal(batch.id);
      expect(store.batches.liveForNonce(0n)?.id).to.equal(batch.id);
    });

    it("refuses a second live batch for a nonce, and changes nothing", function () {
      store.batches.create(batchOf(0, [1]));
      expect(() => store.batches.create(batchOf(0, [2]))).to.throw(StoreConflictError, /nonce 0/);
      expect(store.submissions.get(2n)?.status).to.equal("evaluated");
      expect(store.batches.listByState("built")).to.have.length(1);
    });

    it("refuses a submission already in a live batch, and changes nothing", function () {
      store.batches.create(batchOf(0, [1, 2]));
      expect(() => store.batches.create(batchOf(1, [3, 2]))).to.throw(StoreConflictError, /Submission 2/);
      expect(store.submissions.get(3n)?.status).to.equal("evaluated");
      expect(store.batches.liveForNonce(1n)).to.equal(undefined);
    });

    it("refuses a submission twice in one batch", function () {
      expect(() => store.batches.create(batchOf(0, [1, 1]))).to.throw(StoreConflictError);
      expect(store.batches.liveForNonce(0n)).to.equal(undefined);
    });

    it("refuses a rationale root its items do not produce", function () {
      expect(() => store.batches.create(batchOf(0, [1, 2], { rationaleRoot: keccakText("wrong") }))).to.throw(StoreError, /rationale root/);
    });

    it("refuses an unknown submission and rolls back the batch row", function () {
      expect(() => store.batches.create(batchOf(0, [1, 9]))).to.throw(StoreNotFoundError, /Submission 9/);
      expect(store.batches.liveForNonce(0n)).to.equal(undefined);
      expect(store.submissions.get(1n)?.status).to.equal("evaluated");
    });

    it("lets an abandoned batch's nonce and submissions go into a new batch", function () {
      const first = store.batches.create(batchOf(0, [1, 2]));
      store.batches.transition(first.id, "abandoned");
      expect(store.submissions.get(1n)?.status).to.equal("evaluated");
      expect(store.batches.liveBatchOf(1n)).to.equal(undefined);
      const second = store.batches.create(batchOf(0, [2, 1, 3]));
      expect(store.batches.liveForNonce(0n)?.id).to.equal(second.id);
    });

    it("marks submissions scored when the batch lands, once", function () {
      const batch = store.batches.create(batchOf(0, [1, 2]));
      store.batches.transition(batch.id, "signed");
      store.batches.transition(batch.id, "posting");
      const txHash = keccakText("tx");
      store.batches.transition(batch.id, "posted", { txHash });
      expect(store.batches.transition(batch.id, "landed")).to.include({ state: "landed", txHash });
      expect(store.submissions.countByStatus()).to.include({ scored: 2 });
      expect(() => store.batches.transition(batch.id, "abandoned")).to.throw(StoreConflictError, /landed to abandoned/);
      expect(() => store.batches.create(batchOf(1, [1]))).to.throw(StoreConflictError, /scored/);
    });

    it("refuses a transition the state machine does not allow", function () {
      const batch = store.batches.create(batchOf(0, [1]));
      store.batches.transition(batch.id, "posting");
      expect(() => store.batches.transition(batch.id, "built")).to.throw(StoreConflictError, /posting to built/);
      expect(() => store.batches.transition(12345, "signed")).to.throw(StoreNotFoundError);
    });

    it("keeps one signature per signer, until the batch is final", function () {
      const batch = store.batches.create(batchOf(0, [1]));
      const signer = "0x" + "AB".repeat(20);
      store.batches.addSignature(batch.id, { signer, signature: "0x" + "01".repeat(65) });
      const updated = store.batches.addSignature(batch.id, { signer: signer.toLowerCase(), signature: "0x" + "02".repeat(65) });
      expect(updated.signatures).to.deep.equal([{ signer: signer.toLowerCase(), signature: "0x" + "02".repeat(65) }]);
      store.batches.transition(batch.id, "abandoned");
      expect(() => store.batches.addSignature(batch.id, { signer, signature: "0x01" })).to.throw(StoreConflictError);
    });
  });

  describe("transaction", function () {
    it("rolls back every write when the function throws", function () {
      expect(() =>
        store.transaction(() => {
          store.submissions.record(submissionEvent(1));
          store.content.put({ text: textOf(1) }, "upload");
          store.cursor.set({ blockNumber: 11, blockHash: submissionEvent(1).blockHash });
          throw new Error("crash in the middle");
        }),
      ).to.throw("crash in the middle");
      expect(store.submissions.get(1n)).to.equal(undefined);
      expect(store.content.count()).to.equal(0);
      expect(store.cursor.get()).to.equal(undefined);
    });

    it("commits the watcher's events and cursor together", function () {
      store.transaction(() => {
        store.submissions.record(submissionEvent(1));
        store.submissions.record(submissionEvent(2));
        store.cursor.set({ blockNumber: 12, blockHash: submissionEvent(2).blockHash });
      });
      expect(store.submissions.countByStatus().pending).to.equal(2);
      expect(store.cursor.get()?.blockNumber).to.equal(12);
    });

    it("rolls back a nested repository write that fails, with the outer transaction", function () {
      seedEvaluated(store, [1]);
      expect(() =>
        store.transaction(() => {
          store.submissions.record(submissionEvent(2));
          store.batches.create(batchOf(0, [1, 9]));
        }),
      ).to.throw(StoreNotFoundError);
      expect(store.submissions.get(2n)).to.equal(undefined);
      expect(store.submissions.get(1n)?.status).to.equal("evaluated");
    });
  });

  describe("cursor and LLM cache", function () {
    it("replaces the single cursor row", function () {
      store.cursor.set({ blockNumber: 5, blockHash: keccakText("5") });
      clock += 1;
      store.cursor.set({ blockNumber: 4, blockHash: keccakText("4") });
      expect(store.cursor.get()).to.deep.equal({ blockNumber: 4, blockHash: keccakText("4"), updatedAt: clock });
    });

    it("caches results by content and evaluator", function () {
      const hash = contentHash({ text: "cached" });
      expect(store.llmCache.get(hash, EVALUATOR)).to.equal(undefined);
      store.llmCache.put(hash, EVALUATOR, { score: 1 });
      store.llmCache.put(hash, EVALUATOR, { score: 2 });
      expect(store.llmCache.get(hash, EVALUATOR)).to.deep.equal({ score: 2 });
      expect(store.llmCache.get(hash, keccakText("other evaluator"))).to.equal(undefined);
    });
  });
});
