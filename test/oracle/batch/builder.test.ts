import hre from "hardhat";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress } from "ethers";
import {
  type BatchContext,
  type BatchPolicy,
  type EvaluatedSubmission,
  BatchBuildError,
  buildBatch,
  closeBatch,
  nextCloseByAgeMs,
  selectBatch,
} from "../../../oracle/src/batch/builder";
import { BatchSigner } from "../../../oracle/src/batch/signer";
import { itemsHash, scoreBatchDigest } from "../../../oracle/src/protocol/eip712";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { unpackScoreItem } from "../../../oracle/src/protocol/scoreItem";
import { EVALUATOR, chainNowMs, oracleFixture, submit } from "../chain/oracleFixture";

const POLICY: BatchPolicy = { maxItems: 3, maxAgeMs: 60_000, deadlineSeconds: 600 };
const T0 = 1_700_000_000_000;

function entry(id: number, queuedAtMs: number, overrides: Partial<EvaluatedSubmission> = {}): EvaluatedSubmission {
  return {
    submissionId: BigInt(id),
    score: (id * 7) % 101,
    points: id * 3,
    rationaleJson: JSON.stringify({ id, summary: `rationale ${id}` }),
    queuedAtMs,
    ...overrides,
  };
}

const CONTEXT: BatchContext = {
  chainId: 31337n,
  rewardsAddress: getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"),
  nonce: 4n,
  evaluator: EVALUATOR,
  nowMs: T0 + 90_000,
  deadlineSeconds: 600,
};

