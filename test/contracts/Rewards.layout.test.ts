import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, keccak256, toBeHex, zeroPadValue } from "ethers";
import { deployStandard, item, postBatch, submitMany } from "../helpers/cashkey";
import { asTimelock } from "../helpers/rewardsTesting";

/**
 * The storage layout documented on `RewardsStorage` (contracts/rewards/Rewards.sol) and on the
 * IRewards structs, read back slot by slot from a live proxy and compared with the getters. The
 * assembly loop of `postScores` reads these slots by their literal numbers.
 */

// keccak256(abi.encode(uint256(keccak256("cashkey.storage.Rewards")) - 1)) & ~bytes32(uint256(0xff))
const BASE = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [BigInt(keccak256(Buffer.from("cashkey.storage.Rewards"))) - 1n]))) & ~0xffn;

/** The `bytes`-byte field at byte `offset` (from the low-order end) of `word`. */
function field(word: bigint, offset: number, bytes: number): bigint {
  return (word >> BigInt(offset * 8)) & ((1n << BigInt(bytes * 8)) - 1n);
}

/** The slot of `mapping[key]` for a mapping at `slot`. */
function mappingSlot(key: bigint | string, slot: bigint): bigint {
  return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [BigInt(key), slot])));
}

async function fixture() {
  const deployment = await deployStandard();
  const admin = await asTimelock(deployment.timelock);
  const { rewards, alice, guardian, operatorSigners } = deployment;
  await rewards.connect(admin).setQuota(5, [{ minStake: 1000n, quota: 9 }]);
  await rewards.connect(guardian).freezeOperatorBond(operatorSigners[0].address);
  const ids = await submitMany(rewards, alice, 3, 7);
  await postBatch(deployment, [item(ids[0], 80, 40), item(ids[2], 55, 12)]);
  return { ...deployment, op1: operatorSigners[0] };
}

