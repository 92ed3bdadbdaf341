import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, parseEther } from "ethers";
import { DAY, EPOCH_BUDGET, EPOCH_LENGTH, EVALUATOR, MIN_OPERATOR_STAKE, deployStandard } from "../helpers/cashkey";
import { REWARDS_DOMAIN_NAME, REWARDS_DOMAIN_VERSION } from "../../oracle/src/protocol/eip712";
import { asTimelock } from "../helpers/rewardsTesting";
import type { IRewards } from "../../typechain-types/contracts/rewards/Rewards";

const { ethers, upgrades } = hre;

async function fixture() {
  const deployment = await deployStandard();
  const Rewards = await ethers.getContractFactory("Rewards");
  return { ...deployment, Rewards };
}

type Deployment = Awaited<ReturnType<typeof fixture>>;

/** Parameters `initialize` accepts, to be spoiled one field at a time. */
async function validParams(d: Deployment): Promise<IRewards.InitParamsStruct> {
  return {
    token: await d.token.getAddress(),
    admin: await d.timelock.getAddress(),
    guardian: d.guardian.address,
    epochLength: EPOCH_LENGTH,
    epochBudget: EPOCH_BUDGET,
    operators: d.operatorSigners.map((s) => s.address),
    threshold: 3,
    minOperatorStake: MIN_OPERATOR_STAKE,
    evaluators: [EVALUATOR],
    maxPointsPerSubmission: 1000,
    baseQuota: 5,
    quotaTiers: [
      { minStake: parseEther("1000"), quota: 20 },
      { minStake: parseEther("10000"), quota: 100 },
    ],
    governor: await d.governor.getAddress(),
    bondReleaseMargin: DAY,
  };
}

async function deployWith(d: Deployment, params: IRewards.InitParamsStruct) {
  return upgrades.deployProxy(d.Rewards, [params], { kind: "uups", constructorArgs: [await d.forwarder.getAddress()] });
}

