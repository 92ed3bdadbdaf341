/**
 * The indexer's HTTP API for the dApp (served by Ponder next to /health, /ready, /status and /metrics).
 * Every list is cursor-paginated and answered from indexed rows; docs/INDEXER.md is the reference.
 */
import { Hono } from "hono";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { and, asc, desc, eq, gte, inArray, lt, lte, or, sql } from "ponder";
type SQL = ReturnType<typeof sql>;
import { z } from "zod";
import { SEARCH_DOCUMENT } from "../../ponder.schema";
import { challengeRoutes, challengesOfItem } from "./challenges";
import { scorecardRoutes } from "./scorecard";
import { Address, ApiError, EpochNumber, Limit, UintString, decodeCursor, encodeCursor, errorResponse, json, notFound, parse, rateLimit } from "./http";

const { submission, batch, epoch, authorEpoch, claim, proposal, vote, operator, stakeEvent, delegation, rewardsClock } = schema;

/** A search ranks at most this many matches, the newest (docs/INDEXER.md, "Scaling"). */
const SEARCH_CANDIDATES = Number(process.env.CASHKEY_INDEXER_SEARCH_CANDIDATES ?? 200);

/** A list shows this much of each text; the item page shows all of it. */
const SNIPPET_CHARS = 280;

const app = new Hono();
app.use("/v1/*", rateLimit(Number(process.env.CASHKEY_INDEXER_RATE_LIMIT_MAX ?? 600), Number(process.env.CASHKEY_INDEXER_RATE_LIMIT_WINDOW_MS ?? 60_000)));
app.onError(errorResponse);
app.notFound(notFound);

const listed = {
  id: submission.id,
  author: submission.author,
  contentHash: submission.contentHash,
  category: submission.category,
  submittedAt: submission.submittedAt,
  score: submission.score,
  points: submission.points,
  scoredEpoch: submission.scoredEpoch,
  batchNonce: submission.batchNonce,
  contentStatus: submission.contentStatus,
  title: submission.title,
  snippet: sql<string | null>`left(${submission.text}, ${SNIPPET_CHARS})`,
};

/** Keeps `limit` rows and the cursor to the next page (null on the last one). */
function page<T>(rows: T[], limit: number, keys: (row: T) => (string | number)[]): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last !== undefined ? encodeCursor(keys(last)) : null };
}

const IdCursor = z.tuple([z.string().regex(/^\d{1,20}$/)]);
const ScoreCursor = z.tuple([z.number().int().min(0).max(100), z.string().regex(/^\d{1,20}$/)]);

app.get("/v1/authors/:address/submissions", async (c) => {
  const { address } = parse(z.object({ address: Address }), c.req.param());
  const query = parse(z.object({ limit: Limit, cursor: z.string().max(200).optional() }), c.req.query());
  const after = decodeCursor(query.cursor, IdCursor);
  const rows = await db
    .select(listed)
    .from(submission)
    .where(and(eq(submission.author, address), after ? lt(submission.id, BigInt(after[0])) : undefined))
    .orderBy(desc(submission.id))
    .limit(query.limit + 1);
  return json(
    c,
    page(rows, query.limit, (row) => [row.id.toString()]),
  );
});

const ItemsQuery = z.object({
  sort: z.enum(["recent", "top"]).default("recent"),
  epoch: EpochNumber.optional(),
  category: z.coerce.number().int().min(0).max(65_535).optional(),
  limit: Limit,
  cursor: z.string().max(200).optional(),
});

app.get("/v1/items", async (c) => {
  const query = parse(ItemsQuery, c.req.query());
  const filters: (SQL | undefined)[] = [
    sql`${submission.score} is not null`,
    query.epoch === undefined ? undefined : eq(submission.scoredEpoch, query.epoch),
    query.category === undefined ? undefined : eq(submission.category, query.category),
  ];
  if (query.sort === "recent") {
    const after = decodeCursor(query.cursor, IdCursor);
    const rows = await db
      .select(listed)
      .from(submission)
      .where(and(...filters, after ? lt(submission.id, BigInt(after[0])) : undefined))
      .orderBy(desc(submission.id))
      .limit(query.limit + 1);
    return json(
      c,
      page(rows, query.limit, (row) => [row.id.toString()]),
    );
  }
  const after = decodeCursor(query.cursor, ScoreCursor);
  const rows = await db
    .select(listed)
    .from(submission)
    .where(and(...filters, after ? or(lt(submission.score, after[0]), and(eq(submission.score, after[0]), lt(submission.id, BigInt(after[1])))) : undefined))
    .orderBy(desc(submission.score), desc(submission.id))
    .limit(query.limit + 1);
  return json(
    c,
    page(rows, query.limit, (row) => [row.score ?? 0, row.id.toString()]),
  );
});

app.get("/v1/items/:id", async (c) => {
  const { id } = parse(z.object({ id: UintString }), c.req.param());
  const [item] = await db.select().from(submission).where(eq(submission.id, id)).limit(1);
  if (item === undefined) throw new ApiError(404, "item_not_found", "No submission with this id.");
  const [posted] = item.batchNonce === null ? [] : await db.select().from(batch).where(eq(batch.nonce, item.batchNonce)).limit(1);
  return json(c, { item, batch: posted ?? null, challenges: await challengesOfItem(id) });
});

const SearchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  category: z.coerce.number().int().min(0).max(65_535).optional(),
  author: Address.optional(),
  epoch: EpochNumber.optional(),
  minScore: z.coerce.number().int().min(0).max(100).optional(),
  maxScore: z.coerce.number().int().min(0).max(100).optional(),
  limit: Limit,
  cursor: z.string().max(200).optional(),
});
const SearchCursor = z.tuple([z.number().nonnegative().finite(), z.string().regex(/^\d{1,20}$/)]);

/** Headline markers that cannot occur in the text (stripped from it first): the API returns segments, never markup. */
const MARK_START = "\u0001";
const MARK_END = "\u0002";

function segments(headline: string): { text: string; match: boolean }[] {
  const out: { text: string; match: boolean }[] = [];
  for (const [i, part] of headline.split(new RegExp(`[${MARK_START}${MARK_END}]`)).entries()) {
    if (part.length > 0) out.push({ text: part, match: i % 2 === 1 });
  }
  return out;
}

app.get("/v1/search", async (c) => {
  const query = parse(SearchQuery, c.req.query());
  if (query.minScore !== undefined && query.maxScore !== undefined && query.minScore > query.maxScore) {
    throw new ApiError(400, "invalid_request", "minScore is above maxScore.");
  }
  const after = decodeCursor(query.cursor, SearchCursor);
  const document = sql.raw(SEARCH_DOCUMENT);
  const tsquery = sql`websearch_to_tsquery('english', ${query.q})`;
  const rank = sql<number>`ts_rank_cd(${document}, ${tsquery})`;
  // Ranking reads each match's vector, so only the newest SEARCH_CANDIDATES matches are ranked: found
  // through the GIN index (or, for a word in most texts, by walking ids down), then ordered best first.
  const candidates = db
    .select({ id: submission.id })
    .from(submission)
    .where(
      and(
        sql`${document} @@ ${tsquery}`,
        query.category === undefined ? undefined : eq(submission.category, query.category),
        query.author === undefined ? undefined : eq(submission.author, query.author),
        query.epoch === undefined ? undefined : eq(submission.scoredEpoch, query.epoch),
        query.minScore === undefined ? undefined : gte(submission.score, query.minScore),
        query.maxScore === undefined ? undefined : lte(submission.score, query.maxScore),
      ),
    )
    .orderBy(desc(submission.id))
    .limit(SEARCH_CANDIDATES);
  const rows = await db
    .select({
      ...listed,
      rank,
      headline: sql<string>`ts_headline('english', translate(coalesce(${submission.text}, ''), ${MARK_START + MARK_END}, ''), ${tsquery}, ${`StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15, MaxFragments=2`})`,
    })
    .from(submission)
    .where(
      and(
        inArray(submission.id, candidates),
        after ? sql`(${rank} < ${after[0]}::real or (${rank} = ${after[0]}::real and ${submission.id} < ${BigInt(after[1])}))` : undefined,
      ),
    )
    .orderBy(desc(rank), desc(submission.id))
    .limit(query.limit + 1);
  const result = page(rows, query.limit, (row) => [Number(row.rank), row.id.toString()]);
  return json(c, {
    next: result.next,
    items: result.items.map(({ headline, ...row }) => ({ ...row, rank: Number(row.rank), highlights: segments(headline) })),
  });
});

const LeaderboardCursor = z.tuple([z.string().regex(/^\d{1,78}$/), z.string().regex(/^0x[0-9a-f]{40}$/)]);

app.get("/v1/leaderboard", async (c) => {
  const query = parse(z.object({ epoch: EpochNumber.optional(), limit: Limit, cursor: z.string().max(300).optional() }), c.req.query());
  let at = query.epoch;
  if (at === undefined) {
    const [latest] = await db.select({ epoch: epoch.epoch }).from(epoch).orderBy(desc(epoch.epoch)).limit(1);
    if (latest === undefined) return json(c, { epoch: null, items: [], next: null });
    at = latest.epoch;
  }
  const after = decodeCursor(query.cursor, LeaderboardCursor);
  const rows = await db
    .select({ author: authorEpoch.author, points: authorEpoch.points, scoredCount: authorEpoch.scoredCount })
    .from(authorEpoch)
    .where(
      and(
        eq(authorEpoch.epoch, at),
        after ? or(lt(authorEpoch.points, BigInt(after[0])), and(eq(authorEpoch.points, BigInt(after[0])), sql`${authorEpoch.author} > ${after[1]}`)) : undefined,
      ),
    )
    .orderBy(desc(authorEpoch.points), asc(authorEpoch.author))
    .limit(query.limit + 1);
  return json(c, { epoch: at, ...page(rows, query.limit, (row) => [row.points.toString(), row.author]) });
});

