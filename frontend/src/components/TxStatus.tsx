import type { TransactionState } from "../hooks/useTransaction";
import { shortHash } from "../lib/format";

const TEXT = {
  signing: "Waiting for your wallet to sign",
  pending: "Sent; waiting for the block",
  confirmed: "Confirmed",
  failed: "Failed",
} as const;

/** Live status of one transaction; errors are announced to screen readers. */
export function TxStatus({ state }: { state: TransactionState }) {
  if (state.phase === "idle") return null;
  const failed = state.phase === "failed";
  return (
    <p className={`tx tx-${state.phase}`} role={failed ? "alert" : "status"} data-testid="tx-status">
      <strong>
        {state.label}: {TEXT[state.phase]}
      </strong>
      {state.hash && <span className="mono"> · tx {shortHash(state.hash)}</span>}
      {state.paidBy && (
        <span data-testid="tx-paid-by">
          {" "}
          · gas paid by the oracle's relayer <span className="mono">{shortHash(state.paidBy)}</span>
        </span>
      )}
      {state.message && <span> — {state.message}</span>}
    </p>
  );
}
