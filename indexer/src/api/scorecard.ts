/**
 * `GET /v1/operators/scorecard` (docs/INDEXER.md, "Operator scorecard"): one row per operator that signed
 * a score batch or a challenge verdict, by address, cursor-paginated; `operator` narrows to one address.
 */
import type { Hono } from "hono";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { and, asc, eq, gt } from "ponder";
import { z } from "zod";
import { CHALLENGE_REASON_NAMES } from "../../schema/challenges";
import { Address, Limit, decodeCursor, encodeCursor, json, parse } from "./http";

const { operatorScorecard } = schema;

const ScorecardQuery = z.object({ operator: Address.optional(), limit: Limit, cursor: z.string().max(200).optional() }).strict();
const AddressCursor = z.tuple([z.string().regex(/^0x[0-9a-f]{40}$/)]);

/** Every reason name, at zero where none was upheld, so that clients read `duplicate` and `injection` directly. */
function byReason(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(CHALLENGE_REASON_NAMES.map((name) => [name, counts[name] ?? 0]));
}

export function scorecardRoutes(app: Hono): void {
  app.get("/v1/operators/scorecard", async (c) => {
    const query = parse(ScorecardQuery, c.req.query());
    const after = decodeCursor(query.cursor, AddressCursor);
    const rows = await db
      .select()
      .from(operatorScorecard)
      .where(
        and(
          query.operator === undefined ? undefined : eq(operatorScorecard.address, query.operator),
          after ? gt(operatorScorecard.address, after[0] as `0x${string}`) : undefined,
        ),
      )
      .orderBy(asc(operatorScorecard.address))
      .limit(query.limit + 1);
    const items = rows.slice(0, query.limit).map((row) => ({ ...row, upheldByReason: byReason(row.upheldByReason) }));
    const last = items[items.length - 1];
    return json(c, { items, next: rows.length > query.limit && last !== undefined ? encodeCursor([last.address]) : null });
  });
}
