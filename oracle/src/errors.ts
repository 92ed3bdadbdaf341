/**
 * The one error base class of the oracle, in the style of viem's `BaseError`: a short message
 * for people, optional details and meta lines, and the underlying cause kept intact so callers
 * can `walk()` down to it.
 */
export interface CashKeyErrorOptions {
  /** The error that caused this one; kept as `cause` and summarized into `details`. */
  cause?: unknown;
  /** One line of technical detail; defaults to the cause's message. */
  details?: string;
  /** Extra lines shown between the short message and the details. */
  metaMessages?: readonly string[];
}

export class CashKeyError extends Error {
  override name = "CashKeyError";
  readonly shortMessage: string;
  readonly details: string;
  readonly metaMessages: readonly string[];

  constructor(shortMessage: string, options: CashKeyErrorOptions = {}) {
    const details = options.details ?? detailsOf(options.cause);
    const metaMessages = options.metaMessages ?? [];
    const message = [shortMessage, ...(metaMessages.length > 0 ? ["", ...metaMessages] : []), ...(details ? ["", `Details: ${details}`] : [])].join("\n");
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = details;
    this.metaMessages = metaMessages;
  }

  /**
   * Walks the `cause` chain and returns the first error for which `predicate` holds, or the
   * deepest cause when no predicate is given.
   */
  walk(predicate?: (error: unknown) => boolean): unknown {
    // A cursor that starts at this error and moves down the chain, not an alias kept for a closure.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let current: unknown = this;
    for (;;) {
      if (predicate?.(current)) return current;
      const next = current instanceof Error ? current.cause : undefined;
      if (next === undefined) return predicate ? undefined : current;
      current = next;
    }
  }
}

function detailsOf(cause: unknown): string {
  if (cause instanceof CashKeyError) return cause.details || cause.shortMessage;
  if (cause instanceof Error) return cause.message;
  return cause === undefined ? "" : String(cause);
}
