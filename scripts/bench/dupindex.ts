/**
 * The duplicate index at scale (issue 10): N items in the node's SQLite store (migration 4), then
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
 * Run: npm run bench:dupindex   (DUPINDEX_ITEMS=100000 for a quick run; default 1,000,000)
 * Prints one JSON object; docs/BENCHMARKS.md records the figures.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { fnv1a, shingleSample, type CopySketch } from "../../oracle/src/eval/copySketch";
import { DuplicateIndex } from "../../oracle/src/eval/duplicateIndex";
import { openStore } from "../../oracle/src/store";
import { prng } from "../../test/helpers/prng";

const VOCABULARY = 50_000;
const TEMPLATES = 1_000;
const BATCH = 10_000;

export interface DuplicateIndexBenchmark {
  indexedItems: number;
  buildSeconds: number;
  reopenMs: number;
  databaseMiB: number;
  queries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  editedCopiesFound: string;
  falseMatches: string;
  rssMiB: number;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

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
    template: id % 10 === 0 ? createHash("sha256").update(`template ${id % TEMPLATES}`).digest("hex") : "",
    facts: Uint32Array.from([0, 1, 2].map(() => Math.floor(random() * 1_000_000) * 2 + 1)).sort(),
  });

  const dir = fs.mkdtempSync(path.join(tmpdir(), "ckdx-"));
  const file = path.join(dir, "oracle.db");
  try {
    let store = openStore(file);
    const kept = new Map<number, Uint32Array>();
    const buildStarted = process.hrtime.bigint();
    for (let from = 1; from <= items; from += BATCH) {
      store.transaction(() => {
        for (let id = from; id < Math.min(items + 1, from + BATCH); id++) {
          const content = sequence();
          if (id % Math.max(1, Math.floor(items / queries)) === 0) kept.set(id, content);
          store.copies.add(BigInt(id), "0x" + (id % 5000).toString(16).padStart(40, "0"), sketchOf(id, content));
        }
      });
    }
    const buildSeconds = Number(process.hrtime.bigint() - buildStarted) / 1e9;
    store.close();
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
    let found = 0;
    let falseMatches = 0;
    for (const q of asks) {
      const started = process.hrtime.bigint();
      const report = index.lookup(q.sketch, before);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (q.target !== undefined && report.copy?.id === q.target) found++;
      if (q.target === undefined && report.copy !== undefined) falseMatches++;
    }
    latencies.sort((a, b) => a - b);
    store.close();
    return {
      indexedItems: items,
      buildSeconds: round(buildSeconds, 1),
      reopenMs: round(reopenMs, 1),
      databaseMiB: round(databaseBytes / 2 ** 20, 1),
      queries,
      p50Ms: round(percentile(latencies, 50), 4),
      p99Ms: round(percentile(latencies, 99), 4),
      maxMs: round(latencies[latencies.length - 1]!, 4),
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
