import { useEffect, useState } from "react";
import { type ActivityEntry, clearActivity, dismissActivity, useActivity } from "../lib/activity";
import { TxLink } from "./TxLink";

const PHASE = { signing: "waiting for signature", pending: "pending", confirmed: "confirmed", failed: "failed" } as const;
/** How long a finished transaction's toast stays up (a pending one stays until it finishes). */
const TOAST_MS = 8_000;

function Line({ entry }: { entry: ActivityEntry }) {
  return (
    <>
      <strong>{entry.label}</strong> <span className={`badge phase-${entry.phase}`}>{PHASE[entry.phase]}</span>
      {entry.hash && (
        <>
          {" "}
          <TxLink hash={entry.hash} />
        </>
      )}
      {entry.paidBy && <span className="muted"> · gasless</span>}
      {entry.message && entry.phase === "failed" && <span> — {entry.message}</span>}
    </>
  );
}

/** Toasts for the session's transactions: a live region, so screen readers hear each change. */
export function Toasts() {
  const entries = useActivity();
  const [now, setNow] = useState(() => Date.now());
  const visible = entries.filter((e) => e.phase === "signing" || e.phase === "pending" || now - e.at < TOAST_MS).slice(0, 3);
  useEffect(() => {
    if (visible.length === 0) return;
    const timer = setTimeout(() => setNow(Date.now()), 1_000);
    return () => clearTimeout(timer);
  });
  useEffect(() => setNow(Date.now()), [entries]);
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {visible.map((entry) => (
        <div key={entry.id} className={`toast toast-${entry.phase}`} role="status">
          <Line entry={entry} />
          <button type="button" className="link" aria-label="Dismiss notice" onClick={() => dismissActivity(entry.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** The session's transactions, newest first, in the header. */
export function ActivityPanel() {
  const entries = useActivity();
  if (entries.length === 0) return null;
  const open = entries.filter((e) => e.phase === "signing" || e.phase === "pending").length;
  return (
    <details className="activity" data-testid="activity">
      <summary>
        Activity ({entries.length}
        {open > 0 ? `, ${open} open` : ""})
      </summary>
      <ol className="list">
        {entries.map((entry) => (
          <li key={entry.id}>
            <Line entry={entry} /> <span className="muted small">{new Date(entry.at).toLocaleTimeString()}</span>
          </li>
        ))}
      </ol>
      <button type="button" className="secondary" onClick={clearActivity}>
        Clear
      </button>
    </details>
  );
}
