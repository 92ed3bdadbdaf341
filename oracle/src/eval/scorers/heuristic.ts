import { HEURISTIC_EVALUATOR, HEURISTIC_EVALUATOR_HASH } from "../../protocol/evaluatorHash";
import { measureSubstance, type SubstanceFeatures } from "../features";
import type { Preprocessed } from "../preprocess";
import { OVERALL_WEIGHTS, SUB_SCORE_KEYS, type Scorer, type ScorerInput, type ScorerResult, type SubScores } from "./types";

/** The heuristic scorer's descriptor and hash, defined with the protocol (deployments approve it). */
export { HEURISTIC_EVALUATOR, HEURISTIC_EVALUATOR_HASH };

/** The highest evidence sub-score: grounding 100 at quality 1. */
const EVIDENCE_CEILING = 50;

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
  const features = measureSubstance(doc);
  const stock = doc.style.stockPhrases;
  const substance = substanceOf(doc, features, stock);
  const originality = originalityOf(doc, stock, maxSimilarity, features);
  const clarity = clarityOf(doc, features);
  const evidence = evidenceOf(features);
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
  const contributions = SUB_SCORE_KEYS.map((key) => `${key} ${OVERALL_WEIGHTS[key]} × ${subScores[key]}`).join(" + ");
  const rationale = [
    `Substance ${substance.score}: ${substance.why}.`,
    `Originality ${originality.score}: ${originality.why}.`,
    `Clarity ${clarity.score}: ${clarity.why}.`,
    `Evidence ${evidence.score}: ${evidence.why}.`,
    `Overall ${score} = ${contributions}.`,
  ].join(" ");
  return { subScores, score, rationale };
}

interface Part {
  score: number;
  why: string;
}

/**
 * 100 × length × quality: length saturates at 100 words; quality is the product of coherence,
 * function-word structure, specificity (1 − genericity), informativeness (1 − solicitation) and
 * legibility (1 − garbled characters),
 * so a text must be all of these to earn substance, and nothing repeated raises any of them.
 */
function substanceOf(doc: Preprocessed, features: SubstanceFeatures, stock: number): Part {
  const f = features.factors;
  const length = f.length;
  // Stock phrases are one more sign of filler; the structural measures do not depend on them.
  const stockPenalty = Math.min(60, doc.length.words === 0 ? 0 : ((stock * 100) / doc.length.words) * 15);
  const score = clamp(100 * length * f.quality - stockPenalty);
  const c = features.coherence;
  return {
    score,
    why: [
      `${count(features.coreWords, "core word")} of ${doc.length.words} (length ${length.toFixed(2)})`,
      features.coherenceMeasured
        ? `coherence ${f.coherence.toFixed(2)} (word-order PMI ${(c.meanPmi / 10).toFixed(1)} bits)`
        : "coherence not measured for this language",
      features.coherenceMeasured ? `structure ${f.structure.toFixed(2)} (${c.frequentShare}% function words)` : undefined,
      `specificity ${f.specificity.toFixed(2)} (genericity ${features.genericity.score})`,
      `informative ${f.informative.toFixed(2)} (solicitation ${features.solicitation.score})`,
      f.legible < 1 ? `legible ${f.legible.toFixed(2)} (garbled characters)` : undefined,
      stock > 0 ? `− ${count(stock, "stock phrase")}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(" × "),
  };
}

/**
 * Starts at 100; similarity to earlier content, stock phrases and low lexical diversity subtract;
 * generic text keeps at most 40 % of the rest, and so does a sales pitch.
 */
function originalityOf(doc: Preprocessed, stock: number, maxSimilarity: number, features: SubstanceFeatures): Part {
  const words = doc.length.words;
  const coreWords = features.coreWords;
  const similarityPenalty = maxSimilarity > SIMILARITY_FLOOR ? ((maxSimilarity - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR)) * 100 : 0;
  const stockPenalty = Math.min(60, words === 0 ? 0 : ((stock * 100) / words) * 15);
  const diversity = doc.style.lexicalDiversity;
  const diversityPenalty = diversity < 0.65 ? (0.65 - diversity) * 200 : 0;
  // A few words cannot show much originality whatever they say.
  const shortness = 0.4 + 0.6 * Math.min(1, coreWords / 60);
  const { specificity, informative } = features.factors;
  const score = clamp((100 - similarityPenalty - stockPenalty - diversityPenalty) * shortness * (0.4 + 0.6 * specificity) * (0.4 + 0.6 * informative));
  const similarity = maxSimilarity > SIMILARITY_FLOOR ? `${pct(maxSimilarity)} similar to earlier content` : "no similar earlier content";
  return {
    score,
    why: `${similarity}, lexical diversity ${diversity.toFixed(2)}, specificity ${specificity.toFixed(2)}, informative ${informative.toFixed(2)}${coreWords < 60 ? `, only ${count(coreWords, "core word")}` : ""}`,
  };
}

/**
 * Sentences of 10–25 words read best; paragraphs help long texts; shouting hurts; text whose
 * word order is not English-like (word salad, keyword lists) keeps at most half, a sales pitch
 * at most 60 %.
 */
function clarityOf(doc: Preprocessed, features: SubstanceFeatures): Part {
  const { words, avgSentenceWords: avg, maxSentenceWords, sentences } = doc.length;
  let score = 100;
  if (avg < 10) score -= (10 - avg) * 6;
  if (avg > 25) score -= (avg - 25) * 3;
  if (maxSentenceWords > 60) score -= 15;
  // Headings and list markers are decoration; paragraphs are how prose shows its structure.
  const structured = doc.structure.paragraphs >= 2;
  if (words >= 250 && !structured) score -= 10;
  if (doc.style.upperCaseRatio > 0.3) score -= (doc.style.upperCaseRatio - 0.3) * 150;
  score -= 5 * (doc.style.exclamationRuns + doc.style.repeatedCharRuns);
  // A handful of words says little about how clearly someone writes.
  score *= 0.3 + 0.7 * Math.min(1, words / 40);
  const readable = features.factors.coherence * features.factors.structure;
  score *= (0.5 + 0.5 * readable) * (0.6 + 0.4 * features.factors.informative);
  return {
    score: clamp(score),
    why: `${count(sentences, "sentence")} of ${avg.toFixed(1)} words on average, ${count(doc.structure.paragraphs, "paragraph")}, readable ${readable.toFixed(2)}`,
  };
}

/**
 * Grounding (quantified claims, dates, resolved citations, one supporting link; each saturating)
 * times the quality gate, at most 50: support attached to filler, salad or a sales pitch counts
 * for little, and support alone never carries a text (every figure can be invented).
 */
function evidenceOf(features: SubstanceFeatures): Part {
  const g = features.grounding;
  const score = clamp((EVIDENCE_CEILING * g.score * features.factors.quality) / 100);
  return {
    score,
    why: `${EVIDENCE_CEILING}% of grounding ${g.score} × quality ${features.factors.quality.toFixed(2)}: ${count(g.quantifiedSentences, "sentence")} with a quantified claim, ${count(g.dates, "date")}, ${count(g.resolvedCitations, "resolved citation")}, ${g.supportingLink ? "a link supporting a statement" : "no supporting link"}`,
  };
}

function clamp(value: number): number {
  return Math.max(0, Math.min(100, Math.round(value)));
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}
