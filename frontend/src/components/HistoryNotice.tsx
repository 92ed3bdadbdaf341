import type { History } from "../lib/history";

/**
 * Said once above a page's history when any of it was read from the chain instead of the indexer: that
 * list covers only the latest blocks, and older entries are missing from it.
 */
export function HistoryNotice({ histories }: { histories: (History<unknown> | undefined)[] }) {
  const fallback = histories.find((history) => history?.source === "chain");
  if (fallback?.source !== "chain") return null;
  const blocks = (fallback.range.toBlock - fallback.range.fromBlock + 1n).toLocaleString("en-US");
  return (
    <p className="notice warn" data-testid="history-fallback">
      {fallback.reason === "unconfigured" ? "This app has no indexer configured" : "The indexer cannot be reached"}: the history below is read from the chain and covers
      only the latest {blocks} blocks (from block {fallback.range.fromBlock.toString()}); anything older is not shown.
    </p>
  );
}
