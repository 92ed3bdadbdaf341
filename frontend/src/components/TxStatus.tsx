import type { Transaction, TransactionState } from "../hooks/useTransaction";
import { formatEth, shortHash } from "../lib/format";
import { TxLink } from "./TxLink";

const TEXT = {
  checking: "Checking that it can succeed",
  signing: "Waiting for your wallet to sign",
  pending: "Sent; waiting for the block",
  confirmed: "Confirmed",
  failed: "Failed",
} as const;

/** The review step: what will happen, the fee, who pays; nothing is signed before "Confirm". */
function Review({ tx }: { tx: Transaction }) {
  const { label, review } = tx.state;
  if (!review) return null;
  return (
    <section className="review" role="group" aria-labelledby="review-title" data-testid="tx-review">
      <h3 id="review-title">Review: {label}</h3>
      <dl>
        <dt>What will happen</dt>
        <dd data-testid="review-summary">{review.summary}</dd>
        <dt>Network fee</dt>
        <dd data-testid="review-fee">
          {review.payer === "relayer"
            ? "None for you: the oracle's relayer pays the gas (gasless)."
            : review.feeWei === undefined
              ? "Paid by your wallet; it shows the amount before you sign."
              : `About ${formatEth(review.feeWei)} ETH, paid by your wallet.`}
        </dd>
      </dl>
      <p className="muted small">The transaction was simulated against the chain: it would succeed now.</p>
      <div className="actions">
        <button type="button" onClick={tx.confirm} autoFocus>
          Confirm and sign
        </button>
        <button type="button" className="secondary" onClick={tx.cancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}

/** Live status of one transaction (with its review step when given the whole transaction); errors are announced to screen readers. */
export function TxStatus({ tx, state = tx?.state ?? { phase: "idle" } }: { tx?: Transaction; state?: TransactionState }) {
  if (state.phase === "idle") return null;
  if (state.phase === "review") return tx ? <Review tx={tx} /> : null;
  const failed = state.phase === "failed";
  return (
    <p className={`tx tx-${state.phase}`} role={failed ? "alert" : "status"} data-testid="tx-status">
      <strong>
        {state.label}: {TEXT[state.phase]}
      </strong>
      {state.hash && (
        <>
          {" "}
          · <TxLink hash={state.hash} />
        </>
      )}
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
