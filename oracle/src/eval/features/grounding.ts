import { SHAPE_CLASSES } from "./wordClass";

/**
 * Grounding: support that is earned in context, each kind saturating so that repeating a trick
 * adds nothing.
 * - Quantified claims: a number next to a content word ("41 ships", "rose 3 percent"), counted
 *   once per sentence, outside brackets, parentheses and decorated side clauses (core.ts); three
 *   sentences saturate.
 * - Dates: two saturate.
 * - Citations: a marker "[n]" counts only when a reference line "[n] …" exists; DOIs and arXiv
 *   identifiers count as references themselves. Two saturate.
 * - A link counts once, and only inside a sentence of eight or more other words (a link that
 *   supports a statement); a list of links earns nothing.
 * Names are not counted: a capitalized word shows nothing by itself.
 */
export interface Grounding {
  readonly quantifiedSentences: number;
  readonly dates: number;
  readonly resolvedCitations: number;
  readonly supportingLink: boolean;
  /** The combined grounding, 0..100. */
  readonly score: number;
}

const FIRST_CONTENT_CLASS = SHAPE_CLASSES.indexOf("#ly");
const NUMBER_CLASS = SHAPE_CLASSES.indexOf("#num");

export function measureGrounding(text: string, classes: Uint16Array, sentenceLengths: readonly number[], dates: number, links: readonly string[]): Grounding {
  let quantifiedSentences = 0;
  let at = 0;
  for (const length of sentenceLengths) {
    for (let i = at; i < at + length; i++) {
      if (classes[i] !== NUMBER_CLASS) continue;
      if ((i > at && isContent(classes[i - 1]!)) || (i + 1 < at + length && isContent(classes[i + 1]!))) {
        quantifiedSentences++;
        break;
      }
    }
    at += length;
  }
  const resolvedCitations = countResolvedCitations(text);
  const supportingLink = links.length > 0 && hasSupportingLink(text, links);
  const score = Math.round(40 * Math.min(1, quantifiedSentences / 3) + 20 * Math.min(1, dates / 2) + 25 * Math.min(1, resolvedCitations / 2) + (supportingLink ? 15 : 0));
  return { quantifiedSentences, dates, resolvedCitations, supportingLink, score };
}

/** A word outside the frequent (function) words; units such as "m" and "kg" count. */
function isContent(c: number): boolean {
  return c >= FIRST_CONTENT_CLASS && c < SHAPE_CLASSES.length;
}

/** Markers "[n]" in running text whose reference line "[n] …" exists, plus DOIs and arXiv ids. */
function countResolvedCitations(text: string): number {
  const references = new Set<string>();
  const markers = new Set<string>();
  let identifiers = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lineStart = true;
      continue;
    }
    if (c === 0x5b) {
      let j = i + 1;
      while (j < text.length && j - i <= 4 && isDigit(text.charCodeAt(j))) j++;
      if (j > i + 1 && text.charCodeAt(j) === 0x5d) {
        const n = text.slice(i + 1, j);
        if (lineStart && wordsAfter(text, j + 1) >= 3) references.add(n);
        else if (!lineStart) markers.add(n);
        i = j;
      }
    } else if ((c === 0x64 || c === 0x44) && text.startsWith("oi:", i + 1)) identifiers++;
    else if ((c === 0x61 || c === 0x41) && text.slice(i, i + 6).toLowerCase() === "arxiv:") identifiers++;
    if (c !== 0x20 && c !== 0x09) lineStart = false;
  }
  let resolved = identifiers;
  for (const n of markers) if (references.has(n)) resolved++;
  return resolved;
}

/** Words on the rest of the line from `from` (stops after 3). */
function wordsAfter(text: string, from: number): number {
  let words = 0;
  let inWord = false;
  for (let i = from; i < text.length && words < 3; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) break;
    const letter = c > 0x20;
    if (letter && !inWord) words++;
    inWord = letter;
  }
  return words;
}

/** Whether some link sits in a sentence that has at least eight words besides links. */
function hasSupportingLink(text: string, links: readonly string[]): boolean {
  const checked = links.slice(0, 20);
  let from = 0;
  for (const link of checked) {
    const at = text.indexOf(link, from);
    if (at < 0) continue;
    from = at + link.length;
    let sentence = text.slice(sentenceBoundary(text, at, -1), sentenceBoundary(text, from, 1));
    for (const other of checked) sentence = sentence.split(other).join(" ");
    if (countWords(sentence) >= 8) return true;
  }
  return false;
}

function sentenceBoundary(text: string, at: number, step: 1 | -1): number {
  let i = at;
  for (let scanned = 0; scanned < 400; scanned++) {
    const next = i + (step === 1 ? 0 : -1);
    if (next < 0 || next >= text.length) return step === 1 ? text.length : 0;
    const c = text.charCodeAt(next);
    if (c === 0x0a || ((c === 0x2e || c === 0x21 || c === 0x3f) && isSpaceOrEnd(text, next + 1))) return step === 1 ? next : next + 1;
    i += step;
  }
  return i;
}

function isSpaceOrEnd(text: string, i: number): boolean {
  return i >= text.length || text.charCodeAt(i) <= 0x20;
}

function countWords(segment: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c > 0x7f;
    if (letter && !inWord) words++;
    inWord = letter;
  }
  return words;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
