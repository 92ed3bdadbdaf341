import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroHash, concat, recoverAddress, zeroPadValue } from "ethers";
import { EPOCH_BUDGET, EVALUATOR, MIN_OPERATOR_STAKE, deployStandard, domainOf, headerFor, item, nextEpoch, signBatch } from "../helpers/cashkey";
import { asTimelock, contentHash, highSTwin, rawItem, scoringState } from "../helpers/rewardsTesting";
import { type BatchHeader, rewardsDomain, scoreBatchDigest, signScoreBatch } from "../../oracle/src/protocol/eip712";
import { buildRationaleTree } from "../../oracle/src/protocol/rationaleTree";

const OTHER_EVALUATOR = hre.ethers.id("another evaluator");

/** Alice authored submissions 1..3, bob 4..5. */
async function fixture() {
  const deployment = await deployStandard();
  const { rewards, alice, bob } = deployment;
  for (let i = 1; i <= 3; i++) await rewards.connect(alice).submit(contentHash(`alice ${i}`), 1);
  for (let i = 4; i <= 5; i++) await rewards.connect(bob).submit(contentHash(`bob ${i}`), 2);
  const admin = await asTimelock(deployment.timelock);
  return { ...deployment, admin };
}

type Deployment = Awaited<ReturnType<typeof fixture>>;

/** The first `threshold` operators, as `postBatch` signs. */
function quorum(d: Deployment): HardhatEthersSigner[] {
  return d.operatorSigners.slice(0, 3);
}

async function signed(d: Deployment, items: bigint[], overrides: Partial<BatchHeader> = {}, signers = quorum(d)) {
  const header = await headerFor(d.rewards, overrides);
  const signatures = await signBatch(d.rewards, signers, header, items);
  return { header, items, signatures };
}

/** Signers sorted as the contract wants them. */
function ascending(signers: HardhatEthersSigner[]): HardhatEthersSigner[] {
  return [...signers].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}

const ALL_IDS = [1n, 2n, 3n, 4n, 5n];

async function stateOf(d: Deployment) {
  return scoringState(d.rewards, ALL_IDS, [d.alice.address, d.bob.address]);
}

