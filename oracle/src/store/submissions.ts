import type { Database, Statement, Transaction } from "better-sqlite3";
import { StoreConflictError, StoreNotFoundError } from "./errors";
import { INT64_MAX, big, hexValue, idValue, num } from "./values";
import type { SubmissionEvent } from "../ports/watcherStore";

export const SUBMISSION_STATUSES = ["pending", "evaluated", "batched", "scored", "failed", "removed"] as const;
/**
 * pending: seen on-chain, not yet evaluated. evaluated: an ok evaluation exists. batched: in a
 * live batch. scored: in a landed batch. failed: evaluation given up. removed: its block left the
 * canonical chain (a reorg).
 */
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export interface SubmissionRecord extends SubmissionEvent {
  status: SubmissionStatus;
  seenAt: number;
  updatedAt: number;
}

/**
 * created: first sighting. unchanged: the same event again. restored: the same event again after
 * it was marked removed. moved: the same submission in another block (a reorg re-included it).
 * replaced: a reorg gave the id to another submission; its evaluations were dropped.
 */
export type RecordOutcome = "created" | "unchanged" | "restored" | "moved" | "replaced";

interface SubmissionRow {
  id: bigint;
  author: string;
  content_hash: string;
  category: bigint;
  block_number: bigint;
  block_hash: string;
  tx_hash: string;
  log_index: bigint;
  status: SubmissionStatus;
  seen_at: bigint;
  updated_at: bigint;
}

const COLUMNS = "id, author, content_hash, category, block_number, block_hash, tx_hash, log_index, status, seen_at, updated_at";

