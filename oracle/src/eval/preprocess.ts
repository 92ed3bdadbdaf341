import { canonicalize, type Obfuscation } from "./canonical";
import { tagCharacters } from "./injectionViews";
import { detectLanguage, stopWordsFor, type LanguageGuess } from "./language";
import { countStockPhrases } from "./phrases";
import { countNumbersWithUnits, trimTrailingPunctuation } from "./scan";
import { tokenize } from "./tokenize";

/** Everything the later stages read from a submission's text; pure data. */
export interface Preprocessed {
  /** The canonical text (see `normalizeText` and canonical.ts): what features and the LLM prompt read. */
  readonly text: string;
  /** Invisible characters inside words, tag characters and look-alike letters found while canonicalizing. */
  readonly obfuscation: Obfuscation;
  /** The ASCII text hidden in Unicode tag characters of the raw text (canonicalizing drops them); empty when none. */
  readonly hiddenTagText: string;
  /** The exact-duplicate form: the normalized text lowercased, every whitespace run one space. */
  readonly canonical: string;
  /** Lowercased word tokens in reading order; URLs are left out. Han and kana count one token per character. */
  readonly tokens: readonly string[];
  /** The distinct tokens, in order of first appearance. */
  readonly vocabulary: readonly string[];
  /** How often each vocabulary entry occurs (same index). */
  readonly tokenCounts: readonly number[];
  /** Tokens per sentence, in reading order (their sum is the number of tokens). */
  readonly sentenceLengths: readonly number[];
  readonly language: LanguageGuess;
  readonly length: LengthFeatures;
  readonly structure: StructureFeatures;
  readonly style: StyleFeatures;
}

export interface LengthFeatures {
  /** Unicode code points of the normalized text. */
  readonly chars: number;
  readonly words: number;
  readonly uniqueWords: number;
  readonly sentences: number;
  readonly avgSentenceWords: number;
  readonly maxSentenceWords: number;
}

export interface StructureFeatures {
  /** Blocks separated by a blank line. */
  readonly paragraphs: number;
  /** Lines starting with a bullet (`-`, `*`, `+`, `•`) or a number (`1.`, `2)`). */
  readonly listItems: number;
  /** Markdown headings (`# Title`) and lines that are entirely bold (`**Title**`). */
  readonly headings: number;
  /** The URLs in the text (http(s):// or www.), in order, trailing punctuation removed. */
  readonly links: readonly string[];
  /** The distinct host names of `links`, lowercased, without `www.`, sorted. */
  readonly domains: readonly string[];
  /** Numeric tokens. */
  readonly numbers: number;
  /** Numbers with a unit, a percent sign or a currency (`3.5 kg`, `12%`, `$40`, `0.32 €`). */
  readonly numbersWithUnits: number;
  /** Dates: ISO dates, `12/03/2024`, month names with a day or year, and years 1800–2099. */
  readonly dates: number;
  /** Reference markers: `[1]`, `(Smith, 2020)`, DOIs, arXiv ids, "according to", "source:". */
  readonly citations: number;
}

export interface StyleFeatures {
  /** Cased letters (upper plus lower case); scripts without case do not count. */
  readonly letters: number;
  /** Upper-case letters ÷ cased letters (0 when there are none). */
  readonly upperCaseRatio: number;
  /** Runs of two or more `!`, or three or more of `!`/`?` mixed. */
  readonly exclamationRuns: number;
  /** A letter repeated five times or more in a row ("sooooo"). */
  readonly repeatedCharRuns: number;
  /** Non-trivial lines (10+ characters) that repeat an earlier line, case-insensitively. */
  readonly repeatedLines: number;
  readonly lines: number;
  /**
   * Moving-average type-token ratio over windows of 50 tokens (the plain type-token ratio for
   * shorter texts): lexical diversity that does not fall with length.
   */
  readonly lexicalDiversity: number;
  /** Share of tokens that are stop words of the detected language (0 when it has no list). */
  readonly stopWordRatio: number;
  /** Capitalized words that do not start a sentence, plus acronyms: names, places, products. */
  readonly namedSpecifics: number;
  /** Occurrences of the stock phrases of generic filler (phrases.ts). */
  readonly stockPhrases: number;
}