describe("Rewards: postScores", function () {
  describe("when a quorum signed the batch", function () {
    it("emits Scored for each item with id, author, score and points", async function () {
      const d = await loadFixture(fixture);
      const batch = await signed(d, [item(1, 80, 300), item(4, 50, 100)]);
      const tx = d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures);
      await expect(tx).to.emit(d.rewards, "Scored").withArgs(1, d.alice.address, 80, 300);
      await expect(tx).to.emit(d.rewards, "Scored").withArgs(4, d.bob.address, 50, 100);
    });

    it("emits BatchPosted with nonce, evaluator, rationale root and count", async function () {
      const d = await loadFixture(fixture);
      const tree = buildRationaleTree([
        { submissionId: 1n, rationaleJson: '{"score":80}' },
        { submissionId: 4n, rationaleJson: '{"score":50}' },
      ]);
      const batch = await signed(d, [item(1, 80, 300), item(4, 50, 100)], { rationaleRoot: tree.root });
      await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
        .to.emit(d.rewards, "BatchPosted")
        .withArgs(0, EVALUATOR, tree.root, 2);
    });

    it("credits points to each author in the current epoch", async function () {
      const d = await loadFixture(fixture);
      const batch = await signed(d, [item(1, 80, 300), item(2, 10, 20), item(4, 50, 100)]);
      await d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures);

      expect(await d.rewards.pointsOf(d.alice.address)).to.equal(320);
      expect(await d.rewards.pointsOf(d.bob.address)).to.equal(100);
      const alice = await d.rewards.accountOf(d.alice.address);
      expect([alice.lifetimePoints, alice.lastEpoch, alice.lastEpochPoints, alice.settledTokens]).to.deep.equal([320n, 0n, 320n, 0n]);
      const info = await d.rewards.epochInfo(0);
      expect([info.budget, info.totalPoints]).to.deep.equal([EPOCH_BUDGET, 420n]);
    });

    it("adds up an author's points across batches", async function () {
      const d = await loadFixture(fixture);
      const first = await signed(d, [item(1, 80, 300)]);
      await d.rewards.connect(d.relayer).postScores(first.header, first.items, first.signatures);
      const second = await signed(d, [item(2, 90, 250)]);
      await d.rewards.connect(d.relayer).postScores(second.header, second.items, second.signatures);
      expect(await d.rewards.pointsOf(d.alice.address)).to.equal(550);
      expect((await d.rewards.epochInfo(0)).totalPoints).to.equal(550);
    });

    it("marks exactly the batch's submissions as scored", async function () {
      const d = await loadFixture(fixture);
      const batch = await signed(d, [item(1, 80, 300), item(4, 50, 100)]);
      await d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures);
      expect(await Promise.all(ALL_IDS.map((id) => d.rewards.isScored(id)))).to.deep.equal([true, false, false, true, false]);
    });

    it("increments nextBatchNonce", async function () {
      const d = await loadFixture(fixture);
      const first = await signed(d, [item(1, 80, 300)]);
      await d.rewards.connect(d.relayer).postScores(first.header, first.items, first.signatures);
      expect(await d.rewards.nextBatchNonce()).to.equal(1);
      const second = await signed(d, [item(2, 80, 300)]);
      expect(second.header.nonce).to.equal(1n);
      await expect(d.rewards.connect(d.relayer).postScores(second.header, second.items, second.signatures))
        .to.emit(d.rewards, "BatchPosted")
        .withArgs(1, EVALUATOR, ZeroHash, 1);
      expect(await d.rewards.nextBatchNonce()).to.equal(2);
    });

    it("accepts a deadline equal to the block timestamp", async function () {
      const d = await loadFixture(fixture);
      const deadline = BigInt((await time.latest()) + 100);
      const batch = await signed(d, [item(1, 80, 300)], { deadline });
      await time.setNextBlockTimestamp(deadline);
      await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
        .to.emit(d.rewards, "BatchPosted")
        .withArgs(0, EVALUATOR, ZeroHash, 1);
    });

    it("accepts a score of 100 and points equal to the maximum", async function () {
      const d = await loadFixture(fixture);
      const batch = await signed(d, [item(1, 100, 1000)]);
      await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
        .to.emit(d.rewards, "Scored")
        .withArgs(1, d.alice.address, 100, 1000);
    });

    it("accepts items in any id order", async function () {
      const d = await loadFixture(fixture);
      const batch = await signed(d, [item(5, 1, 5), item(1, 2, 1), item(3, 3, 3)]);
      await d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures);
      expect(await Promise.all(ALL_IDS.map((id) => d.rewards.isScored(id)))).to.deep.equal([true, false, true, false, true]);
      expect(await d.rewards.pointsOf(d.alice.address)).to.equal(4);
      expect(await d.rewards.pointsOf(d.bob.address)).to.equal(5);
    });

    describe("the epoch budget snapshot", function () {
      it("emits EpochBudgetSnapshotted(epoch, budget) on the epoch's first credit", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.emit(d.rewards, "EpochBudgetSnapshotted")
          .withArgs(0, EPOCH_BUDGET);
      });

      it("does not emit it again for a later credit in the same epoch", async function () {
        const d = await loadFixture(fixture);
        const first = await signed(d, [item(1, 80, 300)]);
        await d.rewards.connect(d.relayer).postScores(first.header, first.items, first.signatures);
        const second = await signed(d, [item(4, 50, 100)]);
        await expect(d.rewards.connect(d.relayer).postScores(second.header, second.items, second.signatures)).not.to.emit(d.rewards, "EpochBudgetSnapshotted");
      });

      it("emits it again on the first credit of the next epoch", async function () {
        const d = await loadFixture(fixture);
        const first = await signed(d, [item(1, 80, 300)]);
        await d.rewards.connect(d.relayer).postScores(first.header, first.items, first.signatures);
        await nextEpoch(d.rewards);
        const second = await signed(d, [item(4, 50, 100)]);
        await expect(d.rewards.connect(d.relayer).postScores(second.header, second.items, second.signatures))
          .to.emit(d.rewards, "EpochBudgetSnapshotted")
          .withArgs(1, EPOCH_BUDGET);
      });
    });

    describe("with zero-point items", function () {
      it("marks them scored and emits Scored with 0 points", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 0, 0), item(4, 35, 0)]);
        const tx = d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures);
        await expect(tx).to.emit(d.rewards, "Scored").withArgs(1, d.alice.address, 0, 0);
        await expect(tx).to.emit(d.rewards, "Scored").withArgs(4, d.bob.address, 35, 0);
        expect(await d.rewards.isScored(1)).to.equal(true);
        expect(await d.rewards.isScored(4)).to.equal(true);
      });

      it("credits no points and snapshots no budget", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 0, 0), item(4, 35, 0)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures)).not.to.emit(d.rewards, "EpochBudgetSnapshotted");
        expect(await d.rewards.pointsOf(d.alice.address)).to.equal(0);
        expect(await d.rewards.pointsOf(d.bob.address)).to.equal(0);
        const account = await d.rewards.accountOf(d.alice.address);
        expect([account.lifetimePoints, account.lastEpochPoints, account.settledTokens]).to.deep.equal([0n, 0n, 0n]);
        expect((await d.rewards.epochInfo(0)).totalPoints).to.equal(0);
        expect(await d.rewards.nextBatchNonce()).to.equal(1);
      });

      it("credits only the items with points in a mixed batch", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 0, 0), item(4, 60, 40)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.emit(d.rewards, "EpochBudgetSnapshotted")
          .withArgs(0, EPOCH_BUDGET);
        expect(await d.rewards.pointsOf(d.alice.address)).to.equal(0);
        expect(await d.rewards.pointsOf(d.bob.address)).to.equal(40);
        expect((await d.rewards.epochInfo(0)).totalPoints).to.equal(40);
      });
    });

    it("accepts signatures beyond the threshold", async function () {
      const d = await loadFixture(fixture);
      const batch = await signed(d, [item(1, 80, 300)], {}, d.operatorSigners);
      expect(batch.signatures).to.have.length(5);
      await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
        .to.emit(d.rewards, "BatchPosted")
        .withArgs(0, EVALUATOR, ZeroHash, 1);
    });

    it("accepts any threshold-sized subset of the operators", async function () {
      const d = await loadFixture(fixture);
      const [, op2, , op4, op5] = d.operatorSigners;
      const batch = await signed(d, [item(1, 80, 300)], {}, [op5, op2, op4]);
      await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
        .to.emit(d.rewards, "BatchPosted")
        .withArgs(0, EVALUATOR, ZeroHash, 1);
    });

    it("may be relayed by anyone: a non-operator sends the transaction", async function () {
      const d = await loadFixture(fixture);
      expect(await d.rewards.isOperator(d.relayer.address)).to.equal(false);
      const batch = await signed(d, [item(1, 80, 300)]);
      const tx = await d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures);
      expect(tx.from).to.equal(d.relayer.address);
      await expect(tx).to.emit(d.rewards, "BatchPosted").withArgs(0, EVALUATOR, ZeroHash, 1);
      expect(await d.rewards.pointsOf(d.alice.address)).to.equal(300);
      expect(await d.rewards.pointsOf(d.relayer.address)).to.equal(0);
    });

    it("credits submissions on both sides of a scored-bitmap word boundary", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.admin).setQuota(300, []);
      for (let i = 6; i <= 257; i++) await d.rewards.connect(d.carol).submit(contentHash(`carol ${i}`), 1);
      const ids = [255n, 256n, 254n, 257n];
      const batch = await signed(
        d,
        ids.map((id) => item(id, 50, 1)),
      );
      await d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures);
      for (const id of [254n, 255n, 256n, 257n]) expect(await d.rewards.isScored(id)).to.equal(true);
      for (const id of [253n, 1n]) expect(await d.rewards.isScored(id)).to.equal(false);
      expect(await d.rewards.pointsOf(d.carol.address)).to.equal(4);

      const again = await signed(d, [item(253, 50, 1), item(256, 50, 1)]);
      await expect(d.rewards.connect(d.relayer).postScores(again.header, again.items, again.signatures))
        .to.be.revertedWithCustomError(d.rewards, "RewardsAlreadyScored")
        .withArgs(256);
      const repeat = await signed(d, [item(255, 50, 1), item(256, 50, 1), item(255, 50, 1)]);
      await expect(d.rewards.connect(d.relayer).postScores(repeat.header, repeat.items, repeat.signatures))
        .to.be.revertedWithCustomError(d.rewards, "RewardsAlreadyScored")
        .withArgs(255);
    });
  });

  describe("batchDigest", function () {
    it("equals scoreBatchDigest from the protocol module", async function () {
      const d = await loadFixture(fixture);
      const items = [item(1, 80, 300), item(4, 50, 100)];
      const header = await headerFor(d.rewards, { nonce: 7n, rationaleRoot: hre.ethers.id("root") });
      expect(await d.rewards.batchDigest(header, items)).to.equal(scoreBatchDigest(await domainOf(d.rewards), header, items));
    });

    it("is what each operator's signature recovers from", async function () {
      const d = await loadFixture(fixture);
      const items = [item(2, 10, 20)];
      const header = await headerFor(d.rewards);
      const digest = await d.rewards.batchDigest(header, items);
      const [op1] = d.operatorSigners;
      const signature = await signScoreBatch(op1, await domainOf(d.rewards), header, items);
      expect(recoverAddress(digest, signature)).to.equal(op1.address);
    });
  });

  describe("attacks and how they fail", function () {
    describe("a replayed batch: the same signed batch posted twice", function () {
      it("reverts with RewardsInvalidNonce(1, 0) and credits nothing twice", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        await d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidNonce")
          .withArgs(1, 0);
        expect(await stateOf(d)).to.deep.equal(before);
        expect(await d.rewards.pointsOf(d.alice.address)).to.equal(300);
      });
    });

    describe("a skipped nonce", function () {
      it("reverts with RewardsInvalidNonce(expected, given)", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)], { nonce: 1n });
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidNonce")
          .withArgs(0, 1);
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("a reused nonce on a freshly signed batch", function () {
      it("reverts with RewardsInvalidNonce(expected, given)", async function () {
        const d = await loadFixture(fixture);
        const first = await signed(d, [item(1, 80, 300)]);
        await d.rewards.connect(d.relayer).postScores(first.header, first.items, first.signatures);
        const reused = await signed(d, [item(4, 50, 100)], { nonce: 0n });
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(reused.header, reused.items, reused.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidNonce")
          .withArgs(1, 0);
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("a repeated signer", function () {
      it("reverts with RewardsDuplicateSigner", async function () {
        const d = await loadFixture(fixture);
        const [first, second] = ascending(quorum(d));
        const header = await headerFor(d.rewards);
        const items = [item(1, 80, 300)];
        const domain = await domainOf(d.rewards);
        const a = await signScoreBatch(first, domain, header, items);
        const b = await signScoreBatch(second, domain, header, items);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(header, items, [a, a, b]))
          .to.be.revertedWithCustomError(d.rewards, "RewardsDuplicateSigner")
          .withArgs(first.address);
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("signers out of order", function () {
      it("reverts with RewardsSignersOutOfOrder(previous, signer)", async function () {
        const d = await loadFixture(fixture);
        const sorted = ascending(quorum(d));
        const batch = await signed(d, [item(1, 80, 300)]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, [...batch.signatures].reverse()))
          .to.be.revertedWithCustomError(d.rewards, "RewardsSignersOutOfOrder")
          .withArgs(sorted[2].address, sorted[1].address);
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("a non-operator signer", function () {
      it("reverts with RewardsUnknownSigner", async function () {
        const d = await loadFixture(fixture);
        const [op1, op2] = d.operatorSigners;
        const batch = await signed(d, [item(1, 80, 300)], {}, [op1, op2, d.outsider]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSigner")
          .withArgs(d.outsider.address);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts even when a quorum of operators signed too", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)], {}, [...quorum(d), d.outsider]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSigner")
          .withArgs(d.outsider.address);
      });

      it("reverts for an operator that governance removed", async function () {
        const d = await loadFixture(fixture);
        const [op1] = d.operatorSigners;
        await d.rewards.connect(d.admin).removeOperator(op1.address);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSigner")
          .withArgs(op1.address);
      });
    });

    describe("an operator below the minimum stake", function () {
      it("reverts with RewardsOperatorStakeTooLow(signer, stake, minimum) after a partial unstake", async function () {
        const d = await loadFixture(fixture);
        const [op1] = d.operatorSigners;
        await d.token.connect(op1).requestUnstake(1n);
        const batch = await signed(d, [item(1, 80, 300)]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsOperatorStakeTooLow")
          .withArgs(op1.address, MIN_OPERATOR_STAKE - 1n, MIN_OPERATOR_STAKE);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts with RewardsOperatorStakeTooLow after a full unstake", async function () {
        const d = await loadFixture(fixture);
        const [, op2] = d.operatorSigners;
        await d.token.connect(op2).requestUnstake(MIN_OPERATOR_STAKE);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsOperatorStakeTooLow")
          .withArgs(op2.address, 0, MIN_OPERATOR_STAKE);
      });

      it("counts again once governance sets the minimum to zero", async function () {
        const d = await loadFixture(fixture);
        const [op1] = d.operatorSigners;
        await d.token.connect(op1).requestUnstake(MIN_OPERATOR_STAKE);
        await d.rewards.connect(d.admin).setMinOperatorStake(0);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.emit(d.rewards, "BatchPosted")
          .withArgs(0, EVALUATOR, ZeroHash, 1);
      });
    });

    describe("fewer signatures than the threshold", function () {
      it("reverts with RewardsInsufficientSignatures(given, threshold)", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)], {}, d.operatorSigners.slice(0, 2));
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInsufficientSignatures")
          .withArgs(2, 3);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts with RewardsInsufficientSignatures(0, threshold) with no signatures", async function () {
        const d = await loadFixture(fixture);
        const header = await headerFor(d.rewards);
        await expect(d.rewards.connect(d.relayer).postScores(header, [item(1, 80, 300)], []))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInsufficientSignatures")
          .withArgs(0, 3);
      });
    });

    // A signature binds the EIP-712 domain. Signed for another chain or another contract, each signature
    // still recovers, but to an unrelated address derived from the wrong digest. The first signature is
    // checked first and any recovered address is above address(0), so the order check passes and the
    // operator check fails: RewardsUnknownSigner with exactly the address the contract recovered.
    describe("a batch signed for another chain id", function () {
      it("reverts with RewardsUnknownSigner for the address the wrong digest recovers to", async function () {
        const d = await loadFixture(fixture);
        const header = await headerFor(d.rewards);
        const items = [item(1, 80, 300)];
        const foreign = rewardsDomain(1n, await d.rewards.getAddress());
        const signatures = await signAll(quorum(d), foreign, header, items);
        const recovered = recoverAddress(await d.rewards.batchDigest(header, items), signatures[0]);
        expect(await d.rewards.isOperator(recovered)).to.equal(false);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSigner")
          .withArgs(recovered);
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("a batch signed for another verifying contract", function () {
      it("reverts with RewardsUnknownSigner for the address the wrong digest recovers to", async function () {
        const d = await loadFixture(fixture);
        const header = await headerFor(d.rewards);
        const items = [item(1, 80, 300)];
        const { chainId } = await hre.ethers.provider.getNetwork();
        const foreign = rewardsDomain(chainId, await d.token.getAddress());
        const signatures = await signAll(quorum(d), foreign, header, items);
        const recovered = recoverAddress(await d.rewards.batchDigest(header, items), signatures[0]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSigner")
          .withArgs(recovered);
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("an expired deadline", function () {
      it("reverts with RewardsBatchExpired(deadline, timestamp)", async function () {
        const d = await loadFixture(fixture);
        const deadline = BigInt((await time.latest()) + 100);
        const batch = await signed(d, [item(1, 80, 300)], { deadline });
        const before = await stateOf(d);
        await time.setNextBlockTimestamp(deadline + 1n);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsBatchExpired")
          .withArgs(deadline, deadline + 1n);
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("items changed after signing", function () {
      async function expectRefused(d: Deployment, header: BatchHeader, posted: bigint[], signatures: string[]) {
        const recovered = recoverAddress(await d.rewards.batchDigest(header, posted), signatures[0]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(header, posted, signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSigner")
          .withArgs(recovered);
        expect(await stateOf(d)).to.deep.equal(before);
      }

      it("reverts when points are raised, and credits nothing", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300), item(4, 50, 100)]);
        await expectRefused(d, batch.header, [item(1, 80, 1000), item(4, 50, 100)], batch.signatures);
      });

      it("reverts when an item is redirected to another submission", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expectRefused(d, batch.header, [item(4, 80, 300)], batch.signatures);
      });

      it("reverts when an item is added", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expectRefused(d, batch.header, [item(1, 80, 300), item(4, 50, 100)], batch.signatures);
      });

      it("reverts when an item is dropped", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300), item(4, 50, 100)]);
        await expectRefused(d, batch.header, [item(1, 80, 300)], batch.signatures);
      });

      it("reverts when items are reordered", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300), item(4, 50, 100)]);
        await expectRefused(d, batch.header, [item(4, 50, 100), item(1, 80, 300)], batch.signatures);
      });

      it("reverts when the header's rationale root is swapped", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expectRefused(d, { ...batch.header, rationaleRoot: hre.ethers.id("forged") }, batch.items, batch.signatures);
      });

      it("reverts when the header's deadline is extended", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expectRefused(d, { ...batch.header, deadline: batch.header.deadline + 1n }, batch.items, batch.signatures);
      });

      it("reverts when the header names another approved evaluator", async function () {
        const d = await loadFixture(fixture);
        await d.rewards.connect(d.admin).setEvaluator(OTHER_EVALUATOR, true);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expectRefused(d, { ...batch.header, evaluator: OTHER_EVALUATOR }, batch.items, batch.signatures);
      });
    });

    describe("an unknown submission", function () {
      it("reverts with RewardsUnknownSubmission(0) for id 0", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300), rawItem(0n, 50n, 10n)]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSubmission")
          .withArgs(0);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts with RewardsUnknownSubmission(id) for an id above submissionCount", async function () {
        const d = await loadFixture(fixture);
        const next = (await d.rewards.submissionCount()) + 1n;
        const batch = await signed(d, [item(next, 50, 10)]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSubmission")
          .withArgs(next);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts with RewardsUnknownSubmission for the largest id", async function () {
        const d = await loadFixture(fixture);
        const largest = (1n << 64n) - 1n;
        const batch = await signed(d, [item(largest, 50, 10)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSubmission")
          .withArgs(largest);
      });
    });

    describe("an already scored submission", function () {
      it("reverts with RewardsAlreadyScored in a later batch", async function () {
        const d = await loadFixture(fixture);
        const first = await signed(d, [item(1, 80, 300)]);
        await d.rewards.connect(d.relayer).postScores(first.header, first.items, first.signatures);
        const second = await signed(d, [item(2, 70, 200), item(1, 90, 900)]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(second.header, second.items, second.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsAlreadyScored")
          .withArgs(1);
        expect(await stateOf(d)).to.deep.equal(before);
        expect(await d.rewards.isScored(2)).to.equal(false);
      });

      it("reverts with RewardsAlreadyScored for a zero-point submission scored again", async function () {
        const d = await loadFixture(fixture);
        const first = await signed(d, [item(1, 0, 0)]);
        await d.rewards.connect(d.relayer).postScores(first.header, first.items, first.signatures);
        const second = await signed(d, [item(1, 90, 900)]);
        await expect(d.rewards.connect(d.relayer).postScores(second.header, second.items, second.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsAlreadyScored")
          .withArgs(1);
        expect(await d.rewards.pointsOf(d.alice.address)).to.equal(0);
      });
    });

    describe("a submission scored twice inside one batch", function () {
      it("reverts with RewardsAlreadyScored and credits nothing", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300), item(2, 80, 300), item(1, 80, 300)]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsAlreadyScored")
          .withArgs(1);
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("a score over 100", function () {
      it("reverts with RewardsScoreOutOfRange(id, score)", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300), rawItem(2n, 101n, 10n)]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsScoreOutOfRange")
          .withArgs(2, 101);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts with RewardsScoreOutOfRange for the largest uint8 score", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [rawItem(3n, 255n, 10n)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsScoreOutOfRange")
          .withArgs(3, 255);
      });
    });

    describe("points over the maximum", function () {
      it("reverts with RewardsPointsAboveMaximum(id, points, maximum)", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300), item(4, 80, 1001)]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsPointsAboveMaximum")
          .withArgs(4, 1001, 1000);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts for the largest uint32 points", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 0xffffffff)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsPointsAboveMaximum")
          .withArgs(1, 0xffffffff, 1000);
      });
    });

    describe("a malformed item with high bits set", function () {
      it("reverts with RewardsMalformedItem(index, item) for bit 104", async function () {
        const d = await loadFixture(fixture);
        const malformed = item(2, 80, 300) | (1n << 104n);
        const batch = await signed(d, [item(1, 80, 300), malformed]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsMalformedItem")
          .withArgs(1, malformed);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts with RewardsMalformedItem for bit 255", async function () {
        const d = await loadFixture(fixture);
        const malformed = item(1, 80, 300) | (1n << 255n);
        const batch = await signed(d, [malformed]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsMalformedItem")
          .withArgs(0, malformed);
      });
    });

    describe("an unapproved evaluator", function () {
      it("reverts with RewardsUnapprovedEvaluator(evaluator)", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)], { evaluator: OTHER_EVALUATOR });
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnapprovedEvaluator")
          .withArgs(OTHER_EVALUATOR);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts for an evaluator that governance revoked", async function () {
        const d = await loadFixture(fixture);
        await d.rewards.connect(d.admin).setEvaluator(EVALUATOR, false);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsUnapprovedEvaluator")
          .withArgs(EVALUATOR);
      });
    });

    describe("an empty batch", function () {
      it("reverts with RewardsEmptyBatch and keeps the nonce", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, []);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsEmptyBatch")
          .withArgs();
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("a malleable high-s signature", function () {
      it("reverts with RewardsInvalidSignature(index) although the twin recovers the same operator", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        const twin = highSTwin(batch.signatures[1]);
        expect(twin).to.not.equal(batch.signatures[1]);
        expect(await ecrecover(await d.rewards.batchDigest(batch.header, batch.items), twin)).to.equal(
          recoverAddress(await d.rewards.batchDigest(batch.header, batch.items), batch.signatures[1]),
        );
        const signatures = [batch.signatures[0], twin, batch.signatures[2]];
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, signatures))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
          .withArgs(1);
        expect(await stateOf(d)).to.deep.equal(before);
      });
    });

    describe("a garbage 65-byte signature", function () {
      it("reverts with RewardsInvalidSignature(index) for zero r and s", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        const garbage = concat([ZeroHash, ZeroHash, "0x1b"]);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, [...batch.signatures.slice(0, 2), garbage]))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
          .withArgs(2);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts with RewardsInvalidSignature(index) for an invalid v", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        const badV = concat([hre.ethers.dataSlice(batch.signatures[0], 0, 64), "0x05"]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, [badV, ...batch.signatures.slice(1)]))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
          .withArgs(0);
      });
    });

    describe("a too-short signature", function () {
      it("reverts with RewardsInvalidSignature(index) for fewer than 20 bytes", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        const short = hre.ethers.dataSlice(batch.signatures[1], 0, 19);
        const before = await stateOf(d);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, [batch.signatures[0], short, batch.signatures[2]]))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
          .withArgs(1);
        expect(await stateOf(d)).to.deep.equal(before);
      });

      it("reverts with RewardsInvalidSignature(index) for an empty signature", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, ["0x", ...batch.signatures.slice(1)]))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
          .withArgs(0);
      });

      // 64 bytes is not ECDSA here: it reads as an ERC-1271 signature of the address in its first
      // 20 bytes, which is no contract, so it cannot verify.
      it("reverts with RewardsInvalidSignature(index) for a 64-byte (compact) signature", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        const compact = hre.ethers.Signature.from(batch.signatures[2]).compactSerialized;
        expect(hre.ethers.dataLength(compact)).to.equal(64);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, [...batch.signatures.slice(0, 2), compact]))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
          .withArgs(2);
      });
    });

    describe("an ERC-1271-shaped signature that names an EOA operator", function () {
      it("reverts with RewardsInvalidSignature(index): an EOA cannot approve by ERC-1271", async function () {
        const d = await loadFixture(fixture);
        const batch = await signed(d, [item(1, 80, 300)]);
        const [first] = ascending(quorum(d));
        const forged = concat([first.address, "0x1626ba7e"]);
        await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, [forged, ...batch.signatures.slice(1)]))
          .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
          .withArgs(0);
      });
    });
  });

  describe("when paused", function () {
    it("reverts with EnforcedPause and credits nothing", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.guardian).pause();
      const batch = await signed(d, [item(1, 80, 300)]);
      const before = await stateOf(d);
      await expect(d.rewards.connect(d.relayer).postScores(batch.header, batch.items, batch.signatures))
        .to.be.revertedWithCustomError(d.rewards, "EnforcedPause")
        .withArgs();
      expect(await stateOf(d)).to.deep.equal(before);
    });
  });
});

async function signAll(signers: HardhatEthersSigner[], domain: ReturnType<typeof rewardsDomain>, header: BatchHeader, items: bigint[]): Promise<string[]> {
  const sorted = ascending(signers);
  return Promise.all(sorted.map((s) => signScoreBatch(s, domain, header, items)));
}

/** The ecrecover precompile itself, which (unlike OpenZeppelin's ECDSA) accepts a high s. */
async function ecrecover(digest: string, signature: string): Promise<string> {
  const { dataSlice } = hre.ethers;
  const v = zeroPadValue(dataSlice(signature, 64, 65), 32);
  const input = concat([digest, v, dataSlice(signature, 0, 32), dataSlice(signature, 32, 64)]);
  const output = await hre.ethers.provider.call({ to: "0x0000000000000000000000000000000000000001", data: input });
  return hre.ethers.getAddress(dataSlice(output, 12, 32));
}