export class SubmissionRepository {
  private readonly insert: Statement;
  private readonly select: Statement;
  private readonly updateEvent: Statement;
  private readonly updateStatus: Statement;
  private readonly byStatus: Statement;
  private readonly afterBlock: Statement;
  private readonly evaluatedInOrder: Statement;
  private readonly statusCounts: Statement;
  private readonly removeFrom: Statement;
  private readonly hasOkEvaluation: Statement;
  private readonly inLiveBatch: Statement;
  private readonly dropEvaluations: Statement;
  private readonly highestEvaluated: Statement;
  private readonly withContent: Statement;
  private readonly evaluatedAfter: Statement;
  private readonly rewindTx: Transaction<(afterId: bigint) => bigint[]>;
  private readonly recordTx: Transaction<(event: SubmissionEvent) => { outcome: RecordOutcome; record: SubmissionRecord }>;
  private readonly removeTx: Transaction<(blockNumber: number) => bigint[]>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare(
      `INSERT INTO submissions (${COLUMNS}) VALUES (@id, @author, @content_hash, @category, @block_number, @block_hash, @tx_hash, @log_index, 'pending', @now, @now)`,
    );
    this.select = db.prepare(`SELECT ${COLUMNS} FROM submissions WHERE id = ?`);
    this.updateEvent = db.prepare(
      `UPDATE submissions SET author = @author, content_hash = @content_hash, category = @category, block_number = @block_number,
         block_hash = @block_hash, tx_hash = @tx_hash, log_index = @log_index, status = @status, updated_at = @now WHERE id = @id`,
    );
    this.updateStatus = db.prepare("UPDATE submissions SET status = ?, updated_at = ? WHERE id = ?");
    this.byStatus = db.prepare(`SELECT ${COLUMNS} FROM submissions WHERE status = ? AND id > ? ORDER BY id LIMIT ?`);
    this.afterBlock = db.prepare(`SELECT ${COLUMNS} FROM submissions WHERE block_number > ? AND status <> 'removed' ORDER BY block_number, log_index`);
    this.evaluatedInOrder = db.prepare(
      `SELECT s.id, s.author, s.content_hash FROM submissions s
         JOIN (SELECT submission_id, min(created_at) AS first FROM evaluations WHERE status = 'ok' GROUP BY submission_id) e
           ON e.submission_id = s.id
       WHERE s.status IN ('evaluated', 'batched', 'scored')
       ORDER BY s.id`,
    );
    this.withContent = db.prepare("SELECT 1 FROM submissions WHERE content_hash = ? AND author = ? AND status <> 'removed' LIMIT 1").pluck();
    this.highestEvaluated = db.prepare("SELECT max(id) FROM submissions WHERE status IN ('evaluated', 'batched', 'scored')").pluck().safeIntegers(true);
    this.evaluatedAfter = db.prepare(
      `SELECT id FROM submissions WHERE status = 'evaluated' AND id > ?
         AND NOT EXISTS (SELECT 1 FROM batch_items b WHERE b.submission_id = submissions.id AND b.live = 1) ORDER BY id`,
    );
    this.rewindTx = db.transaction((afterId: bigint) => {
      const ids = (this.evaluatedAfter.all(afterId) as { id: bigint }[]).map((row) => big(row.id));
      for (const id of ids) {
        this.dropEvaluations.run(id);
        this.updateStatus.run("pending", this.now(), id);
      }
      return ids;
    });
    this.statusCounts = db.prepare("SELECT status, count(*) AS n FROM submissions GROUP BY status");
    this.removeFrom = db.prepare(
      `UPDATE submissions SET status = 'removed', updated_at = ? WHERE block_number >= ? AND status IN ('pending', 'evaluated', 'failed') RETURNING id`,
    );
    this.hasOkEvaluation = db.prepare("SELECT 1 FROM evaluations WHERE submission_id = ? AND status = 'ok'").pluck();
    this.inLiveBatch = db.prepare("SELECT 1 FROM batch_items WHERE submission_id = ? AND live = 1").pluck();
    this.dropEvaluations = db.prepare("DELETE FROM evaluations WHERE submission_id = ?");
    this.recordTx = db.transaction((event) => this.recordInTx(event));
    this.removeTx = db.transaction((blockNumber) => (this.removeFrom.all(this.now(), blockNumber) as { id: bigint }[]).map((row) => row.id));
  }

  /** Records a `Submitted` event; safe to call again for the same event (see RecordOutcome). */
  record(event: SubmissionEvent): { outcome: RecordOutcome; record: SubmissionRecord } {
    return this.recordTx.immediate(event);
  }

  get(id: bigint): SubmissionRecord | undefined {
    if (id < 1n || id > INT64_MAX) return undefined;
    const row = this.select.get(id) as SubmissionRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** Submissions with `status`, by ascending id, after `afterId`. */
  listByStatus(status: SubmissionStatus, options: { afterId?: bigint; limit?: number } = {}): SubmissionRecord[] {
    return (this.byStatus.all(status, options.afterId ?? 0n, options.limit ?? 100) as SubmissionRow[]).map(toRecord);
  }

  /** Submissions not marked removed whose event sits above `blockNumber`, in chain order. */
  listAfterBlock(blockNumber: number): SubmissionRecord[] {
    return (this.afterBlock.all(blockNumber) as SubmissionRow[]).map(toRecord);
  }

  /**
   * Submissions with an ok evaluation that still count (evaluated, batched or scored), by ascending
   * id: the on-chain order, in which a node's duplicate index learns their content.
   */
  listEvaluatedInOrder(): { id: bigint; author: string; contentHash: string }[] {
    return (this.evaluatedInOrder.all() as { id: bigint; author: string; content_hash: string }[]).map((row) => ({
      id: big(row.id),
      author: row.author,
      contentHash: row.content_hash,
    }));
  }

  setStatus(id: bigint, status: SubmissionStatus): void {
    const info = this.updateStatus.run(status, this.now(), idValue("id", id));
    if (info.changes === 0) throw new StoreNotFoundError(`Submission ${id} is unknown.`);
  }

  /**
   * A reorg dropped every block from `blockNumber` on: marks the submissions seen there as removed
   * unless they are batched or scored (their batches decide those). Returns the ids marked.
   */
  markRemovedFrom(blockNumber: number): bigint[] {
    return this.removeTx.immediate(blockNumber);
  }

  /** Whether `author` has a submission of `contentHash` on-chain (seen by the watcher, not removed). */
  existsWithContent(contentHash: string, author: string): boolean {
    return this.withContent.get(hexValue("contentHash", contentHash, 32), hexValue("author", author, 20)) !== undefined;
  }

  /** The highest id evaluated so far (evaluated, batched or scored), if any. */
  highestEvaluatedId(): bigint | undefined {
    const id = this.highestEvaluated.get() as bigint | null;
    return id === null ? undefined : id;
  }

  /**
   * Returns evaluated submissions after `afterId` that no live batch holds to `pending`, their
   * evaluations dropped, so they are evaluated again after it (content for an earlier id arrived
   * late: duplicates are attributed in id order). Returns the ids returned to the queue.
   */
  rewindEvaluatedAfter(afterId: bigint): bigint[] {
    return this.rewindTx.immediate(idValue("afterId", afterId));
  }

  countByStatus(): Record<SubmissionStatus, number> {
    const counts = Object.fromEntries(SUBMISSION_STATUSES.map((s) => [s, 0])) as Record<SubmissionStatus, number>;
    for (const row of this.statusCounts.all() as { status: SubmissionStatus; n: bigint }[]) counts[row.status] = num(row.n);
    return counts;
  }

  private recordInTx(event: SubmissionEvent): { outcome: RecordOutcome; record: SubmissionRecord } {
    const params = {
      id: idValue("id", event.id),
      author: hexValue("author", event.author, 20),
      content_hash: hexValue("contentHash", event.contentHash, 32),
      category: event.category,
      block_number: event.blockNumber,
      block_hash: hexValue("blockHash", event.blockHash, 32),
      tx_hash: hexValue("txHash", event.txHash, 32),
      log_index: event.logIndex,
      now: this.now(),
    };
    const existing = this.select.get(params.id) as SubmissionRow | undefined;
    if (existing === undefined) {
      this.insert.run(params);
      return { outcome: "created", record: this.mustGet(params.id) };
    }
    const sameSubmission = existing.author === params.author && existing.content_hash === params.content_hash && num(existing.category) === params.category;
    const sameEvent = sameSubmission && existing.block_hash === params.block_hash && existing.tx_hash === params.tx_hash && num(existing.log_index) === params.log_index;
    if (sameEvent && existing.status !== "removed") return { outcome: "unchanged", record: toRecord(existing) };

    let status: SubmissionStatus = existing.status;
    if (!sameSubmission) {
      if (this.inLiveBatch.get(params.id) !== undefined) {
        throw new StoreConflictError(`Submission ${params.id} changed in a reorg while in a live batch.`, {
          details: "abandon the batch before recording the new event",
        });
      }
      this.dropEvaluations.run(params.id);
      status = "pending";
    } else if (existing.status === "removed") {
      status = this.hasOkEvaluation.get(params.id) !== undefined ? "evaluated" : "pending";
    }
    this.updateEvent.run({ ...params, status });
    const outcome: RecordOutcome = !sameSubmission ? "replaced" : sameEvent ? "restored" : "moved";
    return { outcome, record: this.mustGet(params.id) };
  }

  private mustGet(id: bigint): SubmissionRecord {
    const record = this.get(id);
    if (record === undefined) throw new StoreNotFoundError(`Submission ${id} is unknown.`);
    return record;
  }
}

function toRecord(row: SubmissionRow): SubmissionRecord {
  return {
    id: big(row.id),
    author: row.author,
    contentHash: row.content_hash,
    category: num(row.category),
    blockNumber: num(row.block_number),
    blockHash: row.block_hash,
    txHash: row.tx_hash,
    logIndex: num(row.log_index),
    status: row.status,
    seenAt: num(row.seen_at),
    updatedAt: num(row.updated_at),
  };
}
