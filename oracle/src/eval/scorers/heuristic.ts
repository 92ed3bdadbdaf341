import { HEURISTIC_EVALUATOR, HEURISTIC_EVALUATOR_HASH } from "../../protocol/evaluatorHash";
import type { Preprocessed } from "../preprocess";
import { OVERALL_WEIGHTS, type Scorer, type ScorerInput, type ScorerResult, type SubScores } from "./types";

/** The heuristic scorer's descriptor and hash, defined with the protocol (deployments approve it). */
export { HEURISTIC_EVALUATOR, HEURISTIC_EVALUATOR_HASH };

/** Similarities below this do not lower originality (shared phrases between unrelated texts). */
const SIMILARITY_FLOOR = 0.3;

/**
 * The embedded default scorer: deterministic, no network, every point traceable to a measured
 * feature. It only uses + − × ÷, min, max and Math.round on the preprocess features, so every
 * node computes bit-identical results. Weights and breakpoints are documented in docs/SCORING.md.
 */
export function createHeuristicScorer(): Scorer {
  return {
    descriptor: HEURISTIC_EVALUATOR,
    score: async (input) => scoreHeuristically(input),
  };
}

/** The synchronous core of the heuristic scorer. */
export function scoreHeuristically({ doc, maxSimilarity }: Pick<ScorerInput, "doc" | "maxSimilarity">): ScorerResult {
  const stock = doc.style.stockPhrases;
  const substance = substanceOf(doc, stock);
  const originality = originalityOf(doc, stock, maxSimilarity);
  const clarity = clarityOf(doc);
  const evidence = evidenceOf(doc);
  const subScores: SubScores = {
    substance: substance.score,
    originality: originality.score,
    clarity: clarity.score,
    evidence: evidence.score,
  };
  const score = clamp(
    OVERALL_WEIGHTS.substance * subScores.substance +
      OVERALL_WEIGHTS.originality * subScores.originality +
      OVERALL_WEIGHTS.clarity * subScores.clarity +
      OVERALL_WEIGHTS.evidence * subScores.evidence,
  );
  const rationale = [
    `Substance ${substance.score}: ${substance.why}.`,
    `Originality ${originality.score}: ${originality.why}.`,
    `Clarity ${clarity.score}: ${clarity.why}.`,
    `Evidence ${evidence.score}: ${evidence.why}.`,
  ].join(" ");
  return { subScores, score, rationale };
}

interface Part {
  score: number;
  why: string;
}

/**
 * Length saturates (words ÷ (words + 100)); specifics (numbers, names, measured quantities per
 * 100 words) decide how much of the length counts; stock phrases subtract.
 */
function substanceOf(doc: Preprocessed, stock: number): Part {
  const words = doc.length.words;
  const length = words / (words + 100);
  const per100 = words === 0 ? 0 : 100 / words;
  const specificsPer100 = (doc.structure.numbers + doc.style.namedSpecifics + doc.structure.numbersWithUnits) * per100;
  const specificity = Math.min(1, specificsPer100 / 12);
  const contentShare = doc.style.stopWordRatio === 0 ? 0.6 : 1 - doc.style.stopWordRatio;
  const density = clamp01((contentShare - 0.35) / 0.3);
  const stockPenalty = Math.min(40, stock * per100 * 12);
  const score = clamp(100 * length * (0.25 + 0.6 * specificity + 0.15 * density) + 10 * specificity - stockPenalty);
  return {
    score,
    why: `${count(words, "word")}, ${count(doc.structure.numbers, "number")}, ${count(doc.style.namedSpecifics, "named specific")}, content-word share ${pct(contentShare)}${stock > 0 ? `, ${count(stock, "stock phrase")}` : ""}`,
  };
}

/** Starts at 100; similarity to earlier content, stock phrases and low lexical diversity subtract. */
function originalityOf(doc: Preprocessed, stock: number, maxSimilarity: number): Part {
  const words = doc.length.words;
  const similarityPenalty = maxSimilarity > SIMILARITY_FLOOR ? ((maxSimilarity - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR)) * 100 : 0;
  const stockPenalty = Math.min(60, words === 0 ? 0 : ((stock * 100) / words) * 15);
  const diversity = doc.style.lexicalDiversity;
  const diversityPenalty = diversity < 0.65 ? (0.65 - diversity) * 200 : 0;
  // A few words cannot show much originality whatever they say.
  const shortness = 0.4 + 0.6 * Math.min(1, words / 60);
  const score = clamp((100 - similarityPenalty - stockPenalty - diversityPenalty) * shortness);
  const similarity = maxSimilarity > SIMILARITY_FLOOR ? `${pct(maxSimilarity)} similar to earlier content` : "no similar earlier content";
  return { score, why: `${similarity}, lexical diversity ${diversity.toFixed(2)}${words < 60 ? `, only ${count(words, "word")}` : ""}` };
}

/** Sentences of 10–25 words read best; structure helps long texts; shouting hurts. */
function clarityOf(doc: Preprocessed): Part {
  const { words, avgSentenceWords: avg, maxSentenceWords, sentences } = doc.length;
  let score = 100;
  if (avg < 10) score -= (10 - avg) * 6;
  if (avg > 25) score -= (avg - 25) * 3;
  if (maxSentenceWords > 60) score -= 15;
  const structured = doc.structure.paragraphs >= 2 || doc.structure.listItems >= 2 || doc.structure.headings >= 1;
  if (words >= 150 && structured) score += 10;
  if (words >= 250 && !structured) score -= 10;
  if (doc.style.upperCaseRatio > 0.3) score -= (doc.style.upperCaseRatio - 0.3) * 150;
  score -= 5 * (doc.style.exclamationRuns + doc.style.repeatedCharRuns);
  // A handful of words says little about how clearly someone writes.
  score *= 0.3 + 0.7 * Math.min(1, words / 40);
  return {
    score: clamp(score),
    why: `${count(sentences, "sentence")} of ${avg.toFixed(1)} words on average, ${count(doc.structure.paragraphs, "paragraph")}${structured ? ", structured" : ""}`,
  };
}

/** Points for distinct source domains, citations, measured quantities, dates and numbers. */
function evidenceOf(doc: Preprocessed): Part {
  const s = doc.structure;
  const domains = Math.min(3, s.domains.length);
  const citations = Math.min(3, s.citations);
  const measured = Math.min(5, s.numbersWithUnits);
  const dates = Math.min(3, s.dates);
  const numbers = Math.min(10, s.numbers);
  const score = clamp(domains * 15 + citations * 12 + measured * 5 + dates * 5 + numbers * 1.5);
  return {
    score,
    why: `${count(s.domains.length, "source domain")}, ${count(s.citations, "citation")}, ${count(s.numbersWithUnits, "measured quantity", "measured quantities")}, ${count(s.dates, "date")}`,
  };
}

function clamp(value: number): number {
  return Math.max(0, Math.min(100, Math.round(value)));
}

function clamp01(value: number): number {
  return Math.max(0, Math.min(1, value));
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}
