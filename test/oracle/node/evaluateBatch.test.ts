import fs from "node:fs";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { expect } from "chai";
import { evaluateBatch } from "../../../oracle/src/commands/evaluateBatch";
import { createHeuristicScorer } from "../../../oracle/src/eval/scorers/heuristic";
import { createEnsembleScorer } from "../../../oracle/src/eval/scorers/ensemble";
import { createLlmScorer } from "../../../oracle/src/eval/scorers/llm";
import fixtures from "../../fixtures/submissions.json";
import { FakeOpenAiServer, evaluationAnswer } from "../helpers/fakeOpenAiServer";
import { tempDir } from "../store/fixtures";
import { cli } from "./cliRunner";

const AUTHOR = "0x1111111111111111111111111111111111111111";
const OUTPUT_KEYS = ["flags", "id", "points", "rationale", "score", "subScores"];

const useful = fixtures.items.filter((item) => item.label === "useful" && item.language === "en").map((item) => item.text);
const injection = fixtures.items.find((item) => item.label === "injection")!.text;

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface Output {
  id: string;
  score: number;
  points: number;
  flags: { code: string; severity: string; detail: string; evidence?: Record<string, string | number> }[];
  subScores: Record<string, number>;
  rationale: string;
}

describe("oracle CLI: evaluate --batch", function () {
  let dir: string;
  let cleanup: () => void;

  beforeEach(function () {
    ({ dir, cleanup } = tempDir("cashkey-batch-"));
  });

  afterEach(function () {
    cleanup();
  });

  function write(name: string, lines: readonly string[]): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, lines.map((line) => `${line}\n`).join(""));
    return file;
  }

  it("writes one evaluation per line in input order, judging duplicates against earlier lines only", async function () {
    const input = write("in.jsonl", [
      JSON.stringify({ text: useful[0], author: AUTHOR, category: 3, submittedAt: 1_700_000_000 }),
      JSON.stringify({ text: useful[1], label: "useful", note: "extra keys are ignored" }),
      JSON.stringify({ text: useful[0].toUpperCase(), author: "0x2222222222222222222222222222222222222222" }),
      JSON.stringify({ text: injection }),
    ]);
    const out = path.join(dir, "out.jsonl");

    const run = await cli(["evaluate", "--batch", input, "--out", out], { cwd: dir });

    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.match(/^cashkey-oracle: 4 lines: 4 evaluated, 0 malformed, 0 failed \(\d+\/s, evaluator 0x[0-9a-f]{64}, heuristic\); wrote /);
    const results = jsonLines(fs.readFileSync(out, "utf8")) as unknown as Output[];
    expect(results.map((r) => r.id)).to.deep.equal(["1", "2", "3", "4"]);
    for (const result of results) {
      expect(Object.keys(result).sort()).to.deep.equal(OUTPUT_KEYS);
      expect(Object.keys(result.subScores).sort()).to.deep.equal(["clarity", "evidence", "originality", "substance"]);
      expect(result.rationale).to.be.a("string").and.not.equal("");
    }
    // The first occurrence earns points; the later copy is caught and names line 1.
    expect(results[0]!.flags).to.deep.equal([]);
    expect(results[0]!.points).to.be.greaterThan(0);
    const copy = results[2]!.flags.find((f) => f.code === "exact_duplicate")!;
    expect(copy).to.deep.include({ severity: "blocking" });
    expect(copy.evidence).to.deep.equal({ originalId: "1" });
    expect([results[2]!.score, results[2]!.points]).to.deep.equal([0, 0]);
    expect(results[3]!.flags.map((f) => f.code)).to.include("prompt_injection");
  });

  it("answers a malformed line with an error line and a numbered message, goes on, and exits 2", async function () {
    const input = write("in.jsonl", [
      JSON.stringify({ text: useful[0] }),
      "{not json",
      JSON.stringify({ text: 42 }),
      JSON.stringify({ text: useful[1], author: "0xnot-an-address" }),
      "",
      JSON.stringify([useful[2]]),
      JSON.stringify({ text: useful[3], submittedAt: -5 }),
      JSON.stringify({ text: useful[0] }),
    ]);
    const out = path.join(dir, "out.jsonl");

    const run = await cli(["evaluate", "--batch", input, "--out", out], { cwd: dir });

    expect(run.status).to.equal(2);
    const stderr = run.stderr.trimEnd().split("\n");
    expect(stderr.slice(0, -1).map((line) => line.split(": ")[1])).to.deep.equal([2, 3, 4, 5, 6, 7].map((n) => `${input}:${n}`));
    expect(stderr.at(-1)).to.match(/^cashkey-oracle: 8 lines: 2 evaluated, 6 malformed, 0 failed /);
    const results = jsonLines(fs.readFileSync(out, "utf8"));
    expect(results).to.have.length(8);
    expect(results.map((r) => ("error" in r ? "error" : r.id))).to.deep.equal(["1", "error", "error", "error", "error", "error", "error", "8"]);
    expect(results[1]!.error).to.match(/^line 2: not JSON/);
    expect(results[2]!.error).to.equal('line 3: "text": expected string, received number');
    expect(results[3]!.error).to.match(/^line 4: "author": /);
    expect(results[4]!.error).to.match(/^line 5: empty line/);
    expect(results[5]!.error).to.equal("line 6: expected a JSON object");
    expect(results[6]!.error).to.match(/^line 7: "submittedAt": /);
    // Malformed lines are not submissions: line 8 is a copy of line 1, and only of line 1.
    expect((results[7] as unknown as Output).flags.map((f) => [f.code, f.evidence])).to.deep.equal([["exact_duplicate", { originalId: "1" }]]);
  });

  it("judges author velocity per author; lines without an author are each their own author", async function () {
    const base = useful[4]!;
    const variants = [0, 1, 2, 3, 4].map((i) => `${base}\n\nUpdate ${i + 1}: figures checked again on day ${i + 2}.`);
    const input = write("in.jsonl", [
      ...variants.map((text) => JSON.stringify({ text, author: AUTHOR })),
      ...variants.map((text) => JSON.stringify({ text: `${text} Revised.` })),
    ]);

    const run = await cli(["evaluate", "--batch", input], { cwd: dir });

    expect(run.status, run.stderr).to.equal(0);
    const results = jsonLines(run.stdout) as unknown as Output[];
    expect(results).to.have.length(10);
    const velocity = results.map((r) => r.flags.some((f) => f.code === "author_velocity"));
    expect(velocity.slice(0, 5)).to.deep.equal([false, false, false, true, true]);
    expect(velocity.slice(5)).to.deep.equal([false, false, false, false, false]);
    // Near copies across authors are still caught, naming an earlier line.
    for (const result of results.slice(5)) {
      const near = result.flags.find((f) => f.code === "near_duplicate" || f.code === "exact_duplicate");
      expect(near, JSON.stringify(result.flags)).to.not.equal(undefined);
      expect(Number(near!.evidence!.originalId)).to.be.lessThan(Number(result.id));
    }
  });

  it("gives the same output on every run", async function () {
    const input = write(
      "in.jsonl",
      [...useful.slice(0, 6), injection, useful[0]!].map((text) => JSON.stringify({ text })),
    );
    const [first, second] = [await cli(["evaluate", "--batch", input], { cwd: dir }), await cli(["evaluate", "--batch", input], { cwd: dir })];
    expect(first.status, first.stderr).to.equal(0);
    expect(jsonLines(first.stdout)).to.have.length(8);
    expect(second.stdout).to.equal(first.stdout);
  });

  it("refuses a missing input, a file together with --batch, and an output that is the input, in one line", async function () {
    const input = write("in.jsonl", [JSON.stringify({ text: useful[0] })]);
    const missing = await cli(["evaluate", "--batch", path.join(dir, "missing.jsonl")], { cwd: dir });
    expect([missing.status, missing.stderr]).to.deep.equal([2, `cashkey-oracle: Cannot read ${path.join(dir, "missing.jsonl")} (not a file).\n`]);
    const both = await cli(["evaluate", input, "--batch", input], { cwd: dir });
    expect([both.status, both.stderr]).to.deep.equal([2, "cashkey-oracle: Give either a file or --batch, not both.\n"]);
    const clobber = await cli(["evaluate", "--batch", input, "--out", input], { cwd: dir });
    expect([clobber.status, clobber.stderr]).to.deep.equal([2, "cashkey-oracle: --out must not be the --batch input.\n"]);
    expect(fs.readFileSync(input, "utf8")).to.equal(`${JSON.stringify({ text: useful[0] })}\n`);
  });

  describe("with an LLM scorer", function () {
    let server: FakeOpenAiServer;

    beforeEach(async function () {
      server = await FakeOpenAiServer.start();
    });

    afterEach(async function () {
      await server.close();
    });

    it("keeps input order with several evaluations in flight, and a failed evaluation becomes its line's error", async function () {
      // Earlier lines answer later, so completion order is the reverse of input order.
      server.fallback = (request) => {
        const text = request.body.messages.map((m) => m.content).join("\n");
        const line = useful.findIndex((u) => text.includes(u.slice(0, 80)));
        if (line === 2) return { kind: "error", status: 400, message: "Unsupported input." };
        return { kind: "answer", content: evaluationAnswer({ overall: 60 + line }), delayMs: 60 - line * 10 };
      };
      const scorer = createLlmScorer({ baseURL: server.baseURL, apiKey: "k", model: "m", quantization: "none", maxConcurrency: 4, timeoutMs: 5_000 });
      const chunks: string[] = [];
      const out = new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk.toString());
          done();
        },
      });
      const errors: [number, string][] = [];

      const summary = await evaluateBatch(Readable.from(useful.slice(0, 5).map((text) => JSON.stringify({ text }))), out, {
        scorer,
        maxPoints: 1000,
        concurrency: 4,
        onLineError: (line, _message, kind) => errors.push([line, kind]),
      });

      expect(server.maxInFlight).to.be.greaterThan(1);
      expect(summary).to.deep.include({ lines: 5, evaluated: 4, malformed: 0, failed: 1 });
      expect(errors).to.deep.equal([[3, "failed"]]);
      const results = jsonLines(chunks.join(""));
      expect(results.map((r) => r.id ?? "error")).to.deep.equal(["1", "2", "error", "4", "5"]);
      expect(results[2]!.error).to.match(/^line 3: evaluation failed: /);
    });

    it("marks the lines the ensemble would hold for review, and only those", async function () {
      // A naive judge: everything is excellent.
      server.fallback = () => ({ kind: "answer", content: evaluationAnswer({ substance: 100, originality: 100, clarity: 100, evidence: 100, overall: 100 }) });
      const model = createLlmScorer({ baseURL: server.baseURL, apiKey: "k", model: "m", quantization: "none", timeoutMs: 5_000 });
      const chunks: string[] = [];
      const out = new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk.toString());
          done();
        },
      });
      const texts = ["Great post, thanks for sharing!", useful[0]!];

      await evaluateBatch(Readable.from(texts.map((text) => JSON.stringify({ text }))), out, {
        scorer: createEnsembleScorer(model, { margin: 10, tolerance: 30 }),
        maxPoints: 1000,
      });

      const [weak] = jsonLines(chunks.join("")) as unknown as (Output & { review?: { reason: string; detail: string } })[];
      expect(weak!.review).to.deep.include({ reason: "ensemble_disagreement" });
      expect(weak!.score).to.be.lessThan(50);
      // A line the ensemble posts carries no review key (the heuristic output format is unchanged).
      const results = jsonLines(chunks.join("")) as unknown as Output[];
      for (const result of results) expect("review" in result, result.rationale).to.equal(/held for review/.test(result.rationale));
    });
  });

  it("scores like the evaluator with the heuristic scorer in process (the same code path as the CLI)", async function () {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const summary = await evaluateBatch(Readable.from(useful.map((text) => JSON.stringify({ text }))), out, {
      scorer: createHeuristicScorer(),
      maxPoints: 500,
    });
    expect(summary).to.deep.include({ lines: useful.length, evaluated: useful.length, malformed: 0, failed: 0 });
    const results = jsonLines(chunks.join("")) as unknown as Output[];
    expect(results.every((r) => r.points <= 500)).to.equal(true);
    expect(results.filter((r) => r.points > 0).length).to.be.greaterThan(useful.length / 2);
  });
});
