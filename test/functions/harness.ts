/**
 * What the Functions tests share: an operator API stand-in that serves proposals the way every node
 * will (`GET /v1/peer/proposals/:digest` → `{ proposal, contents }`), the in-process chain over HTTP
 * for the source's JSON-RPC batch, both counting requests, and batch proposals built with the
 * protocol module and evaluated by the real heuristic evaluator.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { type Content, contentHash } from "../../oracle/src/protocol/contentHash";
import { type BatchHeader, rewardsDomain, scoreBatchDigest, signScoreBatch } from "../../oracle/src/protocol/eip712";
import { buildRationaleTree } from "../../oracle/src/protocol/rationaleTree";
import { packScoreItem } from "../../oracle/src/protocol/scoreItem";
import { type ProposalItem, type ProposalJson, encodeProposal } from "../../oracle/src/network/proposal";
import { createEvaluator } from "../../oracle/src/eval/evaluate";
import { createHeuristicScorer } from "../../oracle/src/eval/scorers/heuristic";
import type { Rewards } from "../../typechain-types";
import fixtures from "../fixtures/submissions.json";

/** Texts the heuristic scores above the minimum (the fixture's "useful" items). */
export const USEFUL_TEXTS: string[] = fixtures.items.filter((i) => i.label === "useful").map((i) => i.text);

interface Served {
  proposal: ProposalJson;
  contents: Record<string, Content>;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Serves `GET /v1/peer/proposals/:digest` from a map, as an operator node does. */
export class ProposalServer {
  readonly served = new Map<string, Served>();
  requests = 0;
  url = "";
  private readonly server = http.createServer((req, res) => {
    this.requests++;
    const match = /^\/v1\/peer\/proposals\/(0x[0-9a-f]{64})$/.exec(req.url ?? "");
    const body = match ? this.served.get(match[1]) : undefined;
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { error: "not found" }));
  });

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  serve(proposal: ProposalJson, contents: Record<string, Content>): void {
    this.served.set(proposal.digest.toLowerCase(), { proposal, contents });
  }

  urlOf(digest: string): string {
    return `${this.url}/v1/peer/proposals/${digest.toLowerCase()}`;
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/** The in-process Hardhat chain over HTTP (single and batch JSON-RPC), counting requests. */
export class ChainServer {
  requests = 0;
  url = "";
  private readonly server = http.createServer((req, res) => {
    this.requests++;
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      void this.answer(body).then((answer) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      });
    });
  });

  private async answer(body: string): Promise<unknown> {
    const call = async (message: { id: unknown; method: string; params?: unknown[] }) => {
      try {
        return { jsonrpc: "2.0", id: message.id, result: await hre.network.provider.request({ method: message.method, params: message.params }) };
      } catch (error) {
        return { jsonrpc: "2.0", id: message.id, error: { code: -32000, message: String(error) } };
      }
    };
    const parsed = JSON.parse(body) as unknown;
    return Array.isArray(parsed) ? Promise.all(parsed.map(call)) : call(parsed as never);
  }

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/** Submits `content` as `author`; returns the new submission id and the content hash. */
export async function submitContent(rewards: Rewards, author: HardhatEthersSigner, content: Content) {
  const hash = contentHash(content);
  await (await rewards.connect(author).submit(hash, 1)).wait();
  return { id: await rewards.submissionCount(), hash };
}

/** Evaluates submissions in order with a fresh heuristic evaluator, as a node does. */
export async function evaluateAll(submissions: readonly { id: bigint; hash: string; content: Content; author: string }[], maxPoints: number): Promise<ProposalItem[]> {
  const evaluator = createEvaluator({ scorer: createHeuristicScorer(), config: { maxPoints } });
  const items: ProposalItem[] = [];
  for (const s of submissions) {
    const evaluation = await evaluator.evaluate({ submissionId: s.id.toString(), author: s.author, text: s.content.text, contentHash: s.hash });
    items.push({ submissionId: s.id, score: evaluation.score, points: evaluation.points, contentHash: s.hash, rationaleJson: evaluation.rationaleJson });
  }
  return items;
}

export interface BatchOptions {
  /** Overrides the computed rationale root (a leader lying about it). */
  rationaleRoot?: string;
  deadline?: bigint;
}

/** The proposal a leader builds and signs for `items` at the next nonce, as the wire format says. */
export async function buildProposal(
  rewards: Rewards,
  leader: HardhatEthersSigner,
  items: readonly ProposalItem[],
  options: BatchOptions = {},
): Promise<{ proposal: ProposalJson; header: BatchHeader; packedItems: bigint[]; digest: string }> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const domain = rewardsDomain(chainId, await rewards.getAddress());
  const header: BatchHeader = {
    nonce: await rewards.nextBatchNonce(),
    evaluator: JSON.parse(items[0].rationaleJson).evaluator as string,
    rationaleRoot: options.rationaleRoot ?? buildRationaleTree(items).root,
    deadline: options.deadline ?? BigInt((await time.latest()) + 3600),
  };
  // Packing refuses out-of-range values; a lying leader's out-of-range score is packed by hand.
  const packedItems = items.map((i) => (i.score > 100 ? (i.submissionId << 40n) | (BigInt(i.score) << 32n) | BigInt(i.points) : packScoreItem(i)));
  const digest = scoreBatchDigest(domain, header, packedItems).toLowerCase();
  const signature = await signScoreBatch(leader, domain, header, packedItems);
  const proposal = encodeProposal({ chainId, rewards: await rewards.getAddress(), leader: leader.address, header, items, digest, signature });
  return { proposal, header, packedItems, digest };
}
