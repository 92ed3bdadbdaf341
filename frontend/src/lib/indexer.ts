/**
 * The indexer's HTTP API (docs/INDEXER.md) as the dApp reads it: history and search come from there,
 * never from a scan of the chain's logs.
 */
import { useQuery } from "@tanstack/react-query";
import { useRuntimeConfig } from "../config/context";

export interface IndexedItem {
  id: string;
  author: string;
  contentHash: string;
  category: number;
  submittedAt: string;
  score: number | null;
  points: string | null;
  scoredEpoch: number | null;
  batchNonce: string | null;
  contentStatus: "pending" | "fetched" | "unavailable" | "mismatch";
  title: string | null;
  snippet?: string | null;
  text?: string | null;
  url?: string | null;
  contentSource?: string | null;
  highlights?: { text: string; match: boolean }[];
}

export interface IndexedBatch {
  nonce: string;
  evaluator: string;
  rationaleRoot: string;
  signers: string[];
  blockNumber: string;
  txHash: string;
}

export class IndexerError extends Error {
  override name = "IndexerError";
  /** The HTTP status the indexer answered; undefined when it could not be reached at all. */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export async function indexerGet<T>(baseUrl: string, path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`);
  } catch {
    throw new IndexerError("The indexer is unreachable.");
  }
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  if (!response.ok) throw new IndexerError(body?.error?.message ?? `The indexer answered HTTP ${response.status}.`, response.status);
  return body as T;
}

/** A query against the indexer; disabled (and `configured` false) when the app has no indexer URL. */
export function useIndexer<T>(path: string | undefined) {
  const { indexerUrl } = useRuntimeConfig();
  const query = useQuery({
    queryKey: ["indexer", indexerUrl, path],
    queryFn: () => indexerGet<T>(indexerUrl!, path!),
    enabled: indexerUrl !== undefined && path !== undefined,
    retry: false,
  });
  return { ...query, configured: indexerUrl !== undefined };
}
