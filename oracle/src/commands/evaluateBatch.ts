/**
 * `evaluate --batch IN.jsonl --out OUT.jsonl`: the batch dry run operators use to calibrate an
 * evaluator (a new rubric, model or threshold) on a corpus before proposing its hash to governance.
 *
 * Each input line is one JSON object `{"text", "author"?, "category"?, "submittedAt"?}`; the lines are
 * evaluated in file order as consecutive submissions against a fresh history (duplicates and author
 * velocity are judged against earlier lines only). Each output line is the evaluation of the input
 * line with the same number, or `{"error"}` for a line that is not a valid submission.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import readline from "node:readline";
import type { Writable } from "node:stream";
import { keccak256, toUtf8Bytes } from "ethers";
import { z } from "zod";
import { type Evaluation, createEvaluator } from "../eval/evaluate";
import type { Scorer } from "../eval/scorers/types";
import { contentHash } from "../protocol/contentHash";

/** One input line; other keys (labels, notes) are allowed and ignored. */
export const BatchLineSchema = z.object({
  text: z.string(),
  author: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte hex address")
    .optional(),
  category: z.number().int().min(0).max(0xffff).optional(),
  // Validated; every check judges by submission order (what all nodes agree on), not by clock time,
  // so lines are consecutive submissions whether or not they carry a time.
  submittedAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export type BatchLine = z.infer<typeof BatchLineSchema>;

/** One output line for an evaluated input line. */
export interface BatchResult {
  readonly id: string;
  readonly score: number;
  readonly points: number;
  readonly flags: readonly { code: string; severity: string; detail: string; evidence?: Readonly<Record<string, string | number>> }[];
  readonly subScores: Evaluation["subScores"];
  readonly rationale: string;
  /** Only when the scorer holds the item for an operator's review (the LLM ensemble): the node would not post it. */
  readonly review?: { readonly reason: string; readonly detail: string };
}

export interface BatchSummary {
  readonly lines: number;
  readonly evaluated: number;
  readonly malformed: number;
  readonly failed: number;
  readonly evaluator: string;
  readonly seconds: number;
}

export interface BatchOptions {
  readonly scorer: Scorer;
  readonly maxPoints: number;
  /** How many evaluations may wait on the scorer at once (an LLM server's concurrency); order is kept. */
  readonly concurrency?: number;
  /** Called once per line that is not evaluated: its 1-based number and a one-line reason. */
  readonly onLineError?: (lineNumber: number, message: string, kind: "malformed" | "failed") => void;
}

/**
 * Evaluates every line of `lines` in order and writes one JSON line per input line to `out`.
 * The submission id of line n is n, so a flag naming an earlier submission names its line.
 */
export async function evaluateBatch(lines: AsyncIterable<string>, out: Writable, options: BatchOptions): Promise<BatchSummary> {
  const started = process.hrtime.bigint();
  const evaluator = createEvaluator({ scorer: options.scorer, config: { maxPoints: options.maxPoints } });
  const window = Math.max(1, options.concurrency ?? 1);
  const pending: Promise<string>[] = [];
  const counts = { lines: 0, evaluated: 0, malformed: 0, failed: 0 };
  let buffered = "";

  const flush = async (force: boolean) => {
    if (buffered.length < 1 << 16 && !force) return;
    const chunk = buffered;
    buffered = "";
    if (!out.write(chunk)) await once(out, "drain");
  };
  const settleOldest = async () => {
    buffered += await pending.shift()!;
    await flush(false);
  };

  for await (const raw of lines) {
    counts.lines += 1;
    const lineNumber = counts.lines;
    const parsed = parseLine(lineNumber === 1 ? raw.replace(/^\uFEFF/, "") : raw);
    if (!parsed.ok) {
      counts.malformed += 1;
      options.onLineError?.(lineNumber, parsed.error, "malformed");
      pending.push(Promise.resolve(`${JSON.stringify({ error: `line ${lineNumber}: ${parsed.error}` })}\n`));
    } else {
      const line = parsed.line;
      const evaluation = evaluator.evaluate({
        submissionId: lineNumber,
        author: line.author ?? anonymousAuthor(lineNumber),
        text: line.text,
        contentHash: contentHash({ text: line.text }),
      });
      pending.push(
        evaluation.then(
          (result) => {
            counts.evaluated += 1;
            return `${JSON.stringify(batchResult(result))}\n`;
          },
          (error: unknown) => {
            counts.failed += 1;
            const message = error instanceof Error ? error.message.replace(/\s*\n\s*/g, " ") : String(error);
            options.onLineError?.(lineNumber, message, "failed");
            return `${JSON.stringify({ error: `line ${lineNumber}: evaluation failed: ${message}` })}\n`;
          },
        ),
      );
    }
    while (pending.length >= window) await settleOldest();
  }
  while (pending.length > 0) await settleOldest();
  await flush(true);
  return {
    ...counts,
    evaluator: evaluator.evaluatorHash,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

/** The output line for an evaluation: exactly the keys of the batch format. */
export function batchResult(evaluation: Evaluation): BatchResult {
  return {
    id: evaluation.submissionId,
    score: evaluation.score,
    points: evaluation.points,
    flags: evaluation.flags.map(({ code, severity, detail, evidence }) =>
      Object.keys(evidence).length === 0 ? { code, severity, detail } : { code, severity, detail, evidence },
    ),
    subScores: evaluation.subScores,
    rationale: evaluation.rationale.summary,
    ...(evaluation.review ? { review: evaluation.review } : {}),
  };
}

type ParsedLine = { ok: true; line: BatchLine } | { ok: false; error: string };

export function parseLine(raw: string): ParsedLine {
  if (raw.trim() === "") return { ok: false, error: "empty line (expected a JSON object)" };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { ok: false, error: `not JSON (${(error as Error).message})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: "expected a JSON object" };
  const result = BatchLineSchema.safeParse(value);
  if (result.success) return { ok: true, line: result.data };
  const issue = result.error.issues[0]!;
  const where = issue.path.length === 0 ? "" : `"${issue.path.join(".")}": `;
  return { ok: false, error: `${where}${issue.message.toLowerCase()}` };
}

/**
 * A line without an author is its own author: a corpus without authors must not look like one
 * prolific author (velocity). The address is derived from the line number, so runs are repeatable.
 */
export function anonymousAuthor(lineNumber: number): string {
  return `0x${keccak256(toUtf8Bytes(`cashkey-batch-anonymous:${lineNumber}`)).slice(-40)}`;
}

/** The lines of a UTF-8 file, without line terminators (LF or CRLF); a final newline ends the last line. */
export function fileLines(file: string): AsyncIterable<string> {
  return readline.createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
}

/** A write stream to `file` that is open before the first line is evaluated (so a bad path fails at once). */
export async function openOutput(file: string): Promise<Writable> {
  const stream = createWriteStream(file, { encoding: "utf8" });
  await Promise.race([once(stream, "open"), once(stream, "error").then(([error]) => Promise.reject(error))]);
  return stream;
}
