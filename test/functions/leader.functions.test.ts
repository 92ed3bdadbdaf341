import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress } from "ethers";
import { deployLocalVerifier, enableVerifier } from "../../scripts/lib/functionsVerifier";
import { LocalFulfiller } from "../../oracle/src/functions/fulfiller";
import { asTimelock } from "../helpers/rewardsTesting";
import { type TestChain, eventually, startTestChain, submitHash, upload } from "../oracle/node/nodeHarness";
import { type NetworkSetup, createNetwork, networkFixture, printNetworkLogsOnFailure } from "../oracle/network/networkHarness";
import { USEFUL_TEXTS } from "./harness";

describe("a leader node with the Functions verifier as co-signer", function () {
  let chain: TestChain;
  let network: NetworkSetup | undefined;
  let fulfiller: LocalFulfiller | undefined;

  before(async function () {
    chain = await startTestChain();
  });
  after(async function () {
    await chain.close();
  });
  afterEach(async function () {
    if (network) printNetworkLogsOnFailure(this.currentTest, network.nodes);
    await fulfiller?.stop();
    await network?.cleanup();
    network = undefined;
    fulfiller = undefined;
  });

  /** `nodes` operator nodes and the verifier; `threshold` set when the verifier joins (else the deployment's). */
  function nodesAndTheVerifier(nodes: number, threshold?: number) {
    return async function fixture() {
      const f = await networkFixture(nodes, nodes);
      const local = await deployLocalVerifier(hre, {
        deployer: f.deployer,
        rewards: f.record.rewards,
        timelock: f.record.timelock,
        rpcUrl: chain.proxy.url,
        logsFromBlock: f.record.deployBlock,
      });
      await enableVerifier(hre, await asTimelock(f.timelock), local, { rewards: f.record.rewards, threshold, funder: f.deployer });
      return { ...f, ...local };
    };
  }
  /** One operator node and the verifier, threshold 2: no batch lands without the DON. */
  const oneNodeAndTheVerifier = nodesAndTheVerifier(1, 2);
  /** Two operator nodes and the verifier, threshold 2: the nodes can land a batch without the DON. */
  const twoNodesAndTheVerifier = nodesAndTheVerifier(2);

  it("still lands batches with the operators' signatures when the DON never answers", async function () {
    const f = await loadFixture(twoNodesAndTheVerifier);
    const verifier = await f.verifier.getAddress();
    expect(await f.rewards.operators()).to.include(verifier);
    network = await createNetwork(f.keys, f.record, chain.proxy.url, { CASHKEY_ORACLE_FUNCTIONS_VERIFIER: verifier });
    for (const node of network.nodes) await node.start();

    const ids: bigint[] = [];
    for (const text of USEFUL_TEXTS.slice(0, 2)) ids.push(await submitHash(f.rewards, f.alice, await upload(network.nodes[0].url, text)));
    await eventually(async () => (await Promise.all(ids.map((id) => f.rewards.isScored(id)))).every(Boolean), "every submission scored on-chain");

    expect((await f.verifier.queryFilter(f.verifier.filters.VerificationRequested())).length).to.be.at.least(1);
    expect(await f.verifier.queryFilter(f.verifier.filters.DigestApproved())).to.have.length(0);
    for (const event of await f.rewards.queryFilter(f.rewards.filters.BatchPosted(), f.record.deployBlock)) {
      const tx = await hre.ethers.provider.getTransaction(event.transactionHash);
      const [, , signatures] = f.rewards.interface.parseTransaction({ data: tx!.data })!.args as unknown as [unknown, unknown, string[]];
      expect(
        signatures.every((s) => s.length === 2 + 130),
        `batch ${event.args.nonce}: ECDSA only`,
      ).to.equal(true);
      expect(signatures.length).to.equal(2);
    }
  });

  it("asks the DON to verify its proposal and posts it with the verifier's contract signature", async function () {
    const f = await loadFixture(oneNodeAndTheVerifier);
    const verifier = await f.verifier.getAddress();
    fulfiller = new LocalFulfiller({
      coordinator: f.functions.coordinator,
      router: f.functions.router,
      transmitter: f.deployer,
      fromBlock: (await hre.ethers.provider.getBlockNumber()) + 1,
    });
    fulfiller.start(200);
    network = await createNetwork(f.keys, f.record, chain.proxy.url, { CASHKEY_ORACLE_FUNCTIONS_VERIFIER: verifier });
    const [node] = network.nodes;
    await node.start();

    const ids: bigint[] = [];
    for (const text of USEFUL_TEXTS.slice(0, 3)) ids.push(await submitHash(f.rewards, f.alice, await upload(node.url, text)));
    await eventually(async () => (await Promise.all(ids.map((id) => f.rewards.isScored(id)))).every(Boolean), "every submission scored on-chain");

    const approvals = await f.verifier.queryFilter(f.verifier.filters.DigestApproved());
    expect(approvals.length).to.be.at.least(1);
    for (const event of await f.rewards.queryFilter(f.rewards.filters.BatchPosted(), f.record.deployBlock)) {
      const tx = await hre.ethers.provider.getTransaction(event.transactionHash);
      const [header, items, signatures] = f.rewards.interface.parseTransaction({ data: tx!.data })!.args as unknown as [
        { nonce: bigint; evaluator: string; rationaleRoot: string; deadline: bigint },
        bigint[],
        string[],
      ];
      const contractSigners = signatures.filter((s) => s.length === 2 + 40).map((s) => getAddress(s));
      expect(contractSigners, `batch ${event.args.nonce}`).to.deep.equal([verifier]);
      expect(signatures.length).to.equal(2);
      const digest = await f.rewards.batchDigest({ nonce: header.nonce, evaluator: header.evaluator, rationaleRoot: header.rationaleRoot, deadline: header.deadline }, [
        ...items,
      ]);
      expect(await f.verifier.isApproved(digest)).to.equal(true);
    }
  });
});