describe("batch builder", function () {
  describe("selectBatch", function () {
    it("closes by size with the maxItems oldest submissions", function () {
      const queue = [entry(5, T0 + 4), entry(2, T0 + 1), entry(9, T0 + 3), entry(1, T0 + 2), entry(7, T0 + 5)];

      const selection = selectBatch(queue, POLICY, T0 + 10);

      expect(selection?.reason).to.equal("size");
      expect(selection?.entries.map((e) => e.submissionId)).to.deep.equal([2n, 1n, 9n]);
    });

    it("keeps a young queue below maxItems open", function () {
      const queue = [entry(1, T0), entry(2, T0 + 5)];

      expect(selectBatch(queue, POLICY, T0 + POLICY.maxAgeMs - 1)).to.equal(undefined);
      expect(selectBatch([], POLICY, T0 + 10 * POLICY.maxAgeMs)).to.equal(undefined);
    });

    it("closes by age once the oldest submission has waited maxAgeMs, taking all of them", function () {
      const queue = [entry(2, T0 + 5), entry(1, T0)];

      const selection = selectBatch(queue, POLICY, T0 + POLICY.maxAgeMs);

      expect(selection?.reason).to.equal("age");
      expect(selection?.entries.map((e) => e.submissionId)).to.deep.equal([1n, 2n]);
      expect(nextCloseByAgeMs(queue, POLICY)).to.equal(T0 + POLICY.maxAgeMs);
    });

    it("refuses a submission queued twice", function () {
      expect(() => selectBatch([entry(1, T0), entry(1, T0 + 1)], POLICY, T0)).to.throw(BatchBuildError, "queued twice");
    });
  });

  describe("buildBatch", function () {
    it("packs items ascending by id with each submission's score and points", function () {
      const entries = [entry(9, T0), entry(3, T0 + 1), entry(6, T0 + 2)];

      const batch = buildBatch(entries, CONTEXT);

      expect(batch.items.map(unpackScoreItem)).to.deep.equal([3, 6, 9].map((id) => ({ submissionId: BigInt(id), score: (id * 7) % 101, points: id * 3 })));
      expect(batch.entries.map((e) => e.submissionId)).to.deep.equal([3n, 6n, 9n]);
      expect(batch.itemsHash).to.equal(itemsHash(batch.items));
    });

    it("derives the header from the context: nonce, evaluator, rationale root, deadline = now + deadlineSeconds", function () {
      const batch = buildBatch([entry(1, T0), entry(2, T0)], CONTEXT);

      expect(batch.header).to.deep.equal({
        nonce: CONTEXT.nonce,
        evaluator: EVALUATOR,
        rationaleRoot: batch.rationaleTree.root,
        deadline: BigInt(Math.floor(CONTEXT.nowMs / 1000) + CONTEXT.deadlineSeconds),
      });
      expect(batch.digest).to.equal(scoreBatchDigest(batch.domain, batch.header, batch.items));
    });

    it("is deterministic: the same submissions in any order make the same batch, and the input is left alone", function () {
      const entries = [entry(4, T0 + 2), entry(1, T0), entry(8, T0 + 1)];
      const copy = structuredClone(entries);

      const a = buildBatch(entries, CONTEXT);
      const b = buildBatch([...entries].reverse(), CONTEXT);

      expect(entries).to.deep.equal(copy);
      for (const key of ["header", "items", "entries", "itemsHash", "digest", "rationaleProofs"] as const) {
        expect(b[key]).to.deep.equal(a[key]);
      }
      expect(b.rationaleTree).to.deep.equal(a.rationaleTree);
      expect(buildBatch(entries, { ...CONTEXT, nonce: 5n }).digest).to.not.equal(a.digest);
    });

    it("gives a rationale proof per submission that verifies against the root, and only for its own rationale", function () {
      const entries = [entry(11, T0), entry(12, T0), entry(13, T0), entry(14, T0)];

      const batch = buildBatch(entries, CONTEXT);

      expect(batch.rationaleProofs.map((p) => p.submissionId)).to.deep.equal([11n, 12n, 13n, 14n]);
      for (const [i, { submissionId, proof }] of batch.rationaleProofs.entries()) {
        const { rationaleJson } = batch.entries[i];
        expect(verifyRationale(batch.header.rationaleRoot, { submissionId, rationaleJson }, proof)).to.equal(true);
        expect(verifyRationale(batch.header.rationaleRoot, { submissionId, rationaleJson: `${rationaleJson} ` }, proof)).to.equal(false);
        expect(verifyRationale(batch.header.rationaleRoot, { submissionId: submissionId + 100n, rationaleJson }, proof)).to.equal(false);
      }
    });

    it("refuses what the contract would refuse", function () {
      expect(() => buildBatch([], CONTEXT)).to.throw(BatchBuildError, "at least one");
      expect(() => buildBatch([entry(1, T0), entry(1, T0)], CONTEXT)).to.throw(BatchBuildError, "queued twice");
      expect(() => buildBatch([entry(1, T0, { score: 101 })], CONTEXT)).to.throw(BatchBuildError, "cannot be packed");
      expect(() => buildBatch([entry(1, T0, { points: 1001 })], { ...CONTEXT, maxPointsPerSubmission: 1000 })).to.throw(BatchBuildError, "above the maximum 1000");
    });
  });

  describe("closeBatch", function () {
    it("selects and builds in one step, with the reason", function () {
      const queue = [entry(1, T0), entry(2, T0 + 1)];
      const { deadlineSeconds: _, ...context } = CONTEXT;

      expect(closeBatch(queue, POLICY, { ...context, nowMs: T0 + 1 })).to.equal(undefined);
      const closed = closeBatch(queue, POLICY, { ...context, nowMs: T0 + POLICY.maxAgeMs });

      expect(closed?.reason).to.equal("age");
      expect(closed?.header.deadline).to.equal(BigInt(Math.floor((T0 + POLICY.maxAgeMs) / 1000) + POLICY.deadlineSeconds));
      expect(closed?.items).to.have.length(2);
    });
  });

  describe("against the contract", function () {
    it("builds a batch Rewards accepts, with the digest Rewards computes", async function () {
      const { rewards, alice, bob, operator } = await loadFixture(oracleFixture);
      const ids = [...(await submit(rewards, alice, 3)), ...(await submit(rewards, bob, 2))];
      const nowMs = await chainNowMs();
      const queue = ids.map((id, i) => entry(Number(id), nowMs - 1_000 + i));
      const { chainId } = await hre.ethers.provider.getNetwork();

      const batch = closeBatch(
        queue,
        { maxItems: 5, maxAgeMs: 60_000, deadlineSeconds: 600 },
        {
          chainId,
          rewardsAddress: await rewards.getAddress(),
          nonce: await rewards.nextBatchNonce(),
          evaluator: EVALUATOR,
          nowMs,
          maxPointsPerSubmission: Number(await rewards.maxPointsPerSubmission()),
        },
      )!;
      expect(batch.reason).to.equal("size");
      expect(await rewards.batchDigest(batch.header, batch.items)).to.equal(batch.digest);

      const { signature } = await new BatchSigner(operator).sign(batch);
      const tx = rewards.postScores(batch.header, batch.items, [signature]);

      await expect(tx).to.emit(rewards, "BatchPosted").withArgs(0n, EVALUATOR, batch.header.rationaleRoot, 5n);
      for (const e of batch.entries) {
        const author = e.submissionId <= ids[2] ? alice.address : bob.address;
        await expect(tx).to.emit(rewards, "Scored").withArgs(e.submissionId, author, e.score, e.points);
      }
      expect(await rewards.nextBatchNonce()).to.equal(1n);
      expect(await rewards.pointsOf(alice.address)).to.equal(BigInt(batch.entries.slice(0, 3).reduce((sum, e) => sum + e.points, 0)));
    });
  });
});
