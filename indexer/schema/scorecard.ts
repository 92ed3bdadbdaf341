/**
 * The operators' agreement scorecard (docs/INDEXER.md, "Operator scorecard"): per operator address, what
 * it signed and how the challenges of what it signed ended. Tallied by the batch and challenge handlers
 * (indexer/src/scorecard.ts), so the route reads one row per operator. Re-exported by ponder.schema.ts.
 */
import { onchainTable } from "ponder";

export const operatorScorecard = onchainTable("operator_scorecard", (t) => ({
  address: t.hex().primaryKey(),
  /** Score batches whose recovered signers include this operator, and the items in them. */
  batchesSigned: t.integer().notNull(),
  itemsScored: t.integer().notNull(),
  /** Challenges opened on items of those batches, and how the resolved ones ended. */
  challenged: t.integer().notNull(),
  upheld: t.integer().notNull(),
  /** Upheld challenges by reason name (`duplicate`, `injection`, ...): each key counts its own. */
  upheldByReason: t.json().$type<Record<string, number>>().notNull(),
  rejected: t.integer().notNull(),
  /** First-round challenge verdicts this operator co-signed (recovered from `postVerdict` calldata). */
  verdictsSigned: t.integer().notNull(),
  /** Upheld `duplicate`/`injection` verdicts it co-signed on an item whose score batch it had signed. */
  selfReversals: t.integer().notNull(),
}));
