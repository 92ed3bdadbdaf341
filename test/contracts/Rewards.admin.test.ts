import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroAddress, parseEther } from "ethers";
import { EPOCH_BUDGET, EVALUATOR, MIN_OPERATOR_STAKE, deployStandard, item, postBatch } from "../helpers/cashkey";
import { asTimelock, contentHash } from "../helpers/rewardsTesting";
import type { Rewards } from "../../typechain-types";

const { ethers, upgrades } = hre;
const NEW_EVALUATOR = ethers.id("llm v2");

async function fixture() {
  const deployment = await deployStandard();
  const admin = await asTimelock(deployment.timelock);
  const adminRole = await deployment.rewards.DEFAULT_ADMIN_ROLE();
  const newcomer = ethers.Wallet.createRandom().address;
  return { ...deployment, admin, adminRole, newcomer };
}

type Deployment = Awaited<ReturnType<typeof fixture>>;

/** Everything a governance setter may change, to check that a refused call changed none of it. */
async function governanceState(rewards: Rewards) {
  const [baseQuota, tiers] = await rewards.quota();
  return {
    budget: await rewards.epochBudget(),
    operators: await rewards.operators(),
    threshold: await rewards.threshold(),
    minOperatorStake: await rewards.minOperatorStake(),
    evaluators: [await rewards.isApprovedEvaluator(EVALUATOR), await rewards.isApprovedEvaluator(NEW_EVALUATOR)],
    maxPoints: await rewards.maxPointsPerSubmission(),
    quota: [baseQuota, tiers.map((t) => [t.minStake, t.quota])],
    paused: await rewards.paused(),
  };
}

/** Callers that are not the Timelock. */
const STRANGERS = ["an outsider", "the guardian", "an operator", "the deployer"] as const;
type Stranger = (typeof STRANGERS)[number];

function stranger(d: Deployment, who: Stranger): HardhatEthersSigner {
  const callers: Record<Stranger, HardhatEthersSigner> = {
    "an outsider": d.outsider,
    "the guardian": d.guardian,
    "an operator": d.operatorSigners[0],
    "the deployer": d.deployer,
  };
  return callers[who];
}

/** Every governance setter, called with a value that would change state. */
const SETTERS: [string, (r: Rewards, d: Deployment) => Promise<unknown>][] = [
  ["setEpochBudget", (r) => r.setEpochBudget(parseEther("2000"))],
  ["addOperator", (r, d) => r.addOperator(d.newcomer)],
  ["removeOperator", (r, d) => r.removeOperator(d.operatorSigners[0].address)],
  ["setThreshold", (r) => r.setThreshold(4)],
  ["setMinOperatorStake", (r) => r.setMinOperatorStake(1n)],
  ["setEvaluator", (r) => r.setEvaluator(NEW_EVALUATOR, true)],
  ["setMaxPointsPerSubmission", (r) => r.setMaxPointsPerSubmission(5000)],
  ["setQuota", (r) => r.setQuota(1, [])],
  ["unpause", (r) => r.unpause()],
];

