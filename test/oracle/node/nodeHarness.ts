/**
 * Oracle nodes for end-to-end tests: the in-process Hardhat chain served on loopback behind the
 * faulty RPC proxy, a real SQLite file in a temp dir, a real HTTP API on 127.0.0.1 (any free port),
 * short polls, and logs kept in memory (printed when a test fails).
 */
import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Wallet } from "ethers";
import { type OracleConfig, loadConfig } from "../../../oracle/src/config";
import { createLogger } from "../../../oracle/src/apiServer";
import { OracleNode, type OracleNodeOptions } from "../../../oracle/src/node";
import type { DeploymentRecord } from "../../../oracle/src/chain/contracts";
import type { Rewards } from "../../../typechain-types";
import { FaultyRpcProxy, serveHardhat, waitUntil } from "../chain/rpcProxy";
import { tempDir } from "../store/fixtures";

export { waitUntil };

export interface TestChain {
  proxy: FaultyRpcProxy;
  close(): Promise<void>;
}

/** The test chain over HTTP, behind a proxy a test can make fail. */
export async function startTestChain(): Promise<TestChain> {
  const chain = await serveHardhat();
  const proxy = await FaultyRpcProxy.start(chain.url);
  return {
    proxy,
    close: async () => {
      await proxy.close();
      await chain.close();
    },
  };
}

/** Settings as an operator would give them, through the environment. */
export function nodeConfig(dir: string, record: DeploymentRecord, rpcUrl: string, env: Record<string, string> = {}): OracleConfig {
  const deploymentFile = path.join(dir, `${record.chainId}.json`);
  if (!fs.existsSync(deploymentFile)) fs.writeFileSync(deploymentFile, JSON.stringify(record));
  const config = loadConfig({
    cwd: dir,
    env: {
      CASHKEY_ORACLE_RPC_URL: rpcUrl,
      CASHKEY_ORACLE_DEPLOYMENT_FILE: deploymentFile,
      CASHKEY_ORACLE_DATA_DIR: path.join(dir, "node"),
      CASHKEY_ORACLE_POLL_INTERVAL_MS: "50",
      CASHKEY_ORACLE_BATCH_MAX_ITEMS: "16",
      CASHKEY_ORACLE_BATCH_MAX_AGE_MS: "100",
      CASHKEY_ORACLE_RATE_LIMIT_MAX: "100000",
      CASHKEY_ORACLE_LOG_LEVEL: "debug",
      ...env,
    },
  });
  // Any free port: the schema wants 1..65535, the server takes 0.
  return { ...config, port: 0 };
}

export interface TestNode {
  node: OracleNode;
  config: OracleConfig;
  logs: string[];
}

/** A node over `config` with short polls; `options` override anything. */
export function createTestNode(config: OracleConfig, operatorKey: Wallet, options: Partial<OracleNodeOptions> = {}): TestNode {
  const logs: string[] = [];
  const logger = createLogger(
    config.logLevel,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString().trimEnd());
        done();
      },
    }),
  );
  const node = new OracleNode({
    config,
    operatorKey,
    logger,
    processMetrics: false,
    timing: { evaluationPollMs: 50, batchPollMs: 50, peerRetryMs: 100, receiptPollMs: 20, backoff: { initialMs: 20, maxMs: 200 } },
    ...options,
  });
  return { node, config, logs };
}

/** A temp dir per test; `cleanup()` after the node is stopped. */
export function testDir(): { dir: string; cleanup: () => void } {
  return tempDir("cashkey-node-");
}

/** Uploads `text` to the node and returns its content hash. */
export async function upload(nodeUrl: string, text: string): Promise<string> {
  const response = await fetch(`${nodeUrl}/v1/content`, { method: "PUT", headers: { "content-type": "text/plain" }, body: text });
  if (response.status !== 201 && response.status !== 200) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { hash: string }).hash;
}

/** Submits `hash` on-chain as `author`; returns the submission id. */
export async function submitHash(rewards: Rewards, author: HardhatEthersSigner, hash: string, category = 1): Promise<bigint> {
  const receipt = await (await rewards.connect(author).submit(hash, category)).wait();
  const log = receipt!.logs.map((l) => rewards.interface.parseLog(l)).find((l) => l?.name === "Submitted");
  return log!.args.id as bigint;
}

/** `GET /v1/submissions/:id` as JSON. */
export async function submissionView(nodeUrl: string, id: bigint): Promise<SubmissionView> {
  const response = await fetch(`${nodeUrl}/v1/submissions/${id}`);
  if (response.status !== 200) throw new Error(`GET /v1/submissions/${id}: ${response.status} ${await response.text()}`);
  return (await response.json()) as SubmissionView;
}

export interface SubmissionView {
  id: string;
  status: string;
  author: string;
  contentHash: string | null;
  score: number | null;
  points: number | null;
  flags: { code: string; severity: string; detail: string }[];
  rationaleJson: string | null;
  evaluator: string | null;
  batch: { nonce: string; state: string; rationaleRoot: string; txHash: string | null; proof: string[] | null } | null;
}

/** Transactions the account sent (its nonce on the in-process chain). */
export async function sentTransactions(address: string): Promise<number> {
  return hre.ethers.provider.getTransactionCount(address);
}

/** Prints a failed test's node logs (the last lines) to help find out why. */
export function printLogsOnFailure(test: Mocha.Context["currentTest"], nodes: readonly TestNode[]): void {
  if (test?.state !== "failed") return;
  for (const { logs } of nodes) console.log(logs.slice(-80).join("\n"));
}

/** Polls `condition` (a bound on a hung test, not a timing assertion). */
export function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  return waitUntil(condition, what, 90_000);
}
