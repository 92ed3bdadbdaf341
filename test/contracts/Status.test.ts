import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { HardhatPluginError } from "hardhat/plugins";
import { parseEther } from "ethers";
import { readDeploymentRecord } from "../../scripts/deploy";
import { deploymentStatus, formatStatus, readStatusRecord, statusJson } from "../../tasks/status";
import { DAY, EPOCH_BUDGET, MIN_OPERATOR_STAKE, deployStandard, item, nextEpoch, postBatch, submitMany } from "../helpers/cashkey";
import { encodeCall, proposalOf, propose, selfDelegate } from "../helpers/governance";

const { ethers, upgrades } = hre;

const deploymentsRoot = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-status-"));

async function fixture() {
  const deploymentsDir = fs.mkdtempSync(path.join(deploymentsRoot, "deployment-"));
  const deployment = await deployStandard({ writeDeployment: true, deploymentsDir });
  const { token, rewards, governor, deployer, alice, bob, operatorSigners } = deployment;
  const { chainId } = await ethers.provider.getNetwork();
  const recordFile = path.join(deploymentsDir, `${chainId}.json`);

  // Activity: submissions, one scored batch, an author's stake, an operator leaving, one proposal.
  const ids = [...(await submitMany(rewards, alice, 2)), ...(await submitMany(rewards, bob, 1))];
  await postBatch(deployment, [item(ids[0], 90, 300), item(ids[1], 40, 25), item(ids[2], 70, 100)]);
  await token.connect(alice).stake(parseEther("1000"));
  await token.connect(operatorSigners[4]).requestUnstake(parseEther("1"));
  await selfDelegate(token, [deployer]);
  await propose(governor, deployer, proposalOf([await encodeCall(rewards, "setEpochBudget", [1n])], "Status test proposal"));
  return { ...deployment, deploymentsDir, recordFile, record: readDeploymentRecord(deploymentsDir, Number(chainId)) };
}

/** What `console.log` printed while `action` ran. */
async function printedBy(action: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await action();
  } finally {
    console.log = original;
  }
  return lines.join("\n");
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error | undefined> {
  return promise.then(
    () => undefined,
    (error: Error) => error,
  );
}

