/**
 * Challenges of scores (docs/OPERATORS.md, "Challenges"): `GET /v1/challenges`, `GET /v1/challenges/{id}`
 * (the challenge, the reason and answer texts, the original and the appeal evaluation with their
 * Merkle proofs against the verdict's rationale root), `POST /v1/challenges/{id}/reason` and
 * `/answer` (the challenger's and the author's texts, accepted only when they hash to what the chain
 * committed), and the operators' `POST /v1/peer/challenge-verdicts` (a leader asks this node to
 * co-sign a verdict). Without a challenge part (no Challenges contract, or disabled) they answer 503.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ChallengeTextError } from "../../challenges/service";
import { MAX_VERDICT_PROPOSAL_BYTES, VerdictProposalError, type VerdictRefusal } from "../../challenges/verdictProposal";
import { CHALLENGE_STATUSES, MAX_CHALLENGE_TEXT_CHARS } from "../../store/challenges";
import { ApiError } from "../errors";
import { APPLICATION_JSON, admitBody } from "../middleware/body";
import { createRouter } from "../router";
import { ErrorSchema, SubmissionIdParamsSchema } from "../schemas";
import type { ApiDeps } from "../types";

const UINT64_MAX = (1n << 64n) - 1n;
const errorResponse = (description: string) => ({ description, content: { [APPLICATION_JSON]: { schema: ErrorSchema } } });
const decimalId = (what: string) =>
  z.string().refine((value) => /^[1-9][0-9]{0,19}$/.test(value) && BigInt(value) <= UINT64_MAX, `must be a ${what}: a decimal integer 1..2^64-1`);

const REFUSAL_STATUS: Record<VerdictRefusal, 400 | 403 | 409> = {
  malformed: 400,
  wrong_chain: 400,
  digest: 400,
  rationale_root: 400,
  text_hash: 400,
  leader_signature: 403,
  not_operator: 403,
  unknown_challenge: 409,
  not_open: 409,
  facts: 409,
  expired: 409,
  evaluator: 409,
};

const TEXT_ERROR_STATUS = { challenge_not_found: 404, challenge_no_answer: 409, challenge_text_mismatch: 409 } as const;

const VerdictSchema = z.object({ upheld: z.boolean(), evaluator: z.string(), rationaleRoot: z.string() }).nullable();
const ResolutionSchema = z.object({ toChallenger: z.string(), toAuthor: z.string(), toTreasury: z.string(), reward: z.string() }).nullable();

export const ChallengeSummarySchema = z
  .object({
    id: z.string().openapi({ example: "1" }),
    submissionId: z.string(),
    challenger: z.string(),
    author: z.string(),
    epoch: z.number().int(),
    points: z.number().int().openapi({ description: "The points the challenge says the item was credited (signed by the verdict)" }),
    reason: z.string().openapi({ example: "decoration", description: "duplicate, injection, decoration, spam, off-topic or other" }),
    duplicateOf: z.string().nullable(),
    bond: z.string().openapi({ description: "CKEY wei" }),
    status: z.enum(CHALLENGE_STATUSES),
    verdict: VerdictSchema,
    resolution: ResolutionSchema,
    openedBlock: z.number().int(),
    openedTx: z.string(),
  })
  .openapi("ChallengeSummary");

const ProvedRationaleSchema = z.object({
  rationale: z.unknown(),
  rationaleJson: z.string().openapi({ description: "The exact text whose keccak256 is the leaf" }),
  proof: z.array(z.string()).nullable(),
});

export const ChallengeDetailSchema = ChallengeSummarySchema.omit({ reason: true })
  .extend({
    reason: z.object({ code: z.string(), hash: z.string(), text: z.string().nullable() }),
    answer: z.object({ hash: z.string(), text: z.string().nullable() }).nullable(),
    evaluations: z
      .object({
        rationaleRoot: z.string(),
        committed: z.boolean().openapi({ description: "true: the root the posted verdict commits to; false: this node's own, before a verdict" }),
        upheld: z.boolean(),
        evaluator: z.string(),
        original: ProvedRationaleSchema.openapi({ description: "The rationale the item's batch committed; leaf [0, keccak256(rationaleJson)]" }),
        appeal: ProvedRationaleSchema.openapi({ description: "The appeal evaluation and the verdict rule's grounds; leaf [1, keccak256(rationaleJson)]" }),
      })
      .nullable(),
    thisNode: z.object({ upheld: z.boolean(), rationaleRoot: z.string(), agreesWithVerdict: z.boolean().nullable() }).nullable(),
    votes: z.array(
      z.object({ peer: z.string(), role: z.enum(["leader", "follower"]), decision: z.enum(["signed", "disputed"]), detail: z.string(), updatedAt: z.number() }),
    ),
  })
  .openapi("Challenge");

const ChallengeIdParams = z.object({ id: decimalId("challenge id").openapi({ param: { name: "id", in: "path" }, example: "1" }) });

export const ChallengeTextBodySchema = z
  .object({
    text: z
      .string()
      .min(1)
      .max(MAX_CHALLENGE_TEXT_CHARS)
      .openapi({ description: "The exact text whose keccak256 (of its UTF-8 bytes) was committed on-chain", example: "Decorated filler: the same sentence five times." }),
  })
  .strict()
  .openapi("ChallengeText");

const ChallengeTextResultSchema = z
  .object({ hash: z.string(), stored: z.boolean().openapi({ description: "false when this node already had the text" }) })
  .openapi("ChallengeTextResult");

const listChallenges = createRoute({
  method: "get",
  path: "/",
  summary: "Challenges of scores, newest first",
  request: {
    query: z.object({
      status: z.enum(CHALLENGE_STATUSES).optional(),
      submission: SubmissionIdParamsSchema.shape.id.optional().openapi({ param: { name: "submission", in: "query" } }),
      before: decimalId("challenge id")
        .optional()
        .openapi({ param: { name: "before", in: "query" }, description: "Only ids below this (paging)" }),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
  },
  responses: {
    200: { description: "Challenges as this node follows them", content: { [APPLICATION_JSON]: { schema: z.object({ challenges: z.array(ChallengeSummarySchema) }) } } },
    400: errorResponse("Malformed query"),
    503: errorResponse("This node follows no challenges"),
  },
});

const getChallenge = createRoute({
  method: "get",
  path: "/{id}",
  summary: "A challenge with its reason, the author's answer and both evaluations with Merkle proofs",
  request: { params: ChallengeIdParams },
  responses: {
    200: { description: "The challenge", content: { [APPLICATION_JSON]: { schema: ChallengeDetailSchema } } },
    400: errorResponse("Malformed id"),
    404: errorResponse("No such challenge here"),
    503: errorResponse("This node follows no challenges"),
  },
});

const textRoute = (kind: "reason" | "answer") =>
  createRoute({
    method: "post",
    path: `/{id}/${kind}`,
    summary:
      kind === "reason"
        ? "The challenger's reason text (its keccak256 is the challenge's reasonHash)"
        : "The author's answer text (its keccak256 is the answerHash of ChallengeAnswered)",
    request: { params: ChallengeIdParams, body: { required: true, content: { [APPLICATION_JSON]: { schema: ChallengeTextBodySchema } } } },
    responses: {
      200: { description: "Stored (or already held)", content: { [APPLICATION_JSON]: { schema: ChallengeTextResultSchema } } },
      400: errorResponse("Malformed id or body"),
      404: errorResponse("This node has not seen the challenge (yet): retry after its confirmations (challenge_not_found)"),
      409: errorResponse("The text does not hash to the committed value (challenge_text_mismatch), or no answer is committed (challenge_no_answer)"),
      429: errorResponse("Rate limited"),
      503: errorResponse("This node follows no challenges"),
    },
  });

const postVerdictProposal = createRoute({
  method: "post",
  path: "/challenge-verdicts",
  summary: "Ask this operator to co-sign a challenge verdict (operator network)",
  request: { body: { required: true, content: { [APPLICATION_JSON]: { schema: z.object({}).passthrough().openapi("VerdictProposal") } } } },
  responses: {
    200: { description: "Signed or disputed", content: { [APPLICATION_JSON]: { schema: z.any().openapi("VerdictVote") } } },
    400: errorResponse("Malformed or inconsistent proposal"),
    403: errorResponse("Not signed by its leader, or the leader is not a current operator"),
    409: errorResponse("Unknown or closed challenge, other facts, deadline passed, or another appeal evaluator"),
    503: errorResponse("This node follows no challenges"),
  },
});

export function challengesRouter(deps: ApiDeps) {
  const router = createRouter();
  const api = () => {
    if (deps.challenges === undefined) throw new ApiError(503, "challenges_disabled", "This node follows no challenges.");
    return deps.challenges;
  };

  router.openapi(listChallenges, (c) => {
    const query = c.req.valid("query");
    const challenges = api().list({
      status: query.status,
      submissionId: query.submission === undefined ? undefined : BigInt(query.submission),
      before: query.before === undefined ? undefined : BigInt(query.before),
      limit: query.limit,
    });
    return c.json({ challenges }, 200);
  });

  router.openapi(getChallenge, (c) => {
    const id = BigInt(c.req.valid("param").id);
    const detail = api().detail(id);
    if (detail === undefined) throw new ApiError(404, "challenge_not_found", `This node has no challenge ${id}.`);
    return c.json(detail, 200);
  });

  for (const kind of ["reason", "answer"] as const) {
    router.openapi(textRoute(kind), async (c) => {
      const id = BigInt(c.req.valid("param").id);
      try {
        return c.json(await api().submitText(id, kind, c.req.valid("json").text), 200);
      } catch (error) {
        if (error instanceof ChallengeTextError) throw new ApiError(TEXT_ERROR_STATUS[error.code], error.code, error.message);
        throw error;
      }
    });
  }
  return router;
}

/** `POST /v1/peer/challenge-verdicts`, mounted under `/v1/peer`. */
export function challengeVerdictsRouter(deps: ApiDeps) {
  const router = createRouter();
  router.openAPIRegistry.registerPath(postVerdictProposal);
  router.openapi(
    { ...postVerdictProposal, hide: true, request: {}, middleware: [admitBody({ types: [APPLICATION_JSON], maxBytes: MAX_VERDICT_PROPOSAL_BYTES })] },
    async (c) => {
      if (deps.challenges === undefined) throw new ApiError(503, "challenges_disabled", "This node follows no challenges.");
      try {
        return c.json(await deps.challenges.vote(c.get("body").json), 200);
      } catch (error) {
        if (error instanceof VerdictProposalError) {
          throw new ApiError(REFUSAL_STATUS[error.code], `verdict_${error.code}`, error.shortMessage, { details: error.details || undefined });
        }
        throw error;
      }
    },
  );
  return router;
}