describe("Rewards: initialize", function () {
  describe("after deployCashKey", function () {
    it("points at the token", async function () {
      const { rewards, token } = await loadFixture(fixture);
      expect(await rewards.token()).to.equal(await token.getAddress());
    });

    it("fixes the epoch length and starts epoch 0 at the initializing block", async function () {
      const { rewards } = await loadFixture(fixture);
      expect(await rewards.epochLength()).to.equal(EPOCH_LENGTH);
      const initializedAt = await initializationTimestamp(rewards);
      expect(await rewards.genesis()).to.equal(initializedAt);
      expect(await rewards.currentEpoch()).to.equal(0);
    });

    it("sets the epoch budget", async function () {
      const { rewards } = await loadFixture(fixture);
      expect(await rewards.epochBudget()).to.equal(EPOCH_BUDGET);
      const info = await rewards.epochInfo(0);
      expect(info.budget).to.equal(EPOCH_BUDGET);
      expect(info.totalPoints).to.equal(0);
    });

    it("lists the operators in the given order with the threshold", async function () {
      const { rewards, operatorSigners, outsider } = await loadFixture(fixture);
      expect(await rewards.operators()).to.deep.equal(operatorSigners.map((s) => s.address));
      for (const op of operatorSigners) expect(await rewards.isOperator(op.address)).to.equal(true);
      expect(await rewards.isOperator(outsider.address)).to.equal(false);
      expect(await rewards.threshold()).to.equal(3);
    });

    it("sets the minimum operator stake, which deployCashKey staked for every operator", async function () {
      const { rewards, token, operatorSigners } = await loadFixture(fixture);
      expect(await rewards.minOperatorStake()).to.equal(MIN_OPERATOR_STAKE);
      for (const op of operatorSigners) expect(await token.stakedBalanceOf(op.address)).to.equal(MIN_OPERATOR_STAKE);
    });

    it("approves the given evaluator and no other", async function () {
      const { rewards } = await loadFixture(fixture);
      expect(await rewards.isApprovedEvaluator(EVALUATOR)).to.equal(true);
      expect(await rewards.isApprovedEvaluator(ZeroHash)).to.equal(false);
    });

    it("sets the maximum points per submission", async function () {
      const { rewards } = await loadFixture(fixture);
      expect(await rewards.maxPointsPerSubmission()).to.equal(1000);
    });

    it("sets the base quota and the stake tiers", async function () {
      const { rewards } = await loadFixture(fixture);
      const [baseQuota, tiers] = await rewards.quota();
      expect(baseQuota).to.equal(5);
      expect(tiers.map((t) => [t.minStake, t.quota])).to.deep.equal([
        [parseEther("1000"), 20n],
        [parseEther("10000"), 100n],
      ]);
    });

    it("starts with no submissions and batch nonce 0", async function () {
      const { rewards } = await loadFixture(fixture);
      expect(await rewards.submissionCount()).to.equal(0);
      expect(await rewards.nextBatchNonce()).to.equal(0);
    });

    it("exposes the EIP-712 domain {CashKey Rewards, 1, chainId, proxy}", async function () {
      const { rewards } = await loadFixture(fixture);
      const { chainId } = await ethers.provider.getNetwork();
      const domain = await rewards.eip712Domain();
      expect(domain.fields).to.equal("0x0f");
      expect(domain.name).to.equal(REWARDS_DOMAIN_NAME);
      expect(domain.version).to.equal(REWARDS_DOMAIN_VERSION);
      expect(domain.chainId).to.equal(chainId);
      expect(domain.verifyingContract).to.equal(await rewards.getAddress());
      expect(domain.salt).to.equal(ZeroHash);
      expect(domain.extensions).to.deep.equal([]);
    });

    it("exposes the ScoreBatch type hash", async function () {
      const { rewards } = await loadFixture(fixture);
      expect(await rewards.SCORE_BATCH_TYPEHASH()).to.equal(
        ethers.id("ScoreBatch(uint64 nonce,bytes32 itemsHash,bytes32 evaluator,bytes32 rationaleRoot,uint64 deadline)"),
      );
    });

    it("makes the Timelock admin, the guardian GUARDIAN_ROLE, and leaves the deployer no role", async function () {
      const { rewards, timelock, guardian, deployer } = await loadFixture(fixture);
      const admin = await rewards.DEFAULT_ADMIN_ROLE();
      const guardianRole = await rewards.GUARDIAN_ROLE();
      expect(guardianRole).to.equal(ethers.id("GUARDIAN_ROLE"));
      expect(await rewards.hasRole(admin, await timelock.getAddress())).to.equal(true);
      expect(await rewards.hasRole(guardianRole, guardian.address)).to.equal(true);
      expect(await rewards.hasRole(admin, guardian.address)).to.equal(false);
      expect(await rewards.hasRole(admin, deployer.address)).to.equal(false);
      expect(await rewards.hasRole(guardianRole, deployer.address)).to.equal(false);
    });

    it("reports implementation version 1.3.0", async function () {
      const { rewards } = await loadFixture(fixture);
      expect(await rewards.version()).to.equal("1.3.0");
    });

    it("reads the bond release delay from the Governor and the Timelock plus the margin", async function () {
      const { rewards, governor } = await loadFixture(fixture);
      expect(await rewards.governor()).to.equal(await governor.getAddress());
      expect(await rewards.bondReleaseMargin()).to.equal(DAY);
      // 1 day voting delay + 5 days voting + 1 day late-quorum extension + 2 days Timelock.
      expect(await rewards.governancePath()).to.equal(9 * DAY);
      expect(await rewards.bondReleaseDelay()).to.equal(10 * DAY);
    });

    it("is unpaused", async function () {
      const { rewards } = await loadFixture(fixture);
      expect(await rewards.paused()).to.equal(false);
    });
  });

  describe("when called again", function () {
    it("reverts on the proxy with InvalidInitialization", async function () {
      const d = await loadFixture(fixture);
      const { rewards, outsider } = d;
      await expect(rewards.connect(outsider).initialize({ ...(await validParams(d)), admin: outsider.address }))
        .to.be.revertedWithCustomError(rewards, "InvalidInitialization")
        .withArgs();
      expect(await rewards.hasRole(await rewards.DEFAULT_ADMIN_ROLE(), outsider.address)).to.equal(false);
    });

    it("reverts on the implementation with InvalidInitialization", async function () {
      const d = await loadFixture(fixture);
      const implementation = d.Rewards.attach(await upgrades.erc1967.getImplementationAddress(await d.rewards.getAddress())) as typeof d.rewards;
      await expect(implementation.connect(d.outsider).initialize(await validParams(d)))
        .to.be.revertedWithCustomError(implementation, "InvalidInitialization")
        .withArgs();
    });

    it("reverts initializeV2 on a fresh proxy with InvalidInitialization (it starts at version 2)", async function () {
      const { rewards, timelock } = await loadFixture(fixture);
      const admin = await asTimelock(timelock);
      await expect(rewards.connect(admin).initializeV2(ZeroAddress, DAY, 0))
        .to.be.revertedWithCustomError(rewards, "InvalidInitialization")
        .withArgs();
    });
  });

  describe("with valid parameters through upgrades.deployProxy", function () {
    it("deploys a fresh proxy and emits the setters' events", async function () {
      const d = await loadFixture(fixture);
      const params = await validParams(d);
      const proxy = await deployWith(d, params);
      const tx = proxy.deploymentTransaction();
      await expect(tx).to.emit(proxy, "EpochBudgetSet").withArgs(0, EPOCH_BUDGET);
      await expect(tx).to.emit(proxy, "ThresholdSet").withArgs(0, 3);
      await expect(tx).to.emit(proxy, "MinOperatorStakeSet").withArgs(0, MIN_OPERATOR_STAKE);
      await expect(tx).to.emit(proxy, "EvaluatorSet").withArgs(EVALUATOR, true);
      await expect(tx).to.emit(proxy, "MaxPointsPerSubmissionSet").withArgs(0, 1000);
      await expect(tx).to.emit(proxy, "GovernorSet").withArgs(ZeroAddress, params.governor);
      await expect(tx).to.emit(proxy, "BondReleaseMarginSet").withArgs(0, DAY);
      for (const op of d.operatorSigners) await expect(tx).to.emit(proxy, "OperatorAdded").withArgs(op.address);
      await expect(tx)
        .to.emit(proxy, "QuotaSet")
        .withArgs(5, [
          [parseEther("1000"), 20],
          [parseEther("10000"), 100],
        ]);
    });

    it("accepts no guardian and grants GUARDIAN_ROLE to nobody", async function () {
      const d = await loadFixture(fixture);
      const proxy = await deployWith(d, { ...(await validParams(d)), guardian: ZeroAddress });
      expect(await proxy.hasRole(await proxy.GUARDIAN_ROLE(), ZeroAddress)).to.equal(false);
      expect(await proxy.hasRole(await proxy.GUARDIAN_ROLE(), d.guardian.address)).to.equal(false);
    });
  });

  describe("with bad parameters through upgrades.deployProxy", function () {
    it("reverts with RewardsZeroAddress for a zero token", async function () {
      const d = await loadFixture(fixture);
      await expect(deployWith(d, { ...(await validParams(d)), token: ZeroAddress }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsZeroAddress")
        .withArgs();
    });

    it("reverts with RewardsZeroAddress for a zero admin", async function () {
      const d = await loadFixture(fixture);
      await expect(deployWith(d, { ...(await validParams(d)), admin: ZeroAddress }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsZeroAddress")
        .withArgs();
    });

    it("reverts with RewardsInvalidEpochLength for a zero epoch length", async function () {
      const d = await loadFixture(fixture);
      await expect(deployWith(d, { ...(await validParams(d)), epochLength: 0 }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidEpochLength")
        .withArgs(0);
    });

    it("reverts with RewardsInvalidThreshold for threshold 0", async function () {
      const d = await loadFixture(fixture);
      await expect(deployWith(d, { ...(await validParams(d)), threshold: 0 }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidThreshold")
        .withArgs(0, 5);
    });

    it("reverts with RewardsInvalidThreshold for a threshold above the operator count", async function () {
      const d = await loadFixture(fixture);
      await expect(deployWith(d, { ...(await validParams(d)), threshold: 6 }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidThreshold")
        .withArgs(6, 5);
    });

    it("reverts with RewardsInvalidThreshold for no operators at all", async function () {
      const d = await loadFixture(fixture);
      await expect(deployWith(d, { ...(await validParams(d)), operators: [], threshold: 1 }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidThreshold")
        .withArgs(1, 0);
    });

    it("reverts with RewardsOperatorExists for a duplicate operator", async function () {
      const d = await loadFixture(fixture);
      const [op1, op2] = d.operatorSigners;
      await expect(deployWith(d, { ...(await validParams(d)), operators: [op1.address, op2.address, op1.address] }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsOperatorExists")
        .withArgs(op1.address);
    });

    it("reverts with RewardsZeroAddress for a zero operator", async function () {
      const d = await loadFixture(fixture);
      const [op1, op2] = d.operatorSigners;
      await expect(deployWith(d, { ...(await validParams(d)), operators: [op1.address, ZeroAddress, op2.address] }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsZeroAddress")
        .withArgs();
    });

    it("reverts with RewardsTooManyOperators for more than MAX_OPERATORS operators", async function () {
      const d = await loadFixture(fixture);
      const max = await d.rewards.MAX_OPERATORS();
      const operators = Array.from({ length: Number(max) + 1 }, () => ethers.Wallet.createRandom().address);
      await expect(deployWith(d, { ...(await validParams(d)), operators, threshold: 1 }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsTooManyOperators")
        .withArgs(max);
    });

    it("reverts with RewardsInvalidQuotaTiers for tiers not ascending in stake", async function () {
      const d = await loadFixture(fixture);
      const quotaTiers = [
        { minStake: parseEther("1000"), quota: 20 },
        { minStake: parseEther("1000"), quota: 30 },
      ];
      await expect(deployWith(d, { ...(await validParams(d)), quotaTiers }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidQuotaTiers")
        .withArgs(1);
    });

    it("reverts with RewardsInvalidQuotaTiers for a tier quota below the base quota", async function () {
      const d = await loadFixture(fixture);
      const quotaTiers = [{ minStake: parseEther("1000"), quota: 4 }];
      await expect(deployWith(d, { ...(await validParams(d)), baseQuota: 5, quotaTiers }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidQuotaTiers")
        .withArgs(0);
    });

    it("reverts with RewardsTooManyQuotaTiers for more than MAX_QUOTA_TIERS tiers", async function () {
      const d = await loadFixture(fixture);
      const max = await d.rewards.MAX_QUOTA_TIERS();
      const quotaTiers = Array.from({ length: Number(max) + 1 }, (_, i) => ({
        minStake: parseEther(String(1000 * (i + 1))),
        quota: 10 * (i + 1),
      }));
      await expect(deployWith(d, { ...(await validParams(d)), quotaTiers }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsTooManyQuotaTiers")
        .withArgs(max + 1n, max);
    });

    it("reverts with RewardsBudgetTooLarge for a budget above uint96", async function () {
      const d = await loadFixture(fixture);
      const maximum = (1n << 96n) - 1n;
      await expect(deployWith(d, { ...(await validParams(d)), epochBudget: maximum + 1n }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsBudgetTooLarge")
        .withArgs(maximum + 1n, maximum);
    });

    it("reverts with RewardsBudgetAboveRemainingCap for a budget one wei above what the cap leaves", async function () {
      const d = await loadFixture(fixture);
      const room = (await d.token.cap()) - (await d.token.totalSupply());
      await expect(deployWith(d, { ...(await validParams(d)), epochBudget: room + 1n }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsBudgetAboveRemainingCap")
        .withArgs(room + 1n, room);
    });

    it("accepts a budget of exactly what the cap leaves", async function () {
      const d = await loadFixture(fixture);
      const room = (await d.token.cap()) - (await d.token.totalSupply());
      const proxy = await deployWith(d, { ...(await validParams(d)), epochBudget: room });
      expect(await proxy.epochBudget()).to.equal(room);
    });

    for (const [label, margin, wrong] of [
      ["below MIN_BOND_RELEASE_MARGIN", DAY - 1, true],
      ["of exactly MIN_BOND_RELEASE_MARGIN", DAY, false],
      ["of exactly MAX_BOND_RELEASE_MARGIN", 30 * DAY, false],
      ["above MAX_BOND_RELEASE_MARGIN", 30 * DAY + 1, true],
    ] as const) {
      it(`${wrong ? "reverts with RewardsBondReleaseMarginOutOfRange for" : "accepts"} a bond release margin ${label}`, async function () {
        const d = await loadFixture(fixture);
        const deploying = deployWith(d, { ...(await validParams(d)), bondReleaseMargin: margin });
        if (wrong) {
          await expect(deploying)
            .to.be.revertedWithCustomError(d.rewards, "RewardsBondReleaseMarginOutOfRange")
            .withArgs(margin, DAY, 30 * DAY);
        } else {
          expect(await (await deploying).bondReleaseMargin()).to.equal(margin);
        }
      });
    }
  });
});

async function initializationTimestamp(rewards: Deployment["rewards"]): Promise<number> {
  const [event] = await rewards.queryFilter(rewards.filters.Initialized());
  const block = await ethers.provider.getBlock(event.blockNumber);
  if (!block) throw new Error("no block for the Initialized event");
  return block.timestamp;
}
