/**
 * The operator network's figures for `npm run bench:oracle`: three nodes, threshold 2, on the
 * in-process Hardhat chain served on loopback, real HTTP between the nodes. Latency from the on-chain
 * `submit` receipt to the `Scored` event at a steady pace, and submissions scored per minute for a
 * burst, with all nodes up and with one node down (its turns as leader cost a failover timeout).
 */
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { Wallet, getAddress } from "ethers";
import { loadConfig } from "../../oracle/src/config";
import { OracleNode } from "../../oracle/src/node";
import { contentHash } from "../../oracle/src/protocol/contentHash";
import type { Rewards } from "../../typechain-types";
import { deployCashKey } from "../deploy";
import { HeldPort } from "../lib/heldPort";
import { articleText, percentile } from "./evaluation";
import { watchScored } from "./scoredWatch";

export const NETWORK_BENCH = {
  operators: 3,
  threshold: 2,
  pacedSubmissions: 40,
  paceMs: 250,
  burstSubmissions: 150,
  batchWindowMs: 2_000,
  pollMs: 500,
  failoverTimeoutMs: 5_000,
};

export interface NetworkFigures {
  nodesUp: number;
  medianMs: number;
  p95Ms: number;
  scoredPerMinute: number;
  batches: number;
}

/** Runs the network with `nodesUp` of the three nodes started (the first ones in operator order). */
export async function benchmarkNetwork(dir: string, nodesUp: number): Promise<NetworkFigures> {
  const server = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider })) as {
    listen(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  };
  const { address, port } = await server.listen();
  const keys = Array.from({ length: NETWORK_BENCH.operators }, () => new Wallet(Wallet.createRandom().privateKey));
  const deployBlock = (await hre.ethers.provider.getBlockNumber()) + 1;
  const { rewards } = await deployCashKey(hre, {
    operators: keys.map((k) => k.address),
    threshold: NETWORK_BENCH.threshold,
    baseQuota: 10_000,
    quotaTiers: [],
    writeDeployment: false,
  });
  const order = (await rewards.operators()).map((a) => getAddress(a));
  keys.sort((a, b) => order.indexOf(a.address) - order.indexOf(b.address));
  const ports: HeldPort[] = [];
  for (const _ of keys) ports.push(await HeldPort.bind());
  const nodes: OracleNode[] = [];
  const [, author] = await hre.ethers.getSigners();
  try {
    for (let i = 0; i < nodesUp; i++) {
      const config = loadConfig({
        cwd: dir,
        env: {
          CASHKEY_ORACLE_RPC_URL: `http://${address}:${port}`,
          CASHKEY_ORACLE_REWARDS_ADDRESS: await rewards.getAddress(),
          CASHKEY_ORACLE_START_BLOCK: String(deployBlock),
          CASHKEY_ORACLE_DATA_DIR: path.join(dir, `network-${nodesUp}-${i}`),
          CASHKEY_ORACLE_PORT: String(ports[i].port),
          CASHKEY_ORACLE_PEERS: ports
            .filter((_, j) => j !== i)
            .map((p) => p.url)
            .join(","),
          CASHKEY_ORACLE_BATCH_MAX_AGE_MS: String(NETWORK_BENCH.batchWindowMs),
          CASHKEY_ORACLE_POLL_INTERVAL_MS: String(NETWORK_BENCH.pollMs),
          CASHKEY_ORACLE_FAILOVER_TIMEOUT_MS: String(NETWORK_BENCH.failoverTimeoutMs),
          CASHKEY_ORACLE_RATE_LIMIT_MAX: "1000000",
          CASHKEY_ORACLE_LOG_LEVEL: "silent",
        },
      });
      const node = new OracleNode({ config, operatorKey: keys[i], processMetrics: false, listener: ports[i].listener });
      await node.start();
      nodes.push(node);
    }
    const scored = watchScored(rewards, deployBlock);
    const scoredAt = scored.at;
    const submit = async (i: number, rewardsContract: Rewards) => {
      const text = articleText();
      const response = await fetch(`${nodes[i % nodes.length].url}/v1/content`, { method: "PUT", headers: { "content-type": "text/plain" }, body: text });
      if (response.status !== 201) throw new Error(`upload failed: ${response.status}`);
      const receipt = (await (await rewardsContract.connect(author).submit(contentHash({ text }), 1)).wait())!;
      return { id: rewardsContract.interface.parseLog(receipt.logs[0])!.args.id as bigint, at: performance.now() };
    };
    const waitFor = async (ids: readonly bigint[]) => {
      const giveUpAt = performance.now() + 300_000;
      while (!ids.every((id) => scoredAt.has(id)) && performance.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 50));
      if (!ids.every((id) => scoredAt.has(id))) throw new Error(`only ${ids.filter((id) => scoredAt.has(id)).length} of ${ids.length} scored`);
    };

    // Latency at a steady pace.
    const paced: { id: bigint; at: number }[] = [];
    for (let i = 0; i < NETWORK_BENCH.pacedSubmissions; i++) {
      const started = performance.now();
      paced.push(await submit(i, rewards));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, NETWORK_BENCH.paceMs - (performance.now() - started))));
    }
    await waitFor(paced.map((p) => p.id));
    const latencies = paced.map((p) => scoredAt.get(p.id)! - p.at).sort((a, b) => a - b);

    // Throughput: a burst, from the first submit to the last `Scored`.
    const burst: { id: bigint; at: number }[] = [];
    for (let i = 0; i < NETWORK_BENCH.burstSubmissions; i++) burst.push(await submit(i, rewards));
    await waitFor(burst.map((b) => b.id));
    const lastScored = Math.max(...burst.map((b) => scoredAt.get(b.id)!));
    await scored.stop();
    return {
      nodesUp,
      medianMs: Math.round(percentile(latencies, 50)),
      p95Ms: Math.round(percentile(latencies, 95)),
      scoredPerMinute: Math.round((NETWORK_BENCH.burstSubmissions / (lastScored - burst[0].at)) * 60_000),
      batches: Number(await rewards.nextBatchNonce()),
    };
  } finally {
    for (const node of nodes) await node.stop();
    for (const port of ports) await port.close();
    await server.close();
  }
}
