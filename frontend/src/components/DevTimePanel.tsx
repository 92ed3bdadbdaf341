import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { usePublicClient } from "wagmi";
import { useRuntimeConfig } from "../config/context";
import { CHAIN_QUERY, useChainTime, useEpoch } from "../hooks/useChain";
import { DEV_CHAIN_ID } from "../lib/devConnector";
import { formatDuration, formatTimestamp } from "../lib/format";

const STEPS = [
  ["+10 min", 600],
  ["+1 h", 3_600],
  ["+1 d", 86_400],
  ["+7 d", 7 * 86_400],
] as const;

/**
 * Local trial only (chain 31337): moves the local chain's clock forward (`evm_increaseTime` +
 * `evm_mine`, which only a local development node accepts), so a newcomer sees a vote pass, a queue,
 * an execution or a claim in minutes instead of days. Never rendered on any other chain.
 */
export function DevTimePanel() {
  const runtime = useRuntimeConfig();
  const client = usePublicClient({ chainId: runtime.chainId });
  const queryClient = useQueryClient();
  const now = useChainTime().data;
  const epoch = useEpoch().data;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (runtime.chainId !== DEV_CHAIN_ID || !client) return null;

  async function advance(seconds: number) {
    setBusy(true);
    setError(undefined);
    try {
      const request = client!.request as unknown as (args: { method: string; params: unknown[] }) => Promise<unknown>;
      await request({ method: "evm_increaseTime", params: [seconds] });
      await request({ method: "evm_mine", params: [] });
      await queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] });
    } catch (e) {
      setError(`The local node refused: ${(e as Error).message.split("\n")[0]}`);
    } finally {
      setBusy(false);
    }
  }

  const toNextEpoch = epoch && now !== undefined && epoch.closesAt > now ? Number(epoch.closesAt - now) + 1 : undefined;
  return (
    <aside className="devpanel" aria-labelledby="devpanel-title" data-testid="dev-panel">
      <h2 id="devpanel-title">
        <span className="badge dev">DEV</span> Local chain {DEV_CHAIN_ID} only: move the clock
      </h2>
      <p className="small">
        Chain time: <span data-testid="dev-chain-time">{now === undefined ? "…" : formatTimestamp(now)}</span>. Skips waiting for voting periods, the Timelock delay,
        unstake cooldowns and epochs. A real network has no such button.
      </p>
      <div className="actions">
        {STEPS.map(([label, seconds]) => (
          <button key={label} type="button" className="secondary" disabled={busy} onClick={() => void advance(seconds)}>
            {label}
          </button>
        ))}
        {toNextEpoch !== undefined && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void advance(toNextEpoch)}>
            To the next epoch ({formatDuration(toNextEpoch)})
          </button>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
    </aside>
  );
}
