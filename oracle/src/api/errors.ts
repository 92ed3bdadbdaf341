import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { ApiError, type ApiErrorCode } from "../http/errors";

/** The refusal itself lives in http/ (relay/ and telegram/ throw it too); api/ renders it. */
export { ApiError, type ApiErrorBody, type ApiErrorCode } from "../http/errors";

/** Field-by-field problems of a failed schema check, for `details`. */
function issuesOf(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

/** A schema check failed: the first problem in the message, all of them in `details`. */
export function validationError(target: string, error: ZodError): ApiError {
  const issues = issuesOf(error);
  const first = issues[0];
  const where = first?.path ? `${first.path}: ` : "";
  const code: ApiErrorCode = target === "json" ? "invalid_body" : target === "param" ? "invalid_parameter" : "bad_request";
  return new ApiError(400, code, `${where}${first?.message ?? "invalid input"}`, { details: issues });
}

/** Turns anything thrown into a JSON response; a 5xx means a bug (or an outage) and is logged. */
export function renderError(error: unknown, c: Context, log: (error: unknown, requestId: string | undefined) => void): Response {
  if (error instanceof ApiError) return respond(c, error);
  if (error instanceof HTTPException && error.status < 500) {
    if (error.status === 413) return respond(c, new ApiError(413, "payload_too_large", "The request body is too large."));
    const malformed = /malformed json/i.test(error.message);
    return respond(
      c,
      new ApiError(
        error.status as ContentfulStatusCode,
        malformed ? "malformed_json" : "bad_request",
        malformed ? "The body is not valid JSON." : error.message || "Bad request.",
      ),
    );
  }
  const requestId = c.get("requestId");
  log(error, requestId);
  return respond(c, new ApiError(500, "internal_error", "Internal error.", { details: { requestId } }));
}

function respond(c: Context, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) c.header(name, value);
  return c.json(error.body(), error.status);
}