describe("Rewards: governance", function () {
  describe("access control", function () {
    for (const [name, call] of SETTERS) {
      describe(name, function () {
        for (const who of STRANGERS) {
          it(`reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE) for ${who}`, async function () {
            const d = await loadFixture(fixture);
            if (name === "unpause") await d.rewards.connect(d.admin).pause();
            const caller = stranger(d, who);
            const before = await governanceState(d.rewards);
            await expect(call(d.rewards.connect(caller), d))
              .to.be.revertedWithCustomError(d.rewards, "AccessControlUnauthorizedAccount")
              .withArgs(caller.address, d.adminRole);
            expect(await governanceState(d.rewards)).to.deep.equal(before);
          });
        }
      });
    }
  });

  describe("setEpochBudget", function () {
    it("emits EpochBudgetSet(old, new) and sets the budget", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setEpochBudget(parseEther("2000")))
        .to.emit(d.rewards, "EpochBudgetSet")
        .withArgs(EPOCH_BUDGET, parseEther("2000"));
      expect(await d.rewards.epochBudget()).to.equal(parseEther("2000"));
    });

    it("emits nothing when unchanged", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setEpochBudget(EPOCH_BUDGET)).not.to.emit(d.rewards, "EpochBudgetSet");
    });

    it("reverts with RewardsBudgetTooLarge above uint96", async function () {
      const d = await loadFixture(fixture);
      const maximum = (1n << 96n) - 1n;
      await expect(d.rewards.connect(d.admin).setEpochBudget(maximum + 1n))
        .to.be.revertedWithCustomError(d.rewards, "RewardsBudgetTooLarge")
        .withArgs(maximum + 1n, maximum);
      expect(await d.rewards.epochBudget()).to.equal(EPOCH_BUDGET);
    });
  });

  describe("addOperator", function () {
    it("emits OperatorAdded and appends the operator", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).addOperator(d.newcomer)).to.emit(d.rewards, "OperatorAdded").withArgs(d.newcomer);
      expect(await d.rewards.operators()).to.deep.equal([...d.operatorSigners.map((s) => s.address), d.newcomer]);
      expect(await d.rewards.isOperator(d.newcomer)).to.equal(true);
      expect(await d.rewards.threshold()).to.equal(3);
    });

    it("lets the new operator's signature count once it is staked", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.alice).submit(contentHash("for the newcomer"), 1);
      const [op1, op2] = d.operatorSigners;
      const newcomer = d.carol;
      await d.rewards.connect(d.admin).addOperator(newcomer.address);
      await d.token.connect(newcomer).stake(MIN_OPERATOR_STAKE);
      await expect(postBatch({ rewards: d.rewards, operatorSigners: [op1, op2, newcomer] }, [item(1, 50, 10)]))
        .to.emit(d.rewards, "BatchPosted")
        .withArgs(0, EVALUATOR, ethers.ZeroHash, 1);
    });

    it("reverts with RewardsOperatorExists for a current operator", async function () {
      const d = await loadFixture(fixture);
      const [, op2] = d.operatorSigners;
      await expect(d.rewards.connect(d.admin).addOperator(op2.address)).to.be.revertedWithCustomError(d.rewards, "RewardsOperatorExists").withArgs(op2.address);
      expect(await d.rewards.operators()).to.have.length(5);
    });

    it("reverts with RewardsZeroAddress for the zero address", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).addOperator(ZeroAddress)).to.be.revertedWithCustomError(d.rewards, "RewardsZeroAddress").withArgs();
    });

    it("reverts with RewardsTooManyOperators beyond MAX_OPERATORS", async function () {
      const d = await loadFixture(fixture);
      const max = await d.rewards.MAX_OPERATORS();
      const missing = Number(max) - d.operatorSigners.length;
      for (let i = 0; i < missing; i++) await d.rewards.connect(d.admin).addOperator(ethers.Wallet.createRandom().address);
      expect(await d.rewards.operators()).to.have.length(Number(max));
      await expect(d.rewards.connect(d.admin).addOperator(d.newcomer)).to.be.revertedWithCustomError(d.rewards, "RewardsTooManyOperators").withArgs(max);
      expect(await d.rewards.isOperator(d.newcomer)).to.equal(false);
    });

    it("accepts an operator that was removed earlier, at the end of the list", async function () {
      const d = await loadFixture(fixture);
      const [op1, ...rest] = d.operatorSigners;
      await d.rewards.connect(d.admin).removeOperator(op1.address);
      await expect(d.rewards.connect(d.admin).addOperator(op1.address)).to.emit(d.rewards, "OperatorAdded").withArgs(op1.address);
      expect(await d.rewards.operators()).to.deep.equal([...rest.map((s) => s.address), op1.address]);
    });
  });

  describe("removeOperator", function () {
    it("emits OperatorRemoved and keeps the order of the rest", async function () {
      const d = await loadFixture(fixture);
      const [op1, op2, op3, op4, op5] = d.operatorSigners;
      await expect(d.rewards.connect(d.admin).removeOperator(op2.address)).to.emit(d.rewards, "OperatorRemoved").withArgs(op2.address);
      expect(await d.rewards.operators()).to.deep.equal([op1.address, op3.address, op4.address, op5.address]);
      expect(await d.rewards.isOperator(op2.address)).to.equal(false);
    });

    it("removes the first and the last operator keeping the order of the rest", async function () {
      const d = await loadFixture(fixture);
      const [op1, op2, op3, op4, op5] = d.operatorSigners;
      await d.rewards.connect(d.admin).removeOperator(op5.address);
      expect(await d.rewards.operators()).to.deep.equal([op1.address, op2.address, op3.address, op4.address]);
      await d.rewards.connect(d.admin).removeOperator(op1.address);
      expect(await d.rewards.operators()).to.deep.equal([op2.address, op3.address, op4.address]);
    });

    it("reverts with RewardsInvalidThreshold when the rest could not meet the threshold", async function () {
      const d = await loadFixture(fixture);
      const [op1, op2, op3] = d.operatorSigners;
      await d.rewards.connect(d.admin).removeOperator(op1.address);
      await d.rewards.connect(d.admin).removeOperator(op2.address);
      await expect(d.rewards.connect(d.admin).removeOperator(op3.address)).to.be.revertedWithCustomError(d.rewards, "RewardsInvalidThreshold").withArgs(3, 2);
      expect(await d.rewards.operators()).to.have.length(3);
      expect(await d.rewards.isOperator(op3.address)).to.equal(true);
    });

    it("reverts with RewardsOperatorNotFound for an unknown operator", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).removeOperator(d.newcomer)).to.be.revertedWithCustomError(d.rewards, "RewardsOperatorNotFound").withArgs(d.newcomer);
      expect(await d.rewards.operators()).to.have.length(5);
    });

    it("reverts with RewardsOperatorNotFound for an operator removed already", async function () {
      const d = await loadFixture(fixture);
      const [op1] = d.operatorSigners;
      await d.rewards.connect(d.admin).removeOperator(op1.address);
      await expect(d.rewards.connect(d.admin).removeOperator(op1.address)).to.be.revertedWithCustomError(d.rewards, "RewardsOperatorNotFound").withArgs(op1.address);
    });
  });

  describe("setThreshold", function () {
    it("emits ThresholdSet(old, new) and sets the threshold", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setThreshold(5)).to.emit(d.rewards, "ThresholdSet").withArgs(3, 5);
      expect(await d.rewards.threshold()).to.equal(5);
    });

    it("makes batches need the new number of signatures", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.alice).submit(contentHash("threshold"), 1);
      await d.rewards.connect(d.admin).setThreshold(4);
      await expect(postBatch({ rewards: d.rewards, operatorSigners: d.operatorSigners.slice(0, 3) }, [item(1, 50, 10)]))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInsufficientSignatures")
        .withArgs(3, 4);
    });

    it("emits nothing when unchanged", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setThreshold(3)).not.to.emit(d.rewards, "ThresholdSet");
    });

    it("reverts with RewardsInvalidThreshold for 0", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setThreshold(0)).to.be.revertedWithCustomError(d.rewards, "RewardsInvalidThreshold").withArgs(0, 5);
      expect(await d.rewards.threshold()).to.equal(3);
    });

    it("reverts with RewardsInvalidThreshold above the operator count", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setThreshold(6)).to.be.revertedWithCustomError(d.rewards, "RewardsInvalidThreshold").withArgs(6, 5);
      expect(await d.rewards.threshold()).to.equal(3);
    });
  });

  describe("setMinOperatorStake", function () {
    it("emits MinOperatorStakeSet(old, new) and sets the minimum", async function () {
      const d = await loadFixture(fixture);
      const raised = MIN_OPERATOR_STAKE * 2n;
      await expect(d.rewards.connect(d.admin).setMinOperatorStake(raised)).to.emit(d.rewards, "MinOperatorStakeSet").withArgs(MIN_OPERATOR_STAKE, raised);
      expect(await d.rewards.minOperatorStake()).to.equal(raised);
    });

    it("stops counting operators below a raised minimum", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.alice).submit(contentHash("stake"), 1);
      const raised = MIN_OPERATOR_STAKE + 1n;
      await d.rewards.connect(d.admin).setMinOperatorStake(raised);
      const lowest = [...d.operatorSigners.slice(0, 3)].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))[0];
      await expect(postBatch(d, [item(1, 50, 10)]))
        .to.be.revertedWithCustomError(d.rewards, "RewardsOperatorStakeTooLow")
        .withArgs(lowest.address, MIN_OPERATOR_STAKE, raised);
    });

    it("emits nothing when unchanged", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setMinOperatorStake(MIN_OPERATOR_STAKE)).not.to.emit(d.rewards, "MinOperatorStakeSet");
    });
  });

  describe("setEvaluator", function () {
    it("emits EvaluatorSet(evaluator, true) when approving", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setEvaluator(NEW_EVALUATOR, true)).to.emit(d.rewards, "EvaluatorSet").withArgs(NEW_EVALUATOR, true);
      expect(await d.rewards.isApprovedEvaluator(NEW_EVALUATOR)).to.equal(true);
    });

    it("emits EvaluatorSet(evaluator, false) when revoking", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setEvaluator(EVALUATOR, false)).to.emit(d.rewards, "EvaluatorSet").withArgs(EVALUATOR, false);
      expect(await d.rewards.isApprovedEvaluator(EVALUATOR)).to.equal(false);
    });

    it("emits nothing when approving an approved evaluator", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setEvaluator(EVALUATOR, true)).not.to.emit(d.rewards, "EvaluatorSet");
    });

    it("emits nothing when revoking an evaluator that is not approved", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setEvaluator(NEW_EVALUATOR, false)).not.to.emit(d.rewards, "EvaluatorSet");
    });

    it("lets batches name a newly approved evaluator", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.alice).submit(contentHash("evaluator"), 1);
      await d.rewards.connect(d.admin).setEvaluator(NEW_EVALUATOR, true);
      await expect(postBatch(d, [item(1, 50, 10)], { evaluator: NEW_EVALUATOR }))
        .to.emit(d.rewards, "BatchPosted")
        .withArgs(0, NEW_EVALUATOR, ethers.ZeroHash, 1);
    });
  });

  describe("setMaxPointsPerSubmission", function () {
    it("emits MaxPointsPerSubmissionSet(old, new) and sets the maximum", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setMaxPointsPerSubmission(50)).to.emit(d.rewards, "MaxPointsPerSubmissionSet").withArgs(1000, 50);
      expect(await d.rewards.maxPointsPerSubmission()).to.equal(50);
    });

    it("refuses items above the new maximum", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.alice).submit(contentHash("points"), 1);
      await d.rewards.connect(d.admin).setMaxPointsPerSubmission(50);
      await expect(postBatch(d, [item(1, 50, 51)]))
        .to.be.revertedWithCustomError(d.rewards, "RewardsPointsAboveMaximum")
        .withArgs(1, 51, 50);
    });

    it("emits nothing when unchanged", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setMaxPointsPerSubmission(1000)).not.to.emit(d.rewards, "MaxPointsPerSubmissionSet");
    });
  });

  describe("setQuota", function () {
    it("emits QuotaSet(base, tiers) and sets the quota", async function () {
      const d = await loadFixture(fixture);
      const tiers = [
        { minStake: parseEther("500"), quota: 8 },
        { minStake: parseEther("5000"), quota: 8 },
        { minStake: parseEther("50000"), quota: 300 },
      ];
      await expect(d.rewards.connect(d.admin).setQuota(3, tiers))
        .to.emit(d.rewards, "QuotaSet")
        .withArgs(
          3,
          tiers.map((t) => [t.minStake, t.quota]),
        );
      const [baseQuota, stored] = await d.rewards.quota();
      expect(baseQuota).to.equal(3);
      expect(stored.map((t) => [t.minStake, t.quota])).to.deep.equal(tiers.map((t) => [t.minStake, BigInt(t.quota)]));
    });

    it("replaces every earlier tier", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.admin).setQuota(7, []);
      const [baseQuota, stored] = await d.rewards.quota();
      expect(baseQuota).to.equal(7);
      expect(stored).to.deep.equal([]);
      await d.token.connect(d.alice).stake(parseEther("10000"));
      expect(await d.rewards.quotaOf(d.alice.address)).to.equal(7);
    });

    it("accepts a first tier quota equal to the base quota", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).setQuota(5, [{ minStake: 1n, quota: 5 }]))
        .to.emit(d.rewards, "QuotaSet")
        .withArgs(5, [[1n, 5]]);
    });

    it("accepts exactly MAX_QUOTA_TIERS tiers", async function () {
      const d = await loadFixture(fixture);
      const max = Number(await d.rewards.MAX_QUOTA_TIERS());
      const tiers = Array.from({ length: max }, (_, i) => ({ minStake: BigInt(i + 1), quota: i + 1 }));
      await d.rewards.connect(d.admin).setQuota(0, tiers);
      expect((await d.rewards.quota())[1]).to.have.length(max);
    });

    describe("with invalid tiers", function () {
      const cases: [string, number, { minStake: bigint; quota: number }[], number][] = [
        ["a first tier at zero stake", 5, [{ minStake: 0n, quota: 10 }], 0],
        ["a first tier quota below the base quota", 5, [{ minStake: parseEther("1"), quota: 4 }], 0],
        [
          "stakes not strictly ascending (equal)",
          5,
          [
            { minStake: parseEther("1"), quota: 10 },
            { minStake: parseEther("1"), quota: 20 },
          ],
          1,
        ],
        [
          "stakes descending",
          5,
          [
            { minStake: parseEther("1"), quota: 10 },
            { minStake: parseEther("2"), quota: 20 },
            { minStake: parseEther("1.5"), quota: 30 },
          ],
          2,
        ],
        [
          "quotas decreasing",
          5,
          [
            { minStake: parseEther("1"), quota: 20 },
            { minStake: parseEther("2"), quota: 19 },
          ],
          1,
        ],
      ];
      for (const [label, base, tiers, index] of cases) {
        it(`reverts with RewardsInvalidQuotaTiers(${index}) for ${label} and keeps the old quota`, async function () {
          const d = await loadFixture(fixture);
          await expect(d.rewards.connect(d.admin).setQuota(base, tiers)).to.be.revertedWithCustomError(d.rewards, "RewardsInvalidQuotaTiers").withArgs(index);
          const [baseQuota, stored] = await d.rewards.quota();
          expect(baseQuota).to.equal(5);
          expect(stored).to.have.length(2);
        });
      }

      it("reverts with RewardsTooManyQuotaTiers(given, maximum) above MAX_QUOTA_TIERS", async function () {
        const d = await loadFixture(fixture);
        const max = await d.rewards.MAX_QUOTA_TIERS();
        const tiers = Array.from({ length: Number(max) + 1 }, (_, i) => ({ minStake: BigInt(i + 1), quota: i + 1 }));
        await expect(d.rewards.connect(d.admin).setQuota(0, tiers))
          .to.be.revertedWithCustomError(d.rewards, "RewardsTooManyQuotaTiers")
          .withArgs(max + 1n, max);
      });
    });
  });

  describe("pause", function () {
    it("may be called by the guardian and emits Paused", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.guardian).pause()).to.emit(d.rewards, "Paused").withArgs(d.guardian.address);
      expect(await d.rewards.paused()).to.equal(true);
    });

    it("may be called by the admin", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).pause()).to.emit(d.rewards, "Paused").withArgs(d.admin.address);
      expect(await d.rewards.paused()).to.equal(true);
    });

    for (const who of STRANGERS.filter((w) => w !== "the guardian")) {
      it(`reverts with RewardsUnauthorizedPauser for ${who}`, async function () {
        const d = await loadFixture(fixture);
        const caller = stranger(d, who);
        await expect(d.rewards.connect(caller).pause()).to.be.revertedWithCustomError(d.rewards, "RewardsUnauthorizedPauser").withArgs(caller.address);
        expect(await d.rewards.paused()).to.equal(false);
      });
    }

    it("reverts with EnforcedPause when already paused", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.guardian).pause();
      await expect(d.rewards.connect(d.guardian).pause()).to.be.revertedWithCustomError(d.rewards, "EnforcedPause").withArgs();
    });
  });

  describe("unpause", function () {
    it("may be called by the admin and emits Unpaused", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.guardian).pause();
      await expect(d.rewards.connect(d.admin).unpause()).to.emit(d.rewards, "Unpaused").withArgs(d.admin.address);
      expect(await d.rewards.paused()).to.equal(false);
    });

    it("stays paused after the guardian's attempt", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.guardian).pause();
      await expect(d.rewards.connect(d.guardian).unpause())
        .to.be.revertedWithCustomError(d.rewards, "AccessControlUnauthorizedAccount")
        .withArgs(d.guardian.address, d.adminRole);
      expect(await d.rewards.paused()).to.equal(true);
    });

    it("reverts with ExpectedPause when not paused", async function () {
      const d = await loadFixture(fixture);
      await expect(d.rewards.connect(d.admin).unpause()).to.be.revertedWithCustomError(d.rewards, "ExpectedPause").withArgs();
    });
  });

  describe("upgradeToAndCall", function () {
    async function newImplementation(): Promise<string> {
      const factory = await ethers.getContractFactory("RewardsV2");
      const implementation = await factory.deploy();
      await implementation.waitForDeployment();
      return implementation.getAddress();
    }

    for (const who of STRANGERS) {
      it(`reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE) for ${who}`, async function () {
        const d = await loadFixture(fixture);
        const caller = stranger(d, who);
        const proxy = await d.rewards.getAddress();
        const before = await upgrades.erc1967.getImplementationAddress(proxy);
        await expect(d.rewards.connect(caller).upgradeToAndCall(await newImplementation(), "0x"))
          .to.be.revertedWithCustomError(d.rewards, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, d.adminRole);
        expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(before);
      });
    }

    it("succeeds for the Timelock and keeps the state", async function () {
      const d = await loadFixture(fixture);
      const implementation = await newImplementation();
      await expect(d.rewards.connect(d.admin).upgradeToAndCall(implementation, "0x")).to.emit(d.rewards, "Upgraded").withArgs(implementation);
      expect(await upgrades.erc1967.getImplementationAddress(await d.rewards.getAddress())).to.equal(implementation);
      expect(await d.rewards.operators()).to.deep.equal(d.operatorSigners.map((s) => s.address));
      expect(await d.rewards.epochBudget()).to.equal(EPOCH_BUDGET);
    });
  });
});
