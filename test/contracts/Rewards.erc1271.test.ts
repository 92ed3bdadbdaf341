import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroHash } from "ethers";
import { EVALUATOR, MIN_OPERATOR_STAKE, deployStandard, domainOf, headerFor, item } from "../helpers/cashkey";
import { asTimelock, contentHash, impersonate, scoringState } from "../helpers/rewardsTesting";
import { type AttributedSignature, type BatchHeader, contractSignature, orderSignatures, signScoreBatch } from "../../oracle/src/protocol/eip712";
import type { MockContractSigner, Rewards } from "../../typechain-types";

/** What the mock expects as `data` (any length but 45 bytes, which would read as ECDSA). */
const SIGNER_DATA = "0xc0ffee";

async function deployContractSigner(owner: HardhatEthersSigner): Promise<MockContractSigner> {
  const factory = await hre.ethers.getContractFactory("MockContractSigner", owner);
  const signer = await factory.deploy(SIGNER_DATA);
  await signer.waitForDeployment();
  return signer;
}

/** Funds `account` from the deployer and stakes for it as itself, so its signature can count. */
async function stakeFor(d: Awaited<ReturnType<typeof deployStandard>>, account: string, amount: bigint): Promise<void> {
  await d.token.connect(d.deployer).transfer(account, amount);
  await d.token.connect(await impersonate(account)).stake(amount);
}

/**
 * The standard deployment plus a contract operator (owned by the deployer) with the minimum stake,
 * and a second contract signer that is not an operator. Alice authored submissions 1 and 2.
 */
async function fixture() {
  const d = await deployStandard();
  const admin = await asTimelock(d.timelock);
  const contractOperator = await deployContractSigner(d.deployer);
  const contractAddress = await contractOperator.getAddress();
  await d.rewards.connect(admin).addOperator(contractAddress);
  await stakeFor(d, contractAddress, MIN_OPERATOR_STAKE);
  const stranger = await deployContractSigner(d.deployer);
  await d.rewards.connect(d.alice).submit(contentHash("one"), 1);
  await d.rewards.connect(d.alice).submit(contentHash("two"), 1);
  return { ...d, admin, contractOperator, contractAddress, stranger };
}

type Deployment = Awaited<ReturnType<typeof fixture>>;

async function ecdsa(rewards: Rewards, signers: HardhatEthersSigner[], header: BatchHeader, items: bigint[]) {
  const domain = await domainOf(rewards);
  const out: AttributedSignature[] = [];
  for (const s of signers) out.push({ signer: s.address, signature: await signScoreBatch(s, domain, header, items) });
  return out;
}

/** Two EOA operators plus `contractSigner`, ordered; returns the signatures and the contract's index. */
async function withContract(d: Deployment, contractSigner: string, header: BatchHeader, items: bigint[], data = SIGNER_DATA) {
  const [op1, op2] = d.operatorSigners;
  const attributed = [...(await ecdsa(d.rewards, [op1, op2], header, items)), { signer: contractSigner, signature: contractSignature(contractSigner, data) }];
  const signatures = orderSignatures(attributed);
  const index = signatures.indexOf(contractSignature(contractSigner, data));
  return { signatures, index };
}

async function stateOf(d: Deployment) {
  return scoringState(d.rewards, [1n, 2n], [d.alice.address]);
}

