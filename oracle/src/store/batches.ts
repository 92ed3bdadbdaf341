import type { Database, Statement, Transaction } from "better-sqlite3";
import type { AttributedSignature } from "../protocol/eip712";
import { buildRationaleTree } from "../protocol/rationaleTree";
import { unpackScoreItem } from "../protocol/scoreItem";
import { StoreConflictError, StoreError, StoreNotFoundError, isConstraintError } from "./errors";
import { big, hexValue, idValue, isWellFormed, num } from "./values";

export const BATCH_STATES = ["built", "signed", "posting", "posted", "landed", "abandoned"] as const;
/**
 * built: assembled and signed by this node. signed: enough signatures to post. posting: a
 * transaction is being sent. posted: sent, not yet mined. landed: mined with `BatchPosted` (by
 * anyone). abandoned: can no longer land (deadline passed, reverted, superseded).
 */
export type BatchState = (typeof BATCH_STATES)[number];

/** Which state may follow which; staying in a non-final state (to record a new tx hash) is allowed too. */
export const BATCH_TRANSITIONS: Readonly<Record<BatchState, readonly BatchState[]>> = {
  built: ["signed", "posting", "landed", "abandoned"],
  signed: ["posting", "landed", "abandoned"],
  posting: ["signed", "posted", "landed", "abandoned"],
  posted: ["posting", "landed", "abandoned"],
  landed: [],
  abandoned: [],
};

export interface NewBatchItem {
  /** The packed item exactly as signed: `(submissionId << 40) | (score << 32) | points`. */
  item: bigint;
  /** The rationale JSON committed for this item in the rationale tree. */
  rationaleJson: string;
}

export interface NewBatch {
  nonce: bigint;
  evaluator: string;
  rationaleRoot: string;
  deadline: bigint;
  /** In signing order. */
  items: readonly NewBatchItem[];
  /** The EIP-712 digest the operators sign. */
  digest: string;
  signatures?: readonly AttributedSignature[];
  state?: "built" | "signed";
}

export interface BatchItemRecord {
  position: number;
  item: bigint;
  submissionId: bigint;
  score: number;
  points: number;
  rationaleJson: string;
}

export interface BatchRecord {
  id: number;
  nonce: bigint;
  evaluator: string;
  rationaleRoot: string;
  deadline: bigint;
  digest: string;
  items: BatchItemRecord[];
  signatures: AttributedSignature[];
  state: BatchState;
  txHash: string | null;
  createdAt: number;
  updatedAt: number;
}

interface BatchRow {
  id: bigint;
  nonce: bigint;
  evaluator: string;
  rationale_root: string;
  deadline: bigint;
  items: string;
  digest: string;
  signatures: string;
  state: BatchState;
  tx_hash: string | null;
  created_at: bigint;
  updated_at: bigint;
}

const COLUMNS = "id, nonce, evaluator, rationale_root, deadline, items, digest, signatures, state, tx_hash, created_at, updated_at";

