/**
 * Micro-benchmark of the evaluation core, on one core (Node runs it on one thread):
 *
 * - heuristic pipeline throughput (preprocess → fingerprint → fraud checks → heuristic scorer →
 *   QA → points, with registration in the duplicate index) on distinct ~2 KB English texts;
 * - duplicate-index lookup latency (p50/p99) with 100,000 items in a SQLite store.
 *
 * Run: npx ts-node scripts/bench/evaluation.ts   (prints one JSON object; about a minute)
 * Texts are built deterministically from the sentences of the labelled fixtures.
 * `npm run bench:oracle` (scripts/bench/oracle.ts) runs the same measurements among the node's.
 */
import { keccak256, toUtf8Bytes } from "ethers";
import { cpus } from "node:os";
import { createEvaluator } from "../../oracle/src/eval/evaluate";
import { benchmarkDuplicateIndex } from "./dupindex";
import { createHeuristicScorer } from "../../oracle/src/eval/scorers/heuristic";
import fixtures from "../../test/fixtures/submissions.json";
import { prng } from "../../test/helpers/prng";

const TEXT_BYTES = 2048;
const WARMUP_EVALUATIONS = 500;
const MEASURED_EVALUATIONS = 5_000;
const INDEXED_ITEMS = 100_000;
const QUERIES = 2_000;

const random = prng(20240601);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const englishUseful = fixtures.items.filter((item) => item.label === "useful" && item.language === "en");
const sentences = englishUseful.flatMap((item) => item.text.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.split(" ").length >= 5));

/** A distinct ~2 KB text: fixture sentences in random order, numbers perturbed, in paragraphs. */
export function articleText(): string {
  const parts: string[] = [];
  let bytes = 0;
  while (bytes < TEXT_BYTES) {
    const sentence = pick(sentences).replace(/\d+/g, () => String(Math.floor(random() * 5000)));
    parts.push(parts.length % 4 === 3 ? `\n\n${sentence}` : sentence);
    bytes += Buffer.byteLength(sentence) + 1;
  }
  return Buffer.from(parts.join(" "))
    .subarray(0, TEXT_BYTES)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

export async function benchmarkPipeline() {
  const texts = Array.from({ length: WARMUP_EVALUATIONS + MEASURED_EVALUATIONS }, articleText);
  const hashes = texts.map((text) => keccak256(toUtf8Bytes(text)));
  const evaluator = createEvaluator({ scorer: createHeuristicScorer() });
  const authors = Array.from({ length: 200 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
  const run = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      await evaluator.evaluate({ submissionId: i + 1, author: authors[i % authors.length]!, text: texts[i]!, contentHash: hashes[i]! });
    }
  };
  await run(0, WARMUP_EVALUATIONS);
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  await run(WARMUP_EVALUATIONS, texts.length);
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // CPU time is what one core spends; on a shared machine wall time also counts waiting for it.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const averageBytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0) / texts.length;
  return {
    evaluations: MEASURED_EVALUATIONS,
    averageTextBytes: Math.round(averageBytes),
    evaluationsPerCpuSecond: Math.round(MEASURED_EVALUATIONS / cpuSeconds),
    evaluationsPerWallSecond: Math.round(MEASURED_EVALUATIONS / seconds),
    meanCpuMs: round((cpuSeconds * 1000) / MEASURED_EVALUATIONS),
  };
}

/** Duplicate-index lookups with INDEXED_ITEMS items in a SQLite store (scripts/bench/dupindex.ts). */
export function benchmarkLookups() {
  return benchmarkDuplicateIndex(INDEXED_ITEMS, QUERIES);
}

async function main() {
  const pipeline = await benchmarkPipeline();
  const lookup = benchmarkLookups();
  const result = {
    benchmark: "evaluation",
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    heuristicPipeline: pipeline,
    duplicateLookup: lookup,
  };
  console.log(JSON.stringify(result, null, 2));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
