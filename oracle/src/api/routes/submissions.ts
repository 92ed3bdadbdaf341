import { LRUCache } from "lru-cache";
import { createRoute, type z } from "@hono/zod-openapi";
import { getAddress } from "ethers";
import { FLAG_SEVERITY, type FlagCode } from "../../eval/fraud";
import { type RationaleTree, buildRationaleTree, rationaleProof } from "../../protocol/rationaleTree";
import type { BatchRecord, EvaluationRecord, SubmissionRecord } from "../../store";
import { ApiError } from "../errors";
import { createRouter } from "../router";
import { ErrorSchema, SubmissionIdParamsSchema, SubmissionSchema } from "../schemas";
import type { ApiDeps } from "../types";
import { withTimeout } from "../timeout";

type SubmissionView = z.infer<typeof SubmissionSchema>;

const error = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });

const getSubmission = createRoute({
  method: "get",
  path: "/{id}",
  summary: "A submission's status, score and rationale, with the rationale's Merkle proof",
  request: { params: SubmissionIdParamsSchema },
  responses: {
    200: { description: "The submission as this node knows it", content: { "application/json": { schema: SubmissionSchema } } },
    400: error("Malformed id"),
    404: error("No such submission on-chain"),
    429: error("Rate limited (see Retry-After)"),
    503: error("The submission is not in this node's store and the chain did not answer"),
  },
});

/** Proof trees are rebuilt from a batch's stored items; a batch's items never change. */
const TREE_CACHE_SIZE = 128;

export function submissionsRouter(deps: ApiDeps) {
  const { store, chainReader, logger } = deps;
  const chainTimeoutMs = deps.chainTimeoutMs ?? 3000;
  // `tree: null` remembers a batch whose stored root the items do not rebuild (no proofs for it).
  const trees = new LRUCache<number, { tree: RationaleTree | null }>({ max: TREE_CACHE_SIZE });
  const router = createRouter();

  router.openapi(getSubmission, async (c) => {
    const id = BigInt(c.req.valid("param").id);
    const record = store.submissions.get(id);
    if (record === undefined) {
      let onChain;
      try {
        onChain = await withTimeout(chainReader.submission(id), chainTimeoutMs);
      } catch (cause) {
        logger?.warn({ err: cause, id: id.toString() }, "chain read failed");
        throw new ApiError(503, "chain_unavailable", "This node has not seen the submission and the chain did not answer.", {
          headers: { "Retry-After": "5" },
        });
      }
      if (onChain === undefined) throw new ApiError(404, "submission_not_found", `Submission ${id} does not exist.`);
      const scored = await withTimeout(chainReader.isScored(id), chainTimeoutMs).catch(() => null);
      return c.json(unseen(id, onChain.author, onChain.category, scored), 200);
    }

    let scoredOnChain: boolean | null = record.status === "scored" ? true : null;
    if (record.status !== "scored" && record.status !== "removed") {
      scoredOnChain = await withTimeout(chainReader.isScored(id), chainTimeoutMs).catch(() => null);
    }
    const batch = store.batches.liveBatchOf(id) ?? null;
    const evaluation = preferred(store.evaluations.forSubmission(id), batch?.evaluator);
    return c.json(view(record, scoredOnChain, evaluation, batch, batch && proofOf(batch, id)), 200);
  });

  function proofOf(batch: BatchRecord, id: bigint): string[] | null {
    if (!trees.has(batch.id)) {
      const tree = buildRationaleTree(batch.items);
      if (tree.root !== batch.rationaleRoot) {
        logger?.error({ batch: batch.id, stored: batch.rationaleRoot, computed: tree.root }, "batch rationale root mismatch");
      }
      trees.set(batch.id, { tree: tree.root === batch.rationaleRoot ? tree : null });
    }
    const tree = trees.get(batch.id)?.tree;
    return tree ? rationaleProof(tree, id) : null;
  }

  return router;
}

/** The evaluation by the batch's evaluator when batched, else the newest ok one, else the newest. */
function preferred(evaluations: readonly EvaluationRecord[], batchEvaluator: string | undefined): EvaluationRecord | undefined {
  return evaluations.find((e) => e.evaluator === batchEvaluator) ?? evaluations.find((e) => e.status === "ok") ?? evaluations[0];
}

function view(
  record: SubmissionRecord,
  scoredOnChain: boolean | null,
  evaluation: EvaluationRecord | undefined,
  batch: BatchRecord | null,
  proof: string[] | null,
): SubmissionView {
  const item = batch?.items.find((i) => i.submissionId === record.id);
  const ok = evaluation?.status === "ok" ? evaluation : undefined;
  // Once batched, what counts is what the batch committed (a follower stores the leader's rationale):
  // score, sub-scores and flags all come from it, never from this node's own evaluation, which may
  // differ (it lost the vote, or judged with content that arrived late). Without the committed
  // rationale (not fetched yet) only the batch's score and points are known.
  const committed = item === undefined ? undefined : committedRationale(item.rationaleJson);
  const rationaleJson = item === undefined ? (ok?.rationaleJson ?? null) : item.rationaleJson;
  return {
    id: record.id.toString(),
    status: record.status,
    author: getAddress(record.author),
    contentHash: record.contentHash,
    category: record.category,
    blockNumber: record.blockNumber,
    txHash: record.txHash,
    scoredOnChain,
    evaluator: batch?.evaluator ?? evaluation?.evaluator ?? null,
    score: item?.score ?? ok?.score ?? null,
    points: item?.points ?? ok?.points ?? null,
    subScores: item === undefined ? (ok ? { ...ok.subScores } : null) : (committed?.subScores ?? null),
    flags: item === undefined ? (evaluation?.flags ?? []) : (committed?.flags ?? []),
    rationale: rationaleJson === null ? null : asObject(JSON.parse(rationaleJson)),
    rationaleJson,
    batch: batch === null ? null : { nonce: batch.nonce.toString(), state: batch.state, rationaleRoot: batch.rationaleRoot, txHash: batch.txHash, proof },
  };
}

/** The sub-scores and flags a batch's rationale commits to (severity by code, as the fraud checks set it). */
function committedRationale(rationaleJson: string | null): { subScores: Record<string, number> | null; flags: SubmissionView["flags"] } | undefined {
  if (rationaleJson === null) return undefined;
  const rationale = asObject(JSON.parse(rationaleJson));
  if (rationale === null) return undefined;
  const subScores = asObject(rationale.subScores);
  const numeric = subScores !== null && Object.values(subScores).every((v) => typeof v === "number");
  const flags = Array.isArray(rationale.flags) ? rationale.flags.map(asObject) : [];
  return {
    subScores: numeric ? (subScores as Record<string, number>) : null,
    flags: flags.flatMap((flag) =>
      flag !== null && typeof flag.code === "string" && typeof flag.detail === "string"
        ? [{ code: flag.code, severity: FLAG_SEVERITY[flag.code as FlagCode] ?? "unknown", detail: flag.detail }]
        : [],
    ),
  };
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function unseen(id: bigint, author: string, category: number, scoredOnChain: boolean | null): SubmissionView {
  return {
    id: id.toString(),
    status: "unseen",
    author: getAddress(author),
    contentHash: null,
    category,
    blockNumber: null,
    txHash: null,
    scoredOnChain,
    evaluator: null,
    score: null,
    points: null,
    subScores: null,
    flags: [],
    rationale: null,
    rationaleJson: null,
    batch: null,
  };
}