describe("Rewards: postScores with ERC-1271 operators", function () {
  it("lists the contract as an operator with the minimum stake", async function () {
    const d = await loadFixture(fixture);
    expect(await d.rewards.isOperator(d.contractAddress)).to.equal(true);
    expect((await d.rewards.operators()).at(-1)).to.equal(d.contractAddress);
    expect(await d.token.stakedBalanceOf(d.contractAddress)).to.equal(MIN_OPERATOR_STAKE);
  });

  describe("when the contract approved the digest", function () {
    it("counts its signature towards the threshold", async function () {
      const d = await loadFixture(fixture);
      const items = [item(1, 80, 300)];
      const header = await headerFor(d.rewards);
      await d.contractOperator.approve(await d.rewards.batchDigest(header, items));
      const { signatures } = await withContract(d, d.contractAddress, header, items);
      expect(signatures).to.have.length(3);
      const tx = d.rewards.connect(d.relayer).postScores(header, items, signatures);
      await expect(tx).to.emit(d.rewards, "BatchPosted").withArgs(0, EVALUATOR, ZeroHash, 1);
      await expect(tx).to.emit(d.rewards, "Scored").withArgs(1, d.alice.address, 80, 300);
      expect(await d.rewards.pointsOf(d.alice.address)).to.equal(300);
    });

    it("accepts the contract's signature alone with the threshold at one", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.admin).setThreshold(1);
      const items = [item(2, 50, 10)];
      const header = await headerFor(d.rewards);
      await d.contractOperator.approve(await d.rewards.batchDigest(header, items));
      await expect(d.rewards.connect(d.relayer).postScores(header, items, [contractSignature(d.contractAddress, SIGNER_DATA)]))
        .to.emit(d.rewards, "Scored")
        .withArgs(2, d.alice.address, 50, 10);
    });
  });

  describe("when the contract did not approve the digest", function () {
    it("reverts with RewardsInvalidSignature(index)", async function () {
      const d = await loadFixture(fixture);
      const items = [item(1, 80, 300)];
      const header = await headerFor(d.rewards);
      const { signatures, index } = await withContract(d, d.contractAddress, header, items);
      const before = await stateOf(d);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
        .withArgs(index);
      expect(await stateOf(d)).to.deep.equal(before);
    });

    it("reverts with RewardsInvalidSignature(index) when it approved other items", async function () {
      const d = await loadFixture(fixture);
      const header = await headerFor(d.rewards);
      await d.contractOperator.approve(await d.rewards.batchDigest(header, [item(1, 80, 300)]));
      const items = [item(1, 80, 1000)];
      // The EOAs sign what is posted, so only the contract's signature is wrong.
      const { signatures, index } = await withContract(d, d.contractAddress, header, items);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
        .withArgs(index);
    });
  });

  describe("when the signature data differs from what the contract expects", function () {
    it("reverts with RewardsInvalidSignature(index)", async function () {
      const d = await loadFixture(fixture);
      const items = [item(1, 80, 300)];
      const header = await headerFor(d.rewards);
      await d.contractOperator.approve(await d.rewards.batchDigest(header, items));
      const { signatures, index } = await withContract(d, d.contractAddress, header, items, "0xdecaf0");
      const before = await stateOf(d);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
        .withArgs(index);
      expect(await stateOf(d)).to.deep.equal(before);
    });
  });

  describe("ordering rules apply to the contract's address", function () {
    it("reverts with RewardsSignersOutOfOrder when the contract's signature is out of place", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.admin).setThreshold(2);
      const items = [item(1, 80, 300)];
      const header = await headerFor(d.rewards);
      await d.contractOperator.approve(await d.rewards.batchDigest(header, items));
      const mine = contractSignature(d.contractAddress, SIGNER_DATA);
      // Pair the contract with an EOA operator on the wrong side of it: a lower address after it, or
      // (when every EOA operator is above it) a higher address before it.
      const lower = d.operatorSigners.find((s) => BigInt(s.address) < BigInt(d.contractAddress));
      const eoa = lower ?? d.operatorSigners[0];
      const [theirs] = orderSignatures(await ecdsa(d.rewards, [eoa], header, items));
      const signatures = lower ? [mine, theirs] : [theirs, mine];
      const [previous, signer] = lower ? [d.contractAddress, eoa.address] : [eoa.address, d.contractAddress];
      const before = await stateOf(d);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
        .to.be.revertedWithCustomError(d.rewards, "RewardsSignersOutOfOrder")
        .withArgs(previous, signer);
      expect(await stateOf(d)).to.deep.equal(before);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, [...signatures].reverse()))
        .to.emit(d.rewards, "BatchPosted")
        .withArgs(0, EVALUATOR, ZeroHash, 1);
    });

    it("reverts with RewardsDuplicateSigner when the contract signs twice", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.admin).setThreshold(2);
      const items = [item(1, 80, 300)];
      const header = await headerFor(d.rewards);
      await d.contractOperator.approve(await d.rewards.batchDigest(header, items));
      const mine = contractSignature(d.contractAddress, SIGNER_DATA);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, [mine, mine]))
        .to.be.revertedWithCustomError(d.rewards, "RewardsDuplicateSigner")
        .withArgs(d.contractAddress);
    });
  });

  describe("when the contract is not an operator", function () {
    it("reverts with RewardsUnknownSigner even though it approved the digest", async function () {
      const d = await loadFixture(fixture);
      const items = [item(1, 80, 300)];
      const header = await headerFor(d.rewards);
      await d.stranger.approve(await d.rewards.batchDigest(header, items));
      const strangerAddress = await d.stranger.getAddress();
      const { signatures } = await withContract(d, strangerAddress, header, items);
      const before = await stateOf(d);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
        .to.be.revertedWithCustomError(d.rewards, "RewardsUnknownSigner")
        .withArgs(strangerAddress);
      expect(await stateOf(d)).to.deep.equal(before);
    });
  });

  describe("when the contract operator has no stake", function () {
    it("reverts with RewardsOperatorStakeTooLow(signer, 0, minimum)", async function () {
      const d = await loadFixture(fixture);
      const strangerAddress = await d.stranger.getAddress();
      await d.rewards.connect(d.admin).addOperator(strangerAddress);
      const items = [item(1, 80, 300)];
      const header = await headerFor(d.rewards);
      await d.stranger.approve(await d.rewards.batchDigest(header, items));
      const { signatures } = await withContract(d, strangerAddress, header, items);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
        .to.be.revertedWithCustomError(d.rewards, "RewardsOperatorStakeTooLow")
        .withArgs(strangerAddress, 0, MIN_OPERATOR_STAKE);
    });
  });

  describe("the 45-byte restriction (finding 10: the two forms are told apart by length)", function () {
    async function contractWithData(d: Deployment, data: string) {
      const factory = await hre.ethers.getContractFactory("MockContractSigner", d.deployer);
      const signer = await factory.deploy(data);
      const address = await signer.getAddress();
      await d.rewards.connect(d.admin).addOperator(address);
      await stakeFor(d, address, MIN_OPERATOR_STAKE);
      return { signer, address };
    }

    it("reads 20 + 45 bytes as ECDSA and refuses it with RewardsInvalidSignature(index)", async function () {
      const d = await loadFixture(fixture);
      const data = hre.ethers.zeroPadBytes("0xc0ffee", 45);
      const { signer, address } = await contractWithData(d, data);
      const items = [item(1, 80, 300)];
      const header = await headerFor(d.rewards);
      await signer.approve(await d.rewards.batchDigest(header, items));
      // The oracle's `contractSignature` refuses to build this form; a hand-made one is refused on-chain.
      expect(() => contractSignature(address, data)).to.throw(/45 bytes would read as ECDSA/);
      const [op1, op2] = d.operatorSigners;
      const signatures = orderSignatures([...(await ecdsa(d.rewards, [op1, op2], header, items)), { signer: address, signature: hre.ethers.concat([address, data]) }]);
      const index = signatures.findIndex((sig) => sig.toLowerCase().startsWith(address.toLowerCase()));
      expect(hre.ethers.dataLength(signatures[index])).to.equal(65);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
        .withArgs(index);
    });

    it("accepts the documented workaround: the same contract's data with one ignored byte more (46 bytes)", async function () {
      const d = await loadFixture(fixture);
      const data = hre.ethers.zeroPadBytes("0xc0ffee", 46);
      const { signer, address } = await contractWithData(d, data);
      const items = [item(1, 80, 300)];
      const header = await headerFor(d.rewards);
      await signer.approve(await d.rewards.batchDigest(header, items));
      const { signatures } = await withContract(d, address, header, items, data);
      await expect(d.rewards.connect(d.relayer).postScores(header, items, signatures))
        .to.emit(d.rewards, "Scored")
        .withArgs(1, d.alice.address, 80, 300);
    });
  });
});
