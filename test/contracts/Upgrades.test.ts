import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress } from "ethers";
import proxyArtifact from "@openzeppelin/upgrades-core/artifacts/@openzeppelin/contracts-v5/proxy/ERC1967/ERC1967Proxy.sol/ERC1967Proxy.json";
import { readDeploymentRecord, writeDeploymentRecord } from "../../scripts/deploy";
import { UpgradeInputError, prepareUpgradeProposal, resolveContract, upgradeRequestFromEnv } from "../../scripts/upgrade";
import { forwarderDomain, signForwardRequest } from "../../oracle/src/protocol/forwardRequest";
import { EVALUATOR, deployStandard, item, postBatch, submitMany } from "../helpers/cashkey";
import { ProposalState, encodeCall, proposalOf, proposeVoteQueueExecute, selfDelegate } from "../helpers/governance";
import type { CashKeyTokenV1, Rewards, RewardsV1 } from "../../typechain-types";

const { ethers, upgrades } = hre;

const deploymentsRoot = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-upgrades-"));

async function fixture() {
  const deploymentsDir = fs.mkdtempSync(path.join(deploymentsRoot, "deployment-"));
  const deployment = await deployStandard({ writeDeployment: true, deploymentsDir });
  const { token, rewards, deployer, alice, bob } = deployment;
  await selfDelegate(token, [deployer, alice]);

  // V1 state: five submissions, one scored batch, points on two accounts, three left unscored.
  const aliceIds = await submitMany(rewards, alice, 3);
  const bobIds = await submitMany(rewards, bob, 2, 7);
  await postBatch(deployment, [item(aliceIds[0], 80, 120), item(aliceIds[1], 35, 20), item(bobIds[0], 95, 300)]);
  return { ...deployment, deploymentsDir, aliceIds, bobIds };
}

type Deployment = Awaited<ReturnType<typeof fixture>>;

/** Everything V1 stored that an upgrade must keep (nested Results flattened for deep equality). */
async function rewardsState({ rewards, timelock, alice, bob, operatorSigners }: Deployment) {
  const count = await rewards.submissionCount();
  const submissions = [];
  for (let id = 1n; id <= count; id++) {
    const s = await rewards.submission(id);
    submissions.push({
      author: s.author,
      submittedAt: s.submittedAt,
      epoch: s.epoch,
      category: s.category,
      scored: await rewards.isScored(id),
    });
  }
  const accounts = [];
  for (const account of [alice.address, bob.address]) {
    const a = await rewards.accountOf(account);
    accounts.push({
      points: await rewards.pointsOf(account),
      lifetimePoints: a.lifetimePoints,
      lastEpoch: a.lastEpoch,
      lastEpochPoints: a.lastEpochPoints,
      settledTokens: a.settledTokens,
    });
  }
  // The fixture writes everything in epoch 0; a governance cycle (8 days) outlasts it, so only
  // time-independent records are compared.
  const info = await rewards.epochInfo(0);
  const [baseQuota, tiers] = await rewards.quota();
  return {
    submissionCount: count,
    submissions,
    accounts,
    nextBatchNonce: await rewards.nextBatchNonce(),
    operators: [...(await rewards.operators())],
    operatorsKnown: await Promise.all(operatorSigners.map((s) => rewards.isOperator(s.address))),
    threshold: await rewards.threshold(),
    minOperatorStake: await rewards.minOperatorStake(),
    evaluatorApproved: await rewards.isApprovedEvaluator(EVALUATOR),
    maxPointsPerSubmission: await rewards.maxPointsPerSubmission(),
    epochBudget: await rewards.epochBudget(),
    quota: { baseQuota, tiers: tiers.map((t) => [t.minStake, t.quota]) },
    epoch0: { budget: info.budget, totalPoints: info.totalPoints },
    genesis: await rewards.genesis(),
    epochLength: await rewards.epochLength(),
    token: await rewards.token(),
    adminIsTimelock: await rewards.hasRole(await rewards.DEFAULT_ADMIN_ROLE(), await timelock.getAddress()),
  };
}

/**
 * A Rewards proxy deployed without the upgrades plugin (as from another machine), and a deployment
 * record that points at it. Returns the record's directory.
 */
