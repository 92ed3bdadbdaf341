import type { Database, Statement, Transaction } from "better-sqlite3";
import type { SubScores } from "../eval/scorers/types";
import { StoreConflictError, StoreError, StoreNotFoundError } from "./errors";
import { big, hexValue, idValue, isWellFormed, num } from "./values";

/** A fraud or QA flag as stored (the evaluation core's `Flag` fits it). */
export interface FlagRecord {
  readonly code: string;
  readonly severity: string;
  readonly detail: string;
  readonly evidence?: Readonly<Record<string, string | number>>;
}

export interface OkEvaluation {
  submissionId: bigint;
  /** The evaluator hash (bytes32). */
  evaluator: string;
  /** The content that was evaluated; must be the submission's. */
  contentHash: string;
  score: number;
  points: number;
  subScores: SubScores;
  flags: readonly FlagRecord[];
  /** The exact JSON text whose keccak256 is the submission's leaf in the batch's rationale tree. */
  rationaleJson: string;
}

export interface FailedEvaluation {
  submissionId: bigint;
  evaluator: string;
  contentHash: string;
  /** For operators; never served by the API. */
  error: string;
  /** True when the node gives up: the submission's status becomes `failed`. */
  final: boolean;
}

interface RecordBase {
  submissionId: bigint;
  evaluator: string;
  contentHash: string;
  flags: FlagRecord[];
  attempts: number;
  createdAt: number;
  updatedAt: number;
}

export interface OkEvaluationRecord extends RecordBase {
  status: "ok";
  score: number;
  points: number;
  subScores: SubScores;
  rationaleJson: string;
  error: null;
}

export interface FailedEvaluationRecord extends RecordBase {
  status: "failed";
  score: null;
  points: null;
  subScores: null;
  rationaleJson: null;
  error: string | null;
}

export type EvaluationRecord = OkEvaluationRecord | FailedEvaluationRecord;

interface EvaluationRow {
  submission_id: bigint;
  evaluator: string;
  content_hash: string;
  status: "ok" | "failed";
  score: bigint | null;
  points: bigint | null;
  sub_scores: string | null;
  flags: string;
  rationale: string | null;
  attempts: bigint;
  error: string | null;
  created_at: bigint;
  updated_at: bigint;
}

const COLUMNS = "submission_id, evaluator, content_hash, status, score, points, sub_scores, flags, rationale, attempts, error, created_at, updated_at";