export class BatchRepository {
  private readonly insertBatch: Statement;
  private readonly insertItem: Statement;
  private readonly select: Statement;
  private readonly selectItems: Statement;
  private readonly selectLiveByNonce: Statement;
  private readonly selectLiveByDigest: Statement;
  private readonly selectLatest: Statement;
  private readonly selectByState: Statement;
  private readonly selectLiveOf: Statement;
  private readonly submissionStatus: Statement;
  private readonly markBatched: Statement;
  private readonly markScored: Statement;
  private readonly unbatch: Statement;
  private readonly retire: Statement;
  private readonly updateState: Statement;
  private readonly updateSignatures: Statement;
  private readonly createTx: Transaction<(batch: NewBatch) => BatchRecord>;
  private readonly transitionTx: Transaction<(id: number, to: BatchState, txHash: string | undefined) => BatchRecord>;
  private readonly signatureTx: Transaction<(id: number, signature: AttributedSignature) => BatchRecord>;
  private readonly readTx: Transaction<(id: number) => BatchRecord | undefined>;
  private readonly importTx: Transaction<(batch: Omit<NewBatch, "state"> & { txHash: string }) => BatchRecord>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insertBatch = db.prepare(
      `INSERT INTO batches (nonce, evaluator, rationale_root, deadline, items, digest, signatures, state, tx_hash, created_at, updated_at)
       VALUES (@nonce, @evaluator, @rationale_root, @deadline, @items, @digest, @signatures, @state, NULL, @now, @now)`,
    );
    this.insertItem = db.prepare("INSERT INTO batch_items (batch_id, position, submission_id, rationale) VALUES (?, ?, ?, ?)");
    this.select = db.prepare(`SELECT ${COLUMNS} FROM batches WHERE id = ?`);
    this.selectItems = db.prepare("SELECT position, rationale FROM batch_items WHERE batch_id = ? ORDER BY position");
    this.selectLiveByNonce = db.prepare("SELECT id FROM batches WHERE nonce = ? AND state <> 'abandoned'").pluck();
    this.selectLiveByDigest = db.prepare("SELECT id FROM batches WHERE digest = ? AND state <> 'abandoned'").pluck();
    this.selectLatest = db.prepare("SELECT id FROM batches ORDER BY nonce DESC, id DESC LIMIT 1").pluck();
    this.selectByState = db.prepare("SELECT id FROM batches WHERE state = ? ORDER BY nonce, id").pluck();
    this.selectLiveOf = db.prepare("SELECT batch_id FROM batch_items WHERE submission_id = ? AND live = 1").pluck();
    this.submissionStatus = db.prepare("SELECT status FROM submissions WHERE id = ?").pluck();
    this.markBatched = db.prepare("UPDATE submissions SET status = 'batched', updated_at = ? WHERE id IN (SELECT submission_id FROM batch_items WHERE batch_id = ?)");
    this.markScored = db.prepare("UPDATE submissions SET status = 'scored', updated_at = ? WHERE id IN (SELECT submission_id FROM batch_items WHERE batch_id = ?)");
    this.unbatch = db.prepare(
      `UPDATE submissions SET updated_at = @now, status = CASE
         WHEN EXISTS (SELECT 1 FROM evaluations e WHERE e.submission_id = submissions.id AND e.status = 'ok') THEN 'evaluated'
         ELSE 'pending' END
       WHERE status = 'batched' AND id IN (SELECT submission_id FROM batch_items WHERE batch_id = @id)`,
    );
    this.retire = db.prepare("UPDATE batch_items SET live = 0 WHERE batch_id = ?");
    this.updateState = db.prepare("UPDATE batches SET state = ?, tx_hash = coalesce(?, tx_hash), updated_at = ? WHERE id = ?");
    this.updateSignatures = db.prepare("UPDATE batches SET signatures = ?, updated_at = ? WHERE id = ?");
    this.createTx = db.transaction((batch) => this.createInTx(batch));
    this.transitionTx = db.transaction((id, to, txHash) => this.transitionInTx(id, to, txHash));
    this.signatureTx = db.transaction((id, signature) => this.addSignatureInTx(id, signature));
    this.readTx = db.transaction((id) => this.read(id));
    this.importTx = db.transaction((batch) => {
      const record = this.createInTx({ ...batch, state: "built" }, { allowScored: true });
      return this.transitionInTx(record.id, "landed", batch.txHash);
    });
  }

  /**
   * Stores a batch with its items and marks its submissions `batched`, all or nothing. Refuses a
   * second live batch for the nonce, a submission already in a live batch or already scored or
   * removed, and a rationale root that the items' rationales do not produce.
   */
  create(batch: NewBatch): BatchRecord {
    return this.createTx.immediate(batch);
  }

  get(id: number): BatchRecord | undefined {
    return this.readTx(id);
  }

  /** The batch for `nonce` that is not abandoned, if any. */
  liveForNonce(nonce: bigint): BatchRecord | undefined {
    const id = this.selectLiveByNonce.get(idValue("nonce", nonce, false)) as bigint | undefined;
    return id === undefined ? undefined : this.get(num(id));
  }

  /** The batch with this EIP-712 digest that is not abandoned, if any. */
  liveForDigest(digest: string): BatchRecord | undefined {
    const id = this.selectLiveByDigest.get(hexValue("digest", digest, 32)) as bigint | undefined;
    return id === undefined ? undefined : this.get(num(id));
  }

  /** The live (not abandoned) batch holding `submissionId`, if any. */
  liveBatchOf(submissionId: bigint): BatchRecord | undefined {
    const id = this.selectLiveOf.get(idValue("submissionId", submissionId)) as bigint | undefined;
    return id === undefined ? undefined : this.get(num(id));
  }

  /** The batch with the highest nonce (the latest attempt at it), if any. */
  latest(): BatchRecord | undefined {
    const id = this.selectLatest.get() as bigint | undefined;
    return id === undefined ? undefined : this.get(num(id));
  }

  listByState(state: BatchState): BatchRecord[] {
    return (this.selectByState.all(state) as bigint[]).flatMap((id) => this.get(num(id)) ?? []);
  }

  /**
   * Moves a batch along BATCH_TRANSITIONS. Landing marks its submissions `scored`; abandoning
   * frees them for another batch (`evaluated`, or `pending` without an ok evaluation).
   */
  transition(id: number, to: BatchState, options: { txHash?: string } = {}): BatchRecord {
    return this.transitionTx.immediate(id, to, options.txHash);
  }

  /**
   * Records a batch another operator posted that landed (its submissions become `scored`), so that
   * this node serves its rationales with their Merkle proofs. A live batch of this node for the same
   * nonce must be abandoned first. Refuses unknown submissions (the watcher is behind).
   */
  importLanded(batch: Omit<NewBatch, "state"> & { txHash: string }): BatchRecord {
    return this.importTx.immediate(batch);
  }

  /** Adds (or replaces) one signer's signature. Only before the batch lands or is abandoned. */
  addSignature(id: number, signature: AttributedSignature): BatchRecord {
    return this.signatureTx.immediate(id, signature);
  }

  private createInTx(batch: NewBatch, options: { allowScored?: boolean } = {}): BatchRecord {
    if (batch.items.length === 0) throw new StoreError("A batch needs at least one item.");
    const items = batch.items.map(({ item, rationaleJson }, position) => {
      let unpacked;
      try {
        unpacked = unpackScoreItem(item);
      } catch (error) {
        throw new StoreError(`Batch item ${position} is malformed.`, { cause: error });
      }
      if (!isWellFormed(rationaleJson)) throw new StoreError(`The rationale of batch item ${position} holds a lone surrogate.`);
      return { position, item, submissionId: idValue("submissionId", unpacked.submissionId), rationaleJson };
    });
    const rationaleRoot = hexValue("rationaleRoot", batch.rationaleRoot, 32);
    const root = buildRationaleTree(items.map(({ submissionId, rationaleJson }) => ({ submissionId, rationaleJson }))).root;
    if (root !== rationaleRoot) {
      throw new StoreError("The batch's rationale root does not match its items' rationales.", {
        details: `given ${rationaleRoot}, computed ${root}`,
      });
    }
    const nonce = idValue("nonce", batch.nonce, false);
    if (this.selectLiveByNonce.get(nonce) !== undefined) {
      throw new StoreConflictError(`A live batch for nonce ${nonce} exists.`);
    }
    for (const { submissionId } of items) {
      const status = this.submissionStatus.get(submissionId) as string | undefined;
      if (status === undefined) throw new StoreNotFoundError(`Submission ${submissionId} is unknown.`);
      if ((status === "scored" && !options.allowScored) || status === "removed") {
        throw new StoreConflictError(`Submission ${submissionId} is ${status} and cannot be batched.`);
      }
    }
    const now = this.now();
    const id = num(
      this.insertBatch.run({
        nonce,
        evaluator: hexValue("evaluator", batch.evaluator, 32),
        rationale_root: rationaleRoot,
        deadline: idValue("deadline", batch.deadline, false),
        items: JSON.stringify(items.map(({ item }) => item.toString())),
        digest: hexValue("digest", batch.digest, 32),
        signatures: JSON.stringify(normalizedSignatures(batch.signatures ?? [])),
        state: batch.state ?? "built",
        now,
      }).lastInsertRowid,
    );
    for (const { position, submissionId, rationaleJson } of items) {
      try {
        this.insertItem.run(id, position, submissionId, rationaleJson);
      } catch (error) {
        if (isConstraintError(error, "UNIQUE")) {
          throw new StoreConflictError(`Submission ${submissionId} is already in a live batch or twice in this one.`, { cause: error });
        }
        throw error;
      }
    }
    this.markBatched.run(now, id);
    return this.mustRead(id);
  }

  private transitionInTx(id: number, to: BatchState, txHash: string | undefined): BatchRecord {
    const current = this.mustRead(id);
    const stays = current.state === to && BATCH_TRANSITIONS[to].length > 0;
    if (!stays && !BATCH_TRANSITIONS[current.state].includes(to)) {
      throw new StoreConflictError(`Batch ${id} cannot go from ${current.state} to ${to}.`);
    }
    const now = this.now();
    this.updateState.run(to, txHash === undefined ? null : hexValue("txHash", txHash, 32), now, id);
    if (to === "landed") this.markScored.run(now, id);
    if (to === "abandoned") {
      this.retire.run(id);
      this.unbatch.run({ now, id });
    }
    return this.mustRead(id);
  }

  private addSignatureInTx(id: number, signature: AttributedSignature): BatchRecord {
    const current = this.mustRead(id);
    if (current.state === "landed" || current.state === "abandoned") {
      throw new StoreConflictError(`Batch ${id} is ${current.state}; its signatures are final.`);
    }
    const [added] = normalizedSignatures([signature]);
    const others = current.signatures.filter((s) => s.signer !== added.signer);
    this.updateSignatures.run(JSON.stringify([...others, added]), this.now(), id);
    return this.mustRead(id);
  }

  private read(id: number): BatchRecord | undefined {
    const row = this.select.get(id) as BatchRow | undefined;
    if (row === undefined) return undefined;
    const packed = (JSON.parse(row.items) as string[]).map((item) => BigInt(item));
    const rationales = this.selectItems.all(id) as { position: bigint; rationale: string }[];
    const items = packed.map((item, position): BatchItemRecord => {
      const { submissionId, score, points } = unpackScoreItem(item);
      return { position, item, submissionId, score, points, rationaleJson: rationales[position].rationale };
    });
    return {
      id: num(row.id),
      nonce: big(row.nonce),
      evaluator: row.evaluator,
      rationaleRoot: row.rationale_root,
      deadline: big(row.deadline),
      digest: row.digest,
      items,
      signatures: JSON.parse(row.signatures) as AttributedSignature[],
      state: row.state,
      txHash: row.tx_hash,
      createdAt: num(row.created_at),
      updatedAt: num(row.updated_at),
    };
  }

  private mustRead(id: number): BatchRecord {
    const record = this.read(id);
    if (record === undefined) throw new StoreNotFoundError(`Batch ${id} is unknown.`);
    return record;
  }
}

function normalizedSignatures(signatures: readonly AttributedSignature[]): AttributedSignature[] {
  return signatures.map(({ signer, signature }) => {
    if (!/^0x([0-9a-fA-F]{2})+$/.test(signature)) throw new StoreError("A signature must be 0x-prefixed hex bytes.");
    return { signer: hexValue("signer", signer, 20), signature: signature.toLowerCase() };
  });
}
