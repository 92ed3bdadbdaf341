/**
 * A history list as a query: the indexer, or the chain's latest blocks when the indexer is off
 * (`lib/history.ts`). Keyed under the chain queries, so a confirmed transaction refreshes it too.
 */
import { type QueryKey, useQuery } from "@tanstack/react-query";
import type { PublicClient } from "viem";
import { usePublicClient } from "wagmi";
import { useRuntimeConfig } from "../config/context";
import { type HistorySpec, loadHistory } from "../lib/history";
import { CHAIN_QUERY } from "./useChain";

export function useHistory<T, Body>(key: QueryKey, spec: HistorySpec<T, Body>, enabled = true) {
  const config = useRuntimeConfig();
  const client = usePublicClient({ chainId: config.chainId });
  return useQuery({
    queryKey: [CHAIN_QUERY, "history", config.indexerUrl ?? null, ...key],
    queryFn: () => loadHistory(spec, config, client as PublicClient),
    enabled: enabled && client !== undefined,
    refetchInterval: 3_000,
  });
}
