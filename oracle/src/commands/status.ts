/** `status`: what a node's API says about its health, and what its database holds. */
import fs from "node:fs";
import { CashKeyError } from "../errors";
import { type SubmissionStatus, openStore } from "../store";
import { fetchJsonWithDeadline } from "./fetchWithDeadline";

export interface NodeStatus {
  api: { url: string; reachable: boolean; health?: unknown };
  /** Set when there is no database at the configured path (the node may run with another data folder). */
  missingDatabase?: string;
  database?: {
    path: string;
    schemaVersion: number;
    submissions: Record<SubmissionStatus, number>;
    content: number;
    cursor: { blockNumber: number; blockHash: string; updatedAt: string } | null;
    lastBatch: { nonce: string; state: string; items: number; txHash: string | null; updatedAt: string } | null;
  };
}

/** Reads the node's `/v1/health` (if it answers) and its database (if it exists); fails when neither is there. */
export async function nodeStatus(url: string, dbPath: string): Promise<NodeStatus> {
  const health = await fetchHealth(url);
  const status: NodeStatus = { api: { url, reachable: health !== undefined, ...(health === undefined ? {} : { health }) } };
  if (fs.existsSync(dbPath)) {
    const store = openStore(dbPath);
    try {
      const cursor = store.cursor.get();
      const batch = store.batches.latest();
      status.database = {
        path: store.path,
        schemaVersion: store.schemaVersion(),
        submissions: store.submissions.countByStatus(),
        content: store.content.count(),
        cursor: cursor ? { blockNumber: cursor.blockNumber, blockHash: cursor.blockHash, updatedAt: new Date(cursor.updatedAt).toISOString() } : null,
        lastBatch: batch
          ? { nonce: batch.nonce.toString(), state: batch.state, items: batch.items.length, txHash: batch.txHash, updatedAt: new Date(batch.updatedAt).toISOString() }
          : null,
      };
    } finally {
      store.close();
    }
  } else {
    status.missingDatabase = dbPath;
  }
  if (health === undefined && status.database === undefined) {
    throw new CashKeyError(`No node answers at ${url} and there is no database at ${dbPath}.`);
  }
  return status;
}

export function formatStatus(status: NodeStatus): string {
  const lines: string[] = [];
  const health = status.api.health as { status?: string; chain?: { headBlock?: number | null; lagBlocks?: number | null }; operator?: string | null } | undefined;
  lines.push(
    health
      ? `node       ${status.api.url}: ${health.status} (head ${health.chain?.headBlock ?? "?"}, lag ${health.chain?.lagBlocks ?? "?"} blocks, operator ${health.operator ?? "?"})`
      : `node       ${status.api.url}: not answering`,
  );
  const db = status.database;
  if (db === undefined) {
    lines.push(
      `database   none at ${status.missingDatabase ?? "the configured path"}: run status with the node's settings (CASHKEY_ORACLE_DATA_DIR, CASHKEY_ORACLE_DB_PATH or --config) to see its submissions`,
    );
    return lines.join("\n");
  }
  lines.push(`database   ${db.path} (schema ${db.schemaVersion}, ${db.content} content items)`);
  lines.push(
    `submissions ${Object.entries(db.submissions)
      .map(([s, n]) => `${s} ${n}`)
      .join(", ")}`,
  );
  lines.push(db.cursor ? `cursor     block ${db.cursor.blockNumber} (${db.cursor.blockHash}) at ${db.cursor.updatedAt}` : "cursor     none yet");
  lines.push(
    db.lastBatch
      ? `last batch nonce ${db.lastBatch.nonce}, ${db.lastBatch.state}, ${db.lastBatch.items} items${db.lastBatch.txHash ? `, tx ${db.lastBatch.txHash}` : ""} at ${db.lastBatch.updatedAt}`
      : "last batch none yet",
  );
  return lines.join("\n");
}

async function fetchHealth(url: string): Promise<unknown> {
  try {
    return (await fetchJsonWithDeadline(new URL("/v1/health", url), 3000)).body;
  } catch {
    return undefined;
  }
}
