/** What `/v1/health` reports as degraded about a running node, with the reason. */
import type { HealthIssue } from "../api/types";
import type { WatcherStatus } from "../chain/watcher";
import type { LandedSyncStatus } from "../network/landedSync";

const WATCHER_FAILURES_DEGRADED = 3;
const LAG_BLOCKS_DEGRADED = 20;
const LANDED_BEHIND_DEGRADED_MS = 30_000;

/** Reads a node is behind or missing, for `/v1/health` (degraded, with the reason). */
export function nodeHealthIssues(watcher: WatcherStatus, landed: LandedSyncStatus | undefined, now: number, confirmations: number): HealthIssue[] {
  const issues: HealthIssue[] = [];
  if (watcher.fatalError !== undefined) issues.push({ severity: "degraded", reason: `The watcher stopped: ${watcher.fatalError} Resync the node.` });
  else if (watcher.consecutiveFailures >= WATCHER_FAILURES_DEGRADED) {
    const error = (watcher.lastError ?? "").split("\n")[0];
    issues.push({ severity: "degraded", reason: `The watcher's last ${watcher.consecutiveFailures} chain reads failed: ${error}` });
  }
  if (watcher.lagBlocks !== undefined && watcher.lagBlocks > confirmations + LAG_BLOCKS_DEGRADED) {
    issues.push({ severity: "degraded", reason: `The watcher is ${watcher.lagBlocks} blocks behind the chain head.` });
  }
  if (landed !== undefined) {
    if (landed.behindSince !== undefined && now - landed.behindSince >= LANDED_BEHIND_DEGRADED_MS) {
      issues.push({ severity: "degraded", reason: `Landed batches recorded up to nonce ${landed.recordedNonce}; the chain is at ${landed.chainNonce}.` });
    }
    if (landed.missingRationales.length > 0) {
      const nonces = landed.missingRationales.slice(0, 5).join(", ") + (landed.missingRationales.length > 5 ? ", …" : "");
      issues.push({
        severity: "degraded",
        reason: `${landed.missingRationales.length} landed batches lack their rationales here (nonces ${nonces}): no proofs for their items yet.`,
      });
    }
  }
  return issues;
}
