import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakText, parseEther } from "ethers";
import { type CashKeyDeployment, type DeployOptions, defaultMinOperatorStake, deployCashKey } from "../../scripts/deploy";
import { HEURISTIC_EVALUATOR_HASH } from "../../oracle/src/protocol/evaluatorHash";
import { item, postBatch, submitMany } from "../helpers/cashkey";

const { ethers, upgrades } = hre;

const DAY = 24 * 60 * 60;
const deploymentsRoot = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-deploy-"));
const EVALUATOR_X = keccakText("evaluator x");
const EVALUATOR_Y = keccakText("evaluator y");

/** A deployment with `options`, its record directory and the block number just before it. */
async function deploy(options: DeployOptions) {
  const deploymentsDir = fs.mkdtempSync(path.join(deploymentsRoot, "deployment-"));
  const blockBefore = await ethers.provider.getBlockNumber();
  const contracts = await deployCashKey(hre, { deploymentsDir, ...options });
  return { ...contracts, deploymentsDir, blockBefore };
}

async function fixture() {
  const signers = await ethers.getSigners();
  const defaults = await deploy({});

  const customDeployer = signers[12];
  const customOperators = signers.slice(1, 5);
  const customOptions = {
    deployer: customDeployer,
    operators: customOperators.map((s) => s.address),
    threshold: 2,
    evaluators: [EVALUATOR_X, EVALUATOR_Y],
    guardian: signers[6].address,
    epochLength: 3600,
    epochBudget: parseEther("777"),
    minOperatorStake: parseEther("2500"),
    maxPointsPerSubmission: 50,
    baseQuota: 2,
    quotaTiers: [{ minStake: parseEther("100"), quota: 3 }],
    cap: parseEther("5000000"),
    initialSupply: parseEther("1000000"),
    unstakeCooldown: 3600,
    treasury: signers[13].address,
    timelockDelay: 600,
    votingDelay: 60,
    votingPeriod: 7200,
    proposalThreshold: parseEther("5"),
    quorumPercent: 10,
    voteExtension: 300,
  } satisfies DeployOptions;
  const custom = await deploy(customOptions);
  return { signers, defaults, custom, customOptions, customDeployer, customOperators };
}

async function addressesOf({ token, rewards, governor, timelock, forwarder, challenges }: CashKeyDeployment) {
  return {
    token: await token.getAddress(),
    rewards: await rewards.getAddress(),
    governor: await governor.getAddress(),
    timelock: await timelock.getAddress(),
    forwarder: await forwarder.getAddress(),
    challenges: await challenges.getAddress(),
  };
}

