/**
 * The duplicate index at scale (issue 10): N items in the node's SQLite store (migration 5), then
 * lookups by the evaluator's own code path (`DuplicateIndex.lookup`: exact key, copy candidates
 * with in-order verification, facts, template) after the store is closed and opened again — a
 * node never rebuilds the index at start.
 *
 * Items are synthetic copy sketches (what the index stores), made deterministically: 40–120
 * content words each drawn from a skewed 50,000-word vocabulary (so common pairs have long
 * posting lists, as in real text), 3 facts each, one item in ten filling one of 1,000 templates.
 * Half of the queries are copies of an indexed item with 30 % of their words replaced, half are
 * new texts.
 *
 * The first INCREMENTAL items are registered one by one, as a node does (`SqliteCopyStore.add`),
 * and timed; the rest are bulk-loaded into the same tables in key order (the rows a node would
 * have written, in the order a B-tree fills fastest), because inserting a million items at
 * random positions takes over an hour on the shared benchmark machine. Lookups run on the
 * result through the store's own queries.
 *
 * Run: npm run bench:dupindex   (DUPINDEX_ITEMS=100000 for a quick run; default 1,000,000)
 * Prints one JSON object; docs/BENCHMARKS.md records the figures.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { shingleSample, type CopySketch } from "../../oracle/src/eval/copySketch";
import { fnv1a } from "../../oracle/src/eval/hash32";
import { DuplicateIndex } from "../../oracle/src/eval/duplicateIndex";
import Database from "better-sqlite3";
import { openStore } from "../../oracle/src/store";
import { prng } from "../../test/helpers/prng";

const VOCABULARY = 50_000;
const TEMPLATES = 1_000;
const BATCH = 10_000;
/** Items registered one at a time through the store before the bulk load. */
const INCREMENTAL = 50_000;

