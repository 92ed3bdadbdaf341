/**
 * Quick measurements of the heuristic evaluator on the tuning corpus (scripts/eval/tuneCorpus.ts):
 *
 *   npx ts-node -T scripts/eval/tune.ts [tune|held]
 *
 * Each item is evaluated with a fresh history, so only content counts (no duplicates).
 */
import { createEvaluator, type Evaluation } from "../../oracle/src/eval/evaluate";
import { createHeuristicScorer } from "../../oracle/src/eval/scorers/heuristic";
import * as c from "./tuneCorpus";

const split = (process.argv[2] ?? "tune") as c.Split;
const scorer = createHeuristicScorer();

async function evaluate(text: string): Promise<Evaluation> {
  const evaluator = createEvaluator({ scorer });
  return evaluator.evaluate({ submissionId: 1, author: "0x01", text, contentHash: "0x00" });
}

function auc(positive: number[], negative: number[]): number {
  let wins = 0;
  for (const p of positive) for (const n of negative) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positive.length * negative.length);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function scores(texts: string[]): Promise<{ score: number[]; earning: number; evals: Evaluation[] }> {
  const evals: Evaluation[] = [];
  for (const t of texts) evals.push(await evaluate(t));
  return { score: evals.map((e) => e.score), earning: evals.filter((e) => e.points > 0).length / evals.length, evals };
}

async function main(): Promise<void> {
  const seed = split === "tune" ? 11 : 22;
  const r = c.prng(seed);
  const prose = c.prose(split, 300);
  const P = await scores(prose);
  console.log(`prose: n=${prose.length} mean ${mean(P.score).toFixed(1)} earning ${pct(P.earning)}`);
  const families: Record<string, string[]> = {
    oneLiners: Array.from({ length: 100 }, () => c.oneLiner(r)),
    keywordLists: Array.from({ length: 100 }, () => c.keywordList(r)),
    repetition: Array.from({ length: 100 }, () => c.repetition(r)),
    fillerStock: Array.from({ length: 150 }, () => c.filler(r, true)),
    fillerPlain: Array.from({ length: 150 }, () => c.filler(r, false)),
    listicles: Array.from({ length: 150 }, () => c.listicle(r)),
    wordSalad: prose.slice(0, 150).map((p) => c.wordSalad(r, p)),
  };
  for (const [name, texts] of Object.entries(families)) {
    const F = await scores(texts);
    const flagged = F.evals.filter((e) => e.flags.length > 0).length / F.evals.length;
    console.log(`${name.padEnd(13)} AUC ${auc(P.score, F.score).toFixed(3)} mean ${mean(F.score).toFixed(1)} earning ${pct(F.earning)} flagged ${pct(flagged)}`);
  }
  const base = Array.from({ length: 120 }, () => c.filler(r, false));
  const B = await scores(base);
  for (const trick of [...c.TRICKS.map((t) => [t]), c.TRICKS] as c.Trick[][]) {
    const D = await scores(base.map((t) => c.decorate(r, t, trick)));
    const uplift = median(D.score.map((s, i) => s - B.score[i]!));
    console.log(`decoration ${trick.length > 1 ? "all" : trick[0]!}: median uplift ${uplift} mean ${mean(D.score).toFixed(1)} earning ${pct(D.earning)}`);
  }
  const m = c.mails(split);
  const S = await scores(m.spam);
  const H = await scores(m.ham);
  const HH = await scores(m.hardHam);
  console.log(
    `mail: AUC ${auc(H.score, S.score).toFixed(3)} (hard ham ${auc(HH.score, S.score).toFixed(3)}) spam earning ${pct(S.earning)} ham earning ${pct(H.earning)} hard-ham earning ${pct(HH.earning)}`,
  );
  const fp = [...P.evals, ...H.evals, ...HH.evals].filter((e) => e.flags.some((f) => f.code === "prompt_injection"));
  console.log(`injection FP on prose+ham: ${fp.length}/${P.evals.length + H.evals.length + HH.evals.length}`);
  for (const e of fp.slice(0, 8)) console.log("  FP:", e.flags.find((f) => f.code === "prompt_injection")!.detail.slice(0, 200));
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (const t of [...prose, ...m.ham.slice(0, 300)]) {
    await evaluate(t);
    n++;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`throughput ~${Math.round(n / seconds)} evaluations/s`);
}

void main();
