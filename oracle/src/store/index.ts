/**
 * The node's SQLite store: one file per node, WAL journal, `synchronous=FULL` (a committed write
 * survives a crash or power loss), foreign keys on, migrations applied at open.
 *
 * better-sqlite3 is synchronous, so a transaction cannot span an `await`: gather what a write
 * needs first, then call `transaction()`. Repository methods that write several rows run in
 * their own transaction and join an enclosing one (as a savepoint) when called inside it.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { BatchRepository } from "./batches";
import { BatchPostRepository } from "./batchPosts";
import { ChallengeRepository } from "./challenges";
import { ContentRepository } from "./content";
import { SqliteCopyStore } from "./copyIndex";
import { CursorRepository } from "./cursor";
import { StoreError } from "./errors";
import { EvaluationRepository } from "./evaluations";
import { LlmCacheRepository } from "./llmCache";
import { MIGRATIONS, migrate } from "./migrations";
import { RelayGasRepository, TelegramAccountRepository } from "./relay";
import { NetworkRepository } from "./network";
import { SubmissionRepository } from "./submissions";
import { TelegramNoticeRepository } from "./telegramNotices";
import { WatcherBlockRepository } from "./watcherBlocks";
import { num } from "./values";

export interface StoreOptions {
  /** Clock for the rows' timestamps (Unix ms). Default `Date.now`. */
  now?: () => number;
  /** How long a write waits for a lock held by another connection. Default 5000 ms. */
  busyTimeoutMs?: number;
}

export interface StorePragmas {
  journalMode: string;
  /** 2 = FULL */
  synchronous: number;
  foreignKeys: boolean;
}

export interface Store {
  readonly path: string;
  readonly content: ContentRepository;
  readonly submissions: SubmissionRepository;
  readonly evaluations: EvaluationRepository;
  readonly batches: BatchRepository;
  readonly cursor: CursorRepository;
  readonly llmCache: LlmCacheRepository;
  /** The chain watcher's recently processed blocks (its reorg window). */
  readonly watcherBlocks: WatcherBlockRepository;
  /** The batch poster's ledger. */
  readonly batchPosts: BatchPostRepository;
  /** The operator network: proposals, disputes, per-peer agreement. */
  readonly network: NetworkRepository;
  /** The relayer's gas ledger (per signer and epoch). */
  readonly relayGas: RelayGasRepository;
  /** Relayed accounts tied to Telegram users. */
  readonly telegramAccounts: TelegramAccountRepository;
  /** The Telegram bot's outbox and progress. */
  readonly telegramNotices: TelegramNoticeRepository;
  /** The duplicate index's storage (eval/duplicateIndex.ts). */
  readonly copies: SqliteCopyStore;
  /** Challenges of scores, their texts, appeal evaluations and verdict votes (oracle/src/challenges). */
  readonly challenges: ChallengeRepository;
  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE); a throw rolls everything back. */
  transaction<T>(fn: () => T): T;
  /** The latest applied migration. */
  schemaVersion(): number;
  /** A cheap read that fails when the database is unusable (for health checks). */
  ping(): void;
  pragmas(): StorePragmas;
  /**
   * Caps the database file at about `maxBytes` (SQLite `max_page_count`, this connection only): writes
   * past it fail with SQLITE_FULL, as on a full disk. Tests reproduce a full disk with it.
   */
  limitSize(maxBytes: number): void;
  close(): void;
}