describe("deployCashKey", function () {
  after(function () {
    fs.rmSync(deploymentsRoot, { recursive: true, force: true });
  });

  describe("deployment record", function () {
    it("writes <chainId>.json with exactly chainId, token, rewards, governor, timelock, forwarder, challenges and deployBlock", async function () {
      const { defaults, custom } = await loadFixture(fixture);
      for (const deployment of [defaults, custom]) {
        const files = fs.readdirSync(deployment.deploymentsDir);
        expect(files).to.deep.equal(["31337.json"]);
        const record = JSON.parse(fs.readFileSync(path.join(deployment.deploymentsDir, "31337.json"), "utf8"));
        expect(Object.keys(record).sort()).to.deep.equal(["chainId", "challenges", "deployBlock", "forwarder", "governor", "rewards", "timelock", "token"]);
        expect(record).to.deep.equal({
          chainId: 31337,
          ...(await addressesOf(deployment)),
          deployBlock: deployment.blockBefore + 1,
        });
      }
    });

    it("records the block of the deployment's first transaction, before any of its contracts existed", async function () {
      const { defaults, custom, customDeployer, signers } = await loadFixture(fixture);
      for (const [deployment, deployer] of [
        [defaults, signers[0]],
        [custom, customDeployer],
      ] as const) {
        const record = JSON.parse(fs.readFileSync(path.join(deployment.deploymentsDir, "31337.json"), "utf8"));
        const block = await ethers.provider.getBlock(record.deployBlock, true);
        expect(block!.prefetchedTransactions[0].from).to.equal(deployer.address);
        for (const address of Object.values(await addressesOf(deployment))) {
          expect(await ethers.provider.getCode(address, record.deployBlock - 1)).to.equal("0x");
          expect(await ethers.provider.getCode(address)).to.not.equal("0x");
        }
      }
    });

    it("writes nothing when writeDeployment is false", async function () {
      await loadFixture(fixture);
      const { deploymentsDir } = await deploy({ writeDeployment: false });
      expect(fs.readdirSync(deploymentsDir)).to.deep.equal([]);
    });

    it("returns the five proxies, each on its own implementation, and the forwarder Rewards trusts", async function () {
      const { defaults } = await loadFixture(fixture);
      const { forwarder, ...addresses } = await addressesOf(defaults);
      expect(new Set(Object.values(addresses)).size).to.equal(5);
      expect(await defaults.rewards.challenges()).to.equal(addresses.challenges);
      expect(await defaults.challenges.rewards()).to.equal(addresses.rewards);
      expect(await defaults.rewards.trustedForwarder()).to.equal(forwarder);
      expect(await defaults.forwarder.eip712Domain()).to.deep.include.members(["CashKey Forwarder", "1"]);
      for (const address of Object.values(addresses)) {
        const implementation = await upgrades.erc1967.getImplementationAddress(address);
        expect(implementation).to.not.equal(address);
        expect(await ethers.provider.getCode(implementation)).to.not.equal("0x");
      }
      expect(await defaults.rewards.token()).to.equal(addresses.token);
      expect(await defaults.governor.token()).to.equal(addresses.token);
      expect(await defaults.governor.timelock()).to.equal(addresses.timelock);
    });
  });

  describe("operators", function () {
    it("funds and stakes each operator up to the minimum stake", async function () {
      const { custom, customOperators, customOptions } = await loadFixture(fixture);
      expect(await custom.rewards.minOperatorStake()).to.equal(customOptions.minOperatorStake);
      for (const operator of customOperators) {
        expect(await custom.token.stakedBalanceOf(operator.address)).to.equal(customOptions.minOperatorStake);
        expect(await custom.token.balanceOf(operator.address)).to.equal(customOptions.minOperatorStake);
      }
      expect(await custom.token.totalStaked()).to.equal(4n * customOptions.minOperatorStake);
    });

    it("stakes the deployer when it is the default operator", async function () {
      const { defaults, signers } = await loadFixture(fixture);
      expect(await defaults.rewards.operators()).to.deep.equal([signers[0].address]);
      expect(await defaults.token.stakedBalanceOf(signers[0].address)).to.equal(parseEther("300001"));
    });

    it("makes the operators' signatures count", async function () {
      const { custom, customOperators, signers } = await loadFixture(fixture);
      const author = signers[14];
      const [id] = await submitMany(custom.rewards, author, 1);
      await expect(postBatch({ rewards: custom.rewards, operatorSigners: customOperators }, [item(id, 50, 10)], { evaluator: EVALUATOR_X }))
        .to.emit(custom.rewards, "Scored")
        .withArgs(id, author.address, 50, 10);
      expect(await custom.rewards.pointsOf(author.address)).to.equal(10n);
    });

    it("neither funds nor stakes operators when the minimum stake is zero", async function () {
      const { signers } = await loadFixture(fixture);
      const operator = signers[15];
      const { token, rewards } = await deploy({ operators: [operator.address], minOperatorStake: 0n, writeDeployment: false });
      expect(await rewards.minOperatorStake()).to.equal(0n);
      expect(await token.stakedBalanceOf(operator.address)).to.equal(0n);
      expect(await token.balanceOf(operator.address)).to.equal(0n);
    });

    it("completes and hands over every role when the genesis supply goes to another holder", async function () {
      const { signers } = await loadFixture(fixture);
      const [deployer, holder, operator] = [signers[0], signers[16], signers[17]];
      const { token, rewards, timelock } = await deploy({
        operators: [operator.address],
        initialHolder: holder.address,
        minOperatorStake: parseEther("1000"),
        writeDeployment: false,
      });
      expect(await token.balanceOf(holder.address)).to.equal(parseEther("100000000"));
      expect(await rewards.operators()).to.deep.equal([operator.address]);
      // The deployer holds nothing to fund the operator with: the operator must stake by itself.
      expect(await token.stakedBalanceOf(operator.address)).to.equal(0n);
      for (const contract of [token, timelock]) {
        expect(await contract.hasRole(await contract.DEFAULT_ADMIN_ROLE(), deployer.address)).to.equal(false);
        expect(await contract.hasRole(await contract.DEFAULT_ADMIN_ROLE(), await timelock.getAddress())).to.equal(true);
      }
    });

    it("defaults the threshold to a majority of the operators", async function () {
      const { signers } = await loadFixture(fixture);
      for (const [count, majority] of [
        [1, 1n],
        [2, 2n],
        [4, 3n],
        [5, 3n],
      ] as const) {
        const operators = signers.slice(1, 1 + count).map((s) => s.address);
        const { rewards } = await deploy({ operators, minOperatorStake: 0n, writeDeployment: false });
        expect(await rewards.threshold(), `${count} operators`).to.equal(majority);
      }
    });
  });

  describe("evaluators", function () {
    it("approves the heuristic scorer's evaluator by default", async function () {
      const { defaults } = await loadFixture(fixture);
      expect(await defaults.rewards.isApprovedEvaluator(HEURISTIC_EVALUATOR_HASH)).to.equal(true);
    });

    it("approves exactly the given evaluators instead", async function () {
      const { custom } = await loadFixture(fixture);
      expect(await custom.rewards.isApprovedEvaluator(EVALUATOR_X)).to.equal(true);
      expect(await custom.rewards.isApprovedEvaluator(EVALUATOR_Y)).to.equal(true);
      expect(await custom.rewards.isApprovedEvaluator(HEURISTIC_EVALUATOR_HASH)).to.equal(false);
    });
  });

  describe("parameters", function () {
    it("applies the documented defaults", async function () {
      const { defaults, signers } = await loadFixture(fixture);
      const { token, rewards, governor, timelock } = defaults;
      const deployer = signers[0].address;
      const timelockAddress = await timelock.getAddress();

      expect(await rewards.epochLength()).to.equal(BigInt(7 * DAY));
      expect(await rewards.epochBudget()).to.equal(parseEther("100000"));
      // Three epochs of 100,000 CKEY can close within the 10-day governance path, and the quorum is 1.
      expect(await rewards.minOperatorStake()).to.equal(parseEther("300001"));
      expect(await rewards.bondReleaseDelay()).to.equal(BigInt(10 * DAY));
      expect(await token.stakeLock()).to.equal(await rewards.getAddress());
      expect(await rewards.maxPointsPerSubmission()).to.equal(1000n);
      const [baseQuota, tiers] = await rewards.quota();
      expect(baseQuota).to.equal(5n);
      expect(tiers.map((t) => [t.minStake, t.quota])).to.deep.equal([
        [parseEther("1000"), 20n],
        [parseEther("10000"), 100n],
      ]);
      expect(await rewards.threshold()).to.equal(1n);

      expect(await token.cap()).to.equal(parseEther("1000000000"));
      expect(await token.totalSupply()).to.equal(parseEther("100000000"));
      expect(await token.balanceOf(deployer)).to.equal(parseEther("100000000"));
      expect(await token.unstakeCooldown()).to.equal(BigInt(7 * DAY));
      expect(await token.treasury()).to.equal(timelockAddress);

      expect(await timelock.getMinDelay()).to.equal(BigInt(2 * DAY));
      expect(await governor.votingDelay()).to.equal(BigInt(1 * DAY));
      expect(await governor.votingPeriod()).to.equal(BigInt(5 * DAY));
      expect(await governor.proposalThreshold()).to.equal(parseEther("10000"));
      expect(await governor["quorumNumerator()"]()).to.equal(4n);
      expect(await governor.lateQuorumVoteExtension()).to.equal(BigInt(1 * DAY));
    });

    it("sizes the default bond so a quorum's bonds exceed the budgets of the epochs governance needs to act", function () {
      const budget = parseEther("100000");
      // 10-day path, 7-day epochs: floor(10/7) + 2 = 3 epochs at risk.
      expect(defaultMinOperatorStake({ epochBudget: budget, epochLength: 7 * DAY, threshold: 3, governancePathSeconds: 10 * DAY })).to.equal(parseEther("100001"));
      // Daily epochs: 12 epochs at risk, split over a quorum of 2.
      expect(defaultMinOperatorStake({ epochBudget: budget, epochLength: DAY, threshold: 2, governancePathSeconds: 10 * DAY })).to.equal(parseEther("600001"));
    });

    it("keeps the genesis supply with the deployer and a base quota on the local chain", async function () {
      const { defaults, signers } = await loadFixture(fixture);
      expect(await defaults.token.balanceOf(signers[0].address)).to.equal(parseEther("100000000"));
      expect(defaults.vestingWallets).to.deep.equal([]);
    });

    it("grants no guardian role by default", async function () {
      const { defaults } = await loadFixture(fixture);
      const { token, rewards, timelock } = defaults;
      expect(await token.queryFilter(token.filters.RoleGranted(await token.GUARDIAN_ROLE()))).to.deep.equal([]);
      expect(await rewards.queryFilter(rewards.filters.RoleGranted(await rewards.GUARDIAN_ROLE()))).to.deep.equal([]);
      const cancellers = await timelock.queryFilter(timelock.filters.RoleGranted(await timelock.CANCELLER_ROLE()));
      expect(cancellers.map((e) => e.args.account)).to.deep.equal([await defaults.governor.getAddress()]);
    });

    it("applies every option over the defaults", async function () {
      const { custom, customOptions: o, customDeployer, customOperators } = await loadFixture(fixture);
      const { token, rewards, governor, timelock } = custom;

      expect(await rewards.operators()).to.deep.equal(customOperators.map((s) => s.address));
      expect(await rewards.threshold()).to.equal(BigInt(o.threshold));
      expect(await rewards.epochLength()).to.equal(BigInt(o.epochLength));
      expect(await rewards.epochBudget()).to.equal(o.epochBudget);
      expect(await rewards.minOperatorStake()).to.equal(o.minOperatorStake);
      expect(await rewards.maxPointsPerSubmission()).to.equal(BigInt(o.maxPointsPerSubmission));
      const [baseQuota, tiers] = await rewards.quota();
      expect(baseQuota).to.equal(BigInt(o.baseQuota));
      expect(tiers.map((t) => [t.minStake, t.quota])).to.deep.equal(o.quotaTiers.map((t) => [t.minStake, BigInt(t.quota)]));
      expect(await rewards.hasRole(await rewards.GUARDIAN_ROLE(), o.guardian)).to.equal(true);

      expect(await token.cap()).to.equal(o.cap);
      expect(await token.totalSupply()).to.equal(o.initialSupply);
      // The custom deployer received the supply and funded the four operators from it.
      expect(await token.balanceOf(customDeployer.address)).to.equal(o.initialSupply - 4n * o.minOperatorStake);
      expect(await token.unstakeCooldown()).to.equal(BigInt(o.unstakeCooldown));
      expect(await token.treasury()).to.equal(o.treasury);
      expect(await token.hasRole(await token.GUARDIAN_ROLE(), o.guardian)).to.equal(true);

      expect(await timelock.getMinDelay()).to.equal(BigInt(o.timelockDelay));
      expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), o.guardian)).to.equal(true);
      expect(await governor.votingDelay()).to.equal(BigInt(o.votingDelay));
      expect(await governor.votingPeriod()).to.equal(BigInt(o.votingPeriod));
      expect(await governor.proposalThreshold()).to.equal(o.proposalThreshold);
      expect(await governor["quorumNumerator()"]()).to.equal(BigInt(o.quorumPercent));
      expect(await governor.lateQuorumVoteExtension()).to.equal(BigInt(o.voteExtension));
    });

    it("leaves the deployer no role", async function () {
      const { custom, customDeployer } = await loadFixture(fixture);
      const { token, rewards, timelock, challenges } = custom;
      for (const contract of [token, rewards, timelock, challenges]) {
        expect(await contract.hasRole(await contract.DEFAULT_ADMIN_ROLE(), customDeployer.address)).to.equal(false);
      }
      // Rewards was wired to Challenges by the deployer, then handed to the Timelock (docs/CONTRACTS.md).
      expect(await rewards.hasRole(await rewards.DEFAULT_ADMIN_ROLE(), await timelock.getAddress())).to.equal(true);
      expect(await challenges.hasRole(await challenges.DEFAULT_ADMIN_ROLE(), await timelock.getAddress())).to.equal(true);
      expect(await token.hasRole(await token.MINTER_ROLE(), customDeployer.address)).to.equal(false);
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), customDeployer.address)).to.equal(false);
    });
  });

  describe("outside the local chain", function () {
    async function production() {
      const signers = await ethers.getSigners();
      const [deployer, op, , , , , , , , , , , , , , alice, bob] = signers;
      const deployment = await deploy({
        deployer,
        operators: [op.address],
        localChain: false,
        genesisVesting: [
          { beneficiary: alice.address, amount: parseEther("1000000"), durationSeconds: 365 * DAY },
          { beneficiary: bob.address, amount: parseEther("2000000"), durationSeconds: 730 * DAY },
        ],
      });
      return { deployment, deployer, op, alice, bob };
    }

    it("places the genesis supply in VestingWallets and the Timelock, leaving the deployer nothing", async function () {
      const { deployment, deployer, op, alice, bob } = await loadFixture(production);
      const { token, timelock, vestingWallets } = deployment;
      const bond = await deployment.rewards.minOperatorStake();
      expect(await token.balanceOf(deployer.address)).to.equal(0n);
      expect(await token.stakedBalanceOf(op.address)).to.equal(bond);
      expect(vestingWallets).to.have.length(2);
      const wallets = await Promise.all(vestingWallets.map((a) => ethers.getContractAt("VestingWallet", a)));
      expect(await wallets[0].owner()).to.equal(alice.address);
      expect(await wallets[1].owner()).to.equal(bob.address);
      expect(await wallets[0].duration()).to.equal(BigInt(365 * DAY));
      expect(await token.balanceOf(vestingWallets[0])).to.equal(parseEther("1000000"));
      expect(await token.balanceOf(vestingWallets[1])).to.equal(parseEther("2000000"));
      expect(await token.balanceOf(await timelock.getAddress())).to.equal(parseEther("97000000") - bond);
    });

    it("leaves no account with votes enough to propose at genesis", async function () {
      const { deployment, deployer } = await loadFixture(production);
      const { token, governor } = deployment;
      await token.connect(deployer).delegate(deployer.address);
      expect(await token.getVotes(deployer.address)).to.be.lessThan(await governor.proposalThreshold());
    });

    it("sets a base quota of 0, so a wallet without stake cannot submit", async function () {
      const { deployment, alice } = await loadFixture(production);
      const [baseQuota] = await deployment.rewards.quota();
      expect(baseQuota).to.equal(0n);
      await expect(deployment.rewards.connect(alice).submit(keccakText("sybil"), 1))
        .to.be.revertedWithCustomError(deployment.rewards, "RewardsQuotaExceeded")
        .withArgs(alice.address, 0);
    });

    it("refuses vesting beyond the genesis supply", async function () {
      const signers = await ethers.getSigners();
      await expect(
        deploy({ localChain: false, genesisVesting: [{ beneficiary: signers[15].address, amount: parseEther("200000000"), durationSeconds: DAY }] }),
      ).to.be.rejectedWith(/genesis vesting needs 200000000.0 CKEY, the genesis supply is 100000000.0/);
    });
  });
});
