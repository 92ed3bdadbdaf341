import type { Preprocessed } from "../preprocess";
import { classesOf } from "./classes";
import { coreOf } from "./core";
import { measureCoherence, type Coherence } from "./coherence";
import { measureGenericity, ramp, type Genericity } from "./genericity";
import { measureGrounding, type Grounding } from "./grounding";
import { measureSolicitation, type Solicitation } from "./solicitation";

/**
 * The substance features of a submission (docs/SCORING.md, "Substance features"), and the
 * factors 0..1 they turn into. Every factor saturates; none can be raised by repeating a
 * pattern. Only + − × ÷, min, max and Math.round, so every node computes the same numbers.
 */
export interface SubstanceFeatures {
  readonly coherence: Coherence;
  readonly genericity: Genericity;
  readonly solicitation: Solicitation;
  readonly grounding: Grounding;
  /** Whether the coherence model applies (English text); other languages get factor 1. */
  readonly coherenceMeasured: boolean;
  /** Words of the core (core.ts): the text without numbers, units, names and "according to". */
  readonly coreWords: number;
  readonly factors: SubstanceFactors;
}

export interface SubstanceFactors {
  /** Length of the core, saturating at 50 words. */
  readonly length: number;
  /** Word order like ordinary English (word salad, keyword lists → 0). */
  readonly coherence: number;
  /** Function-word structure: sentences rather than lists of content words. */
  readonly structure: number;
  /** 1 − genericity beyond the ordinary. */
  readonly specificity: number;
  /** 1 − solicitation beyond the ordinary. */
  readonly informative: number;
  /** 1 − garbled characters beyond a trace (private-use code points, U+FFFD: mojibake, binary junk). */
  readonly legible: number;
  /** The product of the five content factors (not length): the quality gate. */
  readonly quality: number;
}

export function measureSubstance(doc: Preprocessed): SubstanceFeatures {
  const classes = classesOf(doc.tokens);
  const coherence = measureCoherence(classes, doc.sentenceLengths);
  const core = coreOf(doc, classes);
  const genericity = measureGenericity(core.tokens, core.classes, core.sentenceLengths);
  const solicitation = measureSolicitation(doc.text, doc.tokens, doc.structure.links.length, doc.style.upperCaseRatio);
  const grounding = measureGrounding(doc.text, core.plain.classes, core.plain.sentenceLengths, doc.structure.dates, doc.structure.links);
  // Other languages detected from their own stop words or script are not judged by an English
  // model; a guess from letter statistics alone (tinyld, or none) is not enough to skip it.
  const coherenceMeasured = doc.language.code === "en" || (doc.language.method !== "stopwords" && doc.language.method !== "script" && isMostlyAscii(doc.text));
  const length = Math.min(1, core.tokens.length / 50);
  const coherenceFactor = coherenceMeasured ? ramp(coherence.meanPmi, -4, 2) : 1;
  const structure = coherenceMeasured ? ramp(coherence.frequentShare, 10, 30) : 1;
  const specificity = 1 - 0.9 * ramp(genericity.score, 20, 50);
  const informative = 1 - ramp(solicitation.score, 12, 38);
  const legible = 1 - ramp(garbledPercent(doc.text), 2, 10);
  const quality = coherenceFactor * structure * specificity * informative * legible;
  return {
    coherence,
    genericity,
    solicitation,
    grounding,
    coherenceMeasured,
    coreWords: core.tokens.length,
    factors: { length, coherence: coherenceFactor, structure, specificity, informative, legible, quality },
  };
}

/**
 * Percent of the non-space characters that no reader can read: private-use code points (U+E000–
 * U+F8FF and the supplementary private-use planes) and U+FFFD, the mark of a failed decoding. Text
 * in any real script has none; mis-decoded mail and binary junk are full of them, and without this
 * they would pass as a language the coherence model does not judge.
 */
export function garbledPercent(text: string): number {
  let garbled = 0;
  let visible = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20) continue;
    visible++;
    if ((c >= 0xe000 && c <= 0xf8ff) || c === 0xfffd || (c >= 0xdb80 && c <= 0xdbff)) garbled++;
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  return visible === 0 ? 0 : Math.round((garbled * 100) / visible);
}

function isMostlyAscii(text: string): boolean {
  let ascii = 0;
  const n = Math.min(text.length, 2000);
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) < 0x80) ascii++;
  return ascii * 10 >= n * 9;
}
