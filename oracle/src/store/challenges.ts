/**
 * Challenges of scores as this node follows them (migration 7): the challenge rows the follower
 * writes from the Challenges contract's events, the reason and answer texts by hash, the appeal
 * evaluations by rationale root, the votes on verdict proposals and the follower's progress.
 */
import type { Database, Statement } from "better-sqlite3";
import { StoreError } from "./errors";
import { hexValue, idValue, isWellFormed, num } from "./values";

export const CHALLENGE_STATUSES = ["open", "verdict", "escalated", "upheld", "rejected", "dismissed"] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

/** Characters of a reason or answer text at most (the store refuses more; the API says so first). */
export const MAX_CHALLENGE_TEXT_CHARS = 2_000;

export interface NewChallenge {
  id: bigint;
  submissionId: bigint;
  challenger: string;
  author: string;
  epoch: number;
  points: number;
  /** `IChallenges.Reason`, 0..5. */
  reason: number;
  duplicateOf: bigint;
  reasonHash: string;
  bond: bigint;
  openedBlock: number;
  openedTx: string;
}

export interface ChallengeResolution {
  toChallenger: string;
  toAuthor: string;
  toTreasury: string;
  reward: string;
}

export interface ChallengeRecord extends NewChallenge {
  answerHash: string | null;
  status: ChallengeStatus;
  verdict: { upheld: boolean; evaluator: string; rationaleRoot: string } | null;
  resolution: ChallengeResolution | null;
  /** When this node first saw it (Unix ms): the start of its leader schedule. */
  seenAt: number;
  updatedAt: number;
}

export interface ChallengeEvaluationRecord {
  challengeId: bigint;
  rationaleRoot: string;
  evaluator: string;
  upheld: boolean;
  originalRationale: string;
  appealRationale: string;
  /** This node's own evaluation, or one a leader proposed. */
  own: boolean;
  createdAt: number;
}

export interface ChallengeVoteRecord {
  challengeId: bigint;
  peer: string;
  role: "leader" | "follower";
  decision: "signed" | "disputed";
  detail: string;
  updatedAt: number;
}

interface ChallengeRow {
  id: bigint;
  submission_id: bigint;
  challenger: string;
  author: string;
  epoch: bigint;
  points: bigint;
  reason: bigint;
  duplicate_of: bigint;
  reason_hash: string;
  answer_hash: string | null;
  bond: string;
  status: ChallengeStatus;
  verdict_upheld: bigint | null;
  verdict_evaluator: string | null;
  verdict_root: string | null;
  resolution: string | null;
  opened_block: bigint;
  opened_tx: string;
  seen_at: bigint;
  updated_at: bigint;
}

interface EvaluationRow {
  challenge_id: bigint;
  rationale_root: string;
  evaluator: string;
  upheld: bigint;
  original_rationale: string;
  appeal_rationale: string;
  own: bigint;
  created_at: bigint;
}

