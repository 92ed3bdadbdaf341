/**
 * Where the dApp's history lists come from: the indexer (docs/INDEXER.md), and when it is not configured
 * or cannot be reached, the chain itself, but only over the latest `historyFallbackBlocks` blocks
 * (never more than 10,000, the widest `eth_getLogs` range public providers serve), never from the
 * deployment block or genesis. One place for that rule; the pages say what to read from each side.
 */
import type { PublicClient } from "viem";
import { MAX_HISTORY_FALLBACK_BLOCKS, type RuntimeConfig } from "../config/runtimeConfig";
import { IndexerError, indexerGet } from "./indexer";

export interface BlockRange {
  fromBlock: bigint;
  toBlock: bigint;
}

/** The latest `blocks` blocks up to `head`, clamped to 1..10,000 blocks and to the deployment's first block. */
export function fallbackRange(head: bigint, deployBlock: bigint, blocks: number): BlockRange {
  const width = BigInt(Math.min(Math.max(1, Math.floor(blocks)), MAX_HISTORY_FALLBACK_BLOCKS));
  const start = head - width + 1n;
  const fromBlock = start > deployBlock ? start : deployBlock;
  return { fromBlock: fromBlock > head ? head : fromBlock, toBlock: head };
}

export type History<T> =
  | { source: "indexer"; data: T }
  | {
      source: "chain";
      data: T;
      /** The blocks read: everything older is not shown. */
      range: BlockRange;
      /** unconfigured: `/config.json` names no indexer; unreachable: it did not answer, or failed. */
      reason: "unconfigured" | "unreachable";
      detail?: string;
    };

/**
 * An indexer failure that sends the page to the chain: no answer, a server error, or a rate limit. A
 * 4xx answer (bad request, unknown id) is the indexer's word and stays an error.
 */
export function indexerDown(error: unknown): boolean {
  if (!(error instanceof IndexerError)) return false;
  return error.status === undefined || error.status >= 500 || error.status === 429;
}

export interface HistorySpec<T, Body> {
  /** Path and query under the indexer's URL, e.g. `/v1/batches?limit=10`. */
  indexerPath: string;
  fromIndexer(body: Body): T | Promise<T>;
  /** The same list from the chain, reading only within `range` (pass it to every `getContractEvents`). */
  fromChain(client: PublicClient, range: BlockRange, config: RuntimeConfig): Promise<T>;
  /** What an indexer 404 means (a row not indexed yet); without it a 404 is an error. */
  whenNotIndexed?: T;
}

/** Reads one history list: the indexer first, the chain's latest blocks when the indexer is off. */
export async function loadHistory<T, Body>(spec: HistorySpec<T, Body>, config: RuntimeConfig, client: PublicClient): Promise<History<T>> {
  let detail: string | undefined;
  if (config.indexerUrl !== undefined) {
    try {
      return { source: "indexer", data: await spec.fromIndexer(await indexerGet<Body>(config.indexerUrl, spec.indexerPath)) };
    } catch (error) {
      if (error instanceof IndexerError && error.status === 404 && spec.whenNotIndexed !== undefined) return { source: "indexer", data: spec.whenNotIndexed };
      if (!indexerDown(error)) throw error;
      detail = (error as Error).message;
    }
  }
  const range = fallbackRange(await client.getBlockNumber(), config.deployBlock, config.historyFallbackBlocks);
  return {
    source: "chain",
    data: await spec.fromChain(client, range, config),
    range,
    reason: config.indexerUrl === undefined ? "unconfigured" : "unreachable",
    ...(detail === undefined ? {} : { detail }),
  };
}

/** Each block's timestamp, one `eth_getBlockByNumber` per distinct block (for dates of logs read from the chain). */
export async function blockTimes(client: PublicClient, blockNumbers: Iterable<bigint>): Promise<Map<bigint, bigint>> {
  const times = new Map<bigint, bigint>();
  await Promise.all([...new Set(blockNumbers)].map(async (n) => times.set(n, (await client.getBlock({ blockNumber: n })).timestamp)));
  return times;
}
