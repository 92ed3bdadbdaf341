/**
 * The word tokenizer, written as a character scan rather than a regular expression because it
 * runs on every submission and dominates preprocessing time.
 *
 * Tokens, lowercased:
 * - a Han, Hiragana or Katakana character alone (those scripts do not separate words);
 * - a run of letters, marks and digits of other scripts, joined across an apostrophe (' or ’)
 *   that has such a character on both sides ("don't");
 * - a run that starts with a digit is a number and also joins across "." and "," between
 *   digits ("1,790.5").
 * A sentence ends where the text between two tokens holds a line break, one of 。！？, or one of
 * . ! ? … followed by whitespace (so "3.5" and "e.g" stay inside a sentence).
 */
export interface Tokenized {
  readonly tokens: string[];
  /** Each token's index in `vocabulary`. */
  readonly ids: Uint32Array;
  /** The distinct tokens in order of first appearance, and how often each occurs. */
  readonly vocabulary: string[];
  readonly tokenCounts: number[];
  /** Tokens per sentence. */
  readonly sentenceLengths: number[];
  /** Capitalized tokens that do not start a sentence, plus acronyms anywhere. */
  readonly namedSpecifics: number;
  /** Tokens that start with a digit. */
  readonly numbers: number;
}

const OTHER = 0;
const WORD = 1;
const DIGIT = 2;
const CJK = 3;
const UNKNOWN = 255;

const CJK_RE = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]$/u;
const DIGIT_RE = /^\p{N}$/u;
const WORD_RE = /^[\p{L}\p{M}]$/u;

/** The class of each BMP code unit, filled in on first sight. */
const CLASSES = new Uint8Array(0x10000).fill(UNKNOWN);

function classify(char: string): number {
  if (CJK_RE.test(char)) return CJK;
  if (DIGIT_RE.test(char)) return DIGIT;
  return WORD_RE.test(char) ? WORD : OTHER;
}

/** The class of the character at `i`, and its width in code units. */
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) {
    let k = CLASSES[c]!;
    if (k === UNKNOWN) CLASSES[c] = k = classify(text[i]!);
    return k;
  }
  const cp = text.codePointAt(i)!;
  return cp > 0xffff ? classify(String.fromCodePoint(cp)) : OTHER;
}

function widthAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
}

export function tokenize(text: string): Tokenized {
  const tokens: string[] = [];
  const idList: number[] = [];
  const vocabulary: string[] = [];
  const tokenCounts: number[] = [];
  const idOf = new Map<string, number>();
  const sentenceLengths: number[] = [];
  let namedSpecifics = 0;
  let numbers = 0;
  let count = 0;
  let previousEnd = 0;
  // Lowercasing the whole text once is much cheaper than once per token; it is only used when it
  // keeps every character at its position (a few characters lowercase to two).
  const lowerText = text.toLowerCase();
  const aligned = lowerText.length === text.length;

  let i = 0;
  while (i < text.length) {
    const kind = classAt(text, i);
    if (kind === OTHER) {
      i += widthAt(text, i);
      continue;
    }
    const start = i;
    i += widthAt(text, i);
    if (kind !== CJK) i = scanRun(text, i, kind === DIGIT);

    if (count > 0 && endsSentence(text, previousEnd, start)) {
      sentenceLengths.push(count);
      count = 0;
    }
    previousEnd = i;
    const token = aligned ? lowerText.slice(start, i) : text.slice(start, i).toLowerCase();
    if (kind === DIGIT) {
      numbers++;
    } else if (text.charCodeAt(start) !== token.charCodeAt(0) && (count > 0 || isAcronym(text.slice(start, i)))) {
      // The first character changed when lowercased: the token starts with a capital.
      namedSpecifics++;
    }
    let id = idOf.get(token);
    if (id === undefined) {
      id = vocabulary.length;
      idOf.set(token, id);
      vocabulary.push(token);
      tokenCounts.push(0);
    }
    tokenCounts[id]!++;
    idList.push(id);
    tokens.push(token);
    count++;
  }
  if (count > 0) sentenceLengths.push(count);
  return { tokens, ids: Uint32Array.from(idList), vocabulary, tokenCounts, sentenceLengths, namedSpecifics, numbers };
}

/** Extends a token from `i`; returns where it ends. */
function scanRun(text: string, i: number, startsWithDigit: boolean): number {
  let digitsOnly = startsWithDigit;
  while (i < text.length) {
    const kind = classAt(text, i);
    if (kind === WORD || kind === DIGIT) {
      if (kind === WORD) digitsOnly = false;
      i += widthAt(text, i);
      continue;
    }
    if (i + 1 >= text.length) break;
    const c = text.charCodeAt(i);
    const next = classAt(text, i + 1);
    if ((c === 0x27 || c === 0x2019) && (next === WORD || next === DIGIT)) {
      digitsOnly = false;
      i++;
    } else if ((c === 0x2e || c === 0x2c) && digitsOnly && next === DIGIT) {
      i++;
    } else {
      break;
    }
  }
  return i;
}

function endsSentence(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x3002 || c === 0xff01 || c === 0xff1f) return true;
    if ((c === 0x2e || c === 0x21 || c === 0x3f || c === 0x2026) && (i + 1 === to || isSpace(text.charCodeAt(i + 1)))) return true;
  }
  return false;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09;
}

function isAcronym(word: string): boolean {
  return word.length >= 2 && word === word.toUpperCase();
}
