/**
 * The refusal every HTTP-facing part of the oracle throws: api/ renders it (api/errors.ts), and the
 * parts api/ calls into (relay/, telegram/) throw it without importing api/. Shared here, below both,
 * so that no two oracle/src folders import each other (test/oracle/layers.test.ts).
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CashKeyError } from "../errors";

/** Every error code the API answers with; docs/OPERATORS.md lists them with their statuses. */
export type ApiErrorCode =
  | "malformed_json"
  | "invalid_body"
  | "invalid_encoding"
  | "invalid_parameter"
  | "bad_request"
  | "not_found"
  | "content_not_found"
  | "submission_not_found"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "chain_unavailable"
  | "network_disabled"
  | "proposal_not_found"
  | `proposal_${string}`
  | `peer_${string}`
  | "storage_unavailable"
  | "incomplete_body"
  | `relay_${string}`
  | `challenge_${string}`
  | "challenges_disabled"
  | `verdict_${string}`
  | "internal_error";

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details?: unknown };
}

/** A refusal with its HTTP status; thrown by handlers and middleware, rendered by `onError`. */
export class ApiError extends CashKeyError {
  override name = "ApiError";

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  body(): ApiErrorBody {
    return { error: { code: this.code, message: this.shortMessage, ...(this.extra.details === undefined ? {} : { details: this.extra.details }) } };
  }
}
