import type { Preprocessed } from "../preprocess";
import { tokenize } from "../tokenize";
import { classesOf } from "./classes";
import { SHAPE_CLASSES } from "./wordClass";

/**
 * The core of a text: its tokens without the parts that decoration adds. First, from the text:
 * links, bracketed and parenthesized asides, and the short side clauses (set off by commas, semicolons
 * or dashes, ten words at most, in a sentence that has another clause) that hold a figure, a name
 * or "according to" — "…, as NASA and MIT note.", "According to a 2021 survey, …". Then, from the
 * tokens: a number and the word after it (its unit), names and acronyms (capitalized words not
 * starting a sentence, and the word that introduces them: "as", "and", "by"), and "according
 * to". Length and genericity are measured on the core, so padding filler with figures, names and
 * sources neither lengthens it nor dilutes its genericity; the figures and sources themselves are
 * judged by grounding.
 */
export interface Core {
  readonly tokens: readonly string[];
  readonly classes: Uint16Array;
  readonly sentenceLengths: readonly number[];
  /** The text without links, asides and decorated side clauses, before figures and names are removed. */
  readonly plain: { readonly tokens: readonly string[]; readonly classes: Uint16Array; readonly sentenceLengths: readonly number[] };
}

const NUMBER = SHAPE_CLASSES.indexOf("#num");
const INTRODUCERS = new Set(["as", "and", "by", "of", "the", "at", "from", "to", "with", "like", "per", "says", "say", "said"]);

export function coreOf(doc: Preprocessed, docClasses: Uint16Array): Core {
  const text = withoutAsides(doc.text);
  // Most texts have nothing to remove (and then their tokens need no second pass).
  const unchanged = text === doc.text;
  const { tokens, sentenceLengths } = unchanged ? doc : tokenize(text);
  const classes = unchanged ? docClasses : classesOf(tokens);
  return { ...coreTokens({ text, tokens, sentenceLengths }, classes), plain: { tokens, classes, sentenceLengths } };
}

type Words = Pick<Preprocessed, "text" | "tokens" | "sentenceLengths">;

function coreTokens(doc: Words, classes: Uint16Array): Omit<Core, "plain"> {
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
function capitalizedTokens(doc: Words): Uint8Array | undefined {
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

const MAX_ASIDE = 200;
const MAX_SIDE_CLAUSE_WORDS = 10;

/** The text without links, bracketed or parenthesized asides and decorated side clauses (above). */
export function withoutAsides(text: string): string {
  const parts: string[] = [];
  let kept = 0;
  let removed = false;
  let nextParen = -1;
  let nextBracket = -1;
  let nextLine = -1;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    let skipTo = -1;
    if ((c === 0x68 || c === 0x77) && (i === 0 || text.charCodeAt(i - 1) <= 0x20) && (text.startsWith("http", i) || text.startsWith("www.", i))) {
      // A link is a source, not words of the text.
      skipTo = i;
      while (skipTo < text.length && text.charCodeAt(skipTo) > 0x20) skipTo++;
    } else if (c === 0x28 || c === 0x5b) {
      // Forward-only cursors to the next ")", "]" and line break keep this linear.
      nextParen = nextAt(text, 0x29, i, nextParen);
      nextBracket = nextAt(text, 0x5d, i, nextBracket);
      nextLine = nextAt(text, 0x0a, i, nextLine);
      const close = c === 0x28 ? nextParen : nextBracket;
      if (close < text.length && close - i <= MAX_ASIDE && nextLine > close) skipTo = close + 1;
    }
    if (skipTo < 0) {
      i++;
      continue;
    }
    parts.push(text.slice(kept, i));
    kept = i = skipTo;
    removed = true;
  }
  const plain = removed ? parts.join("") + text.slice(kept) : text;
  if (!hasClauseBreak(plain)) return plain;
  let out = "";
  let from = 0;
  let changed = removed;
  for (let i = 0; i < plain.length; i++) {
    const c = plain.charCodeAt(i);
    const ends = c === 0x0a || ((c === 0x2e || c === 0x21 || c === 0x3f) && (i + 1 >= plain.length || plain.charCodeAt(i + 1) <= 0x20));
    if (!ends) continue;
    const sentence = plain.slice(from, i + 1);
    const cleaned = withoutDecoratedClauses(sentence);
    if (cleaned !== sentence) changed = true;
    out += cleaned;
    from = i + 1;
  }
  if (from < plain.length) {
    const sentence = plain.slice(from);
    const cleaned = withoutDecoratedClauses(sentence);
    if (cleaned !== sentence) changed = true;
    out += cleaned;
  }
  return changed ? out : text;
}

function withoutDecoratedClauses(sentence: string): string {
  if (!hasClauseBreak(sentence)) return sentence;
  const clauses = sentence.split(/[,;]|\s[—–-]\s/);
  if (clauses.length < 2) return sentence;
  const kept = clauses.filter((clause, index) => !(isDecorated(clause, index === 0) && wordCount(clause) <= MAX_SIDE_CLAUSE_WORDS));
  if (kept.length === 0) return "";
  const joined = kept.join(",");
  return /[.!?\n]\s*$/.test(joined) || !/[.!?\n]\s*$/.test(sentence) ? joined : `${joined}${sentence.slice(-1)}`;
}

/** Words that may open a side clause with a capital without naming anyone. */
const CLAUSE_OPENERS = new Set(["As", "But", "And", "The", "In", "For", "See", "More", "Echoing", "Based"]);

/** A figure, a capitalized word after the clause's first word, or "according to" (one scan). */
function isDecorated(clause: string, first: boolean): boolean {
  if (clause.includes("ccording to")) return true;
  let word = -1;
  let inWord = false;
  for (let i = 0; i < clause.length; i++) {
    const c = clause.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return true;
    if (c <= 0x20) {
      inWord = false;
      continue;
    }
    if (inWord) continue;
    inWord = true;
    word++;
    if (c < 0x41 || c > 0x5a) continue;
    if (word > 0) return true;
    if (!first && !CLAUSE_OPENERS.has(firstWord(clause, i))) return true;
  }
  return false;
}

function firstWord(text: string, from: number): string {
  let end = from;
  while (end < text.length && text.charCodeAt(end) > 0x20) end++;
  return text.slice(from, end);
}

function wordCount(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const word = text.charCodeAt(i) > 0x20;
    if (word && !inWord) n++;
    inWord = word;
  }
  return n;
}

function hasClauseBreak(sentence: string): boolean {
  for (let i = 0; i < sentence.length; i++) {
    const c = sentence.charCodeAt(i);
    if (c === 0x2c || c === 0x3b || c === 0x2014 || c === 0x2013 || (c === 0x2d && sentence.charCodeAt(i - 1) === 0x20)) return true;
  }
  return false;
}

/** The first position ≥ `from` holding `code` (or the text's length), moving on from `cursor`. */
function nextAt(text: string, code: number, from: number, cursor: number): number {
  if (cursor >= from) return cursor;
  let i = from;
  while (i < text.length && text.charCodeAt(i) !== code) i++;
  return i;
}
