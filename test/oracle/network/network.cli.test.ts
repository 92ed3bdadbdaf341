import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { impersonate } from "../../helpers/impersonate";
import { randomWallet } from "../chain/oracleFixture";
import { cli } from "../node/cliRunner";
import { type TestChain, startTestChain } from "../node/nodeHarness";
import { openStore } from "../../../oracle/src/store";
import { submissionEvent, tempDir } from "../store/fixtures";
import { type NetworkSetup, createNetwork, networkFixture, printNetworkLogsOnFailure } from "./networkHarness";

async function threeOperatorsThresholdTwo() {
  return networkFixture(3, 2);
}

describe("oracle CLI: peers and register", function () {
  let chain: TestChain;
  let network: NetworkSetup | undefined;
  const dirs: { cleanup: () => void }[] = [];

  before(async function () {
    chain = await startTestChain();
  });
  after(async function () {
    await chain.close();
    for (const dir of dirs) dir.cleanup();
  });
  afterEach(async function () {
    if (network) printNetworkLogsOnFailure(this.currentTest, network.nodes);
    await network?.cleanup();
    network = undefined;
  });

  function workDir(record: object): { dir: string; env: Record<string, string> } {
    const made = tempDir("cashkey-cli-");
    dirs.push(made);
    const deploymentFile = path.join(made.dir, "31337.json");
    fs.writeFileSync(deploymentFile, JSON.stringify(record));
    return { dir: made.dir, env: { CASHKEY_ORACLE_DEPLOYMENT_FILE: deploymentFile, CASHKEY_ORACLE_RPC_URL: chain.proxy.url } };
  }

  it("peers lists every peer with its operator and reachability", async function () {
    const { record, keys } = await loadFixture(threeOperatorsThresholdTwo);
    network = await createNetwork(keys, record, chain.proxy.url);
    await network.nodes[0].start();
    await network.nodes[1].start();
    const { dir, env } = workDir(record);

    const json = await cli(["peers", "--url", network.nodes[0].url, "--json"], { cwd: dir, env });
    expect(json.status, json.stderr).to.equal(0);
    const overview = JSON.parse(json.stdout) as { operator: string; threshold: number; peers: { url: string; operator: string | null; reachable: boolean }[] };
    expect(overview.operator).to.equal(keys[0].address);
    expect(overview.threshold).to.equal(2);
    const byUrl = new Map(overview.peers.map((p) => [p.url, p]));
    expect(byUrl.get(network.nodes[1].url)).to.include({ operator: keys[1].address, reachable: true });
    expect(byUrl.get(network.nodes[2].url)).to.include({ reachable: false });

    const text = await cli(["peers", "--url", network.nodes[0].url], { cwd: dir, env });
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout).to.contain(keys[1].address);
    expect(text.stdout).to.contain("held for review: none");

    const down = await cli(["peers", "--url", network.nodes[2].url], { cwd: dir, env });
    expect(down.status, `stdout: ${down.stdout}`).to.not.equal(0);
    expect(down.stderr.trim().split("\n")).to.have.length(1);
    expect(down.stderr).to.contain("No node answers");
  });

  it("register prints a proposal that, executed by the Timelock, adds the operator and sets the threshold", async function () {
    const { record, rewards, timelock } = await loadFixture(threeOperatorsThresholdTwo);
    const { dir, env } = workDir(record);
    const newcomer = randomWallet();
    const run = await cli(["register", "--address", newcomer.address, "--threshold", "3", "--json"], { cwd: dir, env });
    expect(run.status, run.stderr).to.equal(0);
    const proposal = JSON.parse(run.stdout) as { targets: string[]; values: string[]; calldatas: string[]; minOperatorStake: string; alreadyOperator: boolean };
    expect(proposal.minOperatorStake).to.equal((await rewards.minOperatorStake()).toString());
    expect(proposal.alreadyOperator).to.equal(false);
    expect(proposal.targets).to.deep.equal([record.rewards, record.rewards]);

    const admin = await impersonate(await timelock.getAddress());
    for (const [i, target] of proposal.targets.entries()) await admin.sendTransaction({ to: target, data: proposal.calldatas[i], value: BigInt(proposal.values[i]) });
    expect(await rewards.isOperator(newcomer.address)).to.equal(true);
    expect(await rewards.threshold()).to.equal(3n);

    const text = await cli(["register", "--address", newcomer.address], { cwd: dir, env });
    expect(text.stdout).to.contain("already an operator");
    expect(text.stdout).to.match(/at least [0-9.,]+ CKEY staked/);
  });

  it("release returns a held submission to the queue, and refuses one that is not held", async function () {
    const { record } = await loadFixture(threeOperatorsThresholdTwo);
    const { dir, env } = workDir(record);
    const dbPath = path.join(dir, "oracle.sqlite");
    const store = openStore(dbPath);
    store.submissions.record(submissionEvent(7));
    store.network.recordDispute({ submissionId: 7n, reason: "score", detail: "off", peer: record.rewards, limit: 1 });
    store.close();

    const released = await cli(["release", "7"], { cwd: dir, env: { ...env, CASHKEY_ORACLE_DB_PATH: dbPath } });
    expect(released.status, released.stderr).to.equal(0);
    const after = openStore(dbPath);
    expect(after.network.isHeld(7n)).to.equal(false);
    after.close();

    const again = await cli(["release", "7"], { cwd: dir, env: { ...env, CASHKEY_ORACLE_DB_PATH: dbPath } });
    expect(again.status).to.not.equal(0);
    expect(again.stderr.trim()).to.contain("not held");
    const bad = await cli(["release", "x"], { cwd: dir, env: { ...env, CASHKEY_ORACLE_DB_PATH: dbPath } });
    expect(bad.status).to.equal(2);
  });

  it("register refuses a bad address or an impossible threshold with one line", async function () {
    const { record } = await loadFixture(threeOperatorsThresholdTwo);
    const { dir, env } = workDir(record);
    const bad = await cli(["register", "--address", "0x1234"], { cwd: dir, env });
    expect(bad.status).to.not.equal(0);
    expect(bad.stderr.trim().split("\n")).to.have.length(1);
    expect(bad.stderr).to.contain("not an address");
    const tooHigh = await cli(["register", "--address", randomWallet().address, "--threshold", "9"], { cwd: dir, env });
    expect(tooHigh.status).to.not.equal(0);
    expect(tooHigh.stderr).to.contain("exceeds");
  });
});