export class ChallengeRepository {
  private readonly insertChallenge: Statement;
  private readonly selectChallenge: Statement;
  private readonly selectPage: Statement;
  private readonly selectPageByStatus: Statement;
  private readonly selectBySubmission: Statement;
  private readonly selectActive: Statement;
  private readonly countStatuses: Statement;
  private readonly updateAnswer: Statement;
  private readonly updateVerdict: Statement;
  private readonly updateStatus: Statement;
  private readonly updateResolution: Statement;
  private readonly insertText: Statement;
  private readonly selectText: Statement;
  private readonly upsertEvaluation: Statement;
  private readonly selectEvaluation: Statement;
  private readonly selectOwnEvaluation: Statement;
  private readonly countEvaluations: Statement;
  private readonly upsertVote: Statement;
  private readonly selectVotes: Statement;
  private readonly selectProgress: Statement;
  private readonly upsertProgress: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insertChallenge = db.prepare(`
      INSERT INTO challenges (id, submission_id, challenger, author, epoch, points, reason, duplicate_of, reason_hash, bond,
                              opened_block, opened_tx, seen_at, updated_at)
      VALUES (@id, @submissionId, @challenger, @author, @epoch, @points, @reason, @duplicateOf, @reasonHash, @bond,
              @openedBlock, @openedTx, @now, @now)
      ON CONFLICT (id) DO NOTHING`);
    this.selectChallenge = db.prepare("SELECT * FROM challenges WHERE id = ?");
    this.selectPage = db.prepare("SELECT * FROM challenges WHERE id < ? ORDER BY id DESC LIMIT ?");
    this.selectPageByStatus = db.prepare("SELECT * FROM challenges WHERE status = ? AND id < ? ORDER BY id DESC LIMIT ?");
    this.selectBySubmission = db.prepare("SELECT * FROM challenges WHERE submission_id = ? ORDER BY id DESC");
    this.selectActive = db.prepare("SELECT * FROM challenges WHERE status = 'open' ORDER BY id");
    this.countStatuses = db.prepare("SELECT status, count(*) AS n FROM challenges GROUP BY status");
    this.updateAnswer = db.prepare("UPDATE challenges SET answer_hash = ?, updated_at = ? WHERE id = ?");
    this.updateVerdict = db.prepare(
      "UPDATE challenges SET status = 'verdict', verdict_upheld = ?, verdict_evaluator = ?, verdict_root = ?, updated_at = ? WHERE id = ? AND status = 'open'",
    );
    this.updateStatus = db.prepare("UPDATE challenges SET status = ?, updated_at = ? WHERE id = ?");
    this.updateResolution = db.prepare("UPDATE challenges SET status = ?, resolution = ?, updated_at = ? WHERE id = ?");
    this.insertText = db.prepare("INSERT INTO challenge_texts (hash, text, received_at) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING");
    this.selectText = db.prepare("SELECT text FROM challenge_texts WHERE hash = ?").pluck();
    this.upsertEvaluation = db.prepare(`
      INSERT INTO challenge_evaluations (challenge_id, rationale_root, evaluator, upheld, original_rationale, appeal_rationale, own, created_at)
      VALUES (@challengeId, @rationaleRoot, @evaluator, @upheld, @originalRationale, @appealRationale, @own, @now)
      ON CONFLICT (challenge_id, rationale_root) DO UPDATE SET own = max(own, excluded.own)`);
    this.selectEvaluation = db.prepare("SELECT * FROM challenge_evaluations WHERE challenge_id = ? AND rationale_root = ?");
    this.selectOwnEvaluation = db.prepare("SELECT * FROM challenge_evaluations WHERE challenge_id = ? AND own = 1 ORDER BY created_at DESC LIMIT 1");
    this.countEvaluations = db.prepare("SELECT count(*) FROM challenge_evaluations WHERE challenge_id = ?").pluck();
    this.upsertVote = db.prepare(`
      INSERT INTO challenge_votes (challenge_id, peer, role, decision, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (challenge_id, peer, role) DO UPDATE SET decision = excluded.decision, detail = excluded.detail, updated_at = excluded.updated_at`);
    this.selectVotes = db.prepare("SELECT * FROM challenge_votes WHERE challenge_id = ? ORDER BY role, peer");
    this.selectProgress = db.prepare("SELECT value FROM challenge_progress WHERE name = ?").pluck();
    this.upsertProgress = db.prepare(
      "INSERT INTO challenge_progress (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    );
  }

  /** Records an opened challenge; false when it was already recorded (events are replayed after a restart). */
  recordOpened(challenge: NewChallenge): boolean {
    const info = this.insertChallenge.run({
      id: idValue("id", challenge.id),
      submissionId: idValue("submissionId", challenge.submissionId),
      challenger: hexValue("challenger", challenge.challenger, 20),
      author: hexValue("author", challenge.author, 20),
      epoch: challenge.epoch,
      points: challenge.points,
      reason: challenge.reason,
      duplicateOf: idValue("duplicateOf", challenge.duplicateOf, false),
      reasonHash: hexValue("reasonHash", challenge.reasonHash, 32),
      bond: challenge.bond.toString(),
      openedBlock: challenge.openedBlock,
      openedTx: hexValue("openedTx", challenge.openedTx, 32),
      now: this.now(),
    });
    return info.changes > 0;
  }

