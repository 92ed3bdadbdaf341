import { expect } from "chai";
import { anyUint } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroHash, keccak256, parseEther, toUtf8Bytes } from "ethers";
import proxyArtifact from "@openzeppelin/upgrades-core/artifacts/@openzeppelin/contracts-v5/proxy/ERC1967/ERC1967Proxy.sol/ERC1967Proxy.json";
import type { Rewards } from "../../typechain-types";
import { challengeVerdictDigest, challengesDomain, verdictArgs } from "../../oracle/src/protocol/challengeVerdict";
import { DAY, EPOCH_BUDGET, EVALUATOR, deployStandard, item, nextEpoch, postBatch, submitMany } from "../helpers/cashkey";
import { REASON_HASH, Reason, Status, postVerdict, signVerdict, verdictMessage } from "../helpers/challenges";
import { encodeCall, proposalOf, proposeVoteQueueExecute, selfDelegate } from "../helpers/governance";
import { impersonate } from "../helpers/impersonate";

const { ethers, upgrades } = hre;
const BOND = parseEther("100");
const WINDOW = 2 * DAY;
const VERDICT_TIMEOUT = 3 * DAY;
const ESCALATION_WINDOW = 2 * DAY;
const ESCALATION_TIMEOUT = 14 * DAY;

/** alice holds items 1 (100 points) and 2 (50), carol item 3 (50), all credited in one batch. */
async function fixture() {
  const d = await deployStandard();
  const { rewards, challenges, token, alice, bob, carol } = d;
  const [id1, id2] = await submitMany(rewards, alice, 2);
  const [id3] = await submitMany(rewards, carol, 1);
  await postBatch(d, [item(id1, 80, 100), item(id2, 70, 50), item(id3, 60, 50)]);
  const scoredAt = BigInt(await time.latest());
  const epoch = Number(await rewards.currentEpoch());
  for (const who of [alice, bob, carol]) await token.connect(who).approve(await challenges.getAddress(), MaxUint256);
  const timelock = await impersonate(await d.timelock.getAddress());
  return { ...d, id1, id2, id3, epoch, scoredAt, timelockSigner: timelock };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

async function openOn(f: Fixture, id = f.id1, reason = Reason.Decoration, points = 100) {
  await (await f.challenges.connect(f.bob).open(id, f.epoch, points, reason, 0, REASON_HASH)).wait();
  return await f.challenges.challengeCount();
}

/** The parameters as a plain object (to change one and set them). */
async function paramsOf(f: Fixture) {
  const p = await f.challenges.params();
  return {
    window: p.window,
    verdictTimeout: p.verdictTimeout,
    escalationWindow: p.escalationWindow,
    escalationTimeout: p.escalationTimeout,
    bond: p.bond,
    rewardBps: p.rewardBps,
    rejectedAuthorBps: p.rejectedAuthorBps,
  };
}

/** Ends the epoch and its window, so that claims of it may open. */
async function pastWindow(f: Fixture) {
  await nextEpoch(f.rewards);
  const at = await f.challenges.claimableAt(f.epoch);
  if (at > BigInt(await time.latest())) await time.increaseTo(at);
}

describe("Challenges", function () {
  describe("deployment and initialization", function () {
    it("is wired by deployCashKey: Rewards' gate, the Timelock as admin and treasury, the default parameters", async function () {
      const f = await loadFixture(fixture);
      expect(await f.rewards.challenges()).to.equal(await f.challenges.getAddress());
      expect(await f.rewards.version()).to.equal("1.3.0");
      expect(await f.challenges.version()).to.equal("1.0.0");
      const timelock = await f.timelock.getAddress();
      expect(await f.challenges.hasRole(ZeroHash, timelock)).to.equal(true);
      expect(await f.challenges.hasRole(ZeroHash, f.deployer.address)).to.equal(false);
      expect(await f.rewards.hasRole(ZeroHash, timelock)).to.equal(true);
      expect(await f.rewards.hasRole(ZeroHash, f.deployer.address)).to.equal(false);
      expect(await f.challenges.treasury()).to.equal(timelock);
      expect(await f.challenges.token()).to.equal(await f.token.getAddress());
      expect(await f.challenges.rewards()).to.equal(await f.rewards.getAddress());
      expect(await f.challenges.isAppealEvaluator(EVALUATOR)).to.equal(true);
      const p = await f.challenges.params();
      expect([p.window, p.verdictTimeout, p.escalationWindow, p.escalationTimeout, p.bond, p.rewardBps, p.rejectedAuthorBps]).to.deep.equal([
        BigInt(WINDOW),
        BigInt(VERDICT_TIMEOUT),
        BigInt(ESCALATION_WINDOW),
        BigInt(ESCALATION_TIMEOUT),
        BOND,
        5000n,
        5000n,
      ]);
      expect(await f.rewards.lastScoredAt(f.epoch)).to.equal(f.scoredAt);
    });

    it("locks initialization in the implementation and on the proxy (InvalidInitialization)", async function () {
      const f = await loadFixture(fixture);
      const address = await f.challenges.getAddress();
      const implementation = await ethers.getContractAt("Challenges", await upgrades.erc1967.getImplementationAddress(address));
      const init = {
        rewards: await f.rewards.getAddress(),
        admin: f.outsider.address,
        treasury: f.outsider.address,
        params: await paramsOf(f),
        appealEvaluators: [],
      };
      await expect(implementation.initialize(init)).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
      await expect(f.challenges.initialize(init)).to.be.revertedWithCustomError(f.challenges, "InvalidInitialization");
    });

    it("validates Rewards 1.3.0 as a storage-compatible upgrade of the frozen 1.2.0 (append-only)", async function () {
      const V12 = await ethers.getContractFactory("RewardsV1_2");
      const V13 = await ethers.getContractFactory("Rewards");
      // Both take the forwarder as a constructor argument (an immutable), which the plugin encodes.
      const options = { kind: "uups" as const, constructorArgs: [ethers.ZeroAddress] };
      await upgrades.validateUpgrade(V12, V13, options);
    });

    it("upgrades a live 1.2.0 proxy to 1.3.0 keeping every record, ungated until governance wires Challenges", async function () {
      const f = await loadFixture(fixture);
      const [admin, operator] = [f.outsider, f.operatorSigners[0]];
      const v12Implementation = await (await ethers.getContractFactory("RewardsV1_2", admin)).deploy(ethers.ZeroAddress);
      const initialize = v12Implementation.interface.encodeFunctionData("initialize", [
        {
          token: await f.token.getAddress(),
          admin: admin.address,
          guardian: ethers.ZeroAddress,
          epochLength: 7 * DAY,
          epochBudget: EPOCH_BUDGET,
          operators: [operator.address],
          threshold: 1,
          minOperatorStake: 0,
          evaluators: [EVALUATOR],
          maxPointsPerSubmission: 1000,
          baseQuota: 3,
          quotaTiers: [],
          governor: ethers.ZeroAddress,
          bondReleaseMargin: DAY,
        },
      ]);
      const proxy = await new ethers.ContractFactory(proxyArtifact.abi, proxyArtifact.bytecode, admin).deploy(await v12Implementation.getAddress(), initialize);
      const rewards = (await ethers.getContractAt("Rewards", await proxy.getAddress())) as unknown as Rewards;
      await f.token.connect(f.timelockSigner).grantRole(await f.token.MINTER_ROLE(), await rewards.getAddress());
      const [scored] = await submitMany(rewards, f.alice, 1);
      await postBatch({ rewards, operatorSigners: [operator] }, [item(scored, 80, 100)]);
      expect(await rewards.version()).to.equal("1.2.0");

      const v13Implementation = await (await ethers.getContractFactory("Rewards", admin)).deploy(ethers.ZeroAddress);
      await (await rewards.connect(admin).upgradeToAndCall(await v13Implementation.getAddress(), "0x")).wait();
      expect(await rewards.version()).to.equal("1.3.0");
      const epoch = await rewards.currentEpoch();
      expect(await rewards.submissionCount()).to.equal(1n);
      expect((await rewards.accountOf(f.alice.address)).lastEpochPoints).to.equal(100n);
      expect((await rewards.epochInfo(epoch)).totalPoints).to.equal(100n);
      expect(await rewards.challenges()).to.equal(ethers.ZeroAddress);
      expect(await rewards.lastScoredAt(epoch)).to.equal(0n);

      // Governance deploys Challenges and wires it: the epochs before are final at once; a pre-upgrade
      // item has no window; a batch after the upgrade starts one and gates claims.
      const challenges = await upgrades.deployProxy(
        await ethers.getContractFactory("Challenges", admin),
        [{ rewards: await rewards.getAddress(), admin: admin.address, treasury: admin.address, params: await paramsOf(f), appealEvaluators: [EVALUATOR] }],
        { kind: "uups" },
      );
      expect(await challenges.finalizedEpochs()).to.equal(epoch);
      await expect(rewards.connect(admin).setChallenges(await challenges.getAddress()))
        .to.emit(rewards, "ChallengesSet")
        .withArgs(ethers.ZeroAddress, await challenges.getAddress());
      await expect(challenges.connect(f.bob).open(scored, epoch, 100, Reason.Spam, 0, REASON_HASH))
        .to.be.revertedWithCustomError(challenges, "ChallengesWindowClosed")
        .withArgs(epoch, BigInt(WINDOW));
      const [later] = await submitMany(rewards, f.alice, 1);
      await postBatch({ rewards, operatorSigners: [operator] }, [item(later, 80, 100)]);
      expect(await rewards.lastScoredAt(epoch)).to.equal(BigInt(await time.latest()));
      const windowEnd = BigInt(await time.latest()) + BigInt(WINDOW) + 1n;
      const epochEnd = (await rewards.genesis()) + (epoch + 1n) * BigInt(7 * DAY);
      expect(await challenges.claimableAt(epoch)).to.equal(windowEnd > epochEnd ? windowEnd : epochEnd);
      await nextEpoch(rewards);
      await expect(rewards.connect(f.alice).claim(f.alice.address)).to.emit(rewards, "Claimed").withArgs(f.alice.address, f.alice.address, EPOCH_BUDGET);
    });

    it("keeps Rewards under the 24,576-byte code limit", async function () {
      const f = await loadFixture(fixture);
      const implementation = await upgrades.erc1967.getImplementationAddress(await f.rewards.getAddress());
      const code = await ethers.provider.getCode(implementation);
      expect((code.length - 2) / 2).to.be.lessThanOrEqual(24_576);
    });
  });

  describe("open", function () {
    it("takes the bond, records the challenge and emits ChallengeOpened", async function () {
      const f = await loadFixture(fixture);
      const before = await f.token.balanceOf(f.bob.address);
      await expect(f.challenges.connect(f.bob).open(f.id3, f.epoch, 50, Reason.Duplicate, f.id1, REASON_HASH))
        .to.emit(f.challenges, "ChallengeOpened")
        .withArgs(1n, f.id3, f.bob.address, f.carol.address, f.epoch, 50, Reason.Duplicate, f.id1, REASON_HASH, BOND);
      expect(await f.token.balanceOf(f.bob.address)).to.equal(before - BOND);
      expect(await f.token.balanceOf(await f.challenges.getAddress())).to.equal(BOND);
      const c = await f.challenges.challenge(1n);
      expect(c.status).to.equal(Status.Open);
      expect(c.author).to.equal(f.carol.address);
      expect(c.deadline).to.equal(BigInt(await time.latest()) + BigInt(VERDICT_TIMEOUT));
      expect(await f.challenges.openChallengeOf(f.id3)).to.equal(1n);
      expect(await f.challenges.openChallenges(f.epoch)).to.equal(1n);
      expect(await f.challenges.claimableAt(f.epoch)).to.equal(0n);
    });

    it("reverts for an unscored item (ChallengesNotScored) and for the author's own item (ChallengesOwnItem)", async function () {
      const f = await loadFixture(fixture);
      const [fresh] = await submitMany(f.rewards, f.carol, 1);
      await expect(f.challenges.connect(f.bob).open(fresh, f.epoch, 1, Reason.Spam, 0, REASON_HASH))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesNotScored")
        .withArgs(fresh);
      await expect(f.challenges.connect(f.alice).open(f.id1, f.epoch, 100, Reason.Spam, 0, REASON_HASH))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesOwnItem")
        .withArgs(f.alice.address);
    });

    it("reverts for an epoch outside [submission epoch, current] (ChallengesEpochOutOfRange)", async function () {
      const f = await loadFixture(fixture);
      await expect(f.challenges.connect(f.bob).open(f.id1, f.epoch + 1, 100, Reason.Spam, 0, REASON_HASH))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesEpochOutOfRange")
        .withArgs(f.id1, f.epoch + 1, f.epoch, f.epoch);
    });

    it("reverts after the window (ChallengesWindowClosed), and for an epoch with no batch", async function () {
      const f = await loadFixture(fixture);
      const closesAt = f.scoredAt + BigInt(WINDOW);
      await time.increaseTo(closesAt + 1n);
      await expect(f.challenges.connect(f.bob).open(f.id1, f.epoch, 100, Reason.Spam, 0, REASON_HASH))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesWindowClosed")
        .withArgs(f.epoch, closesAt);
      await nextEpoch(f.rewards);
      await expect(f.challenges.connect(f.bob).open(f.id1, f.epoch + 1, 100, Reason.Spam, 0, REASON_HASH))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesWindowClosed")
        .withArgs(f.epoch + 1, BigInt(WINDOW));
    });

    it("reverts for zero points or more than the maximum (ChallengesInvalidPoints)", async function () {
      const f = await loadFixture(fixture);
      for (const points of [0, 1001]) {
        await expect(f.challenges.connect(f.bob).open(f.id1, f.epoch, points, Reason.Spam, 0, REASON_HASH))
          .to.be.revertedWithCustomError(f.challenges, "ChallengesInvalidPoints")
          .withArgs(points, 1000);
      }
    });

    it("allows one open challenge per item (ChallengesItemHasOpenChallenge)", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await expect(f.challenges.connect(f.carol).open(f.id1, f.epoch, 100, Reason.Spam, 0, REASON_HASH))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesItemHasOpenChallenge")
        .withArgs(f.id1, id);
    });

    it("needs an earlier duplicateOf for Duplicate and none otherwise (ChallengesInvalidDuplicateOf)", async function () {
      const f = await loadFixture(fixture);
      for (const [reason, dup] of [
        [Reason.Duplicate, 0n],
        [Reason.Duplicate, f.id3],
        [Reason.Spam, 1n],
      ] as const) {
        await expect(f.challenges.connect(f.bob).open(f.id3, f.epoch, 50, reason, dup, REASON_HASH))
          .to.be.revertedWithCustomError(f.challenges, "ChallengesInvalidDuplicateOf")
          .withArgs(f.id3, dup);
      }
    });

    it("refuses an epoch already final even if governance widens the window (ChallengesEpochFinal)", async function () {
      const f = await loadFixture(fixture);
      await pastWindow(f);
      await expect(f.challenges.finalizeEpochs(f.epoch)).to.emit(f.challenges, "EpochsFinalized").withArgs(0, f.epoch);
      expect(await f.challenges.finalizedEpochs()).to.equal(f.epoch + 1);
      await f.challenges.connect(f.timelockSigner).setParams({ ...(await paramsOf(f)), window: 14 * DAY });
      await expect(f.challenges.connect(f.bob).open(f.id1, f.epoch, 100, Reason.Spam, 0, REASON_HASH))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesEpochFinal")
        .withArgs(f.epoch);
    });
  });

  describe("answer and first-round verdict", function () {
    it("lets only the author answer an open challenge", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      const hash = keccak256(toUtf8Bytes("each repetition is a different measurement"));
      await expect(f.challenges.connect(f.alice).answer(id, hash)).to.emit(f.challenges, "ChallengeAnswered").withArgs(id, f.alice.address, hash);
      await expect(f.challenges.connect(f.bob).answer(id, hash)).to.be.revertedWithCustomError(f.challenges, "ChallengesNotAuthor").withArgs(id, f.bob.address);
      await expect(f.challenges.connect(f.alice).answer(99n, hash)).to.be.revertedWithCustomError(f.challenges, "ChallengesUnknownChallenge").withArgs(99n);
      await postVerdict(f.challenges, f.operatorSigners, id, true);
      await expect(f.challenges.connect(f.alice).answer(id, hash)).to.be.revertedWithCustomError(f.challenges, "ChallengesWrongStatus").withArgs(id, Status.Verdict);
    });

    it("verifies an oracle-signed ChallengeVerdict on-chain: same digest, k-of-n quorum, VerdictPosted", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      const message = await verdictMessage(f.challenges, id, true);
      const { chainId } = await ethers.provider.getNetwork();
      const digest = challengeVerdictDigest(challengesDomain(chainId, await f.challenges.getAddress()), message);
      expect(await f.challenges.verdictDigest(verdictArgs(message))).to.equal(digest);
      const signatures = await signVerdict(f.challenges, f.operatorSigners.slice(0, 3), message);
      await expect(f.challenges.postVerdict(verdictArgs(message), signatures))
        .to.emit(f.challenges, "VerdictPosted")
        .withArgs(id, true, EVALUATOR, ZeroHash);
      const c = await f.challenges.challenge(id);
      expect(c.status).to.equal(Status.Verdict);
      expect(c.firstUpheld).to.equal(true);
      expect(c.deadline).to.equal(BigInt(await time.latest()) + BigInt(ESCALATION_WINDOW));
      await expect(f.challenges.postVerdict(verdictArgs(message), signatures))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesWrongStatus")
        .withArgs(id, Status.Verdict);
    });

    it("applies the score-batch signer rules (threshold, duplicates, order, operators)", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      const message = await verdictMessage(f.challenges, id, true);
      const args = verdictArgs(message);
      const three = await signVerdict(f.challenges, f.operatorSigners.slice(0, 3), message);
      const signersSorted = f.operatorSigners
        .slice(0, 3)
        .map((s) => s.address)
        .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      await expect(f.challenges.postVerdict(args, three.slice(0, 2)))
        .to.be.revertedWithCustomError(f.rewards, "RewardsInsufficientSignatures")
        .withArgs(2, 3);
      await expect(f.challenges.postVerdict(args, [three[0], three[0], three[1]]))
        .to.be.revertedWithCustomError(f.rewards, "RewardsDuplicateSigner")
        .withArgs(signersSorted[0]);
      await expect(f.challenges.postVerdict(args, [three[1], three[0], three[2]]))
        .to.be.revertedWithCustomError(f.rewards, "RewardsSignersOutOfOrder")
        .withArgs(signersSorted[1], signersSorted[0]);
      const withOutsider = await signVerdict(f.challenges, [...f.operatorSigners.slice(0, 2), f.outsider], message);
      await expect(f.challenges.postVerdict(args, withOutsider)).to.be.revertedWithCustomError(f.rewards, "RewardsUnknownSigner").withArgs(f.outsider.address);
      // Signed over other facts (points): recovers to other addresses, never a quorum.
      const forged = await signVerdict(f.challenges, f.operatorSigners.slice(0, 3), { ...message, points: 1 });
      await expect(f.challenges.postVerdict(args, forged)).to.be.reverted;
    });

    it("refuses a verdict past the challenge's deadline, an expired one and an unapproved evaluator", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      const other = keccak256(toUtf8Bytes("unapproved"));
      await expect(postVerdict(f.challenges, f.operatorSigners, id, true, { evaluator: other }))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesUnapprovedEvaluator")
        .withArgs(other);
      const stale = BigInt(await time.latest()) - 1n;
      const tx = postVerdict(f.challenges, f.operatorSigners, id, true, { deadline: stale });
      await expect(tx).to.be.revertedWithCustomError(f.challenges, "ChallengesVerdictExpired").withArgs(stale, anyUint);
      const deadline = (await f.challenges.challenge(id)).deadline;
      await time.increaseTo(deadline + 1n);
      await expect(postVerdict(f.challenges, f.operatorSigners, id, true, { deadline: deadline + 3600n }))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesVerdictTooLate")
        .withArgs(id, deadline);
    });
  });

  describe("outcomes", function () {
    it("upheld: removes the points before any claim, pays bond + reward from the epoch budget, never above it", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await postVerdict(f.challenges, f.operatorSigners, id, true);
      await expect(f.challenges.finalize(id))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesNotFinalizable")
        .withArgs(id, (await f.challenges.challenge(id)).deadline + 1n);
      await time.increase(ESCALATION_WINDOW + 1);
      const bobBefore = await f.token.balanceOf(f.bob.address);
      // share = 100 · 1000 / 200 = 500 CKEY; the challenger's part: 50 points → 250 CKEY.
      const reward = (50n * EPOCH_BUDGET) / 200n;
      await expect(f.challenges.finalize(id))
        .to.emit(f.challenges, "ChallengeResolved")
        .withArgs(id, Status.Upheld, BOND, 0, 0, reward)
        .and.to.emit(f.rewards, "PointsRemoved")
        .withArgs(f.id1, f.alice.address, f.epoch, 100, reward);
      expect(await f.token.balanceOf(f.bob.address)).to.equal(bobBefore + BOND + reward);
      expect((await f.rewards.accountOf(f.alice.address)).lastEpochPoints).to.equal(50n);
      expect((await f.rewards.epochInfo(f.epoch)).totalPoints).to.equal(150n);
      expect(await f.challenges.openChallenges(f.epoch)).to.equal(0n);

      await pastWindow(f);
      const aliceBefore = await f.token.balanceOf(f.alice.address);
      const carolBefore = await f.token.balanceOf(f.carol.address);
      await (await f.rewards.connect(f.alice).claim(f.alice.address)).wait();
      await (await f.rewards.connect(f.carol).claim(f.carol.address)).wait();
      const aliceGot = (await f.token.balanceOf(f.alice.address)) - aliceBefore;
      const carolGot = (await f.token.balanceOf(f.carol.address)) - carolBefore;
      expect(aliceGot).to.equal((50n * EPOCH_BUDGET) / 150n);
      expect(carolGot).to.equal((50n * EPOCH_BUDGET) / 150n);
      expect(aliceGot + carolGot + reward).to.be.lessThanOrEqual(EPOCH_BUDGET);
    });

    it("upheld after the author was settled into a later epoch: takes the tokens back from its settled balance", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await postVerdict(f.challenges, f.operatorSigners, id, true);
      await nextEpoch(f.rewards);
      const [later] = await submitMany(f.rewards, f.alice, 1);
      await postBatch(f, [item(later, 50, 10)]);
      expect((await f.rewards.accountOf(f.alice.address)).settledTokens).to.equal((150n * EPOCH_BUDGET) / 200n);
      const reward = (50n * EPOCH_BUDGET) / 200n;
      await expect(f.challenges.finalize(id)).to.emit(f.rewards, "PointsRemoved").withArgs(f.id1, f.alice.address, f.epoch, 100, reward);
      expect((await f.rewards.accountOf(f.alice.address)).settledTokens).to.equal((50n * EPOCH_BUDGET) / 200n);
      expect((await f.rewards.epochInfo(f.epoch)).totalPoints).to.equal(200n);
      // Claims of the first epoch (carol) open; alice's also wait for the second one.
      const carolBefore = await f.token.balanceOf(f.carol.address);
      await (await f.rewards.connect(f.carol).claim(f.carol.address)).wait();
      expect((await f.token.balanceOf(f.carol.address)) - carolBefore).to.equal((50n * EPOCH_BUDGET) / 200n);
    });

    it("upheld removals are clamped to what the author holds, and an emptied epoch releases its budget", async function () {
      const f = await loadFixture(fixture);
      // A challenger overstating the points (1000 > alice's 150 in the epoch): at most 150 leave.
      const id = await openOn(f, f.id1, Reason.Spam, 1000);
      await postVerdict(f.challenges, f.operatorSigners, id, true);
      await time.increase(ESCALATION_WINDOW + 1);
      await expect(f.challenges.finalize(id))
        .to.emit(f.rewards, "PointsRemoved")
        .withArgs(f.id1, f.alice.address, f.epoch, 150, (75n * EPOCH_BUDGET) / 200n);
      expect((await f.rewards.accountOf(f.alice.address)).lastEpochPoints).to.equal(0n);
      expect((await f.rewards.epochInfo(f.epoch)).totalPoints).to.equal(200n - 150n + 75n);

      // Next epoch: carol's item is its only credit; with no reward share the removal empties it.
      await nextEpoch(f.rewards);
      await f.challenges.connect(f.timelockSigner).setParams({ ...(await paramsOf(f)), rewardBps: 0 });
      const [only] = await submitMany(f.rewards, f.carol, 1);
      await postBatch(f, [item(only, 60, 40)]);
      const epoch = f.epoch + 1;
      const reservedBefore = await f.rewards.reservedBudget();
      expect((await f.rewards.epochInfo(epoch)).budget).to.equal(EPOCH_BUDGET);
      // A challenge naming an epoch in which the author has no credit removes nothing.
      await (await f.challenges.connect(f.bob).open(f.id1, epoch, 100, Reason.OffTopic, 0, REASON_HASH)).wait();
      const none = await f.challenges.challengeCount();
      await (await f.challenges.connect(f.bob).open(only, epoch, 40, Reason.Spam, 0, REASON_HASH)).wait();
      const emptying = await f.challenges.challengeCount();
      await postVerdict(f.challenges, f.operatorSigners, none, true);
      await postVerdict(f.challenges, f.operatorSigners, emptying, true);
      await time.increase(ESCALATION_WINDOW + 1);
      await expect(f.challenges.finalize(none))
        .to.emit(f.challenges, "ChallengeResolved")
        .withArgs(none, Status.Upheld, BOND, 0, 0, 0)
        .and.not.to.emit(f.rewards, "PointsRemoved");
      await expect(f.challenges.finalize(emptying)).to.emit(f.rewards, "PointsRemoved").withArgs(only, f.carol.address, epoch, 40, 0);
      expect((await f.rewards.epochInfo(epoch)).totalPoints).to.equal(0n);
      expect(await f.rewards.reservedBudget()).to.equal(reservedBefore - EPOCH_BUDGET);
      // A later credit in the same epoch snapshots and reserves its budget afresh.
      const [again] = await submitMany(f.rewards, f.carol, 1);
      await expect(postBatch(f, [item(again, 60, 10)]))
        .to.emit(f.rewards, "EpochBudgetSnapshotted")
        .withArgs(epoch, EPOCH_BUDGET);
      expect(await f.rewards.reservedBudget()).to.equal(reservedBefore);
    });

    it("rejected: the bond goes half to the author, half to the treasury; the same grounds are closed", async function () {
      const f = await loadFixture(fixture);
      // A week's window, so that a new challenge fits after the first one's outcome.
      await f.challenges.connect(f.timelockSigner).setParams({ ...(await paramsOf(f)), window: 7 * DAY });
      const id = await openOn(f, f.id1, Reason.Spam);
      await postVerdict(f.challenges, f.operatorSigners, id, false);
      await time.increase(ESCALATION_WINDOW + 1);
      const treasury = await f.timelock.getAddress();
      const [aliceBefore, treasuryBefore] = [await f.token.balanceOf(f.alice.address), await f.token.balanceOf(treasury)];
      await expect(f.challenges.finalize(id))
        .to.emit(f.challenges, "ChallengeResolved")
        .withArgs(id, Status.Rejected, 0, BOND / 2n, BOND / 2n, 0);
      expect(await f.token.balanceOf(f.alice.address)).to.equal(aliceBefore + BOND / 2n);
      expect(await f.token.balanceOf(treasury)).to.equal(treasuryBefore + BOND / 2n);
      expect(await f.challenges.rejectedGrounds(f.id1)).to.equal(1n << BigInt(Reason.Spam));
      expect((await f.rewards.accountOf(f.alice.address)).lastEpochPoints).to.equal(150n);
      await expect(f.challenges.connect(f.carol).open(f.id1, f.epoch, 100, Reason.Spam, 0, REASON_HASH))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesGroundsRejected")
        .withArgs(f.id1, Reason.Spam);
      await expect(f.challenges.connect(f.carol).open(f.id1, f.epoch, 100, Reason.OffTopic, 0, REASON_HASH)).to.emit(f.challenges, "ChallengeOpened");
      await expect(f.challenges.finalize(id)).to.be.revertedWithCustomError(f.challenges, "ChallengesWrongStatus").withArgs(id, Status.Rejected);
      await expect(f.challenges.finalize(42n)).to.be.revertedWithCustomError(f.challenges, "ChallengesUnknownChallenge").withArgs(42n);
    });

    it("times out without a verdict into Dismissed: score stands, bond back, grounds stay open", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await time.increase(VERDICT_TIMEOUT + 1);
      const before = await f.token.balanceOf(f.bob.address);
      await expect(f.challenges.connect(f.carol).finalize(id)).to.emit(f.challenges, "ChallengeResolved").withArgs(id, Status.Dismissed, BOND, 0, 0, 0);
      expect(await f.token.balanceOf(f.bob.address)).to.equal(before + BOND);
      expect(await f.challenges.rejectedGrounds(f.id1)).to.equal(0n);
      expect((await f.rewards.epochInfo(f.epoch)).totalPoints).to.equal(200n);
      expect(await f.challenges.openChallenges(f.epoch)).to.equal(0n);
    });
  });

  describe("escalation", function () {
    it("only the losing side escalates, within the window, bonding twice the bond", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await expect(f.challenges.connect(f.alice).escalate(id)).to.be.revertedWithCustomError(f.challenges, "ChallengesWrongStatus").withArgs(id, Status.Open);
      await postVerdict(f.challenges, f.operatorSigners, id, true);
      await expect(f.challenges.connect(f.bob).escalate(id)).to.be.revertedWithCustomError(f.challenges, "ChallengesNotEscalator").withArgs(id, f.bob.address);
      const before = await f.token.balanceOf(f.alice.address);
      await expect(f.challenges.connect(f.alice).escalate(id))
        .to.emit(f.challenges, "ChallengeEscalated")
        .withArgs(id, f.alice.address, 2n * BOND);
      expect(await f.token.balanceOf(f.alice.address)).to.equal(before - 2n * BOND);
      expect((await f.challenges.challenge(id)).deadline).to.equal(BigInt(await time.latest()) + BigInt(ESCALATION_TIMEOUT));
    });

    it("refuses escalation after the window (ChallengesEscalationClosed)", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await postVerdict(f.challenges, f.operatorSigners, id, false);
      const deadline = (await f.challenges.challenge(id)).deadline;
      await time.increaseTo(deadline + 1n);
      await expect(f.challenges.connect(f.bob).escalate(id)).to.be.revertedWithCustomError(f.challenges, "ChallengesEscalationClosed").withArgs(id, deadline);
    });

    it("decide: only the Timelock, before the deadline; overturning refunds the escalator", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await postVerdict(f.challenges, f.operatorSigners, id, true);
      await expect(f.challenges.connect(f.timelockSigner).decide(id, false))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesWrongStatus")
        .withArgs(id, Status.Verdict);
      await (await f.challenges.connect(f.alice).escalate(id)).wait();
      await expect(f.challenges.connect(f.outsider).decide(id, false))
        .to.be.revertedWithCustomError(f.challenges, "AccessControlUnauthorizedAccount")
        .withArgs(f.outsider.address, ZeroHash);
      // Overturned: rejected; alice's escalation bond back, bob's bond split.
      await expect(f.challenges.connect(f.timelockSigner).decide(id, false))
        .to.emit(f.challenges, "ChallengeResolved")
        .withArgs(id, Status.Rejected, 0, 2n * BOND + BOND / 2n, BOND / 2n, 0);
      expect((await f.rewards.epochInfo(f.epoch)).totalPoints).to.equal(200n);
    });

    it("decide confirming the verdict forfeits the escalator's bond; a late decision reverts", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await postVerdict(f.challenges, f.operatorSigners, id, false);
      await (await f.challenges.connect(f.bob).escalate(id)).wait();
      // Confirmed rejected: bob loses bond + escalation bond (3 · BOND), split author / treasury.
      await expect(f.challenges.connect(f.timelockSigner).decide(id, false))
        .to.emit(f.challenges, "ChallengeResolved")
        .withArgs(id, Status.Rejected, 0, (3n * BOND) / 2n, (3n * BOND) / 2n, 0);

      const id2 = await openOn(f, f.id2, Reason.Spam, 50);
      await postVerdict(f.challenges, f.operatorSigners, id2, true);
      await (await f.challenges.connect(f.alice).escalate(id2)).wait();
      const deadline = (await f.challenges.challenge(id2)).deadline;
      await time.increaseTo(deadline + 1n);
      await expect(f.challenges.connect(f.timelockSigner).decide(id2, true))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesDecisionTooLate")
        .withArgs(id2, deadline);
      // Governance did not act: the first verdict (upheld) applies and alice's escalation bond comes back.
      await expect(f.challenges.finalize(id2))
        .to.emit(f.challenges, "ChallengeResolved")
        .withArgs(id2, Status.Upheld, BOND, 2n * BOND, 0, (25n * EPOCH_BUDGET) / 200n);
    });

    it("is decided by a real Governor proposal executed through the Timelock", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await postVerdict(f.challenges, f.operatorSigners, id, true);
      await (await f.challenges.connect(f.alice).escalate(id)).wait();
      await selfDelegate(f.token, [f.deployer]);
      const proposal = proposalOf([await encodeCall(f.challenges, "decide", [id, true])], `Challenge ${id}: uphold`);
      const treasury = await f.timelock.getAddress();
      const treasuryBefore = await f.token.balanceOf(treasury);
      const { executeTx } = await proposeVoteQueueExecute(f.governor, f.deployer, [f.deployer], proposal);
      await expect(executeTx).to.emit(f.challenges, "ChallengeDecided").withArgs(id, true);
      await expect(executeTx)
        .to.emit(f.challenges, "ChallengeResolved")
        .withArgs(id, Status.Upheld, BOND, 0, 2n * BOND, (50n * EPOCH_BUDGET) / 200n);
      expect(await f.token.balanceOf(treasury)).to.equal(treasuryBefore + 2n * BOND);
      expect((await f.rewards.epochInfo(f.epoch)).totalPoints).to.equal(150n);
    });
  });

  describe("the claim gate", function () {
    it("keeps claims closed until the epoch's window has passed (ChallengesEpochNotFinal)", async function () {
      const f = await loadFixture(fixture);
      const epochEnd = (await f.rewards.genesis()) + BigInt(f.epoch + 1) * (await f.rewards.epochLength());
      await time.increaseTo(epochEnd - 3600n);
      const [late] = await submitMany(f.rewards, f.bob, 1);
      await postBatch(f, [item(late, 50, 10)]);
      const lateAt = BigInt(await time.latest());
      await nextEpoch(f.rewards);
      const at = lateAt + BigInt(WINDOW) + 1n;
      expect(await f.challenges.claimableAt(f.epoch)).to.equal(at);
      await expect(f.rewards.connect(f.alice).claim(f.alice.address)).to.be.revertedWithCustomError(f.challenges, "ChallengesEpochNotFinal").withArgs(f.epoch, at);
      await time.increaseTo(at);
      await expect(f.rewards.connect(f.alice).claim(f.alice.address)).to.emit(f.rewards, "Claimed");
    });

    it("keeps every later claim closed while a challenge on the epoch is open, for a bounded time", async function () {
      const f = await loadFixture(fixture);
      const id = await openOn(f);
      await postVerdict(f.challenges, f.operatorSigners, id, true);
      await (await f.challenges.connect(f.alice).escalate(id)).wait();
      await pastWindow(f);
      await expect(f.rewards.connect(f.carol).claim(f.carol.address))
        .to.be.revertedWithCustomError(f.challenges, "ChallengesEpochHasOpenChallenges")
        .withArgs(f.epoch, 1);
      await expect(f.challenges.finalizeEpochs(f.epoch)).to.be.revertedWithCustomError(f.challenges, "ChallengesEpochHasOpenChallenges").withArgs(f.epoch, 1);
      // Bound: the escalation times out, anyone finalizes, claims open.
      await time.increaseTo((await f.challenges.challenge(id)).deadline + 1n);
      await (await f.challenges.connect(f.carol).finalize(id)).wait();
      await expect(f.rewards.connect(f.carol).claim(f.carol.address)).to.emit(f.rewards, "Claimed");
    });

    it("finalizeEpochs refuses the current epoch and is a no-op below the mark", async function () {
      const f = await loadFixture(fixture);
      const at = await f.challenges.claimableAt(f.epoch);
      await expect(f.challenges.finalizeEpochs(f.epoch)).to.be.revertedWithCustomError(f.challenges, "ChallengesEpochNotFinal").withArgs(f.epoch, at);
      await pastWindow(f);
      await (await f.challenges.finalizeEpochs(f.epoch)).wait();
      await expect(f.challenges.finalizeEpochs(f.epoch)).to.not.emit(f.challenges, "EpochsFinalized");
    });
  });

  describe("reentrancy", function () {
    it("refuses a bond token that re-enters open or finalize (ReentrancyGuardReentrantCall)", async function () {
      const f = await loadFixture(fixture);
      const token = await (await ethers.getContractFactory("MockReentrantToken", f.bob)).deploy();
      const rewards = await (await ethers.getContractFactory("MockChallengeRewards")).deploy(await token.getAddress(), f.alice.address);
      const challenges = await upgrades.deployProxy(
        await ethers.getContractFactory("Challenges"),
        [{ rewards: await rewards.getAddress(), admin: f.outsider.address, treasury: f.outsider.address, params: await paramsOf(f), appealEvaluators: [EVALUATOR] }],
        { kind: "uups" },
      );
      const address = await challenges.getAddress();
      await (await token.approve(address, MaxUint256)).wait();
      const guard = challenges.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
      // open pulls the bond: the token re-enters open.
      await token.arm(address, challenges.interface.encodeFunctionData("open", [2n, 0, 10, Reason.Spam, 0n, REASON_HASH]));
      await (await challenges.connect(f.bob).open(1n, 0, 10, Reason.Spam, 0n, REASON_HASH)).wait();
      expect(await token.reentered()).to.equal(true);
      expect(await token.lastRevert()).to.equal(guard);
      expect(await challenges.challengeCount()).to.equal(1n);
      // finalize pays the bond back: the token re-enters finalize.
      await time.increase(VERDICT_TIMEOUT + 1);
      await token.arm(address, challenges.interface.encodeFunctionData("finalize", [1n]));
      await expect(challenges.finalize(1n)).to.emit(challenges, "ChallengeResolved").withArgs(1n, Status.Dismissed, BOND, 0, 0, 0);
      expect(await token.lastRevert()).to.equal(guard);
    });
  });

  describe("access control and parameters", function () {
    it("only Challenges removes points; only the admin sets Challenges", async function () {
      const f = await loadFixture(fixture);
      await expect(f.rewards.connect(f.outsider).removeChallengedPoints(f.id1, f.epoch, 100, f.outsider.address, 10_000))
        .to.be.revertedWithCustomError(f.rewards, "RewardsNotChallenges")
        .withArgs(f.outsider.address);
      await expect(f.rewards.connect(f.outsider).setChallenges(f.outsider.address))
        .to.be.revertedWithCustomError(f.rewards, "AccessControlUnauthorizedAccount")
        .withArgs(f.outsider.address, ZeroHash);
      await expect(f.rewards.connect(f.timelockSigner).setChallenges(ethers.ZeroAddress))
        .to.emit(f.rewards, "ChallengesSet")
        .withArgs(await f.challenges.getAddress(), ethers.ZeroAddress);
    });

    it("bounds every parameter (ChallengesParamOutOfRange) and lets only the admin set them", async function () {
      const f = await loadFixture(fixture);
      const p = await paramsOf(f);
      const path = await f.rewards.governancePath();
      const cases: [Partial<typeof p>, number, bigint, bigint, bigint][] = [
        [{ window: 59n }, 0, 59n, 60n, BigInt(14 * DAY)],
        [{ verdictTimeout: BigInt(15 * DAY) }, 1, BigInt(15 * DAY), 60n, BigInt(14 * DAY)],
        [{ escalationWindow: 0n }, 2, 0n, 60n, BigInt(14 * DAY)],
        [{ escalationTimeout: path - 1n }, 3, path - 1n, path, BigInt(30 * DAY)],
        [{ bond: parseEther("0.5") }, 4, parseEther("0.5"), parseEther("1"), (1n << 120n) - 1n],
        [{ rewardBps: 10_001n }, 5, 10_001n, 0n, 10_000n],
        [{ rejectedAuthorBps: 5_001n }, 6, 5_001n, 0n, 5_000n],
      ];
      for (const [change, which, value, min, max] of cases) {
        await expect(f.challenges.connect(f.timelockSigner).setParams({ ...p, ...change }))
          .to.be.revertedWithCustomError(f.challenges, "ChallengesParamOutOfRange")
          .withArgs(which, value, min, max);
      }
      await expect(f.challenges.connect(f.outsider).setParams(p))
        .to.be.revertedWithCustomError(f.challenges, "AccessControlUnauthorizedAccount")
        .withArgs(f.outsider.address, ZeroHash);
      await expect(f.challenges.connect(f.outsider).setTreasury(f.outsider.address)).to.be.revertedWithCustomError(f.challenges, "AccessControlUnauthorizedAccount");
      await expect(f.challenges.connect(f.timelockSigner).setTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(f.challenges, "ChallengesZeroAddress");
      const evaluator = keccak256(toUtf8Bytes("appeal: larger model"));
      await expect(f.challenges.connect(f.timelockSigner).setAppealEvaluator(evaluator, true)).to.emit(f.challenges, "AppealEvaluatorSet").withArgs(evaluator, true);
      await expect(f.challenges.connect(f.timelockSigner).setParams({ ...p, bond: parseEther("5") })).to.emit(f.challenges, "ParamsSet");
    });
  });
});
