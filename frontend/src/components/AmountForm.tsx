import { useId, useState } from "react";
import { formatEther, parseEther } from "viem";
import { formatTokens } from "../lib/format";

/**
 * A CKEY amount field with its action: refuses what is not a positive amount or more than `max`, offers
 * a Max button, shows `warn(amount)` as the user types, and empties itself once the action succeeded.
 */
export function AmountForm({
  label,
  action,
  disabled,
  max,
  maxLabel = "available",
  warn,
  onSubmit,
}: {
  label: string;
  action: string;
  disabled?: boolean;
  /** The most the action accepts (the balance, the stake); enables the Max button. */
  max?: bigint;
  maxLabel?: string;
  warn?(amount: bigint): string | undefined;
  /** Resolves truthy when the action succeeded (the field then resets). */
  onSubmit(amount: bigint): Promise<unknown> | void;
}) {
  const id = useId();
  const [value, setValue] = useState("");
  let amount: bigint | undefined;
  try {
    amount = value.trim() ? parseEther(value.trim().replace(/,/g, "")) : undefined;
  } catch {
    amount = undefined;
  }
  const invalid = value.trim() !== "" && (amount === undefined || amount <= 0n);
  const tooMuch = !invalid && amount !== undefined && max !== undefined && amount > max;
  const warning = !invalid && !tooMuch && amount !== undefined && amount > 0n ? warn?.(amount) : undefined;
  return (
    <form
      className="inline"
      onSubmit={async (e) => {
        e.preventDefault();
        if (amount === undefined || amount <= 0n || tooMuch) return;
        if (await onSubmit(amount)) setValue("");
      }}
    >
      <label htmlFor={id}>{label}</label>
      <div className="amount">
        <input id={id} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} aria-invalid={invalid || tooMuch} placeholder="0.0" />
        {max !== undefined && (
          <button type="button" className="secondary" onClick={() => setValue(formatEther(max))} disabled={max === 0n} aria-label={`Max: ${maxLabel}`}>
            Max
          </button>
        )}
      </div>
      <button type="submit" disabled={disabled || amount === undefined || invalid || tooMuch}>
        {action}
      </button>
      {max !== undefined && (
        <p className="muted small">
          {formatTokens(max)} CKEY {maxLabel}
        </p>
      )}
      {invalid && <p role="alert">Enter a positive amount of CKEY.</p>}
      {tooMuch && (
        <p role="alert">
          That is more than the {formatTokens(max)} CKEY {maxLabel}.
        </p>
      )}
      {warning && (
        <p className="banner warn" role="alert" data-testid="amount-warning">
          {warning}
        </p>
      )}
    </form>
  );
}