export class EvaluationRepository {
  private readonly select: Statement;
  private readonly selectAll: Statement;
  private readonly upsertOk: Statement;
  private readonly upsertFailure: Statement;
  private readonly submissionContent: Statement;
  private readonly markEvaluated: Statement;
  private readonly markFailed: Statement;
  private readonly okTx: Transaction<(e: OkEvaluation) => { created: boolean; record: OkEvaluationRecord }>;
  private readonly failureTx: Transaction<(f: FailedEvaluation) => EvaluationRecord>;
  private readonly rationalesTx: Transaction<(ids: readonly bigint[], evaluator: string) => Map<bigint, string>>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.select = db.prepare(`SELECT ${COLUMNS} FROM evaluations WHERE submission_id = ? AND evaluator = ?`);
    this.selectAll = db.prepare(`SELECT ${COLUMNS} FROM evaluations WHERE submission_id = ? ORDER BY updated_at DESC, evaluator`);
    this.upsertOk = db.prepare(
      `INSERT INTO evaluations (${COLUMNS})
       VALUES (@submission_id, @evaluator, @content_hash, 'ok', @score, @points, @sub_scores, @flags, @rationale, 1, NULL, @now, @now)
       ON CONFLICT (submission_id, evaluator) DO UPDATE SET
         content_hash = excluded.content_hash, status = 'ok', score = excluded.score, points = excluded.points,
         sub_scores = excluded.sub_scores, flags = excluded.flags, rationale = excluded.rationale,
         attempts = attempts + 1, error = NULL, updated_at = excluded.updated_at
       WHERE evaluations.status = 'failed'`,
    );
    this.upsertFailure = db.prepare(
      `INSERT INTO evaluations (${COLUMNS})
       VALUES (@submission_id, @evaluator, @content_hash, 'failed', NULL, NULL, NULL, '[]', NULL, 1, @error, @now, @now)
       ON CONFLICT (submission_id, evaluator) DO UPDATE SET
         attempts = attempts + 1, error = excluded.error, content_hash = excluded.content_hash, updated_at = excluded.updated_at
       WHERE evaluations.status = 'failed'`,
    );
    this.submissionContent = db.prepare("SELECT content_hash FROM submissions WHERE id = ?").pluck();
    this.markEvaluated = db.prepare("UPDATE submissions SET status = 'evaluated', updated_at = ? WHERE id = ? AND status IN ('pending', 'failed')");
    this.markFailed = db.prepare("UPDATE submissions SET status = 'failed', updated_at = ? WHERE id = ? AND status = 'pending'");
    this.okTx = db.transaction((e) => this.recordOkInTx(e));
    this.failureTx = db.transaction((f) => this.recordFailureInTx(f));
    this.rationalesTx = db.transaction((ids, evaluator) => {
      const out = new Map<bigint, string>();
      for (const id of ids) {
        const record = this.get(id, evaluator);
        if (record?.status === "ok") out.set(id, record.rationaleJson);
      }
      return out;
    });
  }

  /**
   * Records an ok evaluation and moves a pending or failed submission to `evaluated`. An ok
   * evaluation is final: recording another for the same submission and evaluator keeps the first
   * (`created: false`), so a rationale already committed in a batch never changes.
   */
  recordOk(evaluation: OkEvaluation): { created: boolean; record: OkEvaluationRecord } {
    return this.okTx.immediate(evaluation);
  }

  /**
   * Counts a failed attempt. Does nothing to an ok evaluation. With `final`, a pending submission
   * becomes `failed`.
   */
  recordFailure(failure: FailedEvaluation): EvaluationRecord {
    return this.failureTx.immediate(failure);
  }

  get(submissionId: bigint, evaluator: string): EvaluationRecord | undefined {
    const row = this.select.get(idValue("submissionId", submissionId), hexValue("evaluator", evaluator, 32)) as EvaluationRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** Every evaluation of a submission, most recently updated first. */
  forSubmission(submissionId: bigint): EvaluationRecord[] {
    return (this.selectAll.all(idValue("submissionId", submissionId)) as EvaluationRow[]).map(toRecord);
  }

  /** The ok rationales of `submissionIds` by `evaluator`, read in one snapshot; ids without one are absent. */
  rationales(submissionIds: readonly bigint[], evaluator: string): Map<bigint, string> {
    return this.rationalesTx(submissionIds, evaluator);
  }

  private recordOkInTx(e: OkEvaluation): { created: boolean; record: OkEvaluationRecord } {
    const params = {
      submission_id: idValue("submissionId", e.submissionId),
      evaluator: hexValue("evaluator", e.evaluator, 32),
      content_hash: hexValue("contentHash", e.contentHash, 32),
      score: checkedInteger("score", e.score, 0, 100),
      points: checkedInteger("points", e.points, 0, 0xffffffff),
      sub_scores: JSON.stringify(e.subScores),
      flags: JSON.stringify(e.flags),
      rationale: checkedRationale(e.rationaleJson),
      now: this.now(),
    };
    this.requireSubmissionContent(params.submission_id, params.content_hash);
    const created = this.upsertOk.run(params).changes === 1;
    this.markEvaluated.run(params.now, params.submission_id);
    const record = this.get(params.submission_id, params.evaluator);
    if (record?.status !== "ok") throw new StoreError(`The evaluation of submission ${params.submission_id} was not stored.`);
    return { created, record };
  }

  private recordFailureInTx(f: FailedEvaluation): EvaluationRecord {
    const params = {
      submission_id: idValue("submissionId", f.submissionId),
      evaluator: hexValue("evaluator", f.evaluator, 32),
      content_hash: hexValue("contentHash", f.contentHash, 32),
      error: f.error,
      now: this.now(),
    };
    this.requireSubmissionContent(params.submission_id, params.content_hash);
    const changed = this.upsertFailure.run(params).changes === 1;
    if (changed && f.final) this.markFailed.run(params.now, params.submission_id);
    const record = this.get(params.submission_id, params.evaluator);
    if (record === undefined) throw new StoreError(`The evaluation of submission ${params.submission_id} was not stored.`);
    return record;
  }

  private requireSubmissionContent(id: bigint, contentHash: string): void {
    const stored = this.submissionContent.get(id) as string | undefined;
    if (stored === undefined) throw new StoreNotFoundError(`Submission ${id} is unknown.`);
    if (stored !== contentHash) {
      throw new StoreConflictError(`The evaluation is of other content than submission ${id}.`, {
        details: `submission content ${stored}, evaluated ${contentHash}`,
      });
    }
  }
}

function checkedInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StoreError(`${name} must be an integer in ${min}..${max}.`, { details: `${name}=${String(value)}` });
  }
  return value;
}

/** The rationale must round-trip through SQLite's UTF-8 text byte for byte, and be JSON. */
function checkedRationale(rationaleJson: string): string {
  if (!isWellFormed(rationaleJson)) throw new StoreError("The rationale JSON holds a lone surrogate.");
  try {
    JSON.parse(rationaleJson);
  } catch (error) {
    throw new StoreError("The rationale is not JSON.", { cause: error });
  }
  return rationaleJson;
}

function toRecord(row: EvaluationRow): EvaluationRecord {
  const base: RecordBase = {
    submissionId: big(row.submission_id),
    evaluator: row.evaluator,
    contentHash: row.content_hash,
    flags: JSON.parse(row.flags) as FlagRecord[],
    attempts: num(row.attempts),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
  if (row.status === "ok") {
    return {
      ...base,
      status: "ok",
      score: num(row.score ?? 0n),
      points: num(row.points ?? 0n),
      subScores: JSON.parse(row.sub_scores ?? "{}") as SubScores,
      rationaleJson: row.rationale ?? "",
      error: null,
    };
  }
  return { ...base, status: "failed", score: null, points: null, subScores: null, rationaleJson: null, error: row.error };
}
