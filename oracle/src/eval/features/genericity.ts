import { isAbstractClass } from "./classes";

/**
 * Genericity: claims that could be made about anything. Measured from the make-up of the text,
 * not from a list of stock phrases a farmer can avoid; each part is a density that saturates:
 * - evaluative, sweeping and vague words ("important", "great", "many", "always", "truly",
 *   "things", "some aspects") per token: praise and generalization in place of facts;
 * - generic subjects and the reader addressed ("you", "people", "everyone", "businesses",
 *   "teams"): claims about everybody, hence about nobody in particular;
 * - hedges and benefit verbs ("can", "may", "often", "helps", "ensure", "boost"): timeless,
 *   unfalsifiable claims;
 * - abstract words (nouns in -tion, -ment, -ity…, adjectives in -al, -ive, -ous…, adverbs in -ly);
 * - sentence-shape repetition: sentences opening with the same three word classes (templates).
 * Densities can be diluted by padding sentences with figures and names, so the same three
 * signals are also counted per sentence (the share of sentences that carry each), which padding
 * inside a sentence does not change; genericity is the larger of the two readings. Numbers,
 * names and links never lower it, so decoration cannot buy it down.
 */
export interface Genericity {
  /** Evaluative and sweeping words per 1,000 tokens. */
  readonly evaluativePerMille: number;
  /** Generic subjects and second-person words per 1,000 tokens. */
  readonly genericSubjectsPerMille: number;
  /** Hedges and benefit verbs per 1,000 tokens. */
  readonly hedgesPerMille: number;
  /** Abstract words per 1,000 tokens. */
  readonly abstractPerMille: number;
  /** Sentences whose first three word classes repeat an earlier sentence's, in percent. */
  readonly repeatedShapes: number;
  /** Sum of the shares (in percent) of sentences holding an evaluative word, a generic subject, a hedge (0..300). */
  readonly sentenceShares: number;
  /** The combined genericity, 0..100. */
  readonly score: number;
}

const EVALUATIVE = new Set([
  "important",
  "essential",
  "key",
  "crucial",
  "vital",
  "critical",
  "significant",
  "great",
  "good",
  "better",
  "best",
  "valuable",
  "powerful",
  "effective",
  "successful",
  "strong",
  "meaningful",
  "positive",
  "major",
  "huge",
  "big",
  "simple",
  "easy",
  "clear",
  "right",
  "perfect",
  "amazing",
  "incredible",
  "excellent",
  "ideal",
  "unique",
  "true",
  "real",
  "whole",
  "overall",
  "ultimate",
  "optimal",
  "innovative",
  "modern",
  "various",
  "different",
  "many",
  "several",
  "numerous",
  "countless",
  "every",
  "all",
  "always",
  "never",
  "often",
  "sometimes",
  "usually",
  "generally",
  "truly",
  "really",
  "very",
  "highly",
  "extremely",
  "incredibly",
  "increasingly",
  "more",
  "most",
  "less",
  "smart",
  "robust",
  "dynamic",
  "exciting",
  "remarkable",
  "impactful",
  "seamless",
  "vibrant",
  "wonderful",
  "fantastic",
  "outstanding",
  "compelling",
  // Vague nouns and quantifiers: claims about "things" and "some aspects" name nothing.
  "some",
  "things",
  "aspects",
  "ways",
  "parts",
  "areas",
  "factors",
  "situation",
  "situations",
  "advantages",
  "disadvantages",
  "benefits",
  "difference",
  "lot",
  "stuff",
  "everything",
  "something",
  "anything",
]);
const GENERIC_SUBJECTS = new Set([
  "you",
  "your",
  "yours",
  "yourself",
  "people",
  "person",
  "anyone",
  "everyone",
  "someone",
  "somebody",
  "everybody",
  "others",
  "individuals",
  "businesses",
  "organizations",
  "organisations",
  "companies",
  "teams",
  "leaders",
  "users",
  "customers",
  "professionals",
  "brands",
  "communities",
]);
const HEDGES = new Set([
  "can",
  "could",
  "may",
  "might",
  "should",
  "often",
  "usually",
  "generally",
  "typically",
  "perhaps",
  "possibly",
  "likely",
  "tend",
  "tends",
  "help",
  "helps",
  "helping",
  "ensure",
  "ensures",
  "allow",
  "allows",
  "enable",
  "enables",
  "empower",
  "empowers",
  "improve",
  "improves",
  "enhance",
  "enhances",
  "boost",
  "boosts",
  "unlock",
  "unlocks",
  "foster",
  "fosters",
  "leverage",
  "leverages",
  "streamline",
  "streamlines",
  "optimize",
  "optimizes",
  "maximize",
  "maximizes",
  "transform",
  "transforms",
  "elevate",
  "elevates",
  "achieve",
]);