/**
 * The canonical text (canonical.ts): NFKC; default-ignorable, format and control characters
 * (other than tab and line breaks) removed; CR/CRLF become LF; runs of other whitespace become
 * one space; spaces around line breaks are dropped; three or more line breaks become one blank
 * line; look-alike letters in Latin words written as Latin; trimmed. Line and paragraph breaks
 * are kept because structure is measured on them.
 */
export function normalizeText(raw: string): string {
  return canonicalize(raw).text;
}

/** The exact-duplicate form of a normalized text: lowercased, every whitespace run one space. */
export function canonicalForm(normalized: string): string {
  return normalized.toLowerCase().replace(/\s+/g, " ");
}

export const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`()[\]{}]+/gi;
const LIST_ITEM_RE = /^(?:[-*+•‣◦]|\d{1,3}[.)])\s+\S/;
const HEADING_RE = /^(?:#{1,6}\s+\S|\*\*[^*]+\*\*:?$)/;
const MONTHS = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const DATE_RE = new RegExp(
  [
    "\\b\\d{4}-\\d{2}-\\d{2}\\b",
    "\\b\\d{1,2}[/.]\\d{1,2}[/.]\\d{2,4}\\b",
    `\\b(?:${MONTHS})\\.? \\d{1,2}(?:st|nd|rd|th)?(?:,? \\d{4})?\\b`,
    `\\b\\d{1,2}(?:st|nd|rd|th)? (?:${MONTHS})(?:,? \\d{4})?\\b`,
    `\\b(?:${MONTHS}) \\d{4}\\b`,
    "\\b(?:1[89]|20)\\d{2}\\b",
  ].join("|"),
  "gi",
);
/** Citation markers, matched on the text: `[1]`, `(Smith, 2020)`, `(Smith et al. 2019)`. */
const CITATION_MARK_RE = /\[\d{1,3}\]|\(\p{Lu}[\p{L}'-]+(?: et al\.)?,? (?:1[89]|20)\d{2}[a-z]?\)/gu;
/** Citation phrases and identifiers, matched on the canonical (lowercase) text. */
const CITATION_PHRASE_RE = /\b(?:according to|sources?:|reported by|cited in|published (?:in|by)|doi:\s?10\.\d{4,}|arxiv:?\s?\d{4}\.\d{4,5})/g;
const EXCLAMATION_RUN_RE = /!{2,}|[!?]{3,}/g;
const DIVERSITY_WINDOW = 50;

/** Normalizes `raw` and measures it. Pure and deterministic. */
export function preprocess(raw: string): Preprocessed {
  const { text, obfuscation } = canonicalize(raw);
  const canonical = canonicalForm(text);
  const mayHaveLinks = canonical.includes("http") || canonical.includes("www.");
  const links = mayHaveLinks ? extractLinks(text) : [];
  const words = tokenize(mayHaveLinks ? text.replace(URL_RE, " ") : text);
  const { tokens, ids, vocabulary, tokenCounts, sentenceLengths } = words;
  const language = detectLanguage(text, { vocabulary, counts: tokenCounts, total: tokens.length });
  const lines = text === "" ? [] : text.split("\n");
  const { upper, lower, repeatedCharRuns } = letterStats(text);
  const stopWords = stopWordsFor(language.code);
  const hasDigits = /\d/.test(text);

  const sentences = sentenceLengths.length;
  return {
    text,
    obfuscation,
    hiddenTagText: obfuscation.tagCharacters > 0 ? tagCharacters(raw) : "",
    canonical,
    tokens,
    vocabulary,
    tokenCounts,
    sentenceLengths,
    language,
    length: {
      chars: codePoints(text),
      words: tokens.length,
      uniqueWords: vocabulary.length,
      sentences,
      avgSentenceWords: sentences === 0 ? 0 : tokens.length / sentences,
      maxSentenceWords: sentenceLengths.reduce((max, n) => (n > max ? n : max), 0),
    },
    structure: {
      paragraphs: text === "" ? 0 : text.split("\n\n").length,
      listItems: lines.filter((line) => LIST_ITEM_RE.test(line)).length,
      headings: lines.filter((line) => HEADING_RE.test(line)).length,
      links,
      domains: [...new Set(links.map(hostOf))].sort(),
      numbers: words.numbers,
      numbersWithUnits: hasDigits ? countNumbersWithUnits(text) : 0,
      dates: hasDigits ? countMatches(text, DATE_RE) : 0,
      citations: countMatches(text, CITATION_MARK_RE) + countMatches(canonical, CITATION_PHRASE_RE),
    },
    style: {
      letters: upper + lower,
      upperCaseRatio: upper + lower === 0 ? 0 : upper / (upper + lower),
      exclamationRuns: countMatches(text, EXCLAMATION_RUN_RE),
      repeatedCharRuns,
      repeatedLines: countRepeatedLines(lines),
      lines: lines.length,
      lexicalDiversity: movingTypeTokenRatio(ids, vocabulary.length, DIVERSITY_WINDOW),
      stopWordRatio: stopWords === undefined || tokens.length === 0 ? 0 : countIn(vocabulary, tokenCounts, stopWords) / tokens.length,
      namedSpecifics: words.namedSpecifics,
      stockPhrases: countStockPhrases(canonical),
    },
  };
}

function extractLinks(text: string): string[] {
  const links: string[] = [];
  for (const match of text.matchAll(URL_RE)) {
    const url = trimTrailingPunctuation(match[0]);
    if (url.length > 4) links.push(url);
  }
  return links;
}

function hostOf(url: string): string {
  const withoutScheme = url.replace(/^https?:\/\//i, "");
  const authority = withoutScheme.split(/[/?#]/, 1)[0]!;
  const host = authority.slice(authority.lastIndexOf("@") + 1).replace(/:\d+$/, "");
  return host.toLowerCase().replace(/^www\./, "");
}

/** Upper- and lower-case letters, and runs of one letter repeated five times or more. */
function letterStats(text: string): { upper: number; lower: number; repeatedCharRuns: number } {
  let upper = 0;
  let lower = 0;
  let repeatedCharRuns = 0;
  let run = 0;
  let previous = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let isLetter = true;
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c > 127) {
      const ch = text[i]!;
      const lowered = ch.toLowerCase();
      if (ch !== lowered) upper++;
      else if (ch !== ch.toUpperCase()) lower++;
      else isLetter = false;
    } else isLetter = false;
    run = isLetter && c === previous ? run + 1 : 1;
    if (isLetter && run === 5) repeatedCharRuns++;
    previous = c;
  }
  return { upper, lower, repeatedCharRuns };
}

function countRepeatedLines(lines: readonly string[]): number {
  const seen = new Set<string>();
  let repeated = 0;
  for (const line of lines) {
    if (line.length < 10) continue;
    const key = line.toLowerCase();
    if (seen.has(key)) repeated++;
    else seen.add(key);
  }
  return repeated;
}

/** Mean type-token ratio of every window of `window` consecutive tokens (by vocabulary id). */
function movingTypeTokenRatio(ids: Uint32Array, vocabularySize: number, window: number): number {
  if (ids.length === 0) return 0;
  if (ids.length <= window) return vocabularySize / ids.length;
  const counts = new Uint32Array(vocabularySize);
  let types = 0;
  for (let i = 0; i < window; i++) if (counts[ids[i]!]!++ === 0) types++;
  let sum = types;
  for (let i = window; i < ids.length; i++) {
    if (counts[ids[i]!]!++ === 0) types++;
    if (--counts[ids[i - window]!]! === 0) types--;
    sum += types;
  }
  return sum / (ids.length - window + 1) / window;
}

function countMatches(text: string, re: RegExp): number {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text) !== null) n++;
  return n;
}

function countIn(vocabulary: readonly string[], counts: readonly number[], set: ReadonlySet<string>): number {
  let n = 0;
  for (let i = 0; i < vocabulary.length; i++) if (set.has(vocabulary[i]!)) n += counts[i]!;
  return n;
}

function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}
