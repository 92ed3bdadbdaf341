/**
 * Operator-to-operator routes: `POST /v1/peer/proposals` (a leader asks this node to co-sign a
 * batch), `GET /v1/peer/proposals/:digest` (a proposal with its items' content, for peers and for
 * verifiers such as the Chainlink Functions source), and `GET /v1/network` (peers, agreement rates,
 * held submissions). The proposal body is size-limited before it is read and schema-checked before
 * anything else; a refusal is a 4xx with the reason code and changes nothing.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ProposalError, type ProposalRefusal } from "../../network/proposal";
import { ApiError } from "../errors";
import { APPLICATION_JSON, admitBody } from "../middleware/body";
import { createRouter } from "../router";
import { ErrorSchema, HashSchema } from "../schemas";
import type { ApiDeps } from "../types";

const REFUSAL_STATUS: Record<ProposalRefusal, 400 | 403 | 409> = {
  malformed: 400,
  wrong_chain: 400,
  item_order: 400,
  rationale_root: 400,
  digest: 400,
  leader_signature: 403,
  not_operator: 403,
  stale_nonce: 409,
  future_nonce: 409,
  expired: 409,
  evaluator: 409,
};

const errorResponse = (description: string) => ({ description, content: { [APPLICATION_JSON]: { schema: ErrorSchema } } });

const postProposal = createRoute({
  method: "post",
  path: "/peer/proposals",
  summary: "Ask this operator to co-sign a batch (operator network)",
  description:
    "The body is a batch proposal signed by its leader (docs/OPERATORS.md, Operator network). The answer is this node's vote: " +
    "its EIP-712 signature of the batch, or the items it disputes and why.",
  request: { body: { required: true, content: { [APPLICATION_JSON]: { schema: z.object({}).passthrough().openapi("Proposal") } } } },
  responses: {
    200: { description: "Signed or disputed", content: { [APPLICATION_JSON]: { schema: z.any().openapi("Vote") } } },
    400: errorResponse("Malformed or inconsistent proposal (proposal_malformed, proposal_digest, …)"),
    403: errorResponse("Not signed by its leader, or the leader is not a current operator"),
    409: errorResponse("Wrong nonce, deadline passed, or another evaluator"),
    413: errorResponse("Body larger than the proposal limit"),
    415: errorResponse("Not application/json"),
    429: errorResponse("Rate limited"),
    503: errorResponse("This node takes no part in the operator network"),
  },
});

const getProposal = createRoute({
  method: "get",
  path: "/peer/proposals/{digest}",
  summary: "A proposal with the content of its items",
  request: { params: z.object({ digest: HashSchema.openapi({ param: { name: "digest", in: "path" } }) }) },
  responses: {
    200: { description: "The proposal and its content by hash", content: { [APPLICATION_JSON]: { schema: z.any().openapi("ProposalBundle") } } },
    400: errorResponse("Malformed digest"),
    404: errorResponse("No such proposal here"),
    503: errorResponse("This node takes no part in the operator network"),
  },
});

const getNetwork = createRoute({
  method: "get",
  path: "/network",
  summary: "Operators, peers with their agreement rates, and submissions held for review",
  request: { query: z.object({ fresh: z.enum(["0", "1"]).optional() }) },
  responses: {
    200: { description: "The network as this node sees it", content: { [APPLICATION_JSON]: { schema: z.any().openapi("Network") } } },
    503: errorResponse("This node takes no part in the operator network"),
  },
});

export function peerRouter(deps: ApiDeps) {
  const router = createRouter();
  const network = () => {
    if (deps.network === undefined) throw new ApiError(503, "network_disabled", "This node takes no part in the operator network.");
    return deps.network;
  };

  router.openAPIRegistry.registerPath(postProposal);
  router.openapi(
    {
      ...postProposal,
      hide: true,
      request: {},
      middleware: [admitBody({ types: [APPLICATION_JSON], maxBytes: deps.maxProposalBytes ?? 4 * 1024 * 1024 })],
    },
    async (c) => {
      const body = c.get("body");
      try {
        return c.json(await network().vote(body.json), 200);
      } catch (error) {
        if (error instanceof ProposalError) {
          throw new ApiError(REFUSAL_STATUS[error.code], `proposal_${error.code}`, error.shortMessage, { details: error.details || undefined });
        }
        throw error;
      }
    },
  );

  router.openapi(getProposal, (c) => {
    const bundle = network().bundle(c.req.valid("param").digest);
    if (bundle === undefined) throw new ApiError(404, "proposal_not_found", "No proposal with this digest on this node.");
    return c.json(bundle, 200);
  });

  router.openapi(getNetwork, async (c) => c.json(await network().overview(c.req.valid("query").fresh === "1"), 200));

  return router;
}
