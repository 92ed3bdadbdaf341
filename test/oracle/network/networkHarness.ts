/**
 * A network of operator nodes for tests: the in-process Hardhat chain served on loopback, CashKey
 * deployed with N operators and a threshold, and one node per operator on its own loopback port,
 * each with the others as peers. Nodes can be started, stopped, killed and restarted on the same
 * port and database: each port is bound once and held by the network until its cleanup.
 */
import path from "node:path";
import hre from "hardhat";
import { type Wallet, getAddress } from "ethers";
import type { OracleConfig } from "../../../oracle/src/config";
import type { OracleNodeOptions } from "../../../oracle/src/node";
import type { DeploymentRecord } from "../../../oracle/src/protocol/deployment";
import { recoverBatchSigner } from "../../../oracle/src/batch/signer";
import { rewardsDomain } from "../../../oracle/src/protocol/eip712";
import type { Rewards } from "../../../typechain-types";
import { deployCashKey } from "../../../scripts/deploy";
import { HeldPort } from "../../../scripts/lib/heldPort";
import { deploymentRecordOf, randomWallet } from "../chain/oracleFixture";
import { type TestChain, type TestNode, createTestNode, nodeConfig, startTestChain, testDir } from "../node/nodeHarness";
import { sotuParagraphs } from "../../../scripts/bench/scoring/prose";
import { Random } from "../../../scripts/bench/scoring/random";

export async function networkFixture(operatorCount: number, threshold: number) {
  const [deployer, alice, bob, carol] = await hre.ethers.getSigners();
  const keys = Array.from({ length: operatorCount }, () => randomWallet());
  const deployBlock = (await hre.ethers.provider.getBlockNumber()) + 1;
  const deployment = await deployCashKey(hre, {
    deployer,
    operators: keys.map((k) => k.address),
    threshold,
    baseQuota: 1_000,
    quotaTiers: [],
    writeDeployment: false,
  });
  const record = await deploymentRecordOf(deployment, deployBlock);
  // In the order the chain lists them (leader of nonce n: operators[n mod count]).
  const order = (await deployment.rewards.operators()).map((a) => getAddress(a));
  keys.sort((a, b) => order.indexOf(a.address) - order.indexOf(b.address));
  return { ...deployment, record, deployer, alice, bob, carol, keys };
}

