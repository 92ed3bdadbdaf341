/**
 * The challenge routes (docs/INDEXER.md): `/v1/challenges` (filters, cursor pagination, newest first)
 * and `/v1/challenges/:id`, and the challenges of one item for `/v1/items/:id`.
 */
import type { Hono } from "hono";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { and, desc, eq, inArray, lt } from "ponder";
import { z } from "zod";
import { Address, ApiError, Limit, UintString, decodeCursor, encodeCursor, json, parse } from "./http";

const { challenge, submission } = schema;

/** `active`: not resolved yet (open, verdict or escalated); `resolved`: upheld, rejected or dismissed. */
const STATUS_GROUPS: Record<string, string[]> = {
  open: ["open"],
  verdict: ["verdict"],
  escalated: ["escalated"],
  upheld: ["upheld"],
  rejected: ["rejected"],
  dismissed: ["dismissed"],
  active: ["open", "verdict", "escalated"],
  resolved: ["upheld", "rejected", "dismissed"],
};

const ChallengesQuery = z.object({
  status: z.enum(Object.keys(STATUS_GROUPS) as [string, ...string[]]).optional(),
  challenger: Address.optional(),
  author: Address.optional(),
  submission: UintString.optional(),
  limit: Limit,
  cursor: z.string().max(200).optional(),
});
const IdCursor = z.tuple([z.string().regex(/^\d{1,20}$/)]);

/** Every challenge of one submission, newest first (at most one is in progress at a time). */
export async function challengesOfItem(submissionId: bigint) {
  return db.select().from(challenge).where(eq(challenge.submissionId, submissionId)).orderBy(desc(challenge.id)).limit(100);
}

export function challengeRoutes(app: Hono): void {
  app.get("/v1/challenges", async (c) => {
    const query = parse(ChallengesQuery, c.req.query());
    const after = decodeCursor(query.cursor, IdCursor);
    const rows = await db
      .select({ challenge, title: submission.title })
      .from(challenge)
      .leftJoin(submission, eq(submission.id, challenge.submissionId))
      .where(
        and(
          query.status === undefined ? undefined : inArray(challenge.status, STATUS_GROUPS[query.status]!),
          query.challenger === undefined ? undefined : eq(challenge.challenger, query.challenger),
          query.author === undefined ? undefined : eq(challenge.author, query.author),
          query.submission === undefined ? undefined : eq(challenge.submissionId, query.submission),
          after ? lt(challenge.id, BigInt(after[0])) : undefined,
        ),
      )
      .orderBy(desc(challenge.id))
      .limit(query.limit + 1);
    const items = rows.slice(0, query.limit).map((row) => ({ ...row.challenge, title: row.title ?? null }));
    const last = items[items.length - 1];
    return json(c, { items, next: rows.length > query.limit && last !== undefined ? encodeCursor([last.id.toString()]) : null });
  });

  app.get("/v1/challenges/:id", async (c) => {
    const { id } = parse(z.object({ id: UintString }), c.req.param());
    const [found] = await db.select().from(challenge).where(eq(challenge.id, id)).limit(1);
    if (found === undefined) throw new ApiError(404, "challenge_not_found", "No challenge with this id.");
    const [item] = await db
      .select({
        id: submission.id,
        author: submission.author,
        title: submission.title,
        score: submission.score,
        points: submission.points,
        scoredEpoch: submission.scoredEpoch,
      })
      .from(submission)
      .where(eq(submission.id, found.submissionId))
      .limit(1);
    return json(c, { challenge: found, item: item ?? null });
  });
}
