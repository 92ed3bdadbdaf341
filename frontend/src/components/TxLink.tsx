import type { Hash } from "viem";
import { useRuntimeConfig } from "../config/context";
import { shortHash } from "../lib/format";

/** A transaction hash, linked to the deployment's block explorer when `/config.json` names one. */
export function TxLink({ hash }: { hash: Hash | string }) {
  const { explorerUrl } = useRuntimeConfig();
  const text = <span className="mono">tx {shortHash(hash)}</span>;
  if (!explorerUrl) return <span title={hash}>{text}</span>;
  return (
    <a href={`${explorerUrl}/tx/${hash}`} target="_blank" rel="noopener noreferrer" data-testid="explorer-link" title={hash}>
      {text}
      <span className="sr-only"> (opens the block explorer)</span>
    </a>
  );
}