export class NetworkNode {
  test: TestNode | undefined;
  constructor(
    readonly index: number,
    readonly key: Wallet,
    readonly config: OracleConfig,
    private readonly options: Partial<OracleNodeOptions>,
    private readonly port: HeldPort,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.config.port}`;
  }

  get address(): string {
    return this.key.address;
  }

  get running(): boolean {
    return this.test !== undefined;
  }

  /** Starts (again) on the same port and database. */
  async start(options: Partial<OracleNodeOptions> = {}): Promise<void> {
    if (this.test) throw new Error(`node ${this.index} is running`);
    const test = createTestNode(this.config, this.key, { ...this.options, ...options, listener: this.port.listener });
    await test.node.start();
    this.test = test;
  }

  async stop(): Promise<void> {
    const test = this.test;
    this.test = undefined;
    if (test) {
      this.logs.push(...test.logs);
      await test.node.stop();
    }
  }

  /** As a crash would. */
  async kill(): Promise<void> {
    const test = this.test;
    this.test = undefined;
    if (test) {
      this.logs.push(...test.logs);
      await test.node.halt();
    }
  }

  readonly logs: string[] = [];

  allLogs(): string[] {
    return [...this.logs, ...(this.test?.logs ?? [])];
  }
}

export interface NetworkSetup {
  nodes: NetworkNode[];
  cleanup(): Promise<void>;
}

/** One node per key; each node's peers are the others. Nothing is started. */
export async function createNetwork(
  keys: readonly Wallet[],
  record: DeploymentRecord,
  rpcUrl: string,
  env: Record<string, string> = {},
  options: Partial<OracleNodeOptions> = {},
): Promise<NetworkSetup> {
  const ports: HeldPort[] = [];
  for (let i = 0; i < keys.length; i++) ports.push(await HeldPort.bind());
  const dirs = keys.map(() => testDir());
  const nodes = keys.map((key, i) => {
    const peers = ports.filter((_, j) => j !== i).map((p) => p.url);
    const config = nodeConfig(dirs[i].dir, record, rpcUrl, {
      CASHKEY_ORACLE_PEERS: peers.join(","),
      CASHKEY_ORACLE_FAILOVER_TIMEOUT_MS: "1500",
      CASHKEY_ORACLE_PEER_TIMEOUT_MS: "3000",
      CASHKEY_ORACLE_DISPUTE_RETRY_MS: "300",
      CASHKEY_ORACLE_EVALUATION_ORDER_WAIT_MS: "2000",
      CASHKEY_ORACLE_LOG_LEVEL: "info",
      ...env,
    });
    return new NetworkNode(i, key, { ...config, port: ports[i].port, dataDir: path.join(dirs[i].dir, "node") }, options, ports[i]);
  });
  return {
    nodes,
    cleanup: async () => {
      for (const node of nodes) await node.stop();
      for (const port of ports) await port.close();
      for (const dir of dirs) dir.cleanup();
    },
  };
}

/** Prints the nodes' last log lines when a test failed. */
export function printNetworkLogsOnFailure(test: Mocha.Context["currentTest"], nodes: readonly NetworkNode[]): void {
  if (test?.state !== "failed") return;
  for (const node of nodes) console.log(`--- node ${node.index} (${node.address})\n${node.allLogs().slice(-60).join("\n")}`);
}

export interface LandedBatch {
  nonce: bigint;
  txHash: string;
  /** Operators whose signatures the transaction carried, recovered from the EIP-712 digest. */
  signers: string[];
  items: bigint[];
}

/** Every `BatchPosted` since `fromBlock`, with the signers recovered from its transaction's calldata. */
export async function landedBatches(rewards: Rewards, fromBlock: number): Promise<LandedBatch[]> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const domain = rewardsDomain(chainId, await rewards.getAddress());
  const out: LandedBatch[] = [];
  for (const event of await rewards.queryFilter(rewards.filters.BatchPosted(), fromBlock)) {
    const tx = await hre.ethers.provider.getTransaction(event.transactionHash);
    const call = rewards.interface.parseTransaction({ data: tx!.data })!;
    const [rawHeader, items, signatures] = call.args as unknown as [{ nonce: bigint; evaluator: string; rationaleRoot: string; deadline: bigint }, bigint[], string[]];
    const header = { nonce: rawHeader.nonce, evaluator: rawHeader.evaluator, rationaleRoot: rawHeader.rationaleRoot, deadline: rawHeader.deadline };
    const signers = signatures.map((signature) => recoverBatchSigner({ domain, header, items: [...items] }, signature) ?? "invalid");
    out.push({ nonce: event.args.nonce, txHash: event.transactionHash, signers, items: [...items] });
  }
  return out;
}

/**
 * Transactions to Rewards since `fromBlock` that reverted on-chain, except a leader's lost race: a
 * `postScores` for a nonce that another transaction's batch took first. (Two leaders may both pass
 * their preflight before either transaction is mined; the later one reverts, harmlessly.)
 */
export async function unexplainedReverts(rewards: Rewards, fromBlock: number): Promise<string[]> {
  const provider = hre.ethers.provider;
  const rewardsAddress = (await rewards.getAddress()).toLowerCase();
  const landedTx = new Map((await rewards.queryFilter(rewards.filters.BatchPosted(), fromBlock)).map((e) => [e.args.nonce, e.transactionHash]));
  const head = await provider.getBlockNumber();
  const unexplained: string[] = [];
  for (let n = fromBlock; n <= head; n++) {
    const block = await provider.getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.to?.toLowerCase() !== rewardsAddress) continue;
      if ((await provider.getTransactionReceipt(tx.hash))?.status !== 0) continue;
      const call = rewards.interface.parseTransaction({ data: tx.data });
      const nonce = call?.name === "postScores" ? (call.args[0] as { nonce: bigint }).nonce : undefined;
      const winner = nonce === undefined ? undefined : landedTx.get(nonce);
      if (winner === undefined || winner === tx.hash) unexplained.push(`${tx.hash} (${call?.name ?? "unknown call"})`);
    }
  }
  return unexplained;
}

let paragraphPool: string[] | undefined;
const TEXTS_PER_SEED = 100;

/**
 * Distinct texts that no fraud check flags as duplicates of each other: State of the Union
 * paragraphs (public domain) in a fixed shuffled order, 100 per seed (about 50 seeds), so the texts of different
 * seeds never overlap either. (Texts filled into one template would be a template farm.)
 */
export function distinctTexts(count: number, seed = 0): string[] {
  if (count > TEXTS_PER_SEED) throw new Error(`distinctTexts: at most ${TEXTS_PER_SEED} texts per seed`);
  paragraphPool ??= new Random(20261202).shuffle(sotuParagraphs("heldout").map((p) => p.text));
  const texts = paragraphPool.slice(seed * TEXTS_PER_SEED, seed * TEXTS_PER_SEED + count);
  if (texts.length < count) throw new Error(`distinctTexts: no texts left for seed ${seed}`);
  return texts;
}

/**
 * The hooks of a network test file: the chain served on loopback before its tests and closed after;
 * after each test, the network's logs printed if it failed and its nodes stopped and removed.
 */
export function useNetworkTestChain(): { chain(): TestChain; track(network: NetworkSetup): NetworkSetup } {
  let chain: TestChain | undefined;
  let network: NetworkSetup | undefined;
  before(async function () {
    chain = await startTestChain();
  });
  after(async function () {
    await chain?.close();
  });
  afterEach(async function () {
    if (network) printNetworkLogsOnFailure(this.currentTest, network.nodes);
    await network?.cleanup();
    network = undefined;
  });
  return {
    chain: () => {
      if (!chain) throw new Error("the test chain is not started");
      return chain;
    },
    track: (setup) => (network = setup),
  };
}