describe("Rewards storage layout", function () {
  let word: (slot: bigint) => Promise<bigint>;

  beforeEach(async function () {
    const { rewards } = await loadFixture(fixture);
    const address = await rewards.getAddress();
    word = async (slot) => BigInt(await hre.ethers.provider.getStorage(address, slot));
  });

  it("sits at the ERC-7201 location the contract names", async function () {
    expect(toBeHex(BASE, 32)).to.equal("0x7464d200d36b42eff8855b2c5a59081a27bf8cb3b00671f863065eb234125700");
  });

  it("packs token | epochLength in B+0 and genesis | submissionCount | nextBatchNonce | maxPoints | baseQuota in B+1", async function () {
    const { rewards } = await loadFixture(fixture);
    const slot0 = await word(BASE);
    expect(zeroPadValue(toBeHex(field(slot0, 0, 20)), 20).toLowerCase()).to.equal((await rewards.token()).toLowerCase());
    expect(field(slot0, 20, 8)).to.equal(await rewards.epochLength());
    const slot1 = await word(BASE + 1n);
    expect(field(slot1, 0, 8)).to.equal(await rewards.genesis());
    expect(field(slot1, 8, 8)).to.equal(await rewards.submissionCount());
    expect(field(slot1, 16, 8)).to.equal(await rewards.nextBatchNonce());
    expect(field(slot1, 24, 4)).to.equal(await rewards.maxPointsPerSubmission());
    expect(field(slot1, 28, 4)).to.equal(5n);
    expect(await rewards.nextBatchNonce()).to.equal(1n);
  });

  it("keeps threshold, epochBudget, minOperatorStake, the operator list and the quota tiers in B+2..B+8", async function () {
    const { rewards, op1 } = await loadFixture(fixture);
    expect(await word(BASE + 2n)).to.equal(await rewards.threshold());
    expect(await word(BASE + 3n)).to.equal(await rewards.epochBudget());
    expect(await word(BASE + 4n)).to.equal(await rewards.minOperatorStake());
    const operators = await rewards.operators();
    expect(await word(BASE + 5n)).to.equal(BigInt(operators.length));
    expect(await word(BigInt(keccak256(toBeHex(BASE + 5n, 32))))).to.equal(BigInt(operators[0]));
    expect(await word(mappingSlot(op1.address, BASE + 6n))).to.equal(1n);
    expect(await word(BASE + 8n)).to.equal(1n);
    const tier = await word(BigInt(keccak256(toBeHex(BASE + 8n, 32))));
    expect([field(tier, 0, 16), field(tier, 16, 4)]).to.deep.equal([1000n, 9n]);
  });

  it("packs a submission in one slot of B+9: author | submittedAt | epoch | category", async function () {
    const { rewards } = await loadFixture(fixture);
    const record = await rewards.submission(1);
    const slot = await word(mappingSlot(1n, BASE + 9n));
    expect(BigInt(record.author)).to.equal(field(slot, 0, 20));
    expect(field(slot, 20, 5)).to.equal(record.submittedAt);
    expect(field(slot, 25, 4)).to.equal(record.epoch);
    expect(field(slot, 29, 2)).to.equal(7n);
    expect(field(slot, 31, 1)).to.equal(0n);
  });

  it("marks scored ids in the bitmap of B+10 under a sentinel bit", async function () {
    const bits = await word(mappingSlot(0n, BASE + 10n));
    expect(bits).to.equal((1n << 255n) | (1n << 1n) | (1n << 3n));
  });

  it("packs an account word in B+11 and an epoch's budget | total in B+13, as the loop reads them", async function () {
    const { rewards, alice } = await loadFixture(fixture);
    const account = await rewards.accountOf(alice.address);
    const packed = await word(mappingSlot(alice.address, BASE + 11n));
    expect(field(packed, 0, 8)).to.equal(account.lifetimePoints);
    expect(field(packed, 8, 4)).to.equal(account.lastEpoch);
    expect(field(packed, 12, 8)).to.equal(account.lastEpochPoints);
    expect(field(packed, 20, 12)).to.equal(account.settledTokens);
    expect(account.lifetimePoints).to.equal(52n);

    const epoch = await rewards.epochInfo(account.lastEpoch);
    const info = await word(mappingSlot(BigInt(account.lastEpoch), BASE + 13n));
    expect([field(info, 0, 16), field(info, 16, 16)]).to.deep.equal([epoch.budget, epoch.totalPoints]);
    expect(epoch.totalPoints).to.equal(52n);
  });

  it("packs the usage word in B+12: epoch | submissions | quota + 1", async function () {
    const { rewards, alice } = await loadFixture(fixture);
    const usage = await word(mappingSlot(alice.address, BASE + 12n));
    expect(field(usage, 0, 4)).to.equal(await rewards.currentEpoch());
    expect(field(usage, 4, 4)).to.equal(3n);
    expect(field(usage, 8, 4) - 1n).to.equal(await rewards.quotaOf(alice.address));
  });

  it("keeps governor | bondReleaseMargin in B+14, the reserve in B+15, bond locks in B+16, warmed words in B+17", async function () {
    const { rewards, op1 } = await loadFixture(fixture);
    const slot14 = await word(BASE + 14n);
    expect(field(slot14, 0, 20)).to.equal(BigInt(await rewards.governor()));
    expect(field(slot14, 20, 8)).to.equal(await rewards.bondReleaseMargin());
    expect(await word(BASE + 15n)).to.equal(await rewards.reservedBudget());
    const lock = await word(mappingSlot(op1.address, BASE + 16n));
    const bond = await rewards.operatorBond(op1.address);
    expect([field(lock, 0, 8), field(lock, 8, 8)]).to.deep.equal([bond.removedAt, bond.frozenUntil]);
    expect(bond.frozenUntil).to.be.greaterThan(0n);
    expect(await word(BASE + 17n)).to.equal(await rewards.warmedScoredBitmapWords());
  });

  it("keeps the Challenges address in B+18 and the epochs' last credit times in B+19", async function () {
    const { rewards } = await loadFixture(fixture);
    expect(await word(BASE + 18n)).to.equal(BigInt(await rewards.challenges()));
    const epoch = await rewards.currentEpoch();
    const scoredAt = await word(mappingSlot(BigInt(epoch), BASE + 19n));
    expect(scoredAt).to.equal(await rewards.lastScoredAt(epoch));
    expect(scoredAt).to.be.greaterThan(0n);
  });
});
