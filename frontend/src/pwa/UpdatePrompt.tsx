import { useState, useSyncExternalStore } from "react";
import { pendingUpdate, subscribePendingUpdate } from "./updateStore";

/** "A new version is available — Reload", while a new service worker waits; "Later" hides it. */
export function UpdatePrompt() {
  const update = useSyncExternalStore(subscribePendingUpdate, pendingUpdate);
  const [dismissed, setDismissed] = useState<object | null>(null);
  const [reloading, setReloading] = useState(false);
  if (!update || dismissed === update) return null;
  return (
    <div className="notice update-prompt" role="status" data-testid="update-prompt">
      <span>A new version is available.</span>{" "}
      <button
        type="button"
        disabled={reloading}
        onClick={() => {
          setReloading(true);
          void update.apply();
        }}
      >
        {reloading ? "Reloading…" : "Reload"}
      </button>{" "}
      <button type="button" className="secondary" onClick={() => setDismissed(update)}>
        Later
      </button>
    </div>
  );
}