app.get("/v1/epochs", async (c) => {
  const query = parse(z.object({ limit: Limit }), c.req.query());
  const [clock] = await db.select().from(rewardsClock).limit(1);
  const rows = await db.select().from(epoch).orderBy(desc(epoch.epoch)).limit(query.limit);
  return json(c, { genesis: clock?.genesis ?? null, epochLength: clock?.epochLength ?? null, items: rows });
});

app.get("/v1/batches", async (c) => {
  const query = parse(z.object({ limit: Limit, cursor: z.string().max(200).optional() }), c.req.query());
  const after = decodeCursor(query.cursor, IdCursor);
  const rows = await db
    .select()
    .from(batch)
    .where(after ? lt(batch.nonce, BigInt(after[0])) : undefined)
    .orderBy(desc(batch.nonce))
    .limit(query.limit + 1);
  return json(
    c,
    page(rows, query.limit, (row) => [row.nonce.toString()]),
  );
});

app.get("/v1/batches/:nonce", async (c) => {
  const { nonce } = parse(z.object({ nonce: UintString }), c.req.param());
  const [posted] = await db.select().from(batch).where(eq(batch.nonce, nonce)).limit(1);
  if (posted === undefined) throw new ApiError(404, "batch_not_found", "No batch with this nonce.");
  const items = await db.select(listed).from(submission).where(eq(submission.batchNonce, nonce)).orderBy(asc(submission.id)).limit(1_000);
  return json(c, { batch: posted, items });
});

app.get("/v1/authors/:address/claims", async (c) => {
  const { address } = parse(z.object({ address: Address }), c.req.param());
  const query = parse(z.object({ limit: Limit }), c.req.query());
  const rows = await db.select().from(claim).where(eq(claim.user, address)).orderBy(desc(claim.timestamp), desc(claim.id)).limit(query.limit);
  return json(c, { items: rows });
});

app.get("/v1/authors/:address/earnings", async (c) => {
  const { address } = parse(z.object({ address: Address }), c.req.param());
  const query = parse(z.object({ limit: Limit }), c.req.query());
  const rows = await db
    .select({ epoch: authorEpoch.epoch, points: authorEpoch.points, scoredCount: authorEpoch.scoredCount, budget: epoch.budget, totalPoints: epoch.totalPoints })
    .from(authorEpoch)
    .leftJoin(epoch, eq(epoch.epoch, authorEpoch.epoch))
    .where(eq(authorEpoch.author, address))
    .orderBy(desc(authorEpoch.epoch))
    .limit(query.limit);
  // The contract's share rule: points × budget / totalPoints, rounded down (final once the epoch closes).
  const items = rows.map((row) => ({
    ...row,
    tokens: row.budget !== null && row.totalPoints !== null && row.totalPoints > 0n ? (row.points * row.budget) / row.totalPoints : null,
  }));
  return json(c, { items });
});

app.get("/v1/authors/:address/stakes", async (c) => {
  const { address } = parse(z.object({ address: Address }), c.req.param());
  const query = parse(z.object({ limit: Limit }), c.req.query());
  const stakes = await db.select().from(stakeEvent).where(eq(stakeEvent.account, address)).orderBy(desc(stakeEvent.timestamp), desc(stakeEvent.id)).limit(query.limit);
  const delegations = await db
    .select()
    .from(delegation)
    .where(eq(delegation.delegator, address))
    .orderBy(desc(delegation.timestamp), desc(delegation.id))
    .limit(query.limit);
  return json(c, { stakes, delegations });
});

app.get("/v1/operators", async (c) => {
  return json(c, { items: await db.select().from(operator).orderBy(asc(operator.address)).limit(1_000) });
});

app.get("/v1/proposals", async (c) => {
  const query = parse(z.object({ limit: Limit, cursor: z.string().max(200).optional() }), c.req.query());
  const after = decodeCursor(query.cursor, z.tuple([z.number().int().nonnegative(), z.string().regex(/^\d{1,78}$/)]));
  const rows = await db
    .select()
    .from(proposal)
    .where(after ? or(lt(proposal.createdAt, BigInt(after[0])), and(eq(proposal.createdAt, BigInt(after[0])), lt(proposal.id, BigInt(after[1])))) : undefined)
    .orderBy(desc(proposal.createdAt), desc(proposal.id))
    .limit(query.limit + 1);
  return json(
    c,
    page(rows, query.limit, (row) => [Number(row.createdAt), row.id.toString()]),
  );
});

app.get("/v1/proposals/:id", async (c) => {
  const { id } = parse(z.object({ id: UintString }), c.req.param());
  const [found] = await db.select().from(proposal).where(eq(proposal.id, id)).limit(1);
  if (found === undefined) throw new ApiError(404, "proposal_not_found", "No proposal with this id.");
  const votes = await db.select().from(vote).where(eq(vote.proposalId, id)).orderBy(desc(vote.weight), asc(vote.voter)).limit(1_000);
  return json(c, { proposal: found, votes });
});

challengeRoutes(app);
scorecardRoutes(app);

// Ponder's own not-found answer is text: keep this API's JSON for unknown paths under /v1.
app.all("/v1/*", notFound);

export default app;
