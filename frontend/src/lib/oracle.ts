/** The oracle API the app uses: upload content, read one evaluation. Everything else comes from the chain. */
import type { Hex } from "viem";

export interface OracleSubmission {
  id: string;
  status: string;
  author: string;
  contentHash: string | null;
  score: number | null;
  points: number | null;
  subScores?: Record<string, number> | null;
  flags: { code: string; severity: string; detail: string }[];
  rationaleJson: string | null;
  evaluator: string | null;
  batch: { nonce: string; state: string; rationaleRoot: string; txHash: string | null; proof: string[] | null } | null;
}

export class OracleError extends Error {
  override name = "OracleError";
}

async function failure(response: Response, what: string): Promise<OracleError> {
  let detail = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { message?: string } | string; message?: string };
    const message = typeof body.error === "string" ? body.error : (body.error?.message ?? body.message);
    if (message) detail = message;
  } catch {
    // not JSON: keep the status
  }
  return new OracleError(`${what}: ${detail}`);
}

/** Uploads content bound to `author` with `salt` (the content hash rule, docs/SCORING.md); returns its hash. */
export async function uploadContent(oracleUrl: string, content: { text: string; author: string; salt: string }): Promise<Hex> {
  const response = await fetch(`${oracleUrl}/v1/content`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(content),
  }).catch(() => {
    throw new OracleError("The oracle node did not answer: is it running?");
  });
  if (response.status !== 200 && response.status !== 201) throw await failure(response, "Upload refused");
  return ((await response.json()) as { hash: Hex }).hash;
}

/** The node's view of a submission, or null when it has not seen it yet. */
export async function fetchSubmission(oracleUrl: string, id: bigint): Promise<OracleSubmission | null> {
  const response = await fetch(`${oracleUrl}/v1/submissions/${id}`);
  if (response.status === 404) return null;
  if (!response.ok) throw await failure(response, `Submission ${id}`);
  return (await response.json()) as OracleSubmission;
}
