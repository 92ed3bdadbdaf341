import { useId, useState } from "react";
import { parseEther } from "viem";

/** A CKEY amount field with its action; refuses what is not a positive amount. */
export function AmountForm({ label, action, disabled, onSubmit }: { label: string; action: string; disabled?: boolean; onSubmit(amount: bigint): void }) {
  const id = useId();
  const [value, setValue] = useState("");
  let amount: bigint | undefined;
  try {
    amount = value.trim() ? parseEther(value.trim()) : undefined;
  } catch {
    amount = undefined;
  }
  const invalid = value.trim() !== "" && (amount === undefined || amount <= 0n);
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        if (amount !== undefined && amount > 0n) onSubmit(amount);
      }}
    >
      <label htmlFor={id}>{label}</label>
      <input id={id} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} aria-invalid={invalid} placeholder="0.0" />
      <button type="submit" disabled={disabled || amount === undefined || invalid}>
        {action}
      </button>
      {invalid && <p role="alert">Enter a positive amount of CKEY.</p>}
    </form>
  );
}
