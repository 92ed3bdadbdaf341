/**
 * The watcher's events and persistence (`WatcherStore`, implemented over SQLite in
 * store/watcherStore.ts): the types chain/ and store/ share, kept here so neither imports the other.
 */
import type { Awaitable } from "./runtime";

/** A `Submitted` event as the watcher saw it. */
export interface SubmissionEvent {
  id: bigint;
  author: string;
  contentHash: string;
  category: number;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
}

/** A block the watcher processed, identified by height and hash. */
export interface BlockRef {
  blockNumber: number;
  blockHash: string;
}

/** What the watcher persists between runs. */
export interface WatcherCheckpoint {
  /** The last processed block: every `Submitted` event up to and including it has been committed. */
  cursor: BlockRef;
  /** Recently processed blocks, ascending by height, ending with `cursor`: where a reorg walks back to. */
  recent: BlockRef[];
}

/** One `Submitted` event, located in its block (the store records exactly this). */
export type WatchedSubmission = SubmissionEvent;

/** One unit of progress, to be applied atomically. */
export interface WatcherStep {
  /** Submissions from orphaned blocks, newest first: forget them (and whatever was derived from them). */
  removed: WatchedSubmission[];
  /** New submissions from canonical blocks, in chain order. */
  added: WatchedSubmission[];
  checkpoint: WatcherCheckpoint;
}

/**
 * The watcher's persistence. The SQLite implementation runs `commit` in one transaction: then a
 * crash at any point neither loses a submission nor delivers one twice.
 */
export interface WatcherStore {
  /** The checkpoint of the last commit, or undefined before the first. */
  loadCheckpoint(): Awaitable<WatcherCheckpoint | undefined>;
  /** Submissions committed from blocks above `blockNumber` (the ones a reorg down to it orphans). */
  submissionsAfter(blockNumber: number): Awaitable<WatchedSubmission[]>;
  /** Deletes `removed`, inserts `added`, saves `checkpoint`. */
  commit(step: WatcherStep): Awaitable<void>;
}
