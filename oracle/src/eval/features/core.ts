import type { Preprocessed } from "../preprocess";
import { SHAPE_CLASSES } from "./wordClass";

/**
 * The core of a text: its tokens without the parts that decoration adds. A number and the word
 * after it (its unit), names and acronyms (capitalized words not starting a sentence, and the
 * word that introduces them: "as", "and", "by"), and "according to". Length and genericity are
 * measured on the core, so padding filler with figures, names and sources neither lengthens it
 * nor dilutes its genericity; the figures and sources themselves are judged by grounding.
 */
export interface Core {
  readonly tokens: readonly string[];
  readonly classes: Uint16Array;
  readonly sentenceLengths: readonly number[];
}

const NUMBER = SHAPE_CLASSES.indexOf("#num");
const INTRODUCERS = new Set(["as", "and", "by", "of", "the", "at", "from", "to", "with", "like", "per", "says", "say", "said"]);

export function coreOf(doc: Preprocessed, classes: Uint16Array): Core {
  const capitalized = capitalizedTokens(doc);
  const keep = new Uint8Array(doc.tokens.length).fill(1);
  let at = 0;
  for (const length of doc.sentenceLengths) {
    for (let i = at; i < at + length; i++) {
      const token = doc.tokens[i]!;
      if (classes[i] === NUMBER) {
        keep[i] = 0;
        if (i + 1 < at + length && classes[i + 1]! < SHAPE_CLASSES.length) keep[i + 1] = 0;
      } else if (capitalized !== undefined && capitalized[i] === 1 && (i > at || isAcronym(capitalized, i))) {
        keep[i] = 0;
        if (i > at && INTRODUCERS.has(doc.tokens[i - 1]!)) keep[i - 1] = 0;
      } else if (token === "according" && doc.tokens[i + 1] === "to") {
        keep[i] = 0;
        keep[i + 1] = 0;
      }
    }
    at += length;
  }
  const tokens: string[] = [];
  const kept: number[] = [];
  const sentenceLengths: number[] = [];
  at = 0;
  for (const length of doc.sentenceLengths) {
    let n = 0;
    for (let i = at; i < at + length; i++) {
      if (keep[i] === 0) continue;
      tokens.push(doc.tokens[i]!);
      kept.push(classes[i]!);
      n++;
    }
    if (n > 0) sentenceLengths.push(n);
    at += length;
  }
  return { tokens, classes: Uint16Array.from(kept), sentenceLengths };
}

/**
 * 1 for tokens written with a capital first letter, 2 for acronyms (all capitals, 2+ letters),
 * found by walking the tokens through the lowercased text; undefined when lowercasing moved
 * characters (then nothing is taken for a name).
 */
function capitalizedTokens(doc: Preprocessed): Uint8Array | undefined {
  const lower = doc.text.toLowerCase();
  if (lower.length !== doc.text.length) return undefined;
  const marks = new Uint8Array(doc.tokens.length);
  let from = 0;
  for (let i = 0; i < doc.tokens.length; i++) {
    const token = doc.tokens[i]!;
    const at = lower.indexOf(token, from);
    if (at < 0) return undefined;
    from = at + token.length;
    const first = doc.text.charCodeAt(at);
    if (first !== lower.charCodeAt(at)) {
      const original = doc.text.slice(at, from);
      marks[i] = token.length >= 2 && original === original.toUpperCase() ? 2 : 1;
    }
  }
  return marks;
}

function isAcronym(marks: Uint8Array, i: number): boolean {
  return marks[i] === 2;
}
