import { useRuntimeConfig } from "../config/context";
import type { History } from "../lib/history";

/**
 * Said once above a page's history when any of it was read from the chain instead of the indexer: that
 * list covers only the latest blocks, and older entries are missing from it.
 */
export function HistoryNotice({ histories }: { histories: (History<unknown> | undefined)[] }) {
  const { deployBlock } = useRuntimeConfig();
  const fallback = histories.find((history) => history?.source === "chain");
  if (fallback?.source !== "chain") return null;
  const { fromBlock, toBlock } = fallback.range;
  const blocks = (toBlock - fromBlock + 1n).toLocaleString("en-US");
  return (
    <p className="notice warn" data-testid="history-fallback">
      {fallback.reason === "unconfigured" ? "This app has no indexer configured" : "The indexer cannot be reached"}: the history below is read from the chain
      {fromBlock <= deployBlock
        ? `, all ${blocks} blocks since the deployment.`
        : ` and covers only the latest ${blocks} blocks (from block ${fromBlock.toString()}); anything older is not shown.`}
    </p>
  );
}
