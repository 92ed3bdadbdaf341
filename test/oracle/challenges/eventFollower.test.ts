import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import pino from "pino";
import { Challenges__factory, Rewards__factory } from "../../../oracle/src/bindings";
import { rewardsChallengeChain } from "../../../oracle/src/challenges/chainFacts";
import { ChallengeEventFollower } from "../../../oracle/src/challenges/eventFollower";
import { openStore } from "../../../oracle/src/store";
import { DAY, EVALUATOR, deployStandard, item, postBatch, submitMany } from "../../helpers/cashkey";
import { impersonate } from "../../helpers/impersonate";
import { REASON_HASH, Reason, postVerdict } from "../../helpers/challenges";

const ANSWER_HASH = keccak256(toUtf8Bytes("every figure has its source"));

async function fixture() {
  const deployBlock = await hre.ethers.provider.getBlockNumber();
  const d = await deployStandard();
  const [id1, id2] = await submitMany(d.rewards, d.alice, 2);
  const batchTx = (await postBatch(d, [item(id1, 80, 100), item(id2, 70, 50)])).hash;
  const epoch = Number(await d.rewards.currentEpoch());
  await d.token.connect(d.bob).approve(await d.challenges.getAddress(), MaxUint256);
  return { ...d, id1, id2, epoch, deployBlock, batchTx };
}

function follower(f: Awaited<ReturnType<typeof fixture>>, store: ReturnType<typeof openStore>, confirmations = 1, onResolved?: (ids: bigint[]) => void) {
  return new ChallengeEventFollower({
    onResolved,
    store,
    challenges: Challenges__factory.connect(f.challenges.target as string, hre.ethers.provider),
    provider: hre.ethers.provider,
    startBlock: f.deployBlock,
    confirmations,
    maxRange: 7,
    logger: pino({ level: "silent" }),
  });
}

describe("challenge event follower", function () {
  it("records an opened challenge, its answer, verdict and outcome, each once, across restarts", async function () {
    const f = await loadFixture(fixture);
    const store = openStore(":memory:");
    try {
      await (await f.challenges.connect(f.bob).open(f.id1, f.epoch, 100, Reason.Decoration, 0, REASON_HASH)).wait();
      const first = await follower(f, store).sync();
      expect(first.opened).to.deep.equal([1n]);
      const opened = store.challenges.get(1n)!;
      expect(opened).to.include({ submissionId: f.id1, epoch: f.epoch, points: 100, reason: Reason.Decoration, status: "open", answerHash: null });
      expect(opened.challenger).to.equal(f.bob.address.toLowerCase());
      expect(opened.author).to.equal(f.alice.address.toLowerCase());
      expect(opened.reasonHash).to.equal(REASON_HASH);
      expect(opened.bond).to.equal((await f.challenges.params()).bond);
      expect(store.challenges.awaitingVerdict().map((c) => c.id)).to.deep.equal([1n]);

      await (await f.challenges.connect(f.alice).answer(1n, ANSWER_HASH)).wait();
      await postVerdict(f.challenges, f.operatorSigners, 1n, true);
      // A new follower on the same store (a restart) reads on from the stored cursor.
      const second = await follower(f, store).sync();
      expect(second.opened).to.deep.equal([]);
      expect(second.events).to.equal(2);
      const judged = store.challenges.get(1n)!;
      expect(judged.answerHash).to.equal(ANSWER_HASH);
      expect(judged.status).to.equal("verdict");
      expect(judged.verdict?.upheld).to.equal(true);
      expect(store.challenges.awaitingVerdict()).to.deep.equal([]);

      await time.increase(2 * DAY + 1);
      await (await f.challenges.finalize(1n)).wait();
      const reported: bigint[][] = [];
      // The node counts scores overturned from this callback (overturnedScores.ts), after the range commits.
      const third = await follower(f, store, 1, (ids) => reported.push(ids)).sync();
      expect(third.resolved).to.deep.equal([1n]);
      expect(reported).to.deep.equal([[1n]]);
      expect((await follower(f, store, 1, (ids) => reported.push(ids)).sync()).resolved).to.deep.equal([]);
      expect(reported).to.have.length(1);
      const resolved = store.challenges.get(1n)!;
      expect(resolved.status).to.equal("upheld");
      expect(BigInt(resolved.resolution!.toChallenger)).to.equal(opened.bond);
      expect(BigInt(resolved.resolution!.reward)).to.be.greaterThan(0n);
      expect(store.challenges.countByStatus()).to.include({ upheld: 1, open: 0 });
    } finally {
      store.close();
    }
  });

  it("follows an escalation to the token holders and their decision", async function () {
    const f = await loadFixture(fixture);
    const store = openStore(":memory:");
    try {
      await (await f.challenges.connect(f.bob).open(f.id2, f.epoch, 50, Reason.Spam, 0, REASON_HASH)).wait();
      await postVerdict(f.challenges, f.operatorSigners, 1n, false);
      await (await f.challenges.connect(f.bob).escalate(1n)).wait();
      await follower(f, store).sync();
      expect(store.challenges.get(1n)).to.deep.include({ status: "escalated", verdict: { upheld: false, evaluator: EVALUATOR, rationaleRoot: ZeroHash } });
      const timelock = await impersonate(await f.timelock.getAddress());
      await (await f.challenges.connect(timelock).decide(1n, true)).wait();
      await follower(f, store).sync();
      const decided = store.challenges.get(1n)!;
      expect(decided.status).to.equal("upheld");
      // The challenger gets its bond and its escalation bond back, plus the reward.
      const bond = (await f.challenges.params()).bond;
      expect(BigInt(decided.resolution!.toChallenger)).to.equal(3n * bond);
      expect(store.challenges.countByStatus()).to.include({ escalated: 0, upheld: 1 });
    } finally {
      store.close();
    }
  });

  it("waits for confirmations before acting on an event", async function () {
    const f = await loadFixture(fixture);
    const store = openStore(":memory:");
    try {
      await (await f.challenges.connect(f.bob).open(f.id2, f.epoch, 50, Reason.Spam, 0, REASON_HASH)).wait();
      expect((await follower(f, store, 3).sync()).opened).to.deep.equal([]);
      expect(store.challenges.get(1n)).to.equal(undefined);
      await hre.network.provider.send("hardhat_mine", ["0x2"]);
      expect((await follower(f, store, 3).sync()).opened).to.deep.equal([1n]);
    } finally {
      store.close();
    }
  });
});