  get(id: bigint): ChallengeRecord | undefined {
    const row = this.selectChallenge.get(idValue("id", id)) as ChallengeRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** Newest first, ids below `before` (exclusive; default: all), optionally of one status. */
  list(options: { status?: ChallengeStatus; before?: bigint; limit: number }): ChallengeRecord[] {
    const before = options.before ?? (1n << 63n) - 1n;
    const rows = (
      options.status === undefined ? this.selectPage.all(before, options.limit) : this.selectPageByStatus.all(options.status, before, options.limit)
    ) as ChallengeRow[];
    return rows.map(toRecord);
  }

  forSubmission(submissionId: bigint): ChallengeRecord[] {
    return (this.selectBySubmission.all(idValue("submissionId", submissionId)) as ChallengeRow[]).map(toRecord);
  }

  /** Challenges waiting for a first-round verdict, oldest first. */
  awaitingVerdict(): ChallengeRecord[] {
    return (this.selectActive.all() as ChallengeRow[]).map(toRecord);
  }

  countByStatus(): Record<ChallengeStatus, number> {
    const counts = Object.fromEntries(CHALLENGE_STATUSES.map((s) => [s, 0])) as Record<ChallengeStatus, number>;
    for (const row of this.countStatuses.all() as { status: ChallengeStatus; n: bigint }[]) counts[row.status] = num(row.n);
    return counts;
  }

  recordAnswer(id: bigint, answerHash: string): void {
    this.updateAnswer.run(hexValue("answerHash", answerHash, 32), this.now(), idValue("id", id));
  }

  recordVerdict(id: bigint, verdict: { upheld: boolean; evaluator: string; rationaleRoot: string }): void {
    this.updateVerdict.run(
      verdict.upheld ? 1 : 0,
      hexValue("evaluator", verdict.evaluator, 32),
      hexValue("rationaleRoot", verdict.rationaleRoot, 32),
      this.now(),
      idValue("id", id),
    );
  }

  recordEscalated(id: bigint): void {
    this.updateStatus.run("escalated", this.now(), idValue("id", id));
  }

  recordResolved(id: bigint, status: "upheld" | "rejected" | "dismissed", resolution: ChallengeResolution): void {
    this.updateResolution.run(status, JSON.stringify(resolution), this.now(), idValue("id", id));
  }

  /** Stores a reason or answer text under its hash (the caller checked it); a text already there stays. */
  putText(hash: string, text: string): void {
    if (text.length > MAX_CHALLENGE_TEXT_CHARS || !isWellFormed(text)) {
      throw new StoreError("A challenge text must be well-formed and at most 2000 characters.", { details: `length ${text.length}` });
    }
    this.insertText.run(hexValue("hash", hash, 32), text, this.now());
  }

  text(hash: string | null): string | null {
    if (hash === null) return null;
    return (this.selectText.get(hexValue("hash", hash, 32)) as string | undefined) ?? null;
  }

  putEvaluation(evaluation: Omit<ChallengeEvaluationRecord, "createdAt">): void {
    this.upsertEvaluation.run({
      challengeId: idValue("challengeId", evaluation.challengeId),
      rationaleRoot: hexValue("rationaleRoot", evaluation.rationaleRoot, 32),
      evaluator: hexValue("evaluator", evaluation.evaluator, 32),
      upheld: evaluation.upheld ? 1 : 0,
      originalRationale: evaluation.originalRationale,
      appealRationale: evaluation.appealRationale,
      own: evaluation.own ? 1 : 0,
      now: this.now(),
    });
  }

  /** Evaluations kept for a challenge (own and proposed). */
  evaluationCount(challengeId: bigint): number {
    return num(this.countEvaluations.get(idValue("challengeId", challengeId)) as bigint);
  }

  evaluation(challengeId: bigint, rationaleRoot: string): ChallengeEvaluationRecord | undefined {
    const row = this.selectEvaluation.get(idValue("challengeId", challengeId), hexValue("rationaleRoot", rationaleRoot, 32)) as EvaluationRow | undefined;
    return row === undefined ? undefined : toEvaluation(row);
  }

  ownEvaluation(challengeId: bigint): ChallengeEvaluationRecord | undefined {
    const row = this.selectOwnEvaluation.get(idValue("challengeId", challengeId)) as EvaluationRow | undefined;
    return row === undefined ? undefined : toEvaluation(row);
  }

  recordVote(vote: Omit<ChallengeVoteRecord, "updatedAt">): void {
    this.upsertVote.run(idValue("challengeId", vote.challengeId), hexValue("peer", vote.peer, 20), vote.role, vote.decision, vote.detail.slice(0, 500), this.now());
  }

  votes(challengeId: bigint): ChallengeVoteRecord[] {
    return (
      this.selectVotes.all(idValue("challengeId", challengeId)) as {
        challenge_id: bigint;
        peer: string;
        role: "leader" | "follower";
        decision: "signed" | "disputed";
        detail: string;
        updated_at: bigint;
      }[]
    ).map((row) => ({ challengeId: row.challenge_id, peer: row.peer, role: row.role, decision: row.decision, detail: row.detail, updatedAt: num(row.updated_at) }));
  }

  /** The next block the follower reads, or undefined on a fresh database. */
  nextBlock(): number | undefined {
    const value = this.selectProgress.get("block") as bigint | undefined;
    return value === undefined ? undefined : num(value);
  }

  setNextBlock(block: number): void {
    this.upsertProgress.run("block", block, this.now());
  }
}

function toRecord(row: ChallengeRow): ChallengeRecord {
  return {
    id: row.id,
    submissionId: row.submission_id,
    challenger: row.challenger,
    author: row.author,
    epoch: num(row.epoch),
    points: num(row.points),
    reason: num(row.reason),
    duplicateOf: row.duplicate_of,
    reasonHash: row.reason_hash,
    answerHash: row.answer_hash,
    bond: BigInt(row.bond),
    status: row.status,
    verdict:
      row.verdict_upheld === null || row.verdict_evaluator === null || row.verdict_root === null
        ? null
        : { upheld: row.verdict_upheld === 1n, evaluator: row.verdict_evaluator, rationaleRoot: row.verdict_root },
    resolution: row.resolution === null ? null : (JSON.parse(row.resolution) as ChallengeResolution),
    openedBlock: num(row.opened_block),
    openedTx: row.opened_tx,
    seenAt: num(row.seen_at),
    updatedAt: num(row.updated_at),
  };
}

function toEvaluation(row: EvaluationRow): ChallengeEvaluationRecord {
  return {
    challengeId: row.challenge_id,
    rationaleRoot: row.rationale_root,
    evaluator: row.evaluator,
    upheld: row.upheld === 1n,
    originalRationale: row.original_rationale,
    appealRationale: row.appeal_rationale,
    own: row.own === 1n,
    createdAt: num(row.created_at),
  };
}
