import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseEther } from "ethers";
import { EPOCH_BUDGET, deployStandard, item, nextEpoch, postBatch } from "../helpers/cashkey";
import { contentHash } from "../helpers/rewardsTesting";
import { type ForwardRequestData, forwarderDomain, signForwardRequest } from "../../oracle/src/protocol/forwardRequest";

const { ethers } = hre;

/** EIP-170: the largest runtime code a contract may have. */
const MAX_CODE_BYTES = 24_576;

/**
 * A production-like deployment (base quota 0): alice staked 1,000 CKEY before the current epoch (the
 * 20-submission tier); dave is a fresh key with no CKEY, no ETH and no quota.
 */
async function fixture() {
  const deployment = await deployStandard({ baseQuota: 0 });
  await deployment.token.connect(deployment.alice).stake(parseEther("1000"));
  await nextEpoch(deployment.rewards);
  const dave = ethers.Wallet.createRandom().connect(ethers.provider);
  const { chainId } = await ethers.provider.getNetwork();
  const domain = forwarderDomain(chainId, await deployment.forwarder.getAddress());
  return { ...deployment, dave, domain };
}

type Deployment = Awaited<ReturnType<typeof fixture>>;

/** `signer`'s request to call Rewards with `data`, signed for the forwarder's next nonce. */
async function request(
  d: Deployment,
  signer: HardhatEthersSigner | InstanceType<typeof ethers.Wallet> | ReturnType<typeof ethers.Wallet.createRandom>,
  data: string,
  overrides: { deadline?: bigint; nonce?: bigint; gas?: bigint; to?: string } = {},
): Promise<ForwardRequestData> {
  const from = await signer.getAddress();
  return signForwardRequest(signer, d.domain, {
    from,
    to: overrides.to ?? (await d.rewards.getAddress()),
    value: 0n,
    gas: overrides.gas ?? 200_000n,
    nonce: overrides.nonce ?? (await d.forwarder.nonces(from)),
    deadline: overrides.deadline ?? BigInt(await time.latest()) + 3600n,
    data,
  });
}

/** The inner call exactly as the forwarder makes it (the request's data with the signer appended). */
async function asForwarder(d: Deployment, req: ForwardRequestData): Promise<string> {
  return ethers.provider.call({ from: await d.forwarder.getAddress(), to: req.to, data: req.data + req.from.slice(2).toLowerCase() });
}

function submitData(d: Deployment, label: string): string {
  return d.rewards.interface.encodeFunctionData("submit", [contentHash(label), 1]);
}

