/**
 * The oracle API the app uses: upload content, read one evaluation. Everything else comes from the chain.
 * The shapes are the API's own zod schemas (oracle/src/api/schemas.ts), imported as types only: no zod
 * and no oracle code enter the bundle, and a schema change that the app does not follow fails `tsc`.
 */
import type { Hex } from "viem";
import type { z } from "zod";
import type { ContentStoredSchema, ContentUploadSchema, ErrorSchema, SubmissionSchema } from "../../../oracle/src/api/schemas";

/** `GET /v1/submissions/{id}`: the node's view of a submission (status is one of the API's states). */
export type OracleSubmission = z.infer<typeof SubmissionSchema>;
export type OracleSubmissionStatus = OracleSubmission["status"];
type ContentUpload = z.infer<typeof ContentUploadSchema>;
type ContentStored = z.infer<typeof ContentStoredSchema>;
type ErrorBody = z.infer<typeof ErrorSchema>;

export class OracleError extends Error {
  override name = "OracleError";
}

async function failure(response: Response, what: string): Promise<OracleError> {
  let detail = `HTTP ${response.status}`;
  try {
    // The API's error body, or what a proxy in front of it may say instead.
    const body = (await response.json()) as Partial<ErrorBody> | { error?: string; message?: string };
    const message = typeof body.error === "string" ? body.error : (body.error?.message ?? ("message" in body ? body.message : undefined));
    if (message) detail = message;
  } catch {
    // not JSON: keep the status
  }
  return new OracleError(`${what}: ${detail}`);
}

/** Uploads content bound to `author` with `salt` (the content hash rule, docs/SCORING.md); returns its hash. */
export async function uploadContent(oracleUrl: string, content: ContentUpload & { author: string; salt: string }): Promise<Hex> {
  const response = await fetch(`${oracleUrl}/v1/content`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(content),
  }).catch(() => {
    throw new OracleError("The oracle node did not answer: is it running?");
  });
  if (response.status !== 200 && response.status !== 201) throw await failure(response, "Upload refused");
  return ((await response.json()) as ContentStored).hash as Hex;
}

/** The node's view of a submission, or null when it has not seen it yet. */
export async function fetchSubmission(oracleUrl: string, id: bigint): Promise<OracleSubmission | null> {
  const response = await fetch(`${oracleUrl}/v1/submissions/${id}`);
  if (response.status === 404) return null;
  if (!response.ok) throw await failure(response, `Submission ${id}`);
  return (await response.json()) as OracleSubmission;
}
