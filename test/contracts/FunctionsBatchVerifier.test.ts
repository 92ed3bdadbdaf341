import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, hexlify, keccak256, parseEther, toUtf8Bytes } from "ethers";
import { EVALUATOR, deployStandard, item, postBatch, submitMany } from "../helpers/cashkey";
import { asTimelock, impersonate } from "../helpers/rewardsTesting";
import { deployLocalVerifier } from "../../scripts/lib/functionsVerifier";
import { readVerifyBatchSource } from "../../oracle/src/functions/source";
import { COORDINATOR_ABI, decodeRequestData } from "../../oracle/src/functions/toolkit";

const SOURCE = readVerifyBatchSource();
const RPC_URL = "http://127.0.0.1:8545";
const PROPOSAL_URL = "http://127.0.0.1:8701/v1/peer/proposals/x";
/** The batch slot requests are bound to: nonce 0 (Rewards' next), over two different item sets. */
const HEADER = { nonce: 0n, evaluator: EVALUATOR, rationaleRoot: ZeroHash, deadline: 2n ** 40n };
const ITEMS_HASH = keccak256(toUtf8Bytes("batch 0"));
const OTHER_ITEMS_HASH = keccak256(toUtf8Bytes("batch 1"));
/** Their digests, as the loaded fixture's Rewards computes them (set by `load`). */
let DIGEST: string;
let OTHER_DIGEST: string;
const MAGIC = "0x1626ba7e";
const INVALID = "0xffffffff";
const enum Refusal {
  DonError,
  Rejected,
  SourceChanged,
}

/** The standard deployment, the local Functions contracts and an unconfigured verifier with a funded subscription. */
async function deployed() {
  const d = await deployStandard();
  const local = await deployLocalVerifier(hre, {
    deployer: d.deployer,
    rewards: await d.rewards.getAddress(),
    timelock: await d.timelock.getAddress(),
    rpcUrl: RPC_URL,
  });
  const admin = await asTimelock(d.timelock);
  const router = await impersonate(local.functions.router);
  return { ...d, ...local, admin, router, operator: d.operatorSigners[0] };
}

/** The same, configured by the Timelock. */
async function configured() {
  const d = await deployed();
  await d.verifier.connect(d.admin).setConfig(d.config);
  return d;
}

type Deployment = Awaited<ReturnType<typeof deployed>>;

/** `loadFixture`, then the digests of this fixture's Rewards (each fixture has its own address). */
async function load<T extends { rewards: Deployment["rewards"] }>(fixture: () => Promise<T>): Promise<T> {
  const d = await loadFixture(fixture);
  DIGEST = await d.rewards.batchDigestOf(HEADER, ITEMS_HASH);
  OTHER_DIGEST = await d.rewards.batchDigestOf(HEADER, OTHER_ITEMS_HASH);
  return d;
}

async function request(d: Deployment, itemsHash = ITEMS_HASH): Promise<string> {
  const receipt = await (await d.verifier.connect(d.operator).requestVerification(HEADER, itemsHash, SOURCE, PROPOSAL_URL)).wait();
  for (const log of receipt!.logs) {
    const parsed = d.verifier.interface.parseLog(log);
    if (parsed?.name === "VerificationRequested") return parsed.args.requestId as string;
  }
  throw new Error("no VerificationRequested");
}

function fulfil(d: Deployment, requestId: string, response: string, err = "0x") {
  return d.verifier.connect(d.router).handleOracleFulfillment(requestId, response, err);
}