export interface DuplicateIndexBenchmark {
  indexedItems: number;
  /** Items registered one by one, and their mean cost. */
  incrementalItems: number;
  incrementalMsPerItem: number;
  buildSeconds: number;
  reopenMs: number;
  databaseMiB: number;
  queries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The same in CPU time of this process: what a lookup costs, without waiting for a shared core. */
  cpuP50Ms: number;
  cpuP99Ms: number;
  /** Wall-clock percentiles of the same queries again once the database file is in the OS page cache (a node that has been running). */
  warmP50Ms: number;
  warmP99Ms: number;
  editedCopiesFound: string;
  falseMatches: string;
  rssMiB: number;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const authorOf = (id: number) => "0x" + (id % 5000).toString(16).padStart(40, "0");

function toBytes(values: Uint32Array): Buffer {
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeUInt32LE(values[i]!, i * 4);
  return out;
}

/**
 * Items `from..to` written straight into the store's tables (migration 5), the posting rows
 * sorted by (hash, id): shingle keys below 2³², fact keys above, so shingles go first.
 */
function bulkLoad(file: string, from: number, to: number, sketchOf: (id: number) => CopySketch): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("cache_size = -262144");
  const insertItem = db.prepare("INSERT INTO copy_items (id, author, content_hash, content_key, template, shingles, facts, words) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)");
  const insertPosting = db.prepare("INSERT INTO copy_postings (hash, id) VALUES (?, ?)");
  const ID_BITS = 2 ** 21;
  const shingleKeys: number[] = [];
  const factKeys: number[] = [];
  const itemsTx = db.transaction((first: number, last: number) => {
    for (let id = first; id <= last; id++) {
      const sketch = sketchOf(id);
      insertItem.run(
        id,
        authorOf(id),
        Buffer.from(sketch.contentKey, "hex"),
        sketch.template === "" ? null : Buffer.from(sketch.template, "hex"),
        sketch.shingles.length,
        toBytes(sketch.facts),
        toBytes(sketch.words),
      );
      for (const h of sketch.shingles) shingleKeys.push(h * ID_BITS + id);
      for (const h of sketch.facts) factKeys.push(h * ID_BITS + id);
    }
  });
  for (let first = from; first <= to; first += 100_000) itemsTx(first, Math.min(to, first + 99_999));
  const postingsTx = db.transaction((keys: Float64Array, offset: number, start: number, end: number) => {
    for (let i = start; i < end; i++) {
      const key = keys[i]!;
      const id = key % ID_BITS;
      insertPosting.run(offset + (key - id) / ID_BITS, id);
    }
  });
  for (const [list, offset] of [
    [shingleKeys, 0],
    [factKeys, 2 ** 32],
  ] as const) {
    const keys = Float64Array.from(list).sort();
    list.length = 0;
    for (let start = 0; start < keys.length; start += 1_000_000) postingsTx(keys, offset, start, Math.min(keys.length, start + 1_000_000));
  }
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function benchmarkDuplicateIndex(items: number, queries = 2_000): DuplicateIndexBenchmark {
  const random = prng(20261202);
  const words = Uint32Array.from({ length: VOCABULARY }, (_, i) => fnv1a(`word${i}`));
  // Skewed: low ranks are common (like "government"), high ranks rare.
  const word = () => words[Math.floor(VOCABULARY * random() ** 3)]!;
  const sequence = (): Uint32Array => Uint32Array.from({ length: 40 + Math.floor(random() * 81) }, word);
  const sketchOf = (id: number, content: Uint32Array): CopySketch => ({
    contentKey: createHash("sha256").update(`item ${id}`).digest("hex"),
    shingles: shingleSample(content),
    words: content,
    template:
      id % 10 === 0
        ? createHash("sha256")
            .update(`template ${id % TEMPLATES}`)
            .digest("hex")
        : "",
    facts: Uint32Array.from([0, 1, 2].map(() => Math.floor(random() * 1_000_000) * 2 + 1)).sort(),
  });

  const dir = fs.mkdtempSync(path.join(tmpdir(), "ckdx-"));
  const file = path.join(dir, "oracle.db");
  try {
    let store = openStore(file);
    const kept = new Map<number, Uint32Array>();
    const contentOf = (id: number): Uint32Array => {
      const content = sequence();
      if (id % Math.max(1, Math.floor(items / queries)) === 0) kept.set(id, content);
      return content;
    };
    const buildStarted = process.hrtime.bigint();
    const incremental = Math.min(items, INCREMENTAL);
    for (let from = 1; from <= incremental; from += BATCH) {
      store.transaction(() => {
        for (let id = from; id < Math.min(incremental + 1, from + BATCH); id++) {
          store.copies.add(BigInt(id), authorOf(id), sketchOf(id, contentOf(id)));
        }
      });
    }
    const incrementalSeconds = Number(process.hrtime.bigint() - buildStarted) / 1e9;
    store.close();
    if (items > incremental) bulkLoad(file, incremental + 1, items, (id) => sketchOf(id, contentOf(id)));
    const buildSeconds = Number(process.hrtime.bigint() - buildStarted) / 1e9;
    const databaseBytes = fs.statSync(file).size;

    const reopenStarted = process.hrtime.bigint();
    store = openStore(file);
    const index = new DuplicateIndex(store.copies);
    const reopenMs = Number(process.hrtime.bigint() - reopenStarted) / 1e6;

    const targets = [...kept.keys()];
    const asks = Array.from({ length: queries }, (_, n) => {
      if (n % 2 === 0) {
        const target = targets[Math.floor(random() * targets.length)]!;
        const copy = kept.get(target)!.slice();
        for (let k = 0; k < copy.length; k++) if (random() < 0.3) copy[k] = word();
        return { target: String(target), sketch: sketchOf(items + 1 + n, copy) };
      }
      return { target: undefined, sketch: sketchOf(items + 1 + n, sequence()) };
    });
    const before = String(items + 10 * queries);
    for (const q of asks.slice(0, 100)) index.lookup(q.sketch, before);
    const latencies: number[] = [];
    const cpuTimes: number[] = [];
    let found = 0;
    let falseMatches = 0;
    for (const q of asks) {
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      const report = index.lookup(q.sketch, before);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      const used = process.cpuUsage(cpu);
      cpuTimes.push((used.user + used.system) / 1000);
      if (q.target !== undefined && report.copy?.id === q.target) found++;
      if (q.target === undefined && report.copy !== undefined) falseMatches++;
    }
    // Again with the file read once, as the page cache of a node that has been running holds it.
    const fd = fs.openSync(file, "r");
    const chunk = Buffer.allocUnsafe(1 << 24);
    while (fs.readSync(fd, chunk, 0, chunk.length, null) > 0);
    fs.closeSync(fd);
    const warm: number[] = [];
    for (const q of asks) {
      const started = process.hrtime.bigint();
      index.lookup(q.sketch, before);
      warm.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    warm.sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    cpuTimes.sort((a, b) => a - b);
    store.close();
    return {
      indexedItems: items,
      incrementalItems: incremental,
      incrementalMsPerItem: round((incrementalSeconds * 1000) / incremental),
      buildSeconds: round(buildSeconds, 1),
      reopenMs: round(reopenMs, 1),
      databaseMiB: round(databaseBytes / 2 ** 20, 1),
      queries,
      p50Ms: round(percentile(latencies, 50), 4),
      p99Ms: round(percentile(latencies, 99), 4),
      maxMs: round(latencies[latencies.length - 1]!, 4),
      cpuP50Ms: round(percentile(cpuTimes, 50), 3),
      cpuP99Ms: round(percentile(cpuTimes, 99), 3),
      warmP50Ms: round(percentile(warm, 50), 4),
      warmP99Ms: round(percentile(warm, 99), 4),
      editedCopiesFound: `${found}/${queries / 2}`,
      falseMatches: `${falseMatches}/${queries / 2}`,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const items = Number(process.env.DUPINDEX_ITEMS ?? 1_000_000);
  const result = benchmarkDuplicateIndex(items);
  console.log(JSON.stringify({ benchmark: "duplicate index", node: process.version, cpu: cpus()[0]?.model ?? "unknown", ...result }, null, 2));
}