describe("challenge chain facts", function () {
  it("reads an item's credit from its batch's receipt or, without it, from a log search, alike", async function () {
    const f = await loadFixture(fixture);
    // Another epoch since: the credit's epoch is the batch block's, not the current one.
    await time.increase(8 * DAY);
    const rewards = Rewards__factory.connect(f.rewards.target as string, hre.ethers.provider);
    const viaReceipt = await rewardsChallengeChain(rewards, f.deployBlock).scoredFacts(f.id2, f.batchTx);
    const viaSearch = await rewardsChallengeChain(rewards, f.deployBlock).scoredFacts(f.id2);
    expect(viaReceipt).to.deep.equal({ epoch: f.epoch, points: 50 });
    expect(viaSearch).to.deep.equal(viaReceipt);
    expect(Number(await f.rewards.currentEpoch())).to.be.greaterThan(f.epoch);
    // A receipt without the item's Scored event falls back to the search; an unscored item has none.
    const unrelated = (await f.token.connect(f.bob).approve(f.alice.address, 1n)).hash;
    expect(await rewardsChallengeChain(rewards, f.deployBlock).scoredFacts(f.id1, unrelated)).to.deep.equal({ epoch: f.epoch, points: 100 });
    expect(await rewardsChallengeChain(rewards, f.deployBlock).scoredFacts(99n)).to.equal(undefined);
  });
});

describe("challenge store", function () {
  it("keeps texts under their hash, and evaluations by root with the node's own marked", function () {
    const store = openStore(":memory:");
    try {
      store.challenges.recordOpened({
        id: 5n,
        submissionId: 9n,
        challenger: "0x" + "11".repeat(20),
        author: "0x" + "22".repeat(20),
        epoch: 1,
        points: 30,
        reason: 3,
        duplicateOf: 0n,
        reasonHash: REASON_HASH,
        bond: 10n ** 20n,
        openedBlock: 4,
        openedTx: "0x" + "33".repeat(32),
      });
      expect(store.challenges.text(REASON_HASH)).to.equal(null);
      store.challenges.putText(REASON_HASH, "spam");
      store.challenges.putText(REASON_HASH, "not stored again");
      expect(store.challenges.text(REASON_HASH)).to.equal("spam");
      expect(() => store.challenges.putText(REASON_HASH.replace("0x", "0x0"), "x")).to.throw();
      expect(() => store.challenges.putText(ANSWER_HASH, "x".repeat(2001))).to.throw();
      const root = "0x" + "44".repeat(32);
      const evaluation = { challengeId: 5n, rationaleRoot: root, evaluator: "0x" + "55".repeat(32), upheld: true, originalRationale: "{}", appealRationale: "[]" };
      store.challenges.putEvaluation({ ...evaluation, own: false });
      expect(store.challenges.ownEvaluation(5n)).to.equal(undefined);
      store.challenges.putEvaluation({ ...evaluation, own: true });
      store.challenges.putEvaluation({ ...evaluation, own: false });
      expect(store.challenges.ownEvaluation(5n)?.rationaleRoot).to.equal(root);
      expect(store.challenges.evaluation(5n, root)?.own).to.equal(true);
      store.challenges.recordVote({ challengeId: 5n, peer: "0x" + "66".repeat(20), role: "leader", decision: "disputed", detail: "verdict: rejects" });
      store.challenges.recordVote({ challengeId: 5n, peer: "0x" + "66".repeat(20), role: "leader", decision: "signed", detail: "signed" });
      expect(store.challenges.votes(5n).map((v) => v.decision)).to.deep.equal(["signed"]);
      expect(store.challenges.list({ limit: 10 }).map((c) => c.id)).to.deep.equal([5n]);
      expect(store.challenges.list({ status: "upheld", limit: 10 })).to.deep.equal([]);
    } finally {
      store.close();
    }
  });
});
