/**
 * CashKeyToken: initialization and roles, minting under the cap, ERC20Permit, ERC20Votes on the
 * timestamp clock, pause, governance parameters and upgrades. Staking and slashing live in
 * CashKeyToken.staking.test.ts.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, Signature, keccak256, parseEther, toUtf8Bytes, verifyTypedData } from "ethers";
import { DAY, deployStandard } from "../helpers/cashkey";
import { impersonate } from "../helpers/impersonate";

const { ethers, upgrades } = hre;

const GENESIS_SUPPLY = parseEther("100000000");
const CAP = parseEther("1000000000");
const AUTHOR_FUNDING = parseEther("50000");
const UNSTAKE_COOLDOWN = 7 * DAY;
const MAX_UNSTAKE_COOLDOWN = 90 * DAY;
const UINT96_MAX = 2n ** 96n - 1n;
const MINTER_ROLE = keccak256(toUtf8Bytes("MINTER_ROLE"));
const GUARDIAN_ROLE = keccak256(toUtf8Bytes("GUARDIAN_ROLE"));
const ADMIN_ROLE = ZeroHash;

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
const DELEGATION_TYPES = {
  Delegation: [
    { name: "delegatee", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
};

/** keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff)) */
function erc7201Slot(id: string): bigint {
  const inner = BigInt(keccak256(toUtf8Bytes(id))) - 1n;
  return BigInt(keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
}

async function fixture() {
  const deployment = await deployStandard();
  const { token, rewards, timelock } = deployment;
  const timelockAsSigner = await impersonate(await timelock.getAddress());
  const rewardsAsSigner = await impersonate(await rewards.getAddress());
  const { chainId } = await ethers.provider.getNetwork();
  const tokenDomain = { name: "CashKey", version: "1", chainId, verifyingContract: await token.getAddress() };
  return { ...deployment, timelockAsSigner, rewardsAsSigner, tokenDomain };
}

describe("CashKeyToken", function () {
  describe("initialize (through deployCashKey)", function () {
    it("gives DEFAULT_ADMIN_ROLE to the Timelock", async function () {
      const { token, timelock } = await loadFixture(fixture);
      expect(await token.DEFAULT_ADMIN_ROLE()).to.equal(ADMIN_ROLE);
      expect(await token.hasRole(ADMIN_ROLE, timelock)).to.equal(true);
    });

    it("gives MINTER_ROLE to Rewards and to no one else it knows", async function () {
      const { token, rewards, timelock, governor, guardian } = await loadFixture(fixture);
      expect(await token.MINTER_ROLE()).to.equal(MINTER_ROLE);
      expect(await token.hasRole(MINTER_ROLE, rewards)).to.equal(true);
      for (const other of [timelock, governor, guardian]) expect(await token.hasRole(MINTER_ROLE, other)).to.equal(false);
    });

    it("gives GUARDIAN_ROLE to the guardian", async function () {
      const { token, guardian } = await loadFixture(fixture);
      expect(await token.GUARDIAN_ROLE()).to.equal(GUARDIAN_ROLE);
      expect(await token.hasRole(GUARDIAN_ROLE, guardian)).to.equal(true);
      expect(await token.hasRole(ADMIN_ROLE, guardian)).to.equal(false);
    });

    it("leaves the deployer without any role", async function () {
      const { token, deployer } = await loadFixture(fixture);
      for (const role of [ADMIN_ROLE, MINTER_ROLE, GUARDIAN_ROLE]) {
        expect(await token.hasRole(role, deployer)).to.equal(false);
      }
    });

    it("leaves the Governor without any role (it acts only through the Timelock)", async function () {
      const { token, governor } = await loadFixture(fixture);
      for (const role of [ADMIN_ROLE, MINTER_ROLE, GUARDIAN_ROLE]) {
        expect(await token.hasRole(role, governor)).to.equal(false);
      }
    });

    it("makes the admin role the admin of MINTER_ROLE and GUARDIAN_ROLE", async function () {
      const { token } = await loadFixture(fixture);
      expect(await token.getRoleAdmin(MINTER_ROLE)).to.equal(ADMIN_ROLE);
      expect(await token.getRoleAdmin(GUARDIAN_ROLE)).to.equal(ADMIN_ROLE);
    });

    it("sets name CashKey, symbol CKEY, 18 decimals and version 1.1.0", async function () {
      const { token } = await loadFixture(fixture);
      expect(await token.name()).to.equal("CashKey");
      expect(await token.symbol()).to.equal("CKEY");
      expect(await token.decimals()).to.equal(18n);
      expect(await token.version()).to.equal("1.1.0");
    });

    it("sets the cap, the treasury (the Timelock) and the unstake cooldown", async function () {
      const { token, timelock } = await loadFixture(fixture);
      expect(await token.cap()).to.equal(CAP);
      expect(await token.treasury()).to.equal(await timelock.getAddress());
      expect(await token.unstakeCooldown()).to.equal(BigInt(UNSTAKE_COOLDOWN));
      expect(await token.MAX_UNSTAKE_COOLDOWN()).to.equal(BigInt(MAX_UNSTAKE_COOLDOWN));
    });

    it("mints the genesis supply to the initial holder", async function () {
      const { token, deployer, operatorSigners } = await loadFixture(fixture);
      expect(await token.totalSupply()).to.equal(GENESIS_SUPPLY);
      const handedOut = 3n * AUTHOR_FUNDING + BigInt(operatorSigners.length) * parseEther("10000");
      expect(await token.balanceOf(deployer)).to.equal(GENESIS_SUPPLY - handedOut);
    });

    it("starts unpaused", async function () {
      const { token } = await loadFixture(fixture);
      expect(await token.paused()).to.equal(false);
    });

    it("keeps its state in the ERC-7201 namespace cashkey.storage.CashKeyToken", async function () {
      const { token, timelock } = await loadFixture(fixture);
      const base = erc7201Slot("cashkey.storage.CashKeyToken");
      // Layout: stakes (mapping), totalStaked, unstakeCooldown, treasury.
      const totalStaked = await ethers.provider.getStorage(token, base + 1n);
      const cooldown = await ethers.provider.getStorage(token, base + 2n);
      const treasury = await ethers.provider.getStorage(token, base + 3n);
      expect(BigInt(totalStaked)).to.equal(await token.totalStaked());
      expect(BigInt(cooldown)).to.equal(BigInt(UNSTAKE_COOLDOWN));
      expect(ethers.getAddress(ethers.dataSlice(treasury, 12))).to.equal(await timelock.getAddress());
    });

    describe("when called again on the proxy", function () {
      it("reverts with InvalidInitialization (attack: re-initialize to seize the admin role)", async function () {
        const { token, outsider } = await loadFixture(fixture);
        await expect(token.connect(outsider).initialize(outsider, outsider, outsider, CAP, outsider, CAP, 0)).to.be.revertedWithCustomError(
          token,
          "InvalidInitialization",
        );
        expect(await token.hasRole(ADMIN_ROLE, outsider)).to.equal(false);
        expect(await token.totalSupply()).to.equal(GENESIS_SUPPLY);
      });
    });

    describe("when called on the implementation contract", function () {
      it("reverts with InvalidInitialization (attack: initialize the bare implementation)", async function () {
        const { token, outsider } = await loadFixture(fixture);
        const implementationAddress = await upgrades.erc1967.getImplementationAddress(await token.getAddress());
        const implementation = await ethers.getContractAt("CashKeyToken", implementationAddress);
        await expect(implementation.connect(outsider).initialize(outsider, outsider, outsider, CAP, outsider, CAP, 0)).to.be.revertedWithCustomError(
          implementation,
          "InvalidInitialization",
        );
        expect(await implementation.hasRole(ADMIN_ROLE, outsider)).to.equal(false);
      });
    });

    describe("on a fresh proxy", function () {
      async function deployFresh(args: {
        admin?: string;
        guardian?: string;
        treasury?: string;
        cap?: bigint;
        initialHolder?: string;
        initialSupply?: bigint;
        cooldown?: number;
      }) {
        const [deployer, holder, treasury] = await ethers.getSigners();
        const factory = await ethers.getContractFactory("CashKeyToken", deployer);
        const proxy = upgrades.deployProxy(
          factory,
          [
            args.admin ?? deployer.address,
            args.guardian ?? ZeroAddress,
            args.treasury ?? treasury.address,
            args.cap ?? CAP,
            args.initialHolder ?? holder.address,
            args.initialSupply ?? 0n,
            args.cooldown ?? UNSTAKE_COOLDOWN,
          ],
          { kind: "uups", initializer: "initialize" },
        );
        return { factory, proxy };
      }

      describe("when the admin is the zero address", function () {
        it("reverts with CashKeyTokenZeroAddress", async function () {
          const { factory, proxy } = await deployFresh({ admin: ZeroAddress });
          await expect(proxy).to.be.revertedWithCustomError(factory, "CashKeyTokenZeroAddress");
        });
      });

      describe("when the treasury is the zero address", function () {
        it("reverts with CashKeyTokenZeroAddress", async function () {
          const { factory, proxy } = await deployFresh({ treasury: ZeroAddress });
          await expect(proxy).to.be.revertedWithCustomError(factory, "CashKeyTokenZeroAddress");
        });
      });

      describe("when the cap is above type(uint96).max", function () {
        it("reverts with CashKeyTokenCapTooLarge", async function () {
          const { factory, proxy } = await deployFresh({ cap: UINT96_MAX + 1n });
          await expect(proxy)
            .to.be.revertedWithCustomError(factory, "CashKeyTokenCapTooLarge")
            .withArgs(UINT96_MAX + 1n, UINT96_MAX);
        });
      });

      describe("when the cap is zero", function () {
        it("reverts with ERC20InvalidCap", async function () {
          const { factory, proxy } = await deployFresh({ cap: 0n });
          await expect(proxy).to.be.revertedWithCustomError(factory, "ERC20InvalidCap").withArgs(0n);
        });
      });

      describe("when the genesis supply exceeds the cap", function () {
        it("reverts with ERC20ExceededCap", async function () {
          const { factory, proxy } = await deployFresh({ cap: parseEther("10"), initialSupply: parseEther("11") });
          await expect(proxy).to.be.revertedWithCustomError(factory, "ERC20ExceededCap").withArgs(parseEther("11"), parseEther("10"));
        });
      });

      describe("when the cooldown is above MAX_UNSTAKE_COOLDOWN", function () {
        it("reverts with CashKeyTokenCooldownTooLong", async function () {
          const { factory, proxy } = await deployFresh({ cooldown: MAX_UNSTAKE_COOLDOWN + 1 });
          await expect(proxy)
            .to.be.revertedWithCustomError(factory, "CashKeyTokenCooldownTooLong")
            .withArgs(MAX_UNSTAKE_COOLDOWN + 1, MAX_UNSTAKE_COOLDOWN);
        });
      });

      describe("when the cap is exactly type(uint96).max and there is no guardian", function () {
        it("initializes, grants no GUARDIAN_ROLE and mints nothing for a zero genesis supply", async function () {
          const { proxy } = await deployFresh({ cap: UINT96_MAX });
          const token = await ethers.getContractAt("CashKeyToken", await (await proxy).getAddress());
          expect(await token.cap()).to.equal(UINT96_MAX);
          expect(await token.hasRole(GUARDIAN_ROLE, ZeroAddress)).to.equal(false);
          expect(await token.totalSupply()).to.equal(0n);
        });
      });
    });
  });

  describe("mint", function () {
    describe("when the caller holds MINTER_ROLE (Rewards)", function () {
      it("mints to the recipient and emits Transfer from the zero address", async function () {
        const { token, rewardsAsSigner, alice } = await loadFixture(fixture);
        const amount = parseEther("123");
        await expect(token.connect(rewardsAsSigner).mint(alice, amount)).to.emit(token, "Transfer").withArgs(ZeroAddress, alice.address, amount);
        expect(await token.balanceOf(alice)).to.equal(AUTHOR_FUNDING + amount);
        expect(await token.totalSupply()).to.equal(GENESIS_SUPPLY + amount);
      });

      it("mints exactly up to the cap", async function () {
        const { token, rewardsAsSigner, alice } = await loadFixture(fixture);
        await token.connect(rewardsAsSigner).mint(alice, CAP - GENESIS_SUPPLY);
        expect(await token.totalSupply()).to.equal(CAP);
      });

      it("mints to a staker without touching the stake", async function () {
        const { token, rewardsAsSigner, alice } = await loadFixture(fixture);
        await token.connect(alice).stake(AUTHOR_FUNDING);
        await token.connect(rewardsAsSigner).mint(alice, parseEther("5"));
        expect(await token.stakedBalanceOf(alice)).to.equal(AUTHOR_FUNDING);
        expect(await token.unlockedBalanceOf(alice)).to.equal(parseEther("5"));
      });
    });

    describe("when the amount would take the supply beyond the cap", function () {
      it("reverts with ERC20ExceededCap (attack: mint beyond the hard cap)", async function () {
        const { token, rewardsAsSigner, alice } = await loadFixture(fixture);
        const amount = CAP - GENESIS_SUPPLY + 1n;
        await expect(token.connect(rewardsAsSigner).mint(alice, amount))
          .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
          .withArgs(CAP + 1n, CAP);
        expect(await token.totalSupply()).to.equal(GENESIS_SUPPLY);
      });

      it("reverts with ERC20ExceededCap once the cap has been reached", async function () {
        const { token, rewardsAsSigner, alice } = await loadFixture(fixture);
        await token.connect(rewardsAsSigner).mint(alice, CAP - GENESIS_SUPPLY);
        await expect(token.connect(rewardsAsSigner).mint(alice, 1n))
          .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
          .withArgs(CAP + 1n, CAP);
      });
    });

    describe("when a new minter is granted by the Timelock", function () {
      it("lets it mint, still never beyond the cap", async function () {
        const { token, timelockAsSigner, bob } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).grantRole(MINTER_ROLE, bob))
          .to.emit(token, "RoleGranted")
          .withArgs(MINTER_ROLE, bob.address, await timelockAsSigner.getAddress());
        await token.connect(bob).mint(bob, parseEther("1"));
        expect(await token.balanceOf(bob)).to.equal(AUTHOR_FUNDING + parseEther("1"));
        await expect(token.connect(bob).mint(bob, CAP))
          .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
          .withArgs(GENESIS_SUPPLY + parseEther("1") + CAP, CAP);
      });
    });

    describe("when the caller lacks MINTER_ROLE", function () {
      for (const who of ["outsider", "deployer", "guardian"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who} (attack: unauthorized mint)`, async function () {
          const f = await loadFixture(fixture);
          const caller = f[who];
          await expect(f.token.connect(caller).mint(caller, 1n))
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, MINTER_ROLE);
          expect(await f.token.totalSupply()).to.equal(GENESIS_SUPPLY);
        });
      }

      it("reverts with AccessControlUnauthorizedAccount for the Timelock itself (admin is not minter)", async function () {
        const { token, timelockAsSigner } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).mint(timelockAsSigner, 1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(await timelockAsSigner.getAddress(), MINTER_ROLE);
      });

      it("reverts after the Timelock revokes Rewards' MINTER_ROLE", async function () {
        const { token, rewards, timelockAsSigner, rewardsAsSigner, alice } = await loadFixture(fixture);
        await token.connect(timelockAsSigner).revokeRole(MINTER_ROLE, rewards);
        await expect(token.connect(rewardsAsSigner).mint(alice, 1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(await rewards.getAddress(), MINTER_ROLE);
      });
    });

    describe("when the caller tries to grant itself MINTER_ROLE", function () {
      it("reverts with AccessControlUnauthorizedAccount (attack: self-granted minter)", async function () {
        const { token, outsider, guardian } = await loadFixture(fixture);
        for (const caller of [outsider, guardian]) {
          await expect(token.connect(caller).grantRole(MINTER_ROLE, caller))
            .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ADMIN_ROLE);
          expect(await token.hasRole(MINTER_ROLE, caller)).to.equal(false);
        }
      });
    });
  });

  describe("permit (ERC-2612)", function () {
    async function signPermit(f: Awaited<ReturnType<typeof fixture>>, value: bigint, deadline: bigint, nonce?: bigint) {
      const message = {
        owner: f.alice.address,
        spender: f.bob.address,
        value,
        nonce: nonce ?? (await f.token.nonces(f.alice)),
        deadline,
      };
      const signature = await f.alice.signTypedData(f.tokenDomain, PERMIT_TYPES, message);
      const { v, r, s } = Signature.from(signature);
      return { message, signature, v, r, s };
    }

    it("exposes the EIP-712 domain {name: CashKey, version: 1, chainId, token}", async function () {
      const { token, tokenDomain } = await loadFixture(fixture);
      const domain = await token.eip712Domain();
      expect(domain.name).to.equal(tokenDomain.name);
      expect(domain.version).to.equal(tokenDomain.version);
      expect(domain.chainId).to.equal(tokenDomain.chainId);
      expect(domain.verifyingContract).to.equal(tokenDomain.verifyingContract);
      expect(await token.DOMAIN_SEPARATOR()).to.equal(ethers.TypedDataEncoder.hashDomain(tokenDomain));
    });

    describe("with a valid signature", function () {
      it("sets the allowance, emits Approval and consumes the nonce", async function () {
        const f = await loadFixture(fixture);
        const { token, alice, bob, relayer } = f;
        const value = parseEther("1000");
        const deadline = BigInt((await time.latest()) + 3600);
        const { v, r, s } = await signPermit(f, value, deadline);
        await expect(token.connect(relayer).permit(alice, bob, value, deadline, v, r, s))
          .to.emit(token, "Approval")
          .withArgs(alice.address, bob.address, value);
        expect(await token.allowance(alice, bob)).to.equal(value);
        expect(await token.nonces(alice)).to.equal(1n);
        await token.connect(bob).transferFrom(alice, bob, value);
        expect(await token.balanceOf(bob)).to.equal(AUTHOR_FUNDING + value);
      });
    });

    describe("when the signature is replayed", function () {
      it("reverts with ERC2612InvalidSigner (attack: permit replay)", async function () {
        const f = await loadFixture(fixture);
        const { token, alice, bob, relayer, tokenDomain } = f;
        const value = parseEther("1000");
        const deadline = BigInt((await time.latest()) + 3600);
        const { message, signature, v, r, s } = await signPermit(f, value, deadline);
        await token.connect(relayer).permit(alice, bob, value, deadline, v, r, s);
        await token.connect(bob).transferFrom(alice, bob, value);
        // The contract now hashes nonce 1, so the same signature recovers to some other address.
        const recovered = verifyTypedData(tokenDomain, PERMIT_TYPES, { ...message, nonce: 1n }, signature);
        await expect(token.connect(relayer).permit(alice, bob, value, deadline, v, r, s))
          .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
          .withArgs(recovered, alice.address);
        expect(await token.allowance(alice, bob)).to.equal(0n);
        expect(await token.nonces(alice)).to.equal(1n);
      });
    });

    describe("when the signer is not the owner", function () {
      it("reverts with ERC2612InvalidSigner (attack: forged permit)", async function () {
        const f = await loadFixture(fixture);
        const { token, alice, bob, outsider, tokenDomain } = f;
        const deadline = BigInt((await time.latest()) + 3600);
        const message = { owner: alice.address, spender: bob.address, value: AUTHOR_FUNDING, nonce: 0n, deadline };
        const { v, r, s } = Signature.from(await outsider.signTypedData(tokenDomain, PERMIT_TYPES, message));
        await expect(token.permit(alice, bob, AUTHOR_FUNDING, deadline, v, r, s))
          .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
          .withArgs(outsider.address, alice.address);
      });
    });

    describe("when the deadline has passed", function () {
      it("reverts with ERC2612ExpiredSignature", async function () {
        const f = await loadFixture(fixture);
        const { token, alice, bob } = f;
        const deadline = BigInt((await time.latest()) + 60);
        const { v, r, s } = await signPermit(f, 1n, deadline);
        await time.increaseTo(deadline + 1n);
        await expect(token.permit(alice, bob, 1n, deadline, v, r, s))
          .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
          .withArgs(deadline);
      });
    });
  });

  describe("nonces", function () {
    it("start at zero and are shared by permit and delegateBySig", async function () {
      const f = await loadFixture(fixture);
      const { token, alice, bob, carol, tokenDomain } = f;
      expect(await token.nonces(alice)).to.equal(0n);
      const deadline = BigInt((await time.latest()) + 3600);
      const permit = Signature.from(
        await alice.signTypedData(tokenDomain, PERMIT_TYPES, {
          owner: alice.address,
          spender: bob.address,
          value: 1n,
          nonce: 0n,
          deadline,
        }),
      );
      await token.permit(alice, bob, 1n, deadline, permit.v, permit.r, permit.s);
      expect(await token.nonces(alice)).to.equal(1n);
      expect(await token.nonces(bob)).to.equal(0n);

      const staleDelegation = Signature.from(
        await alice.signTypedData(tokenDomain, DELEGATION_TYPES, {
          delegatee: carol.address,
          nonce: 0n,
          expiry: deadline,
        }),
      );
      await expect(token.delegateBySig(carol, 0n, deadline, staleDelegation.v, staleDelegation.r, staleDelegation.s))
        .to.be.revertedWithCustomError(token, "InvalidAccountNonce")
        .withArgs(alice.address, 1n);

      const delegation = Signature.from(
        await alice.signTypedData(tokenDomain, DELEGATION_TYPES, {
          delegatee: carol.address,
          nonce: 1n,
          expiry: deadline,
        }),
      );
      await expect(token.delegateBySig(carol, 1n, deadline, delegation.v, delegation.r, delegation.s))
        .to.emit(token, "DelegateChanged")
        .withArgs(alice.address, ZeroAddress, carol.address);
      expect(await token.delegates(alice)).to.equal(carol.address);
      expect(await token.getVotes(carol)).to.equal(AUTHOR_FUNDING);
      expect(await token.nonces(alice)).to.equal(2n);
    });
  });

  describe("votes (ERC20Votes, ERC-6372 timestamp clock)", function () {
    it("reports CLOCK_MODE mode=timestamp", async function () {
      const { token } = await loadFixture(fixture);
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
    });

    it("has a clock equal to the latest block timestamp, not the block number", async function () {
      const { token } = await loadFixture(fixture);
      await time.increase(1000);
      const latest = await time.latest();
      expect(await token.clock()).to.equal(BigInt(latest));
      expect(await token.clock()).to.not.equal(BigInt(await ethers.provider.getBlockNumber()));
    });

    it("counts no votes before a holder delegates", async function () {
      const { token, alice } = await loadFixture(fixture);
      expect(await token.getVotes(alice)).to.equal(0n);
      expect(await token.delegates(alice)).to.equal(ZeroAddress);
    });

    describe("delegate", function () {
      it("emits DelegateChanged and DelegateVotesChanged and counts the balance as votes", async function () {
        const { token, alice, bob } = await loadFixture(fixture);
        await expect(token.connect(alice).delegate(bob))
          .to.emit(token, "DelegateChanged")
          .withArgs(alice.address, ZeroAddress, bob.address)
          .and.to.emit(token, "DelegateVotesChanged")
          .withArgs(bob.address, 0n, AUTHOR_FUNDING);
        expect(await token.getVotes(bob)).to.equal(AUTHOR_FUNDING);
        expect(await token.getVotes(alice)).to.equal(0n);
      });

      it("moves votes with transfers", async function () {
        const { token, alice, bob } = await loadFixture(fixture);
        await token.connect(alice).delegate(alice);
        await token.connect(bob).delegate(bob);
        const amount = parseEther("10000");
        await expect(token.connect(alice).transfer(bob, amount))
          .to.emit(token, "DelegateVotesChanged")
          .withArgs(alice.address, AUTHOR_FUNDING, AUTHOR_FUNDING - amount)
          .and.to.emit(token, "DelegateVotesChanged")
          .withArgs(bob.address, AUTHOR_FUNDING, AUTHOR_FUNDING + amount);
      });
    });

    describe("getPastVotes and getPastTotalSupply", function () {
      it("look up checkpoints by timestamp", async function () {
        const { token, alice, bob, rewardsAsSigner } = await loadFixture(fixture);
        await token.connect(alice).delegate(alice);
        const delegatedAt = await time.latest();
        await time.increase(100);
        await token.connect(alice).transfer(bob, parseEther("10000"));
        const transferredAt = await time.latest();
        await time.increase(100);
        await token.connect(rewardsAsSigner).mint(bob, parseEther("7"));
        const mintedAt = await time.latest();
        await mine();

        expect(await token.getPastVotes(alice, delegatedAt - 1)).to.equal(0n);
        expect(await token.getPastVotes(alice, delegatedAt)).to.equal(AUTHOR_FUNDING);
        expect(await token.getPastVotes(alice, transferredAt - 1)).to.equal(AUTHOR_FUNDING);
        expect(await token.getPastVotes(alice, transferredAt)).to.equal(AUTHOR_FUNDING - parseEther("10000"));
        expect(await token.getPastTotalSupply(mintedAt - 1)).to.equal(GENESIS_SUPPLY);
        expect(await token.getPastTotalSupply(mintedAt)).to.equal(GENESIS_SUPPLY + parseEther("7"));
      });

      it("revert with ERC5805FutureLookup for a timepoint not yet in the past", async function () {
        const { token, alice } = await loadFixture(fixture);
        const now = await time.latest();
        await expect(token.getPastVotes(alice, now + 1000))
          .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
          .withArgs(now + 1000, now);
        await expect(token.getPastTotalSupply(now)).to.be.revertedWithCustomError(token, "ERC5805FutureLookup").withArgs(now, now);
      });
    });
  });

  describe("pause", function () {
    describe("when called by the guardian", function () {
      it("pauses and emits Paused", async function () {
        const { token, guardian } = await loadFixture(fixture);
        await expect(token.connect(guardian).pause()).to.emit(token, "Paused").withArgs(guardian.address);
        expect(await token.paused()).to.equal(true);
      });
    });

    describe("when called by the admin (Timelock)", function () {
      it("pauses and emits Paused", async function () {
        const { token, timelockAsSigner } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).pause())
          .to.emit(token, "Paused")
          .withArgs(await timelockAsSigner.getAddress());
        expect(await token.paused()).to.equal(true);
      });
    });

    describe("when already paused", function () {
      it("reverts with EnforcedPause", async function () {
        const { token, guardian } = await loadFixture(fixture);
        await token.connect(guardian).pause();
        await expect(token.connect(guardian).pause()).to.be.revertedWithCustomError(token, "EnforcedPause");
      });
    });

    describe("when called by anyone else", function () {
      for (const who of ["outsider", "deployer", "alice"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount(${who}, GUARDIAN_ROLE) (attack: unauthorized pause)`, async function () {
          const f = await loadFixture(fixture);
          await expect(f.token.connect(f[who]).pause())
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, GUARDIAN_ROLE);
          expect(await f.token.paused()).to.equal(false);
        });
      }

      it("reverts for an operator and for Rewards (the minter)", async function () {
        const { token, operatorSigners, rewardsAsSigner } = await loadFixture(fixture);
        for (const caller of [operatorSigners[0], rewardsAsSigner]) {
          await expect(token.connect(caller).pause())
            .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
            .withArgs(await caller.getAddress(), GUARDIAN_ROLE);
        }
      });
    });

    describe("while paused", function () {
      async function pausedFixture() {
        const f = await fixture();
        await f.token.connect(f.alice).approve(f.bob, parseEther("100"));
        await f.token.connect(f.guardian).pause();
        return f;
      }

      it("refuses transfer with EnforcedPause", async function () {
        const { token, alice, bob } = await loadFixture(pausedFixture);
        await expect(token.connect(alice).transfer(bob, 1n)).to.be.revertedWithCustomError(token, "EnforcedPause");
        expect(await token.balanceOf(alice)).to.equal(AUTHOR_FUNDING);
      });

      it("refuses transferFrom with EnforcedPause and keeps the allowance", async function () {
        const { token, alice, bob } = await loadFixture(pausedFixture);
        await expect(token.connect(bob).transferFrom(alice, bob, 1n)).to.be.revertedWithCustomError(token, "EnforcedPause");
        expect(await token.allowance(alice, bob)).to.equal(parseEther("100"));
      });

      it("refuses mint with EnforcedPause", async function () {
        const { token, rewardsAsSigner, alice } = await loadFixture(pausedFixture);
        await expect(token.connect(rewardsAsSigner).mint(alice, 1n)).to.be.revertedWithCustomError(token, "EnforcedPause");
        expect(await token.totalSupply()).to.equal(GENESIS_SUPPLY);
      });

      it("still lets holders stake, request an unstake and withdraw it", async function () {
        const { token, alice } = await loadFixture(pausedFixture);
        const amount = parseEther("1000");
        await expect(token.connect(alice).stake(amount)).to.emit(token, "Staked").withArgs(alice.address, amount, amount);
        await expect(token.connect(alice).requestUnstake(amount)).to.emit(token, "UnstakeRequested");
        await time.increase(UNSTAKE_COOLDOWN);
        await expect(token.connect(alice).withdrawUnstaked()).to.emit(token, "UnstakeWithdrawn").withArgs(alice.address, amount);
        expect(await token.unlockedBalanceOf(alice)).to.equal(AUTHOR_FUNDING);
      });

      it("still lets holders delegate", async function () {
        const { token, alice } = await loadFixture(pausedFixture);
        await token.connect(alice).delegate(alice);
        expect(await token.getVotes(alice)).to.equal(AUTHOR_FUNDING);
      });
    });
  });

  describe("unpause", function () {
    async function pausedFixture() {
      const f = await fixture();
      await f.token.connect(f.guardian).pause();
      return f;
    }

    describe("when called by the admin (Timelock)", function () {
      it("unpauses, emits Unpaused and transfers work again", async function () {
        const { token, timelockAsSigner, alice, bob } = await loadFixture(pausedFixture);
        await expect(token.connect(timelockAsSigner).unpause())
          .to.emit(token, "Unpaused")
          .withArgs(await timelockAsSigner.getAddress());
        expect(await token.paused()).to.equal(false);
        await expect(token.connect(alice).transfer(bob, 1n)).to.changeTokenBalances(token, [alice, bob], [-1n, 1n]);
      });
    });

    describe("when not paused", function () {
      it("reverts with ExpectedPause", async function () {
        const { token, timelockAsSigner } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).unpause()).to.be.revertedWithCustomError(token, "ExpectedPause");
      });
    });

    describe("when called by the guardian", function () {
      it("reverts with AccessControlUnauthorizedAccount (attack: guardian unpauses on its own)", async function () {
        const { token, guardian } = await loadFixture(pausedFixture);
        await expect(token.connect(guardian).unpause()).to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(guardian.address, ADMIN_ROLE);
        expect(await token.paused()).to.equal(true);
      });
    });

    describe("when called by anyone else", function () {
      it("reverts with AccessControlUnauthorizedAccount (attack: unauthorized unpause)", async function () {
        const { token, outsider, deployer } = await loadFixture(pausedFixture);
        for (const caller of [outsider, deployer]) {
          await expect(token.connect(caller).unpause()).to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount").withArgs(caller.address, ADMIN_ROLE);
        }
        expect(await token.paused()).to.equal(true);
      });
    });
  });

  describe("setUnstakeCooldown", function () {
    describe("when called by the admin (Timelock)", function () {
      it("sets the cooldown and emits UnstakeCooldownSet(old, new)", async function () {
        const { token, timelockAsSigner } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).setUnstakeCooldown(3 * DAY))
          .to.emit(token, "UnstakeCooldownSet")
          .withArgs(UNSTAKE_COOLDOWN, 3 * DAY);
        expect(await token.unstakeCooldown()).to.equal(BigInt(3 * DAY));
      });

      it("accepts exactly MAX_UNSTAKE_COOLDOWN and zero", async function () {
        const { token, timelockAsSigner } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).setUnstakeCooldown(MAX_UNSTAKE_COOLDOWN))
          .to.emit(token, "UnstakeCooldownSet")
          .withArgs(UNSTAKE_COOLDOWN, MAX_UNSTAKE_COOLDOWN);
        await expect(token.connect(timelockAsSigner).setUnstakeCooldown(0)).to.emit(token, "UnstakeCooldownSet").withArgs(MAX_UNSTAKE_COOLDOWN, 0);
        expect(await token.unstakeCooldown()).to.equal(0n);
      });

      it("applies to later requests only", async function () {
        const { token, timelockAsSigner, alice } = await loadFixture(fixture);
        await token.connect(alice).stake(parseEther("2"));
        await token.connect(alice).requestUnstake(parseEther("1"));
        const { unlockAt } = await token.stakeInfoOf(alice);
        await token.connect(timelockAsSigner).setUnstakeCooldown(DAY);
        expect((await token.stakeInfoOf(alice)).unlockAt).to.equal(unlockAt);
        await token.connect(alice).requestUnstake(parseEther("1"));
        expect((await token.stakeInfoOf(alice)).unlockAt).to.equal(BigInt((await time.latest()) + DAY));
      });
    });

    describe("when the cooldown is unchanged", function () {
      it("emits nothing", async function () {
        const { token, timelockAsSigner } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).setUnstakeCooldown(UNSTAKE_COOLDOWN)).to.not.emit(token, "UnstakeCooldownSet");
        expect(await token.unstakeCooldown()).to.equal(BigInt(UNSTAKE_COOLDOWN));
      });
    });

    describe("when the cooldown is above MAX_UNSTAKE_COOLDOWN", function () {
      it("reverts with CashKeyTokenCooldownTooLong", async function () {
        const { token, timelockAsSigner } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).setUnstakeCooldown(MAX_UNSTAKE_COOLDOWN + 1))
          .to.be.revertedWithCustomError(token, "CashKeyTokenCooldownTooLong")
          .withArgs(MAX_UNSTAKE_COOLDOWN + 1, MAX_UNSTAKE_COOLDOWN);
        expect(await token.unstakeCooldown()).to.equal(BigInt(UNSTAKE_COOLDOWN));
      });
    });

    describe("when called by anyone but the admin", function () {
      for (const who of ["outsider", "guardian", "deployer"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who} (attack: unauthorized parameter change)`, async function () {
          const f = await loadFixture(fixture);
          await expect(f.token.connect(f[who]).setUnstakeCooldown(0))
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, ADMIN_ROLE);
          expect(await f.token.unstakeCooldown()).to.equal(BigInt(UNSTAKE_COOLDOWN));
        });
      }
    });
  });

  describe("setTreasury", function () {
    describe("when called by the admin (Timelock)", function () {
      it("sets the treasury and emits TreasurySet(old, new)", async function () {
        const { token, timelock, timelockAsSigner, carol } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).setTreasury(carol))
          .to.emit(token, "TreasurySet")
          .withArgs(await timelock.getAddress(), carol.address);
        expect(await token.treasury()).to.equal(carol.address);
      });
    });

    describe("when the treasury is unchanged", function () {
      it("emits nothing", async function () {
        const { token, timelock, timelockAsSigner } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).setTreasury(timelock)).to.not.emit(token, "TreasurySet");
        expect(await token.treasury()).to.equal(await timelock.getAddress());
      });
    });

    describe("when the treasury is the zero address", function () {
      it("reverts with CashKeyTokenZeroAddress", async function () {
        const { token, timelock, timelockAsSigner } = await loadFixture(fixture);
        await expect(token.connect(timelockAsSigner).setTreasury(ZeroAddress)).to.be.revertedWithCustomError(token, "CashKeyTokenZeroAddress");
        expect(await token.treasury()).to.equal(await timelock.getAddress());
      });
    });

    describe("when called by anyone but the admin", function () {
      for (const who of ["outsider", "guardian", "deployer"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who} (attack: redirect slashed stake)`, async function () {
          const f = await loadFixture(fixture);
          await expect(f.token.connect(f[who]).setTreasury(f[who]))
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, ADMIN_ROLE);
          expect(await f.token.treasury()).to.equal(await f.timelock.getAddress());
        });
      }
    });
  });

  describe("upgradeToAndCall", function () {
    async function newImplementation() {
      const implementation = await ethers.deployContract("CashKeyToken");
      await implementation.waitForDeployment();
      return implementation.getAddress();
    }

    describe("when called by the admin (Timelock)", function () {
      it("upgrades, emits Upgraded and keeps balances, stakes and roles", async function () {
        const { token, timelock, timelockAsSigner, alice, rewards } = await loadFixture(fixture);
        await token.connect(alice).stake(parseEther("100"));
        const implementation = await newImplementation();
        await expect(token.connect(timelockAsSigner).upgradeToAndCall(implementation, "0x")).to.emit(token, "Upgraded").withArgs(implementation);
        expect(await upgrades.erc1967.getImplementationAddress(await token.getAddress())).to.equal(implementation);
        expect(await token.balanceOf(alice)).to.equal(AUTHOR_FUNDING);
        expect(await token.stakedBalanceOf(alice)).to.equal(parseEther("100"));
        expect(await token.hasRole(ADMIN_ROLE, timelock)).to.equal(true);
        expect(await token.hasRole(MINTER_ROLE, rewards)).to.equal(true);
        expect(await token.totalSupply()).to.equal(GENESIS_SUPPLY);
      });
    });

    describe("when called by anyone but the Timelock", function () {
      for (const who of ["outsider", "deployer", "guardian"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who} (attack: unauthorized upgrade)`, async function () {
          const f = await loadFixture(fixture);
          const before = await upgrades.erc1967.getImplementationAddress(await f.token.getAddress());
          const implementation = await newImplementation();
          await expect(f.token.connect(f[who]).upgradeToAndCall(implementation, "0x"))
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, ADMIN_ROLE);
          expect(await upgrades.erc1967.getImplementationAddress(await f.token.getAddress())).to.equal(before);
        });
      }

      it("reverts for Rewards (the minter) too", async function () {
        const { token, rewards, rewardsAsSigner } = await loadFixture(fixture);
        const implementation = await newImplementation();
        await expect(token.connect(rewardsAsSigner).upgradeToAndCall(implementation, "0x"))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(await rewards.getAddress(), ADMIN_ROLE);
      });
    });
  });
});
