/**
 * In-memory implementations of the chain adapters' persistence, for tests and for a node run
 * without a database. They keep the same contracts the SQLite implementations must keep.
 */
import { CashKeyError } from "../errors";
import type { BatchLedger, BatchLedgerEntry, PostOutcome, SentTransaction } from "../ports/batchLedger";
import type { WatchedSubmission, WatcherCheckpoint, WatcherStep, WatcherStore } from "../ports/watcherStore";

export class MemoryWatcherStore implements WatcherStore {
  private checkpoint: WatcherCheckpoint | undefined;
  private readonly byId = new Map<bigint, WatchedSubmission>();
  /** Every committed step, in order. */
  readonly steps: WatcherStep[] = [];

  loadCheckpoint(): WatcherCheckpoint | undefined {
    return this.checkpoint && structuredClone(this.checkpoint);
  }

  submissionsAfter(blockNumber: number): WatchedSubmission[] {
    return [...this.byId.values()].filter((s) => s.blockNumber > blockNumber);
  }

  /** Refuses a submission id delivered twice without being removed in between, as a unique key would. */
  commit(step: WatcherStep): void {
    for (const submission of step.added) {
      if (this.byId.has(submission.id) && !step.removed.some((r) => r.id === submission.id)) {
        throw new CashKeyError(`Submission ${submission.id} was delivered twice.`);
      }
    }
    for (const submission of step.removed) this.byId.delete(submission.id);
    for (const submission of step.added) this.byId.set(submission.id, submission);
    this.checkpoint = structuredClone(step.checkpoint);
    this.steps.push(structuredClone(step));
  }

  /** The current submissions, by id. */
  submissions(): WatchedSubmission[] {
    return [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

export class MemoryBatchLedger implements BatchLedger {
  private readonly entries = new Map<string, BatchLedgerEntry>();

  get(batchId: string): BatchLedgerEntry | undefined {
    const entry = this.entries.get(batchId);
    return entry && { ...entry };
  }

  recordSent(batchId: string, batchNonce: bigint, tx: SentTransaction): void {
    const entry = this.entries.get(batchId) ?? { batchId, batchNonce };
    this.entries.set(batchId, { ...entry, sent: { ...tx }, outcome: undefined });
  }

  recordOutcome(batchId: string, batchNonce: bigint, outcome: PostOutcome): void {
    const entry = this.entries.get(batchId) ?? { batchId, batchNonce };
    this.entries.set(batchId, { ...entry, outcome });
  }
}
