import { CashKeyError } from "../errors";

/** The store could not be opened or a write broke one of its rules. */
export class StoreError extends CashKeyError {
  override name = "StoreError";
}

/** A write would break a uniqueness rule (a second live batch for a nonce, a submission in two live batches). */
export class StoreConflictError extends StoreError {
  override name = "StoreConflictError";
}

/** A write names a row that does not exist. */
export class StoreNotFoundError extends StoreError {
  override name = "StoreNotFoundError";
}

/** True for a SQLite constraint error of the given kind ("UNIQUE", "FOREIGNKEY", "CHECK", "PRIMARYKEY"). */
export function isConstraintError(error: unknown, kind: string): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === `SQLITE_CONSTRAINT_${kind}`;
}
