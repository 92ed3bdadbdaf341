/**
 * The chain watcher's persistence on the node's SQLite store. Each step — submissions from orphaned
 * blocks, new submissions, the checkpoint — is committed in one transaction, so a crash at any
 * instant neither loses a `Submitted` event nor records one twice.
 */
import { getAddress } from "ethers";
import { type ChainLogger, silentLogger } from "../ports/runtime";
import type { WatchedSubmission, WatcherCheckpoint, WatcherStep, WatcherStore } from "../ports/watcherStore";
import type { Store, SubmissionRecord } from "./index";

export class SqliteWatcherStore implements WatcherStore {
  constructor(
    private readonly store: Pick<Store, "transaction" | "submissions" | "batches" | "cursor" | "watcherBlocks">,
    private readonly logger: ChainLogger = silentLogger,
  ) {}

  loadCheckpoint(): WatcherCheckpoint | undefined {
    const recent = this.store.watcherBlocks.list();
    if (recent.length > 0) return { cursor: recent[recent.length - 1], recent };
    const cursor = this.store.cursor.get();
    if (cursor === undefined) return undefined;
    const ref = { blockNumber: cursor.blockNumber, blockHash: cursor.blockHash };
    return { cursor: ref, recent: [ref] };
  }

  submissionsAfter(blockNumber: number): WatchedSubmission[] {
    return this.store.submissions.listAfterBlock(blockNumber).map(watched);
  }

  /**
   * Removed submissions become `removed` (a live batch holding one is abandoned first, so the
   * submission can never be scored under its old identity); added ones are recorded (an id that a
   * reorg gave to other content loses its evaluations and is evaluated again); then the checkpoint.
   */
  commit(step: WatcherStep): void {
    this.store.transaction(() => {
      for (const submission of step.removed) this.remove(submission.id);
      for (const submission of step.added) this.store.submissions.record(submission);
      // The cursor table holds real blocks only; -1 ("before block 0") lives in watcher_blocks.
      if (step.checkpoint.cursor.blockNumber >= 0) this.store.cursor.set(step.checkpoint.cursor);
      this.store.watcherBlocks.replace(step.checkpoint.recent);
    });
  }

  private remove(id: bigint): void {
    const batch = this.store.batches.liveBatchOf(id);
    if (batch !== undefined && batch.state !== "landed") {
      this.store.batches.transition(batch.id, "abandoned");
      const context = { submissionId: id.toString(), batchNonce: batch.nonce.toString(), batchState: batch.state, txHash: batch.txHash };
      if (batch.txHash === null) this.logger.warn(context, "a reorg removed a batched submission; its batch is abandoned");
      // The transaction may still be mined; the batcher reconciles whatever it finds on-chain.
      else this.logger.error(context, "a reorg removed a submission of a batch already sent; its batch is abandoned");
    }
    const record = this.store.submissions.get(id);
    if (record === undefined || record.status === "removed") return;
    if (record.status === "scored") {
      this.logger.error({ submissionId: id.toString() }, "a reorg removed a submission already scored on-chain; left as scored");
      return;
    }
    this.store.submissions.setStatus(id, "removed");
  }
}

function watched(record: SubmissionRecord): WatchedSubmission {
  return {
    id: record.id,
    author: getAddress(record.author),
    contentHash: record.contentHash,
    category: record.category,
    blockNumber: record.blockNumber,
    blockHash: record.blockHash,
    txHash: record.txHash,
    logIndex: record.logIndex,
  };
}
