/**
 * The fault rows of `npm run bench:oracle`: three operator nodes (threshold 2, default limits) on the
 * in-process Hardhat chain, which they reach through a proxy that can fail (test/oracle/chain/rpcProxy.ts).
 *
 * - For each RPC fault — `eth_getLogs` answering `[]`, requests that are never answered, connections
 *   reset — held for `holdMs` while submissions are made: the time from the end of the fault until
 *   every one of them is scored on-chain and recorded, with its rationale, by every node.
 * - A burst of 300 submissions from ten wallets (uploads spread over the nodes, public rate limits at
 *   their defaults): the time from the first `submit` until every item is scored on-chain, and until
 *   every node serves a verifying proof for every item (its landed batch with the rationales, whose
 *   tree root is the on-chain root).
 *
 * Alone: `npx hardhat run scripts/bench/faults.ts` (JSON on stdout; FAULT_BENCH_LOG=info shows the nodes' logs).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { Wallet, getAddress } from "ethers";
import { loadConfig } from "../../oracle/src/config";
import { OracleNode } from "../../oracle/src/node";
import { buildRationaleTree } from "../../oracle/src/protocol/rationaleTree";
import type { Rewards } from "../../typechain-types";
import { FaultyRpcProxy, type ProxyMode } from "../../test/oracle/chain/rpcProxy";
import { deployCashKey } from "../deploy";
import { HeldPort } from "../lib/heldPort";
import { articleText } from "./evaluation";
import { watchScored } from "./scoredWatch";

export const FAULT_BENCH = {
  holdMs: 10_000,
  submissionsPerFault: 6,
  burstSubmissions: 300,
  burstWallets: 10,
  batchWindowMs: 2_000,
  pollMs: 500,
  failoverTimeoutMs: 5_000,
  faults: ["emptyLogs", "hang", "drop"] as ProxyMode[],
};

export interface FaultFigures {
  faults: { fault: ProxyMode; recoveryMs: number }[];
  burst: { submissions: number; wallets: number; scoredMs: number; provenMs: number; batches: number; rateLimited: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchmarkFaults(dir: string): Promise<FaultFigures> {
  const server = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider })) as {
    listen(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  };
  const { address, port } = await server.listen();
  const proxy = await FaultyRpcProxy.start(`http://${address}:${port}`);
  const keys = Array.from({ length: 3 }, () => new Wallet(Wallet.createRandom().privateKey));
  const deployBlock = (await hre.ethers.provider.getBlockNumber()) + 1;
  const { rewards } = await deployCashKey(hre, { operators: keys.map((k) => k.address), threshold: 2, baseQuota: 10_000, quotaTiers: [], writeDeployment: false });
  const order = (await rewards.operators()).map((a) => getAddress(a));
  keys.sort((a, b) => order.indexOf(a.address) - order.indexOf(b.address));
  const ports = await Promise.all(keys.map(() => HeldPort.bind()));
  const nodes: OracleNode[] = [];
  const signers = (await hre.ethers.getSigners()).slice(1, 1 + FAULT_BENCH.burstWallets);
  const scored = watchScored(rewards, deployBlock);
  try {
    for (const [i, key] of keys.entries()) {
      const config = loadConfig({
        cwd: dir,
        env: {
          CASHKEY_ORACLE_RPC_URL: proxy.url,
          CASHKEY_ORACLE_REWARDS_ADDRESS: await rewards.getAddress(),
          CASHKEY_ORACLE_START_BLOCK: String(deployBlock),
          CASHKEY_ORACLE_DATA_DIR: path.join(dir, `faults-${i}`),
          CASHKEY_ORACLE_PORT: String(ports[i].port),
          CASHKEY_ORACLE_PEERS: ports
            .filter((_, j) => j !== i)
            .map((p) => p.url)
            .join(","),
          CASHKEY_ORACLE_BATCH_MAX_AGE_MS: String(FAULT_BENCH.batchWindowMs),
          CASHKEY_ORACLE_POLL_INTERVAL_MS: String(FAULT_BENCH.pollMs),
          CASHKEY_ORACLE_FAILOVER_TIMEOUT_MS: String(FAULT_BENCH.failoverTimeoutMs),
          CASHKEY_ORACLE_LOG_LEVEL: process.env.FAULT_BENCH_LOG ?? "silent",
        },
      });
      const node = new OracleNode({ config, operatorKey: key, processMetrics: false, listener: ports[i].listener });
      await node.start();
      nodes.push(node);
    }
    let uploads = 0;
    const submit = async (author: (typeof signers)[number], contract: Rewards) => {
      const text = articleText();
      const node = nodes[uploads++ % nodes.length];
      const response = await fetch(`${node.url}/v1/content`, { method: "PUT", headers: { "content-type": "text/plain" }, body: text });
      if (response.status !== 201) throw new Error(`upload failed: ${response.status}`);
      const { hash } = (await response.json()) as { hash: string };
      const receipt = (await (await contract.connect(author).submit(hash, 1)).wait())!;
      return contract.interface.parseLog(receipt.logs[0])!.args.id as bigint;
    };
    const roots = new Map<bigint, string>();
    const provenEverywhere = async (ids: readonly bigint[]) => {
      for (const event of await rewards.queryFilter(rewards.filters.BatchPosted(), deployBlock)) roots.set(event.args.nonce, event.args.rationaleRoot);
      return nodes.every((node) =>
        ids.every((id) => {
          const batch = node.store.batches.liveBatchOf(id);
          return batch?.state === "landed" && roots.get(batch.nonce) === batch.rationaleRoot && buildRationaleTree(batch.items).root === batch.rationaleRoot;
        }),
      );
    };
    const waitUntil = async (condition: () => Promise<boolean> | boolean, what: string) => {
      const giveUpAt = performance.now() + 600_000;
      while (!(await condition())) {
        if (performance.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
        await sleep(100);
      }
    };

    const faults: FaultFigures["faults"] = [];
    for (const fault of FAULT_BENCH.faults) {
      proxy.mode = fault;
      const heldFrom = performance.now();
      const ids: bigint[] = [];
      for (let i = 0; i < FAULT_BENCH.submissionsPerFault; i++) ids.push(await submit(signers[i % signers.length], rewards));
      await sleep(Math.max(0, FAULT_BENCH.holdMs - (performance.now() - heldFrom)));
      proxy.mode = "forward";
      const endedAt = performance.now();
      await waitUntil(() => ids.every((id) => scored.at.has(id)), `the ${fault} submissions scored`);
      await waitUntil(() => provenEverywhere(ids), `the ${fault} submissions proven on every node`);
      faults.push({ fault, recoveryMs: Math.round(performance.now() - endedAt) });
    }

    const batchesBefore = Number(await rewards.nextBatchNonce());
    const startedAt = performance.now();
    const perWallet = FAULT_BENCH.burstSubmissions / FAULT_BENCH.burstWallets;
    const burst = (
      await Promise.all(
        signers.map(async (signer) => {
          const ids: bigint[] = [];
          for (let i = 0; i < perWallet; i++) ids.push(await submit(signer, rewards));
          return ids;
        }),
      )
    ).flat();
    await waitUntil(() => burst.every((id) => scored.at.has(id)), "the burst scored");
    const scoredMs = Math.round(Math.max(...burst.map((id) => scored.at.get(id)!)) - startedAt);
    await waitUntil(() => provenEverywhere(burst), "the burst proven on every node");
    const provenMs = Math.round(performance.now() - startedAt);
    let rateLimited = 0;
    for (const node of nodes) rateLimited += (await node.metrics.rateLimited.get()).values.reduce((sum, v) => sum + v.value, 0);
    return {
      faults,
      burst: {
        submissions: burst.length,
        wallets: signers.length,
        scoredMs,
        provenMs,
        batches: Number(await rewards.nextBatchNonce()) - batchesBefore,
        rateLimited,
      },
    };
  } finally {
    await scored.stop();
    for (const node of nodes) await node.stop();
    for (const held of ports) await held.close();
    await proxy.close();
    await server.close();
  }
}

if (require.main === module) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-bench-faults-"));
  benchmarkFaults(dir)
    .then((figures) => console.log(JSON.stringify(figures, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}