async function recordWithUnregisteredRewards({ token, timelock, signers, deploymentsDir }: Deployment): Promise<string> {
  // A signer no other test deploys from: the plugin's manifest for the in-process network outlives
  // loadFixture's snapshots, so an address another test registered (then reverted) must not recur.
  const deployer = signers[signers.length - 1];
  // The released 1.1.0, as deployed before this checkout's 1.2.0.
  const implementation = await (await ethers.getContractFactory("RewardsV1_1", deployer)).deploy();
  const initialize = implementation.interface.encodeFunctionData("initialize", [
    {
      token: await token.getAddress(),
      admin: await timelock.getAddress(),
      guardian: ethers.ZeroAddress,
      epochLength: 3600,
      epochBudget: 1n,
      operators: [deployer.address],
      threshold: 1,
      minOperatorStake: 0,
      evaluators: [EVALUATOR],
      maxPointsPerSubmission: 10,
      baseQuota: 1,
      quotaTiers: [],
      governor: ethers.ZeroAddress,
      bondReleaseMargin: 24 * 60 * 60,
    },
  ]);
  const ERC1967Proxy = new ethers.ContractFactory(proxyArtifact.abi, proxyArtifact.bytecode, deployer);
  const proxy = await ERC1967Proxy.deploy(await implementation.getAddress(), initialize);
  const elsewhere = fs.mkdtempSync(path.join(deploymentsRoot, "elsewhere-"));
  const { chainId } = await ethers.provider.getNetwork();
  writeDeploymentRecord(elsewhere, { ...readDeploymentRecord(deploymentsDir, Number(chainId)), rewards: await proxy.getAddress() });
  return elsewhere;
}

