import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, toUtf8Bytes } from "ethers";
import { deployStandard } from "../helpers/cashkey";
import { asTimelock } from "../helpers/rewardsTesting";
import { encodeCall, proposalOf, proposeVoteQueueExecute, selfDelegate } from "../helpers/governance";
import { deployLocalVerifier, enableVerifier } from "../../scripts/lib/functionsVerifier";
import { LocalFulfiller } from "../../oracle/src/functions/fulfiller";
import { readVerifyBatchSource, sourceHashOf } from "../../oracle/src/functions/source";
import { createVerifierClient } from "../../oracle/src/functions/verifierClient";
import { contractSignature, orderSignatures } from "../../oracle/src/protocol/eip712";
import { type Content, contentHash } from "../../oracle/src/protocol/contentHash";
import { ChainServer, ProposalServer, USEFUL_TEXTS, buildProposal, evaluateAll, submitContent } from "./harness";

const enum Refusal {
  DonError,
  Rejected,
  SourceChanged,
}

describe("Functions verifier on the local chain, with the fulfiller", function () {
  const operatorApi = new ProposalServer();
  const chain = new ChainServer();
  before(async function () {
    await operatorApi.start();
    await chain.start();
  });
  after(async function () {
    await operatorApi.stop();
    await chain.stop();
  });

  /**
   * One ECDSA operator and the verifier, threshold 2: a batch lands only with the DON's approval.
   * Alice submitted three useful texts; the leader evaluated them with the heuristic scorer.
   */
  async function fixture() {
    const d = await deployStandard({ operators: [(await hre.ethers.getSigners())[1].address], threshold: 1 });
    const leader = d.operatorSigners[0];
    const rewards = await d.rewards.getAddress();
    const local = await deployLocalVerifier(hre, { deployer: d.deployer, rewards, timelock: await d.timelock.getAddress(), rpcUrl: chain.url });
    await enableVerifier(hre, await asTimelock(d.timelock), local, { rewards, threshold: 2, funder: d.deployer });
    const contents: Content[] = USEFUL_TEXTS.slice(0, 3).map((text) => ({ text }));
    const submissions = [];
    for (const content of contents) submissions.push({ ...(await submitContent(d.rewards, d.alice, content)), content, author: d.alice.address });
    const items = await evaluateAll(submissions, Number(await d.rewards.maxPointsPerSubmission()));
    const served = Object.fromEntries(contents.map((c) => [contentHash(c), c]));
    return { ...d, ...local, leader, items, served };
  }

  async function setUp() {
    const d = await loadFixture(fixture);
    const fulfiller = new LocalFulfiller({
      coordinator: d.functions.coordinator,
      router: d.functions.router,
      transmitter: d.deployer,
      fromBlock: (await hre.ethers.provider.getBlockNumber()) + 1,
    });
    const client = createVerifierClient({ verifier: await d.verifier.getAddress(), runner: d.leader });
    return { ...d, fulfiller, client };
  }

  it("lands a verified batch with the verifier counted toward the threshold", async function () {
    const d = await setUp();
    expect(await d.rewards.threshold()).to.equal(2n);
    expect(await d.rewards.operators()).to.include(d.client.verifier);
    const { proposal, header, packedItems, digest } = await buildProposal(d.rewards, d.leader, d.items);
    operatorApi.serve(proposal, d.served);

    const requestId = await d.client.requestVerification({ digest, header, items: packedItems, operatorUrl: operatorApi.url });
    expect(await d.client.approvedSignature(digest)).to.equal(undefined);
    await expect(d.rewards.postScores(header, packedItems, [proposal.signature]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsInsufficientSignatures")
      .withArgs(1, 2);

    const [fulfilment] = await d.fulfiller.processPending();
    expect(fulfilment.requestId).to.equal(requestId);
    expect(fulfilment.response).to.equal(digest);
    expect(fulfilment.resultCode).to.equal(0);
    const verifierSignature = await d.client.approvedSignature(digest);
    expect(verifierSignature).to.equal(contractSignature(d.client.verifier, "0x"));

    const signatures = orderSignatures([
      { signer: d.leader.address, signature: proposal.signature },
      { signer: d.client.verifier, signature: verifierSignature! },
    ]);
    await expect(d.rewards.postScores(header, packedItems, signatures))
      .to.emit(d.rewards, "BatchPosted")
      .withArgs(header.nonce, header.evaluator, header.rationaleRoot, 3);
    expect(await d.rewards.pointsOf(d.alice.address)).to.equal(BigInt(d.items.reduce((sum, i) => sum + i.points, 0)));
  });

  it("never gives a tampered batch the verifier's signature", async function () {
    const d = await setUp();
    const { proposal, header, packedItems, digest } = await buildProposal(d.rewards, d.leader, d.items);
    operatorApi.serve(proposal, { ...d.served, [d.items[0].contentHash]: { text: "Not what was submitted." } });

    const requestId = await d.client.requestVerification({ digest, header, items: packedItems, operatorUrl: operatorApi.url });
    const [fulfilment] = await d.fulfiller.processPending();
    await expect(hre.ethers.provider.getTransaction(fulfilment.transactionHash))
      .to.emit(d.verifier, "VerificationRefused")
      .withArgs(requestId, digest, Refusal.Rejected, hexlify(toUtf8Bytes("CONTENT")));
    expect(await d.client.approvedSignature(digest)).to.equal(undefined);

    const forged = orderSignatures([
      { signer: d.leader.address, signature: proposal.signature },
      { signer: d.client.verifier, signature: contractSignature(d.client.verifier, "0x") },
    ]);
    const index = forged.indexOf(contractSignature(d.client.verifier, "0x"));
    await expect(d.rewards.postScores(header, packedItems, forged))
      .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidSignature")
      .withArgs(index);
  });

  it("refuses when the DON cannot read the chain, and approves a later request once it can", async function () {
    const d = await setUp();
    const admin = await asTimelock(d.timelock);
    const { proposal, header, packedItems, digest } = await buildProposal(d.rewards, d.leader, d.items);
    operatorApi.serve(proposal, d.served);
    await d.verifier.connect(admin).setConfig({ ...d.config, rpcUrl: `${operatorApi.url}/not-an-rpc` });
    const first = await d.client.requestVerification({ digest, header, items: packedItems, operatorUrl: operatorApi.url });
    const [failed] = await d.fulfiller.processPending();
    expect(failed.error).to.equal("RPC unavailable");
    await expect(hre.ethers.provider.getTransaction(failed.transactionHash))
      .to.emit(d.verifier, "VerificationRefused")
      .withArgs(first, digest, Refusal.DonError, hexlify(toUtf8Bytes("RPC unavailable")));

    await d.verifier.connect(admin).setConfig(d.config);
    await d.client.requestVerification({ digest, header, items: packedItems, operatorUrl: operatorApi.url });
    await d.fulfiller.processPending();
    expect(await d.client.approvedSignature(digest)).to.equal(contractSignature(d.client.verifier, "0x"));
  });

  describe("when the source changes", function () {
    it("refuses to send a source other than the configured one", async function () {
      const d = await setUp();
      const changed = readVerifyBatchSource().replace("const MIN_SCORE = 40;", "const MIN_SCORE = 0;");
      const client = createVerifierClient({ verifier: d.client.verifier, runner: d.leader, source: changed });
      const { proposal, header, packedItems, digest } = await buildProposal(d.rewards, d.leader, d.items);
      operatorApi.serve(proposal, d.served);
      await expect(client.requestVerification({ digest, header, items: packedItems, operatorUrl: operatorApi.url }))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierWrongSource")
        .withArgs(d.config.sourceHash, sourceHashOf(changed));
    });

    it("refuses the answer to a request made before the Timelock replaced the source", async function () {
      const d = await setUp();
      const { proposal, header, packedItems, digest } = await buildProposal(d.rewards, d.leader, d.items);
      operatorApi.serve(proposal, d.served);
      const requestId = await d.client.requestVerification({ digest, header, items: packedItems, operatorUrl: operatorApi.url });
      await d.verifier.connect(await asTimelock(d.timelock)).setConfig({ ...d.config, sourceHash: sourceHashOf("// a newer source") });
      const [fulfilment] = await d.fulfiller.processPending();
      expect(fulfilment.response).to.equal(digest);
      await expect(hre.ethers.provider.getTransaction(fulfilment.transactionHash))
        .to.emit(d.verifier, "VerificationRefused")
        .withArgs(requestId, digest, Refusal.SourceChanged, digest);
      expect(await d.client.approvedSignature(digest)).to.equal(undefined);
    });
  });

  describe("configuration", function () {
    it("refuses an operator that tries to configure the verifier", async function () {
      const d = await setUp();
      await expect(d.verifier.connect(d.leader).setConfig({ ...d.config, callbackGasLimit: 1 }))
        .to.be.revertedWithCustomError(d.verifier, "FunctionsVerifierNotTimelock")
        .withArgs(d.leader.address);
    });

    it("takes a new configuration through a governance proposal executed by the Timelock", async function () {
      const d = await setUp();
      await selfDelegate(d.token, [d.deployer]);
      const next = { ...d.config, rpcUrl: "http://127.0.0.1:9545", callbackGasLimit: 150_000 };
      const proposal = proposalOf([await encodeCall(d.verifier, "setConfig", [next])], "Point the Functions verifier at another RPC");
      const { executeTx } = await proposeVoteQueueExecute(d.governor, d.deployer, [d.deployer], proposal);
      await expect(executeTx).to.emit(d.verifier, "ConfigSet");
      expect((await d.verifier.config()).rpcUrl).to.equal("http://127.0.0.1:9545");
      expect((await d.verifier.config()).callbackGasLimit).to.equal(150_000n);
    });
  });
});