/** Opens (creating when missing) the store at `file`; `":memory:"` gives a throwaway store without WAL. */
export function openStore(file: string, options: StoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  const inMemory = file === ":memory:";
  if (!inMemory) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (error) {
    throw new StoreError(`Cannot open the database at ${file}.`, { cause: error });
  }
  try {
    configure(db, inMemory, options.busyTimeoutMs ?? 5000);
    migrate(db, MIGRATIONS, now);
    probeWritable(db, file);
  } catch (error) {
    db.close();
    throw error;
  }
  db.defaultSafeIntegers(true);

  const version = db.prepare("SELECT max(version) FROM schema_migrations").pluck();
  const ping = db.prepare("SELECT count(*) FROM schema_migrations").pluck();
  return {
    path: inMemory ? file : path.resolve(file),
    content: new ContentRepository(db, now),
    submissions: new SubmissionRepository(db, now),
    evaluations: new EvaluationRepository(db, now),
    batches: new BatchRepository(db, now),
    cursor: new CursorRepository(db, now),
    llmCache: new LlmCacheRepository(db, now),
    watcherBlocks: new WatcherBlockRepository(db),
    batchPosts: new BatchPostRepository(db, now),
    network: new NetworkRepository(db, now),
    relayGas: new RelayGasRepository(db, now),
    telegramAccounts: new TelegramAccountRepository(db, now),
    telegramNotices: new TelegramNoticeRepository(db, now),
    copies: new SqliteCopyStore(db),
    challenges: new ChallengeRepository(db, now),
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    schemaVersion: () => num(version.get() as bigint),
    ping: () => void ping.get(),
    pragmas: () => ({
      journalMode: String(db.pragma("journal_mode", { simple: true })),
      synchronous: num(db.pragma("synchronous", { simple: true }) as bigint),
      foreignKeys: num(db.pragma("foreign_keys", { simple: true }) as bigint) === 1,
    }),
    limitSize: (maxBytes) => {
      const pageSize = num(db.pragma("page_size", { simple: true }) as bigint);
      db.pragma(`max_page_count = ${Math.max(1, Math.ceil(maxBytes / pageSize))}`);
    },
    close: () => db.close(),
  };
}

/**
 * A database the node can read but not write (a read-only file or file system) opens without error;
 * the first write would fail much later. Write once now (the header's user_version, unused) so that
 * the node refuses to start instead of starting and reporting itself healthy.
 */
function probeWritable(db: Database.Database, file: string): void {
  try {
    db.pragma(`user_version = ${Number(db.pragma("user_version", { simple: true }))}`);
  } catch (error) {
    throw new StoreError(`The database at ${file} cannot be written.`, { cause: error, details: (error as { code?: string }).code });
  }
}

function configure(db: Database.Database, inMemory: boolean, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  const journal = String(db.pragma("journal_mode = WAL", { simple: true }));
  if (!inMemory && journal !== "wal") {
    throw new StoreError("The database cannot use a write-ahead log.", { details: `journal_mode is ${journal}` });
  }
  db.pragma("synchronous = FULL");
  // The duplicate index's posting lists are read at random: a larger page cache and memory-mapped
  // reads keep a lookup in memory instead of one read call per page (docs/BENCHMARKS.md).
  db.pragma("cache_size = -131072");
  if (!inMemory) db.pragma("mmap_size = 4294967296");
  db.pragma("foreign_keys = ON");
  if (Number(db.pragma("synchronous", { simple: true })) !== 2 || Number(db.pragma("foreign_keys", { simple: true })) !== 1) {
    throw new StoreError("The database refused synchronous=FULL or foreign_keys=ON.");
  }
}

export { StoreConflictError, StoreError, StoreNotFoundError } from "./errors";
export { MIGRATIONS, type Migration } from "./migrations";
export type { ContentPutResult, ContentRecord, ContentSource } from "./content";
export { SUBMISSION_STATUSES } from "./submissions";
export type { RecordOutcome, SubmissionRecord, SubmissionStatus } from "./submissions";
export type { SubmissionEvent } from "../ports/watcherStore";
export type { EvaluationRecord, FailedEvaluation, FailedEvaluationRecord, FlagRecord, OkEvaluation, OkEvaluationRecord } from "./evaluations";
export { BATCH_STATES, BATCH_TRANSITIONS } from "./batches";
export type { BatchItemRecord, BatchRecord, BatchState, NewBatch, NewBatchItem } from "./batches";
export type { ChainCursor } from "./cursor";
export type { WatcherBlock } from "./watcherBlocks";
export type { BatchPostRecord } from "./batchPosts";
export type { NewTelegramNotice, TelegramNoticeRecord, TelegramNoticeState } from "./telegramNotices";
export { CHALLENGE_STATUSES, MAX_CHALLENGE_TEXT_CHARS } from "./challenges";
export type { ChallengeEvaluationRecord, ChallengeRecord, ChallengeResolution, ChallengeStatus, ChallengeVoteRecord, NewChallenge } from "./challenges";
export type { DisputeRecord, PeerAgreement, ProposalDecision, ProposalRole, StoredProposal } from "./network";