describe("cashkey:status", function () {
  after(function () {
    fs.rmSync(deploymentsRoot, { recursive: true, force: true });
  });

  describe("readStatusRecord", function () {
    it("reads the given deployment file", async function () {
      const { recordFile, record } = await loadFixture(fixture);
      expect(await readStatusRecord(hre, recordFile)).to.deep.equal(record);
    });

    it("throws a HardhatPluginError naming a missing file", async function () {
      await loadFixture(fixture);
      const missing = path.join(deploymentsRoot, "nowhere", "31337.json");
      const error = await rejectionOf(readStatusRecord(hre, missing));
      expect(error).to.be.instanceOf(HardhatPluginError);
      expect(error!.message).to.equal(`no deployment for chain 31337: ${missing} is missing`);
    });

    it("throws a HardhatPluginError for a record of another chain or with a bad address", async function () {
      const { record } = await loadFixture(fixture);
      const dir = fs.mkdtempSync(path.join(deploymentsRoot, "bad-"));
      const otherChain = path.join(dir, "other.json");
      fs.writeFileSync(otherChain, JSON.stringify({ ...record, chainId: 1 }));
      const badAddress = path.join(dir, "bad.json");
      fs.writeFileSync(badAddress, JSON.stringify({ ...record, rewards: "0x1234" }));
      const notJson = path.join(dir, "broken.json");
      fs.writeFileSync(notJson, "{");
      for (const [file, message] of [
        [otherChain, `${otherChain} is for chain 1, but hardhat is chain 31337`],
        [badAddress, `${badAddress}: "rewards" must be an address (0x and 40 hex digits, EIP-55 checksummed if mixed-case), got "0x1234".`],
        [notJson, `${notJson} is not valid JSON (`],
      ]) {
        const error = await rejectionOf(readStatusRecord(hre, file));
        expect(error).to.be.instanceOf(HardhatPluginError);
        // The JSON parser's own words vary with the Node version; what precedes them does not.
        expect(error!.message.startsWith(message), error!.message).to.equal(true);
        expect(error!.message).to.not.include("\n");
      }
    });
  });

  describe("deploymentStatus", function () {
    it("reports the network, the deploy block and every proxy with its implementation", async function () {
      const { token, rewards, governor, timelock, record } = await loadFixture(fixture);
      const status = await deploymentStatus(hre, record);
      const latest = await ethers.provider.getBlock("latest");
      expect(status.network).to.deep.equal({ name: "hardhat", chainId: 31337, blockNumber: latest!.number, timestamp: latest!.timestamp });
      expect(status.deployBlock).to.equal(record.deployBlock);
      const contracts = { token, rewards, governor, timelock };
      for (const [key, contract] of Object.entries(contracts) as [keyof typeof contracts, (typeof contracts)[keyof typeof contracts]][]) {
        const address = await contract.getAddress();
        expect(status.addresses[key]).to.equal(address);
        expect(status.implementations[key]).to.equal(await upgrades.erc1967.getImplementationAddress(address));
      }
    });

    it("reports the token's parameters and totals as the token does", async function () {
      const { token, timelock, record } = await loadFixture(fixture);
      const status = await deploymentStatus(hre, record);
      expect(status.token).to.deep.equal({
        name: "CashKey",
        symbol: "CKEY",
        version: await token.version(),
        cap: await token.cap(),
        totalSupply: await token.totalSupply(),
        totalStaked: await token.totalStaked(),
        unstakeCooldown: await token.unstakeCooldown(),
        treasury: await token.treasury(),
        paused: false,
      });
      expect(status.token.cap).to.equal(parseEther("1000000000"));
      // Five operators at the minimum, one of them unstaking 1 CKEY, and Alice's 1,000.
      expect(status.token.totalStaked).to.equal(5n * MIN_OPERATOR_STAKE - parseEther("1") + parseEther("1000"));
      expect(status.token.unstakeCooldown).to.equal(BigInt(7 * DAY));
      expect(status.token.treasury).to.equal(await timelock.getAddress());
    });

    it("reports Rewards' parameters, counters and current epoch as Rewards does", async function () {
      const { rewards, record } = await loadFixture(fixture);
      const status = await deploymentStatus(hre, record);
      const [baseQuota, tiers] = await rewards.quota();
      const epoch = await rewards.currentEpoch();
      const info = await rewards.epochInfo(epoch);
      const { operators, ...parameters } = status.rewards;
      expect(parameters).to.deep.equal({
        version: await rewards.version(),
        epochLength: await rewards.epochLength(),
        genesis: await rewards.genesis(),
        currentEpoch: epoch,
        currentEpochBudget: info.budget,
        currentEpochPoints: info.totalPoints,
        epochBudget: await rewards.epochBudget(),
        maxPointsPerSubmission: await rewards.maxPointsPerSubmission(),
        baseQuota,
        quotaTiers: tiers.map((t) => ({ minStake: t.minStake, quota: t.quota })),
        minOperatorStake: await rewards.minOperatorStake(),
        bondReleaseDelay: await rewards.bondReleaseDelay(),
        reservedBudget: await rewards.reservedBudget(),
        unreservedCap: await rewards.unreservedCap(),
        threshold: await rewards.threshold(),
        nextBatchNonce: await rewards.nextBatchNonce(),
        submissionCount: await rewards.submissionCount(),
        paused: false,
      });
      expect(operators).to.have.length(5);
      expect(parameters.currentEpochPoints).to.equal(425n);
      expect(parameters.currentEpochBudget).to.equal(EPOCH_BUDGET);
      expect(parameters.submissionCount).to.equal(3n);
      expect(parameters.nextBatchNonce).to.equal(1n);
      expect(parameters.threshold).to.equal(3n);
      expect(parameters.quotaTiers).to.deep.equal([
        { minStake: parseEther("1000"), quota: 20n },
        { minStake: parseEther("10000"), quota: 100n },
      ]);
    });

    it("lists the operators in order with their stake, flagging one below the minimum", async function () {
      const { token, record, operatorSigners } = await loadFixture(fixture);
      const status = await deploymentStatus(hre, record);
      const expected = [];
      for (const signer of operatorSigners) {
        const info = await token.stakeInfoOf(signer.address);
        expected.push({
          address: signer.address,
          stake: info.staked,
          eligible: info.staked >= MIN_OPERATOR_STAKE,
          bond: info.staked + info.pendingUnstake,
          frozenUntil: 0n,
        });
      }
      expect(status.rewards.operators).to.deep.equal(expected);
      expect(status.rewards.operators.map((o) => o.eligible)).to.deep.equal([true, true, true, true, false]);
      // The unstaking operator's 1 CKEY is no longer active stake, but still part of its slashable bond.
      expect(status.rewards.operators.map((o) => o.bond)).to.deep.equal(Array(5).fill(MIN_OPERATOR_STAKE));
    });

    it("shows a guardian freeze of an operator's bond and the bond release delay", async function () {
      const { rewards, guardian, record, operatorSigners } = await loadFixture(fixture);
      await rewards.connect(guardian).freezeOperatorBond(operatorSigners[0].address);
      const status = await deploymentStatus(hre, record);
      expect(status.rewards.operators[0].frozenUntil).to.equal((await rewards.operatorBond(operatorSigners[0].address)).frozenUntil);
      expect(status.rewards.bondReleaseDelay).to.equal(BigInt(10 * DAY));
      const text = formatStatus(status);
      expect(text).to.match(/frozen until \d{4}-/);
      expect(text).to.match(/\n {2}bond release delay {2,}864000 s \(10 d\)\n/);
    });

    it("reports the Governor's and the Timelock's settings", async function () {
      const { governor, timelock, token, record } = await loadFixture(fixture);
      const status = await deploymentStatus(hre, record);
      const now = BigInt(await time.latest());
      expect(status.governor).to.deep.equal({
        name: "CashKey Governor",
        clockMode: "mode=timestamp",
        votingDelay: await governor.votingDelay(),
        votingPeriod: await governor.votingPeriod(),
        proposalThreshold: await governor.proposalThreshold(),
        quorumNumerator: await governor["quorumNumerator()"](),
        quorum: ((await token.getPastTotalSupply(now - 1n)) * 4n) / 100n,
        lateQuorumVoteExtension: await governor.lateQuorumVoteExtension(),
        proposalCount: 1n,
        timelock: await timelock.getAddress(),
      });
      expect(status.timelock).to.deep.equal({ version: await timelock.version(), minDelay: BigInt(2 * DAY) });
    });

    it("follows the chain: a pause and a new epoch show up", async function () {
      const { token, rewards, guardian, record } = await loadFixture(fixture);
      await token.connect(guardian).pause();
      await rewards.connect(guardian).pause();
      await nextEpoch(rewards);
      const status = await deploymentStatus(hre, record);
      expect(status.token.paused).to.equal(true);
      expect(status.rewards.paused).to.equal(true);
      expect(status.rewards.currentEpoch).to.equal(1n);
      expect(status.rewards.currentEpochPoints).to.equal(0n);
      expect(status.rewards.currentEpochBudget).to.equal(await rewards.epochBudget());
    });

    it("throws a HardhatPluginError when a recorded address holds no contract", async function () {
      const { record, outsider } = await loadFixture(fixture);
      const error = await rejectionOf(deploymentStatus(hre, { ...record, governor: outsider.address }));
      expect(error).to.be.instanceOf(HardhatPluginError);
      expect(error!.message).to.equal(`no contract at the governor address ${outsider.address}`);
    });
  });

  describe("output", function () {
    it("formats aligned text with every address and parameter", async function () {
      const { record } = await loadFixture(fixture);
      const status = await deploymentStatus(hre, record);
      const text = formatStatus(status);
      for (const address of [...Object.values(status.addresses), ...Object.values(status.implementations)]) {
        expect(text).to.contain(address);
      }
      expect(text).to.match(/\n {2}epoch length {2,}604800 s \(7 d\)\n/);
      expect(text).to.match(/\n {2}min operator stake {2,}10000\.0 CKEY\n/);
      expect(text).to.match(/\n {2}threshold {2,}3 of 5\n/);
      expect(text).to.match(/\n {2}current epoch points {2,}425\n/);
      expect(text).to.contain("below the minimum");
      // Within each section, values start in one column.
      for (const block of text.split("\n\n").slice(1)) {
        const rows = block.split("\n").slice(1);
        const columns = new Set(rows.map((row) => /^ {2}\S.*? {2,}(?=\S)/.exec(row)?.[0].length));
        expect([...columns], block)
          .to.have.length(1)
          .and.not.include(undefined);
      }
    });

    it("prints JSON from the task with --json, bigints as decimal strings", async function () {
      const { recordFile, record } = await loadFixture(fixture);
      const printed = await printedBy(() => hre.run("cashkey:status", { deployment: recordFile, json: true }));
      const expected = JSON.parse(statusJson(await deploymentStatus(hre, record)));
      expect(JSON.parse(printed)).to.deep.equal(expected);
      expect(expected.token.cap).to.equal(parseEther("1000000000").toString());
    });

    it("prints the text from the task without --json", async function () {
      const { recordFile, record } = await loadFixture(fixture);
      const printed = await printedBy(() => hre.run("cashkey:status", { deployment: recordFile }));
      expect(printed).to.equal(formatStatus(await deploymentStatus(hre, record)));
    });
  });
});
