/**
 * Sends a verdict proposal to one peer (`POST /v1/peer/challenge-verdicts`), bounded like every
 * request to a peer (network/peerClient.ts): one timeout, a cap on the bytes read, a schema on them.
 */
import { CashKeyError } from "../errors";
import { readLimited } from "../http/readLimited";
import { type VerdictProposalJson, type VerdictVoteJson, VerdictVoteSchema } from "./verdictProposal";

export const VERDICT_VOTE_PATH = "v1/peer/challenge-verdicts";
const MAX_VOTE_BYTES = 16 * 1024;

export function verdictVoteRequester(options: { fetch: typeof fetch; timeoutMs: number }) {
  return async (peer: string, proposal: VerdictProposalJson): Promise<VerdictVoteJson> => {
    const url = new URL(VERDICT_VOTE_PATH, peer.endsWith("/") ? peer : `${peer}/`);
    const response = await options.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(proposal),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await readLimited(response, MAX_VOTE_BYTES, (details) => new CashKeyError("The peer's answer is too large.", { details }));
    if (response.status !== 200) throw new CashKeyError(`The peer refused the verdict proposal with HTTP ${response.status}.`, { details: text.slice(0, 300) });
    const parsed = VerdictVoteSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new CashKeyError("The peer answered a verdict proposal with something else than a vote.", { details: parsed.error.issues[0]?.message });
    return parsed.data;
  };
}