describe("FunctionsBatchVerifier", function () {
  describe("constructor", function () {
    it("reverts with FunctionsVerifierZeroAddress for a zero router, Timelock or Rewards", async function () {
      const d = await load(deployed);
      const factory = await hre.ethers.getContractFactory("FunctionsBatchVerifier");
      const rewards = await d.rewards.getAddress();
      const timelock = await d.timelock.getAddress();
      for (const args of [
        [ZeroAddress, timelock, rewards],
        [d.functions.router, ZeroAddress, rewards],
        [d.functions.router, timelock, ZeroAddress],
      ] as const) {
        await expect(factory.deploy(...args)).to.be.revertedWithCustomError(factory, "FunctionsVerifierZeroAddress");
      }
    });

    it("exposes its router, Timelock, Rewards and version", async function () {
      const d = await load(deployed);
      expect(await d.verifier.router()).to.equal(d.functions.router);
      expect(await d.verifier.timelock()).to.equal(await d.timelock.getAddress());
      expect(await d.verifier.rewards()).to.equal(await d.rewards.getAddress());
      expect(await d.verifier.version()).to.equal("1.1.0");
    });
  });

  describe("setConfig", function () {
    it("reverts with FunctionsVerifierNotTimelock for anyone but the Timelock", async function () {
      const d = await load(deployed);
      for (const caller of [d.deployer, d.operator]) {
        await expect(d.verifier.connect(caller).setConfig(d.config)).to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierNotTimelock").withArgs(caller.address);
      }
    });

    it("reverts with FunctionsVerifierInvalidConfig naming a required field left zero", async function () {
      const d = await load(deployed);
      const zeroes = { sourceHash: ZeroHash, subscriptionId: 0, callbackGasLimit: 0, donId: ZeroHash, rpcUrl: "" };
      for (const [field, zero] of Object.entries(zeroes)) {
        await expect(d.verifier.connect(d.admin).setConfig({ ...d.config, [field]: zero }))
          .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierInvalidConfig")
          .withArgs(field);
      }
    });

    it("stores the configuration and emits ConfigSet", async function () {
      const d = await load(deployed);
      await expect(d.verifier.connect(d.admin).setConfig(d.config)).to.emit(d.verifier, "ConfigSet");
      const stored = await d.verifier.config();
      expect(stored.sourceHash).to.equal(d.config.sourceHash);
      expect(stored.subscriptionId).to.equal(d.subscriptionId);
      expect(stored.callbackGasLimit).to.equal(d.config.callbackGasLimit);
      expect(stored.donId).to.equal(d.functions.donIdBytes32);
      expect(stored.rpcUrl).to.equal(RPC_URL);
      expect(stored.logsFromBlock).to.equal(0n);
    });

    it("emits nothing when nothing changed", async function () {
      const d = await load(configured);
      await expect(d.verifier.connect(d.admin).setConfig(d.config)).not.to.emit(d.verifier, "ConfigSet");
    });
  });

  describe("requestVerification", function () {
    it("reverts with FunctionsVerifierNotOperator for a caller that is not a Rewards operator", async function () {
      const d = await load(configured);
      await expect(d.verifier.connect(d.outsider).requestVerification(HEADER, ITEMS_HASH, SOURCE, PROPOSAL_URL))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierNotOperator")
        .withArgs(d.outsider.address);
    });

    it("reverts with FunctionsVerifierNotConfigured before the Timelock configured it", async function () {
      const d = await load(deployed);
      await expect(d.verifier.connect(d.operator).requestVerification(HEADER, ITEMS_HASH, SOURCE, PROPOSAL_URL)).to.be.revertedWithCustomError(
        d.verifier,
        "FunctionsVerifierNotConfigured",
      );
    });

    it("reverts with FunctionsVerifierWrongSource for any source but the configured one", async function () {
      const d = await load(configured);
      const changed = `${SOURCE}\n// one more line`;
      await expect(d.verifier.connect(d.operator).requestVerification(HEADER, ITEMS_HASH, changed, PROPOSAL_URL))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierWrongSource")
        .withArgs(d.config.sourceHash, keccak256(toUtf8Bytes(changed)));
    });

    it("sends the source with [digest, proposal URL, Rewards, RPC URL, first block] and records the request", async function () {
      const d = await load(configured);
      const coordinator = new hre.ethers.Contract(d.functions.coordinator, COORDINATOR_ABI as never, hre.ethers.provider);
      const tx = d.verifier.connect(d.operator).requestVerification(HEADER, ITEMS_HASH, SOURCE, PROPOSAL_URL);
      await expect(tx).to.emit(d.verifier, "VerificationRequested");
      const requestId = await request(d, OTHER_ITEMS_HASH);
      expect(await d.verifier.pendingRequest(requestId)).to.deep.equal([OTHER_DIGEST, d.config.sourceHash]);
      const [event] = await coordinator.queryFilter(coordinator.filters.OracleRequest(requestId));
      const sent = decodeRequestData((event as unknown as { args: { data: string } }).args.data);
      expect(sent.source).to.equal(SOURCE);
      expect(sent.args).to.deep.equal([OTHER_DIGEST, PROPOSAL_URL, (await d.rewards.getAddress()).toLowerCase(), RPC_URL, "0"]);
    });

    it("reverts with FunctionsVerifierAlreadyApproved for an approved digest", async function () {
      const d = await load(configured);
      await fulfil(d, await request(d), DIGEST);
      await expect(d.verifier.connect(d.operator).requestVerification(HEADER, ITEMS_HASH, SOURCE, PROPOSAL_URL))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierAlreadyApproved")
        .withArgs(DIGEST);
    });
  });

  describe("requests bound to the next batch (finding 7)", function () {
    it("reverts with FunctionsVerifierStaleNonce for any nonce but Rewards' next", async function () {
      const d = await load(configured);
      await expect(d.verifier.connect(d.operator).requestVerification({ ...HEADER, nonce: 1n }, ITEMS_HASH, SOURCE, PROPOSAL_URL))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierStaleNonce")
        .withArgs(0, 1);
    });

    it("refuses a request for a nonce that a landed batch used", async function () {
      const d = await load(configured);
      const [id] = await submitMany(d.rewards, d.alice, 1);
      await postBatch(d, [item(id, 50, 10)]);
      await expect(d.verifier.connect(d.operator).requestVerification(HEADER, ITEMS_HASH, SOURCE, PROPOSAL_URL))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierStaleNonce")
        .withArgs(1, 0);
    });

    it("records the digest Rewards computes from the header and the items hash", async function () {
      const d = await load(configured);
      const requestId = await request(d);
      expect((await d.verifier.pendingRequest(requestId))[0]).to.equal(DIGEST);
    });

    it("allows MAX_REQUESTS_PER_NONCE requests per operator and nonce, then FunctionsVerifierRequestLimit", async function () {
      const d = await load(configured);
      const limit = await d.verifier.MAX_REQUESTS_PER_NONCE();
      expect(limit).to.equal(2n);
      await request(d);
      await request(d, OTHER_ITEMS_HASH);
      expect(await d.verifier.requestsOf(d.operator.address, 0)).to.equal(2n);
      await expect(d.verifier.connect(d.operator).requestVerification(HEADER, keccak256("0x01"), SOURCE, PROPOSAL_URL))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierRequestLimit")
        .withArgs(d.operator.address, 0, limit);
      // Another operator keeps its own allowance.
      const other = d.operatorSigners[1];
      await expect(d.verifier.connect(other).requestVerification(HEADER, ITEMS_HASH, SOURCE, PROPOSAL_URL)).to.emit(d.verifier, "VerificationRequested");
    });
  });

  describe("fulfilment", function () {
    it("reverts with OnlyRouterCanFulfill for anyone but the router", async function () {
      const d = await load(configured);
      const requestId = await request(d);
      await expect(d.verifier.connect(d.operator).handleOracleFulfillment(requestId, DIGEST, "0x")).to.be.revertedWithCustomError(d.verifier, "OnlyRouterCanFulfill");
      expect(await d.verifier.isApproved(DIGEST)).to.equal(false);
    });

    it("approves the requested digest and emits DigestApproved", async function () {
      const d = await load(configured);
      const requestId = await request(d);
      await expect(fulfil(d, requestId, DIGEST))
        .to.emit(d.verifier, "DigestApproved")
        .withArgs(requestId, DIGEST);
      expect(await d.verifier.isApproved(DIGEST)).to.equal(true);
      expect(await d.verifier.pendingRequest(requestId)).to.deep.equal([ZeroHash, ZeroHash]);
    });

    it("reverts with FunctionsVerifierUnknownRequest when a request id is fulfilled twice", async function () {
      const d = await load(configured);
      const requestId = await request(d);
      await fulfil(d, requestId, DIGEST);
      await expect(fulfil(d, requestId, DIGEST))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierUnknownRequest")
        .withArgs(requestId);
    });

    it("reverts with FunctionsVerifierUnknownRequest for a request it never made", async function () {
      const d = await load(configured);
      const requestId = keccak256(toUtf8Bytes("not a request"));
      await expect(fulfil(d, requestId, DIGEST))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierUnknownRequest")
        .withArgs(requestId);
    });

    it("refuses a response that is another (stale) batch's digest, approving neither", async function () {
      const d = await load(configured);
      const requestId = await request(d);
      await expect(fulfil(d, requestId, OTHER_DIGEST))
        .to.emit(d.verifier, "VerificationRefused")
        .withArgs(requestId, DIGEST, Refusal.Rejected, OTHER_DIGEST);
      expect(await d.verifier.isApproved(DIGEST)).to.equal(false);
      expect(await d.verifier.isApproved(OTHER_DIGEST)).to.equal(false);
    });

    it("refuses a reason code", async function () {
      const d = await load(configured);
      const requestId = await request(d);
      const reason = hexlify(toUtf8Bytes("CONTENT"));
      await expect(fulfil(d, requestId, reason))
        .to.emit(d.verifier, "VerificationRefused")
        .withArgs(requestId, DIGEST, Refusal.Rejected, reason);
      expect(await d.verifier.isApproved(DIGEST)).to.equal(false);
    });

    it("refuses a DON error", async function () {
      const d = await load(configured);
      const requestId = await request(d);
      const err = hexlify(toUtf8Bytes("RPC unavailable"));
      await expect(fulfil(d, requestId, "0x", err))
        .to.emit(d.verifier, "VerificationRefused")
        .withArgs(requestId, DIGEST, Refusal.DonError, err);
      expect(await d.verifier.isApproved(DIGEST)).to.equal(false);
    });

    it("refuses a request made with a source the Timelock has replaced since", async function () {
      const d = await load(configured);
      const requestId = await request(d);
      await d.verifier.connect(d.admin).setConfig({ ...d.config, sourceHash: keccak256(toUtf8Bytes("a newer source")) });
      await expect(fulfil(d, requestId, DIGEST))
        .to.emit(d.verifier, "VerificationRefused")
        .withArgs(requestId, DIGEST, Refusal.SourceChanged, DIGEST);
      expect(await d.verifier.isApproved(DIGEST)).to.equal(false);
    });
  });

  describe("re-entrancy", function () {
    /** A verifier whose router fulfils re-entrantly inside `sendRequest`, before the request is recorded. */
    async function withReentrantRouter() {
      const d = await deployed();
      const router = await (await hre.ethers.getContractFactory("MockReentrantFunctionsRouter")).deploy();
      const factory = await hre.ethers.getContractFactory("FunctionsBatchVerifier");
      const verifier = await factory.deploy(await router.getAddress(), await d.timelock.getAddress(), await d.rewards.getAddress());
      await verifier.connect(d.admin).setConfig(d.config);
      return { ...d, router, verifier };
    }

    it("reverts with FunctionsVerifierUnknownRequest when the fulfilment comes before the request is recorded", async function () {
      const d = await load(withReentrantRouter);
      await d.router.configure(DIGEST, false);
      await expect(d.verifier.connect(d.operator).requestVerification(HEADER, ITEMS_HASH, SOURCE, PROPOSAL_URL)).to.be.revertedWithCustomError(
        d.verifier,
        "FunctionsVerifierUnknownRequest",
      );
      expect(await d.verifier.isApproved(DIGEST)).to.equal(false);
    });

    it("approves nothing when a router ignores that failed callback, and leaves the request pending", async function () {
      const d = await load(withReentrantRouter);
      await d.router.configure(DIGEST, true);
      await expect(d.verifier.connect(d.operator).requestVerification(HEADER, ITEMS_HASH, SOURCE, PROPOSAL_URL)).to.emit(d.verifier, "VerificationRequested");
      expect(await d.verifier.isApproved(DIGEST)).to.equal(false);
      expect(await d.verifier.isValidSignature(DIGEST, "0x")).to.equal(INVALID);
    });
  });

  describe("isValidSignature", function () {
    it("returns the ERC-1271 magic value only for an approved digest with empty data", async function () {
      const d = await load(configured);
      expect(await d.verifier.isValidSignature(DIGEST, "0x")).to.equal(INVALID);
      await fulfil(d, await request(d), DIGEST);
      expect(await d.verifier.isValidSignature(DIGEST, "0x")).to.equal(MAGIC);
      expect(await d.verifier.isValidSignature(DIGEST, "0x00")).to.equal(INVALID);
      expect(await d.verifier.isValidSignature(OTHER_DIGEST, "0x")).to.equal(INVALID);
    });
  });

  describe("stakeBond", function () {
    it("reverts with FunctionsVerifierNotTimelock for anyone but the Timelock", async function () {
      const d = await load(configured);
      await expect(d.verifier.connect(d.operator).stakeBond(1n)).to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierNotTimelock").withArgs(d.operator.address);
    });

    it("stakes the verifier's own CKEY and emits BondStaked", async function () {
      const d = await load(configured);
      const verifier = await d.verifier.getAddress();
      const amount = parseEther("10000");
      await d.token.connect(d.deployer).transfer(verifier, amount);
      await expect(d.verifier.connect(d.admin).stakeBond(amount)).to.emit(d.verifier, "BondStaked").withArgs(amount);
      expect(await d.token.stakedBalanceOf(verifier)).to.equal(amount);
    });
  });
});
