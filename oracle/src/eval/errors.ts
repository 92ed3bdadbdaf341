import { CashKeyError, type CashKeyErrorOptions } from "../errors";

/** Why a scorer could not produce an evaluation. */
export type EvaluationFailureReason =
  /** The model answered, but never with valid JSON matching the schema. */
  | "invalid_output"
  /** Rate limits, server errors, timeouts or connection errors outlasted the retries. */
  | "unavailable"
  /** The server refused the request itself (bad request, authentication, unknown model). */
  | "rejected";

/**
 * A scorer gave up on a submission. No score is guessed in its place: the caller keeps the
 * submission pending and evaluates it again later when `retriable` is true.
 */
export class EvaluationFailedError extends CashKeyError {
  override name = "EvaluationFailedError";
  readonly reason: EvaluationFailureReason;
  readonly attempts: number;
  readonly retriable: boolean;

  constructor(shortMessage: string, args: CashKeyErrorOptions & { reason: EvaluationFailureReason; attempts: number }) {
    super(shortMessage, { ...args, metaMessages: [`Reason: ${args.reason}`, `Attempts: ${args.attempts}`] });
    this.reason = args.reason;
    this.attempts = args.attempts;
    // A refused request fails the same way next time until an operator fixes the configuration.
    this.retriable = args.reason !== "rejected";
  }
}

/** A value handed to the evaluation core is outside its documented domain. */
export class InvalidEvaluationInputError extends CashKeyError {
  override name = "InvalidEvaluationInputError";
}