describe("Rewards: gasless submit and claim through the ERC-2771 forwarder", function () {
  describe("deployment", function () {
    it("trusts the deployed CashKeyForwarder and nothing else, at version 1.3.0", async function () {
      const d = await loadFixture(fixture);
      expect(await d.rewards.version()).to.equal("1.3.0");
      expect(await d.rewards.trustedForwarder()).to.equal(await d.forwarder.getAddress());
      expect(await d.rewards.isTrustedForwarder(await d.forwarder.getAddress())).to.equal(true);
      expect(await d.rewards.isTrustedForwarder(d.relayer.address)).to.equal(false);
    });

    it("keeps the Rewards implementation under the EIP-170 code size limit", async function () {
      const d = await loadFixture(fixture);
      const implementation = await hre.upgrades.erc1967.getImplementationAddress(await d.rewards.getAddress());
      const bytes = (await ethers.provider.getCode(implementation)).length / 2 - 1;
      expect(bytes).to.be.greaterThan(0).and.at.most(MAX_CODE_BYTES);
    });
  });

  describe("a relayed submit", function () {
    it("records the signer as author, charges the signer's quota, and the relayer pays the gas", async function () {
      const d = await loadFixture(fixture);
      const req = await request(d, d.alice, submitData(d, "relayed"));
      const aliceEth = await ethers.provider.getBalance(d.alice.address);
      const relayerEth = await ethers.provider.getBalance(d.relayer.address);
      const left = await d.rewards.submissionsLeft(d.alice.address);
      await expect(d.forwarder.connect(d.relayer).execute(req))
        .to.emit(d.rewards, "Submitted")
        .withArgs(1n, d.alice.address, contentHash("relayed"), 1)
        .and.to.emit(d.forwarder, "ExecutedForwardRequest")
        .withArgs(d.alice.address, 0n, true);
      expect((await d.rewards.submission(1n)).author).to.equal(d.alice.address);
      expect(await d.rewards.submissionsLeft(d.alice.address)).to.equal(left - 1n);
      expect(await d.rewards.submissionsLeft(d.relayer.address)).to.equal(0n);
      expect(await ethers.provider.getBalance(d.alice.address)).to.equal(aliceEth);
      expect(await ethers.provider.getBalance(d.relayer.address)).to.be.lessThan(relayerEth);
    });

    it("applies the signer's quota: a signer with none is refused (RewardsQuotaExceeded), whoever relays", async function () {
      const d = await loadFixture(fixture);
      const req = await request(d, d.dave, submitData(d, "sybil"));
      expect(await d.forwarder.verify(req)).to.equal(true);
      // The forwarder reports a failed inner call as FailedCall; the call as the forwarder makes it
      // (what the relayer simulates) names the reason.
      await expect(d.forwarder.connect(d.relayer).execute(req)).to.be.revertedWithCustomError(d.forwarder, "FailedCall");
      await expect(asForwarder(d, req)).to.be.revertedWithCustomError(d.rewards, "RewardsQuotaExceeded").withArgs(d.dave.address, 0n);
      // The relayer's own stake does not lend its quota to the signer.
      await d.token.connect(d.deployer).transfer(d.relayer.address, parseEther("20000"));
      await d.token.connect(d.relayer).stake(parseEther("20000"));
      await nextEpoch(d.rewards);
      const again = await request(d, d.dave, submitData(d, "sybil"));
      await expect(d.forwarder.connect(d.relayer).execute(again)).to.be.revertedWithCustomError(d.forwarder, "FailedCall");
      await expect(asForwarder(d, again)).to.be.revertedWithCustomError(d.rewards, "RewardsQuotaExceeded").withArgs(d.dave.address, 0n);
      expect(await d.rewards.submissionCount()).to.equal(0n);
    });

    it("is refused once used: a replayed request fails the nonce check (ERC2771ForwarderInvalidSigner)", async function () {
      const d = await loadFixture(fixture);
      const req = await request(d, d.alice, submitData(d, "once"));
      await (await d.forwarder.connect(d.relayer).execute(req)).wait();
      expect(await d.forwarder.verify(req)).to.equal(false);
      // With the nonce moved on, the same signature recovers another address.
      await expect(d.forwarder.connect(d.relayer).execute(req)).to.be.revertedWithCustomError(d.forwarder, "ERC2771ForwarderInvalidSigner");
      expect(await d.rewards.submissionCount()).to.equal(1n);
    });

    it("is refused after its deadline (ERC2771ForwarderExpiredRequest), and accepted at it", async function () {
      const d = await loadFixture(fixture);
      const deadline = BigInt(await time.latest()) + 100n;
      const expired = await request(d, d.alice, submitData(d, "late"), { deadline });
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(d.forwarder.connect(d.relayer).execute(expired)).to.be.revertedWithCustomError(d.forwarder, "ERC2771ForwarderExpiredRequest").withArgs(deadline);

      const atDeadline = BigInt(await time.latest()) + 100n;
      const onTime = await request(d, d.alice, submitData(d, "on time"), { deadline: atDeadline });
      await time.setNextBlockTimestamp(atDeadline);
      await expect(d.forwarder.connect(d.relayer).execute(onTime)).to.emit(d.rewards, "Submitted");
    });

    it("is refused with a bad signature: tampered data, or signed by someone else", async function () {
      const d = await loadFixture(fixture);
      const req = await request(d, d.alice, submitData(d, "original"));
      const tampered = { ...req, data: submitData(d, "tampered") };
      expect(await d.forwarder.verify(tampered)).to.equal(false);
      await expect(d.forwarder.connect(d.relayer).execute(tampered)).to.be.revertedWithCustomError(d.forwarder, "ERC2771ForwarderInvalidSigner");
      const bobSigned = await request(d, d.bob, submitData(d, "original"), { nonce: 0n });
      const impersonation = { ...bobSigned, from: d.alice.address };
      await expect(d.forwarder.connect(d.relayer).execute(impersonation))
        .to.be.revertedWithCustomError(d.forwarder, "ERC2771ForwarderInvalidSigner")
        .withArgs(anyValue, d.alice.address);
      expect(await d.rewards.submissionCount()).to.equal(0n);
    });

    it("cannot spoof a signer by calling Rewards directly with an address appended (claims as the caller)", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.alice).submit(contentHash("scored"), 1);
      await (await postBatch(d, [item(1n, 80, 500)])).wait();
      await nextEpoch(d.rewards);
      const spoofed = d.rewards.interface.encodeFunctionData("claim", [d.relayer.address]) + d.alice.address.slice(2);
      await expect(d.relayer.sendTransaction({ to: await d.rewards.getAddress(), data: spoofed }))
        .to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim")
        .withArgs(d.relayer.address);
      expect(await d.rewards.claimable(d.alice.address)).to.equal(EPOCH_BUDGET);
    });
  });

  describe("a relayed claim", function () {
    it("pays the signer's rewards to the address the signer chose, never to the relayer", async function () {
      const d = await loadFixture(fixture);
      await d.rewards.connect(d.alice).submit(contentHash("scored"), 1);
      await (await postBatch(d, [item(1n, 80, 500)])).wait();
      await nextEpoch(d.rewards);
      const owed = await d.rewards.claimable(d.alice.address);
      expect(owed).to.equal(EPOCH_BUDGET);

      const payee = ethers.Wallet.createRandom().address;
      const claimData = d.rewards.interface.encodeFunctionData("claim", [payee]);
      const req = await request(d, d.alice, claimData);
      await expect(d.forwarder.connect(d.relayer).execute(req)).to.emit(d.rewards, "Claimed").withArgs(d.alice.address, payee, owed);
      expect(await d.token.balanceOf(payee)).to.equal(owed);
      expect(await d.rewards.claimable(d.alice.address)).to.equal(0n);
    });

    it("by a signer with nothing owed reverts with RewardsNothingToClaim for the signer", async function () {
      const d = await loadFixture(fixture);
      const claimData = d.rewards.interface.encodeFunctionData("claim", [d.relayer.address]);
      const req = await request(d, d.dave, claimData);
      await expect(d.forwarder.connect(d.relayer).execute(req)).to.be.revertedWithCustomError(d.forwarder, "FailedCall");
      await expect(asForwarder(d, req)).to.be.revertedWithCustomError(d.rewards, "RewardsNothingToClaim").withArgs(d.dave.address);
    });
  });

  describe("the forwarder's other targets", function () {
    it("refuses a target that does not trust it (ERC2771UntrustfulTarget)", async function () {
      const d = await loadFixture(fixture);
      const data = d.token.interface.encodeFunctionData("transfer", [d.relayer.address, 1n]);
      const req = await request(d, d.alice, data, { to: await d.token.getAddress() });
      await expect(d.forwarder.connect(d.relayer).execute(req))
        .to.be.revertedWithCustomError(d.forwarder, "ERC2771UntrustfulTarget")
        .withArgs(await d.token.getAddress(), await d.forwarder.getAddress());
    });
  });
});
