/** Builders shared by the store and API tests: temp databases and well-formed rows. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { id as keccakText } from "ethers";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { buildRationaleTree } from "../../../oracle/src/protocol/rationaleTree";
import { packScoreItem } from "../../../oracle/src/protocol/scoreItem";
import { HEURISTIC_EVALUATOR_HASH } from "../../../oracle/src/protocol/evaluatorHash";
import { type NewBatch, type OkEvaluation, type Store, type SubmissionEvent, openStore } from "../../../oracle/src/store";

export const EVALUATOR = HEURISTIC_EVALUATOR_HASH;
export const AUTHOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** A fresh directory under the OS temp dir; `cleanup()` removes it. */
export function tempDir(prefix = "cashkey-test-"): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function textOf(id: bigint | number): string {
  return `Submission ${id}: the Rhine is 1,230 km long and flows through six countries.`;
}

export function submissionEvent(id: bigint | number, overrides: Partial<SubmissionEvent> = {}): SubmissionEvent {
  return {
    id: BigInt(id),
    author: AUTHOR,
    contentHash: contentHash({ text: textOf(id) }),
    category: 1,
    blockNumber: 10 + Number(id),
    blockHash: keccakText(`block ${id}`),
    txHash: keccakText(`tx ${id}`),
    logIndex: 0,
    ...overrides,
  };
}

export function rationaleJsonOf(id: bigint | number): string {
  return JSON.stringify({ summary: `Rationale for ${id}: précis, sourced — ✓`, substance: 70 });
}

export function okEvaluation(id: bigint | number, overrides: Partial<OkEvaluation> = {}): OkEvaluation {
  return {
    submissionId: BigInt(id),
    evaluator: EVALUATOR,
    contentHash: contentHash({ text: textOf(id) }),
    score: 72,
    points: 1500,
    subScores: { substance: 70, originality: 80, clarity: 65, evidence: 72 },
    flags: [{ code: "shouting", severity: "minor", detail: "Many capitals.", evidence: { upperCaseRatio: 0.4 } }],
    rationaleJson: rationaleJsonOf(id),
    ...overrides,
  };
}

/** A consistent batch over `ids` (their rationales as `rationaleJsonOf`). */
export function batchOf(nonce: bigint | number, ids: readonly (bigint | number)[], overrides: Partial<NewBatch> = {}): NewBatch {
  const entries = ids.map((id) => ({ submissionId: BigInt(id), rationaleJson: rationaleJsonOf(id) }));
  return {
    nonce: BigInt(nonce),
    evaluator: EVALUATOR,
    rationaleRoot: buildRationaleTree(entries).root,
    deadline: 2_000_000_000n,
    items: entries.map(({ submissionId, rationaleJson }) => ({
      item: packScoreItem({ submissionId, score: 72, points: 1500 }),
      rationaleJson,
    })),
    digest: keccakText(`digest ${nonce} ${ids.join(",")}`),
    ...overrides,
  };
}

/** Records submissions `ids` and an ok evaluation of each. */
export function seedEvaluated(store: Store, ids: readonly (bigint | number)[]): void {
  for (const id of ids) {
    store.submissions.record(submissionEvent(id));
    store.evaluations.recordOk(okEvaluation(id));
  }
}

/**
 * A fresh SQLite file per test (opened before each, closed and removed after each). `store` is the
 * open store; `reopen()` closes and opens the same file again, as a restarted node would.
 */
export function useTempStore(prefix: string): { readonly store: Store; reopen(): Store } {
  let file = "";
  let store: Store | undefined;
  let cleanup = () => undefined as void;
  beforeEach(function () {
    const temp = tempDir(prefix);
    cleanup = temp.cleanup;
    file = path.join(temp.dir, "oracle.sqlite");
    store = openStore(file);
  });
  afterEach(function () {
    store?.close();
    cleanup();
  });
  return {
    get store(): Store {
      if (store === undefined) throw new Error("the store is opened before each test");
      return store;
    },
    reopen(): Store {
      store?.close();
      store = openStore(file);
      return store;
    },
  };
}
