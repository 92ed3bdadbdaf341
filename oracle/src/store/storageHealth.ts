/**
 * Whether the node can store: a write that fails because the disk is full, the file system turned
 * read-only or the file cannot be written (SQLite's FULL, IOERR, READONLY and CANTOPEN codes) marks
 * the store unwritable until a later write succeeds. The API answers such a failure with 503
 * `storage_unavailable` (not a 500: it is the machine, not a bug), `/v1/health` reports the node
 * `down` with the reason, and `cashkey_oracle_storage_writable` drops to 0 for the alert.
 */
import type { Counter, Gauge } from "prom-client";

const STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/;

/** The SQLite code of a storage failure in `error` or its causes, if it is one. */
export function storageFailureCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && STORAGE_CODES.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export class StorageHealth {
  private failure: { code: string; since: number } | undefined;

  constructor(
    private readonly metrics?: { storageWriteFailures: Counter<"code">; storageWritable: Gauge },
    private readonly now: () => number = Date.now,
  ) {
    metrics?.storageWritable.set(1);
  }

  /** Records `error` if it is a storage failure; returns its code then. */
  failed(error: unknown): string | undefined {
    const code = storageFailureCode(error);
    if (code === undefined) return undefined;
    this.failure ??= { code, since: this.now() };
    this.failure.code = code;
    this.metrics?.storageWriteFailures.inc({ code });
    this.metrics?.storageWritable.set(0);
    return code;
  }

  /** A write went through: the store is writable (again). */
  succeeded(): void {
    if (this.failure === undefined) return;
    this.failure = undefined;
    this.metrics?.storageWritable.set(1);
  }

  /** Why the node cannot store, or undefined when it can. */
  reason(): string | undefined {
    if (this.failure === undefined) return undefined;
    return `The database cannot store (${this.failure.code}: disk full, read-only or failing) since ${new Date(this.failure.since).toISOString()}.`;
  }
}