/** The rejection of `promise`, or undefined if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error | undefined> {
  return promise.then(
    () => undefined,
    (error: Error) => error,
  );
}

describe("Upgrades", function () {
  after(function () {
    fs.rmSync(deploymentsRoot, { recursive: true, force: true });
  });

  describe("Rewards to RewardsV2 through governance", function () {
    it("upgrades the proxy, runs initializeV3 and keeps every V1 record", async function () {
      const deployment = await loadFixture(fixture);
      const { rewards, governor, deployer, alice } = deployment;
      const proxy = await rewards.getAddress();
      const before = await rewardsState(deployment);
      expect(before.submissionCount).to.equal(5n);
      expect(before.nextBatchNonce).to.equal(1n);

      const RewardsV2 = await ethers.getContractFactory("RewardsV2");
      const implementation = (await upgrades.prepareUpgrade(proxy, RewardsV2, { kind: "uups" })) as string;
      expect(implementation).to.not.equal(await upgrades.erc1967.getImplementationAddress(proxy));
      const initializeV2 = RewardsV2.interface.encodeFunctionData("initializeV3", ["information pays"]);
      const proposal = proposalOf([await encodeCall(rewards, "upgradeToAndCall", [implementation, initializeV2])], "Rewards V2");

      const { proposalId, executeTx } = await proposeVoteQueueExecute(governor, alice, [deployer], proposal);
      const v2 = await ethers.getContractAt("RewardsV2", proxy);
      await expect(executeTx).to.emit(rewards, "Upgraded").withArgs(implementation).and.to.emit(v2, "Initialized").withArgs(3n);
      expect(await governor.state(proposalId)).to.equal(ProposalState.Executed);
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(getAddress(implementation));

      expect(await rewardsState(deployment)).to.deep.equal(before);
      expect(await v2.motto()).to.equal("information pays");
      await expect(v2.connect(deployer).initializeV3("again")).to.be.revertedWithCustomError(v2, "InvalidInitialization").withArgs();
    });

    it("keeps working after the upgrade: the next batch continues from the stored nonce", async function () {
      const deployment = await loadFixture(fixture);
      const { rewards, governor, deployer, alice, aliceIds } = deployment;
      const proxy = await rewards.getAddress();
      const RewardsV2 = await ethers.getContractFactory("RewardsV2");
      const implementation = (await upgrades.prepareUpgrade(proxy, RewardsV2, { kind: "uups" })) as string;
      const proposal = proposalOf([await encodeCall(rewards, "upgradeToAndCall", [implementation, "0x"])], "Rewards V2, no call");
      await proposeVoteQueueExecute(governor, alice, [deployer], proposal);

      const pointsBefore = await rewards.pointsOf(alice.address);
      const [newId] = await submitMany(rewards, alice, 1);
      expect(newId).to.equal(6n);
      await expect(postBatch(deployment, [item(aliceIds[2], 70, 50), item(newId, 60, 40)]))
        .to.emit(rewards, "BatchPosted")
        .withArgs(1n, EVALUATOR, ethers.ZeroHash, 2n);
      expect(await rewards.pointsOf(alice.address)).to.equal(pointsBefore + 90n);
      expect(await rewards.nextBatchNonce()).to.equal(2n);

      // Epoch 0 closed during the vote: its V1 points are claimable from V2.
      const epoch0 = await rewards.epochInfo(0);
      const share = ((120n + 20n) * epoch0.budget) / epoch0.totalPoints;
      expect(await rewards.claimable(alice.address)).to.equal(share);
      await expect(rewards.connect(alice).claim(alice.address)).to.emit(rewards, "Claimed").withArgs(alice.address, alice.address, share);
    });

    it("reverts with AccessControlUnauthorizedAccount when anyone but the Timelock upgrades Rewards", async function () {
      const { rewards, deployer, guardian, operatorSigners, outsider } = await loadFixture(fixture);
      const proxy = await rewards.getAddress();
      const before = await upgrades.erc1967.getImplementationAddress(proxy);
      const implementation = (await upgrades.prepareUpgrade(proxy, await ethers.getContractFactory("RewardsV2"), {
        kind: "uups",
      })) as string;
      for (const caller of [deployer, guardian, operatorSigners[0], outsider]) {
        await expect(rewards.connect(caller).upgradeToAndCall(implementation, "0x"))
          .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, await rewards.DEFAULT_ADMIN_ROLE());
      }
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(before);
    });
  });

  describe("from the 1.0.0 release to 1.1.0 (issue 11), through scripts/upgrade.ts", function () {
    /**
     * A 1.0.0 deployment built from the frozen sources in contracts/legacy (proxies the plugin's manifest
     * does not know, as on a fresh checkout), administered by one key so the proposal's call can be
     * replayed as the admin. Alice staked 1,000 CKEY, submitted 3 and was credited 120 points.
     */
    async function v1Fixture() {
      const standard = await loadFixture(fixture);
      const signers = await ethers.getSigners();
      const admin = signers[signers.length - 2];
      const [alice, operator] = [signers[7], signers[1]];
      const proxyOf = async (name: string, args: unknown[]) => {
        const implementation = await (await ethers.getContractFactory(name, admin)).deploy();
        const data = implementation.interface.encodeFunctionData("initialize", args);
        const proxy = await new ethers.ContractFactory(proxyArtifact.abi, proxyArtifact.bytecode, admin).deploy(await implementation.getAddress(), data);
        return ethers.getContractAt(name, await proxy.getAddress(), admin);
      };
      const tokenV1 = (await proxyOf("CashKeyTokenV1", [
        admin.address,
        admin.address,
        admin.address,
        ethers.parseEther("1000000"),
        admin.address,
        ethers.parseEther("100000"),
        7 * 24 * 3600,
      ])) as unknown as CashKeyTokenV1;
      const rewardsV1 = (await proxyOf("RewardsV1", [
        {
          token: await tokenV1.getAddress(),
          admin: admin.address,
          guardian: ethers.ZeroAddress,
          epochLength: 7 * 24 * 3600,
          epochBudget: ethers.parseEther("1000"),
          operators: [operator.address],
          threshold: 1,
          minOperatorStake: 0,
          evaluators: [EVALUATOR],
          maxPointsPerSubmission: 1000,
          baseQuota: 5,
          quotaTiers: [{ minStake: ethers.parseEther("1000"), quota: 20 }],
        },
      ])) as unknown as RewardsV1;
      await tokenV1.grantRole(await tokenV1.MINTER_ROLE(), await rewardsV1.getAddress());
      await tokenV1.transfer(alice.address, ethers.parseEther("5000"));
      await tokenV1.connect(alice).stake(ethers.parseEther("1000"));
      const ids = await submitMany(rewardsV1 as unknown as Rewards, alice, 3);
      await postBatch({ rewards: rewardsV1 as unknown as Rewards, operatorSigners: [operator] }, [item(ids[0], 80, 120)]);

      const deploymentsDir = fs.mkdtempSync(path.join(deploymentsRoot, "v1-"));
      const { chainId } = await ethers.provider.getNetwork();
      writeDeploymentRecord(deploymentsDir, {
        ...readDeploymentRecord(standard.deploymentsDir, Number(chainId)),
        token: await tokenV1.getAddress(),
        rewards: await rewardsV1.getAddress(),
        // A 1.0.0 record names no forwarder.
        forwarder: undefined,
      });
      return { ...standard, admin, alice, operator, tokenV1, rewardsV1, deploymentsDir };
    }

    it("accepts Rewards (now 1.3.0) over RewardsV1 (CURRENT_IMPL) and, executed, keeps every 1.0.0 record", async function () {
      const d = await v1Fixture();
      const proxy = await d.rewardsV1.getAddress();
      const before = {
        count: await d.rewardsV1.submissionCount(),
        nonce: await d.rewardsV1.nextBatchNonce(),
        points: await d.rewardsV1.pointsOf(d.alice.address),
        scored: await d.rewardsV1.isScored(1),
        epoch0: (await d.rewardsV1.epochInfo(0)).budget,
        operators: [...(await d.rewardsV1.operators())],
      };
      const prepared = await prepareUpgradeProposal(hre, {
        contract: "Rewards",
        newImplementation: "Rewards",
        currentImplementation: "RewardsV1",
        call: "initializeV2",
        args: [await d.governor.getAddress(), 24 * 3600, before.epoch0.toString()],
        deploymentsDir: d.deploymentsDir,
      });
      expect(prepared.imported).to.equal(true);
      await (await d.admin.sendTransaction({ to: prepared.proposal.targets[0], data: prepared.proposal.calldatas[0] })).wait();

      const rewards = await ethers.getContractAt("Rewards", proxy);
      expect(await rewards.version()).to.equal("1.3.0");
      // The record had no forwarder: the script deployed one, recorded it and built the implementation on it.
      expect(prepared.deployedForwarder).to.be.a("string");
      expect(readDeploymentRecord(d.deploymentsDir, 31337).forwarder).to.equal(prepared.deployedForwarder);
      expect(await rewards.trustedForwarder()).to.equal(prepared.deployedForwarder);
      expect({
        count: await rewards.submissionCount(),
        nonce: await rewards.nextBatchNonce(),
        points: await rewards.pointsOf(d.alice.address),
        scored: await rewards.isScored(1),
        epoch0: (await rewards.epochInfo(0)).budget,
        operators: [...(await rewards.operators())],
      }).to.deep.equal(before);
      expect(await rewards.reservedBudget()).to.equal(before.epoch0);
      expect(await rewards.governor()).to.equal(await d.governor.getAddress());
      expect(await rewards.bondReleaseDelay()).to.equal(10n * 24n * 3600n);
      await expect(rewards.connect(d.admin).initializeV2(ethers.ZeroAddress, 24 * 3600, 0))
        .to.be.revertedWithCustomError(rewards, "InvalidInitialization")
        .withArgs();
    });

    it("lets only the admin run initializeV2 on an upgraded proxy (AccessControlUnauthorizedAccount)", async function () {
      const d = await v1Fixture();
      const implementation = await (await ethers.getContractFactory("Rewards", d.admin)).deploy(ethers.ZeroAddress);
      await d.rewardsV1.connect(d.admin).upgradeToAndCall(await implementation.getAddress(), "0x");
      const rewards = await ethers.getContractAt("Rewards", await d.rewardsV1.getAddress());
      const outsider = (await ethers.getSigners())[11];
      await expect(rewards.connect(outsider).initializeV2(ethers.ZeroAddress, 24 * 3600, 0))
        .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await rewards.DEFAULT_ADMIN_ROLE());
      await expect(rewards.connect(d.admin).initializeV2(ethers.ZeroAddress, 24 * 3600, 0))
        .to.emit(rewards, "Initialized")
        .withArgs(2);
    });

    it("accepts CashKeyToken 1.1.0 over CashKeyTokenV1 and keeps balances and stakes; a legacy stake reads as held before", async function () {
      const d = await v1Fixture();
      const proxy = await d.tokenV1.getAddress();
      const stakedBefore = await d.tokenV1.stakedBalanceOf(d.alice.address);
      const balanceBefore = await d.tokenV1.balanceOf(d.alice.address);
      const prepared = await prepareUpgradeProposal(hre, {
        contract: "CashKeyToken",
        newImplementation: "CashKeyToken",
        currentImplementation: "CashKeyTokenV1",
        deploymentsDir: d.deploymentsDir,
      });
      await (await d.admin.sendTransaction({ to: prepared.proposal.targets[0], data: prepared.proposal.calldatas[0] })).wait();

      const token = await ethers.getContractAt("CashKeyToken", proxy);
      expect(await token.version()).to.equal("1.1.0");
      expect(await token.stakedBalanceOf(d.alice.address)).to.equal(stakedBefore);
      expect(await token.balanceOf(d.alice.address)).to.equal(balanceBefore);
      const beforeChange = await time.latest();
      await token.connect(d.alice).stake(ethers.parseEther("1"));
      expect(await token.stakedBalanceAt(d.alice.address, beforeChange)).to.equal(stakedBefore);
      expect(await token.stakedBalanceAt(d.alice.address, await time.latest())).to.equal(stakedBefore + ethers.parseEther("1"));
    });
  });

  describe("storage-layout validation", function () {
    it("refuses RewardsV2Reordered, which reorders Rewards' namespaced storage", async function () {
      const { rewards } = await loadFixture(fixture);
      const Reordered = await ethers.getContractFactory("RewardsV2Reordered");
      const error = await rejectionOf(upgrades.validateUpgrade(await rewards.getAddress(), Reordered, { kind: "uups" }));
      expect(error, "validateUpgrade accepted a reordered layout").to.be.instanceOf(Error);
      expect(error!.message).to.match(/New storage layout is incompatible/);
      expect(error!.message).to.match(/Rewards: Deleted `token`/);
    });

    it("refuses to prepare RewardsV2Reordered, and deploys nothing", async function () {
      const { rewards } = await loadFixture(fixture);
      const Reordered = await ethers.getContractFactory("RewardsV2Reordered");
      const blockBefore = await ethers.provider.getBlockNumber();
      const error = await rejectionOf(upgrades.prepareUpgrade(await rewards.getAddress(), Reordered, { kind: "uups" }));
      expect(error, "prepareUpgrade accepted a reordered layout").to.be.instanceOf(Error);
      expect(error!.message).to.match(/New storage layout is incompatible/);
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    });

    it("accepts RewardsV2, which adds a namespace of its own", async function () {
      const { rewards } = await loadFixture(fixture);
      const RewardsV2 = await ethers.getContractFactory("RewardsV2");
      expect(await rejectionOf(upgrades.validateUpgrade(await rewards.getAddress(), RewardsV2, { kind: "uups" }))).to.equal(undefined);
    });
  });

  describe("the Governor, the token and the Timelock", function () {
    async function freshImplementation(proxy: string, name: string): Promise<string> {
      const factory = await ethers.getContractFactory(name);
      const address = (await upgrades.prepareUpgrade(proxy, factory, { kind: "uups", redeployImplementation: "always" })) as string;
      expect(address).to.not.equal(await upgrades.erc1967.getImplementationAddress(proxy));
      return address;
    }

    it("reverts with GovernorOnlyExecutor when anyone upgrades the Governor directly", async function () {
      const { governor, deployer, guardian, outsider } = await loadFixture(fixture);
      const proxy = await governor.getAddress();
      const implementation = await freshImplementation(proxy, "CashKeyGovernor");
      for (const caller of [deployer, guardian, outsider]) {
        await expect(governor.connect(caller).upgradeToAndCall(implementation, "0x"))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(caller.address);
      }
    });

    it("upgrades the Governor through its own proposal, keeping its settings and proposals", async function () {
      const { governor, deployer, alice } = await loadFixture(fixture);
      const proxy = await governor.getAddress();
      const implementation = await freshImplementation(proxy, "CashKeyGovernor");
      const proposal = proposalOf([await encodeCall(governor, "upgradeToAndCall", [implementation, "0x"])], "Governor v1.1");
      const { proposalId, executeTx } = await proposeVoteQueueExecute(governor, alice, [deployer], proposal);
      await expect(executeTx).to.emit(governor, "Upgraded").withArgs(implementation);
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(getAddress(implementation));
      expect(await governor.state(proposalId)).to.equal(ProposalState.Executed);
      expect(await governor.proposalCount()).to.equal(1n);
      expect(await governor.votingPeriod()).to.equal(5n * 24n * 3600n);
      expect(await governor.name()).to.equal("CashKey Governor");
    });

    it("reverts with AccessControlUnauthorizedAccount when anyone upgrades the token directly", async function () {
      const { token, deployer, guardian, outsider } = await loadFixture(fixture);
      const proxy = await token.getAddress();
      const implementation = await freshImplementation(proxy, "CashKeyToken");
      for (const caller of [deployer, guardian, outsider]) {
        await expect(token.connect(caller).upgradeToAndCall(implementation, "0x"))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, await token.DEFAULT_ADMIN_ROLE());
      }
    });

    it("upgrades the token through governance, keeping balances, stakes and votes", async function () {
      const { token, governor, deployer, alice, operatorSigners } = await loadFixture(fixture);
      const proxy = await token.getAddress();
      const implementation = await freshImplementation(proxy, "CashKeyToken");
      const proposal = proposalOf([await encodeCall(token, "upgradeToAndCall", [implementation, "0x"])], "Token v1.1");
      const snapshot = async () => ({
        supply: await token.totalSupply(),
        alice: await token.balanceOf(alice.address),
        stake: await token.stakedBalanceOf(operatorSigners[0].address),
        totalStaked: await token.totalStaked(),
      });
      const before = await snapshot();
      const deployerVotes = await token.getVotes(deployer.address);
      const { executeTx } = await proposeVoteQueueExecute(governor, alice, [deployer], proposal);
      await expect(executeTx).to.emit(token, "Upgraded").withArgs(implementation);
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(getAddress(implementation));
      expect(await snapshot()).to.deep.equal(before);
      expect(await token.getVotes(deployer.address)).to.equal(deployerVotes);
    });

    it("upgrades the Timelock only through a timelocked operation on itself", async function () {
      const { timelock, governor, deployer, alice, outsider } = await loadFixture(fixture);
      const proxy = await timelock.getAddress();
      const implementation = await freshImplementation(proxy, "CashKeyTimelock");
      await expect(timelock.connect(outsider).upgradeToAndCall(implementation, "0x"))
        .to.be.revertedWithCustomError(timelock, "CashKeyTimelockUnauthorizedUpgrade")
        .withArgs(outsider.address);
      const proposal = proposalOf([await encodeCall(timelock, "upgradeToAndCall", [implementation, "0x"])], "Timelock v1.1");
      const { executeTx } = await proposeVoteQueueExecute(governor, alice, [deployer], proposal);
      await expect(executeTx).to.emit(timelock, "Upgraded").withArgs(implementation);
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(getAddress(implementation));
      expect(await timelock.getMinDelay()).to.equal(2n * 24n * 3600n);
    });
  });

  describe("from 1.1.0 to 1.2.0 (issue 16: ERC-2771 forwarder), through scripts/upgrade.ts", function () {
    it("validates the current Rewards (1.3.0) against the released 1.1.0, deploys and records the forwarder, keeps state and relays for the signer", async function () {
      const standard = await loadFixture(fixture);
      const signers = await ethers.getSigners();
      const admin = signers[signers.length - 3];
      const alice = standard.alice;
      const implementation = await (await ethers.getContractFactory("RewardsV1_1", admin)).deploy();
      const initialize = implementation.interface.encodeFunctionData("initialize", [
        {
          token: await standard.token.getAddress(),
          admin: admin.address,
          guardian: ethers.ZeroAddress,
          epochLength: 7 * 24 * 3600,
          epochBudget: 1n,
          operators: [admin.address],
          threshold: 1,
          minOperatorStake: 0,
          evaluators: [EVALUATOR],
          maxPointsPerSubmission: 10,
          baseQuota: 3,
          quotaTiers: [],
          governor: ethers.ZeroAddress,
          bondReleaseMargin: 24 * 60 * 60,
        },
      ]);
      const proxy = await new ethers.ContractFactory(proxyArtifact.abi, proxyArtifact.bytecode, admin).deploy(await implementation.getAddress(), initialize);
      const proxyAddress = await proxy.getAddress();
      const v11 = await ethers.getContractAt("Rewards", proxyAddress);
      await submitMany(v11, alice, 2);
      const dir = fs.mkdtempSync(path.join(deploymentsRoot, "v11-"));
      writeDeploymentRecord(dir, { ...readDeploymentRecord(standard.deploymentsDir, 31337), rewards: proxyAddress, forwarder: undefined });

      const prepared = await prepareUpgradeProposal(hre, {
        contract: "Rewards",
        newImplementation: "Rewards",
        currentImplementation: "RewardsV1_1",
        deploymentsDir: dir,
      });
      expect(prepared.imported).to.equal(true);
      expect(prepared.constructorArgs).to.deep.equal([prepared.deployedForwarder]);
      expect(readDeploymentRecord(dir, 31337).forwarder).to.equal(prepared.deployedForwarder);
      await (await admin.sendTransaction({ to: prepared.proposal.targets[0], data: prepared.proposal.calldatas[0] })).wait();

      const rewards = await ethers.getContractAt("Rewards", proxyAddress);
      expect(await rewards.version()).to.equal("1.3.0");
      expect(await rewards.submissionCount()).to.equal(2n);
      expect(await rewards.submissionsLeft(alice.address)).to.equal(1n);
      const forwarder = await ethers.getContractAt("CashKeyForwarder", prepared.deployedForwarder!);
      const req = await signForwardRequest(alice, forwarderDomain(31337, prepared.deployedForwarder!), {
        from: alice.address,
        to: proxyAddress,
        value: 0n,
        gas: 200_000n,
        nonce: 0n,
        deadline: BigInt(await time.latest()) + 600n,
        data: rewards.interface.encodeFunctionData("submit", [ethers.ZeroHash, 1]),
      });
      await expect(forwarder.connect(standard.relayer).execute(req)).to.emit(rewards, "Submitted").withArgs(3n, alice.address, ethers.ZeroHash, 1);
      expect(await rewards.submissionsLeft(alice.address)).to.equal(0n);
    });

    it("takes explicit constructor arguments (CONSTRUCTOR_ARGS), checked against the constructor", async function () {
      const { deploymentsDir } = await loadFixture(fixture);
      const error = await rejectionOf(prepareUpgradeProposal(hre, { contract: "Rewards", newImplementation: "Rewards", constructorArgs: [], deploymentsDir }));
      expect(error).to.be.instanceOf(UpgradeInputError);
      expect(error!.message).to.equal("CONSTRUCTOR_ARGS: Rewards takes 1 constructor argument(s), got 0");
      expect(upgradeRequestFromEnv({ CONTRACT: "Rewards", NEW_IMPL: "Rewards", CONSTRUCTOR_ARGS: '["0x0000000000000000000000000000000000000001"]' })).to.deep.equal({
        contract: "Rewards",
        newImplementation: "Rewards",
        constructorArgs: ["0x0000000000000000000000000000000000000001"],
      });
      expect(() => upgradeRequestFromEnv({ CONTRACT: "Rewards", NEW_IMPL: "Rewards", CONSTRUCTOR_ARGS: "{}" })).to.throw(UpgradeInputError, "is not a JSON array");
    });
  });

  describe("scripts/upgrade.ts prepareUpgradeProposal", function () {
    it("prepares a proposal that, proposed, voted, queued and executed, performs the upgrade", async function () {
      const deployment = await loadFixture(fixture);
      const { rewards, governor, deployer, alice, deploymentsDir } = deployment;
      const proxy = await rewards.getAddress();
      const before = await rewardsState(deployment);

      const prepared = await prepareUpgradeProposal(hre, {
        contract: "Rewards",
        newImplementation: "RewardsV2",
        call: "initializeV3",
        args: ["prepared by the script"],
        deploymentsDir,
      });
      expect(prepared.contract).to.equal("Rewards");
      expect(prepared.proxy).to.equal(proxy);
      expect(prepared.governor).to.equal(await governor.getAddress());
      expect(prepared.imported).to.equal(false);
      expect(prepared.currentImplementation).to.equal(await upgrades.erc1967.getImplementationAddress(proxy));
      expect(await ethers.provider.getCode(prepared.newImplementation.address)).to.not.equal("0x");
      const { targets, values, calldatas, description, descriptionHash, proposalId } = prepared.proposal;
      expect(targets).to.deep.equal([proxy]);
      expect(values).to.deep.equal([0n]);
      expect(description).to.contain("RewardsV2").and.to.contain(prepared.newImplementation.address);
      expect(proposalId).to.equal(await governor.hashProposal(targets, values, calldatas, descriptionHash));

      const executed = await proposeVoteQueueExecute(governor, alice, [deployer], { targets, values, calldatas, description });
      expect(executed.proposalId).to.equal(proposalId);
      await expect(executed.executeTx).to.emit(rewards, "Upgraded").withArgs(prepared.newImplementation.address);
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(prepared.newImplementation.address);
      expect(await (await ethers.getContractAt("RewardsV2", proxy)).motto()).to.equal("prepared by the script");
      expect(await rewardsState(deployment)).to.deep.equal(before);
    });

    it("accepts the short contract names", async function () {
      const { governor, deploymentsDir } = await loadFixture(fixture);
      const prepared = await prepareUpgradeProposal(hre, {
        contract: "Governor",
        newImplementation: "CashKeyGovernor",
        deploymentsDir,
        description: "Governor, same code",
      });
      expect(prepared.contract).to.equal("CashKeyGovernor");
      expect(prepared.proxy).to.equal(await governor.getAddress());
      expect(prepared.proposal.calldatas[0]).to.equal(governor.interface.encodeFunctionData("upgradeToAndCall", [prepared.newImplementation.address, "0x"]));
    });

    it("imports a proxy that the plugin's manifest does not know, then validates against it", async function () {
      const deployment = await loadFixture(fixture);
      const elsewhere = await recordWithUnregisteredRewards(deployment);
      const request = { contract: "Rewards", newImplementation: "RewardsV2", currentImplementation: "RewardsV1_1", deploymentsDir: elsewhere };

      const first = await prepareUpgradeProposal(hre, request);
      expect(first.imported).to.equal(true);
      expect(first.proxy).to.equal(readDeploymentRecord(elsewhere, 31337).rewards);

      const refused = await rejectionOf(prepareUpgradeProposal(hre, { ...request, newImplementation: "RewardsV2Reordered" }));
      expect(refused, "the reordered layout was accepted").to.be.instanceOf(Error);
      expect(refused!.message).to.match(/RewardsV1_1: Deleted `token`/);

      const second = await prepareUpgradeProposal(hre, request);
      expect(second.imported).to.equal(false);
      expect(second.newImplementation.address).to.equal(first.newImplementation.address);
    });

    it("rejects an unknown contract name with an UpgradeInputError", async function () {
      const { deploymentsDir } = await loadFixture(fixture);
      const error = await rejectionOf(prepareUpgradeProposal(hre, { contract: "Vault", newImplementation: "RewardsV2", deploymentsDir }));
      expect(error).to.be.instanceOf(UpgradeInputError);
      expect(error!.message).to.equal('unknown CONTRACT "Vault": expected one of Rewards, CashKeyToken, CashKeyGovernor, CashKeyTimelock');
    });

    it("rejects an unknown implementation, function or arguments with an UpgradeInputError", async function () {
      const { deploymentsDir } = await loadFixture(fixture);
      const cases = [
        { request: { newImplementation: "RewardsV9" }, message: 'NEW_IMPL: no compiled contract named "RewardsV9"' },
        { request: { newImplementation: "RewardsV2", call: "initializeV9" }, message: 'CALL: RewardsV2 has no function "initializeV9"' },
        { request: { newImplementation: "RewardsV2", call: "initializeV3", args: [] }, message: "ARGS: do not fit initializeV3(string)" },
      ];
      for (const { request, message } of cases) {
        const error = await rejectionOf(prepareUpgradeProposal(hre, { contract: "Rewards", deploymentsDir, ...request }));
        expect(error).to.be.instanceOf(UpgradeInputError);
        expect(error!.message).to.contain(message);
        expect(error!.message).to.not.contain("\n");
      }
    });

    it("rejects a missing deployment with an UpgradeInputError", async function () {
      await loadFixture(fixture);
      const empty = fs.mkdtempSync(path.join(deploymentsRoot, "empty-"));
      const error = await rejectionOf(prepareUpgradeProposal(hre, { contract: "Rewards", newImplementation: "RewardsV2", deploymentsDir: empty }));
      expect(error).to.be.instanceOf(UpgradeInputError);
      expect(error!.message).to.match(/^no deployment for chain 31337: .*31337\.json is missing$/);
    });

    it("reads its request from the environment", function () {
      expect(upgradeRequestFromEnv({ CONTRACT: "Rewards", NEW_IMPL: "RewardsV2", CALL: "initializeV2", ARGS: '["motto"]', DEPLOYMENTS_DIR: "/tmp/d" })).to.deep.equal({
        contract: "Rewards",
        newImplementation: "RewardsV2",
        call: "initializeV2",
        args: ["motto"],
        deploymentsDir: "/tmp/d",
      });
      expect(upgradeRequestFromEnv({ CONTRACT: "Token", NEW_IMPL: "CashKeyToken" })).to.deep.equal({
        contract: "Token",
        newImplementation: "CashKeyToken",
      });
      for (const [env, message] of [
        [{ NEW_IMPL: "RewardsV2" }, "CONTRACT is required"],
        [{ CONTRACT: "Rewards" }, "NEW_IMPL is required"],
        [{ CONTRACT: "Rewards", NEW_IMPL: "RewardsV2", CALL: "initializeV2", ARGS: "[motto" }, "ARGS: "],
        [{ CONTRACT: "Rewards", NEW_IMPL: "RewardsV2", CALL: "initializeV2", ARGS: '{"a":1}' }, "is not a JSON array"],
        [{ CONTRACT: "Rewards", NEW_IMPL: "RewardsV2", ARGS: "[]" }, "ARGS given without CALL"],
      ] as const) {
        expect(() => upgradeRequestFromEnv(env)).to.throw(UpgradeInputError, message);
      }
      expect(() => resolveContract("rewards")).to.not.throw();
      expect(resolveContract("Timelock")).to.equal("CashKeyTimelock");
    });
  });
});
