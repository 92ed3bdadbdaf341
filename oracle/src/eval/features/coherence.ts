import model from "./coherenceModel.json";
import { SENTENCE_START, SHAPE_CLASSES } from "./wordClass";

/**
 * Coherence: how much the order of the words looks like ordinary English. A class bigram model
 * built from public-domain speeches (scripts/eval/buildCoherenceModel.ts) gives, for each pair of
 * adjacent word classes, the pointwise mutual information log₂ P(b | a) ÷ P(b) in tenths of a
 * bit. Prose scores clearly above zero: articles precede nouns, prepositions precede noun
 * phrases, verbs follow subjects. Word salad made of real words, keyword lists and shuffled text
 * sit near or below zero whatever their vocabulary, because the measure is relative to each
 * class's own frequency. Integer sums only, so every node computes the same value.
 */
const CLASSES = SHAPE_CLASSES.length + model.frequentWords.length;
const PMI = new Int8Array(Buffer.from(model.pmi, "base64"));

export interface Coherence {
  /** Adjacent word pairs measured (sentence starts included). */
  readonly pairs: number;
  /** Mean pointwise mutual information of those pairs, in tenths of a bit (rounded). */
  readonly meanPmi: number;
  /** Share of tokens that are among the model's frequent words (function-word structure), in percent. */
  readonly frequentShare: number;
}

/** Measures the word classes of a text (classesOf), split into sentences by `sentenceLengths` (as tokenize() returns them). */
export function measureCoherence(classes: Uint16Array, sentenceLengths: readonly number[]): Coherence {
  let sum = 0;
  let pairs = 0;
  let frequent = 0;
  let at = 0;
  for (const length of sentenceLengths) {
    let previous = SENTENCE_START;
    for (let i = at; i < at + length; i++) {
      const c = classes[i]!;
      if (c >= SHAPE_CLASSES.length) frequent++;
      sum += PMI[previous * CLASSES + c]!;
      pairs++;
      previous = c;
    }
    at += length;
  }
  return {
    pairs,
    meanPmi: pairs === 0 ? 0 : Math.round(sum / pairs),
    frequentShare: classes.length === 0 ? 0 : Math.round((frequent * 100) / classes.length),
  };
}