export function measureGenericity(tokens: readonly string[], classes: Uint16Array, sentenceLengths: readonly number[]): Genericity {
  let evaluative = 0;
  let subjects = 0;
  let hedges = 0;
  let abstract = 0;
  let sentences = 0;
  let sentenceHits = 0;
  let at = 0;
  for (const length of sentenceLengths) {
    let kinds = 0;
    for (let i = at; i < at + length; i++) {
      const token = tokens[i]!;
      if (EVALUATIVE.has(token)) {
        evaluative++;
        kinds |= 1;
      } else if (GENERIC_SUBJECTS.has(token)) {
        subjects++;
        kinds |= 2;
      } else if (HEDGES.has(token)) {
        hedges++;
        kinds |= 4;
      } else if (isAbstractClass(classes[i]!)) abstract++;
    }
    if (length >= 4) {
      sentences++;
      sentenceHits += (kinds & 1) + ((kinds >> 1) & 1) + ((kinds >> 2) & 1);
    }
    at += length;
  }
  const shapes = new Set<number>();
  let repeated = 0;
  at = 0;
  for (const length of sentenceLengths) {
    if (length >= 3) {
      const key = (classes[at]! * 256 + classes[at + 1]!) * 256 + classes[at + 2]!;
      if (shapes.has(key)) repeated++;
      else shapes.add(key);
    }
    at += length;
  }
  const n = Math.max(1, tokens.length);
  const evaluativePerMille = Math.round((evaluative * 1000) / n);
  const genericSubjectsPerMille = Math.round((subjects * 1000) / n);
  const hedgesPerMille = Math.round((hedges * 1000) / n);
  const abstractPerMille = Math.round((abstract * 1000) / n);
  const repeatedShapes = sentenceLengths.length < 3 ? 0 : Math.round((repeated * 100) / sentenceLengths.length);
  // Breakpoints from ordinary prose and mail (docs/SCORING.md): at their 95th percentile, prose
  // and mail have about 50‰ evaluative words, 50‰ generic subjects and 30‰ hedges.
  const sentenceShares = sentences === 0 ? 0 : Math.round((sentenceHits * 100) / sentences);
  const byDensity =
    35 * ramp(evaluativePerMille, 40, 90) +
    25 * ramp(genericSubjectsPerMille, 20, 60) +
    20 * ramp(hedgesPerMille, 25, 60) +
    10 * ramp(abstractPerMille, 100, 170) +
    10 * ramp(repeatedShapes, 15, 45);
  // Prose and mail stay below 180 at their 95th percentile; template filler sits above 210.
  const bySentence = 100 * ramp(sentenceShares, 170, 240);
  const score = Math.round(Math.max(byDensity, bySentence));
  return { evaluativePerMille, genericSubjectsPerMille, hedgesPerMille, abstractPerMille, repeatedShapes, sentenceShares, score };
}

/** 0 at or below `from`, 1 at or above `to`, linear between. */
export function ramp(value: number, from: number, to: number): number {
  return value <= from ? 0 : value >= to ? 1 : (value - from) / (to - from);
}
