import { CONFUSABLE_TO_LATIN } from "./confusables";
import { addScanOperations } from "./scan";

/**
 * Canonical text: the one form of a submission that duplicate keys, features and the LLM prompt
 * read (docs/SCORING.md, "Canonical text").
 *
 * `canonicalize` applies, in order:
 * 1. Unicode NFKC (full-width, mathematical and other compatibility letters become plain ones);
 * 2. removal of default-ignorable code points, format characters (Cf: zero-width characters,
 *    bidi controls, tag characters, variation selectors…) and control characters other than
 *    tab and line breaks;
 * 3. CR/CRLF as LF, horizontal whitespace runs as one space, no spaces around line breaks, at
 *    most one blank line, trimmed;
 * 4. words that mix Latin with Cyrillic or Greek look-alikes, and words written wholly in
 *    look-alikes inside Latin text, are written with the Latin letters they imitate.
 * Obfuscation found on the way (steps 2 and 4) is reported, never silently dropped: the caller
 * raises the `obfuscation` flag with this evidence.
 *
 * `skeletonOf` folds a (lowercase) token further for comparisons only: combining diacritics
 * removed and every confusable folded to its Latin prototype (UTS #39 skeleton), lowercased.
 *
 * Every step is a single left-to-right scan or a linear regular expression.
 */
export interface Obfuscation {
  /** Words with an invisible character (zero-width, bidi control, variation selector…) between two of their letters. */
  readonly invisibleInWords: number;
  /** Unicode tag characters (U+E0000–E007F) outside emoji flag sequences. */
  readonly tagCharacters: number;
  /** Words mixing Latin with Cyrillic/Greek look-alikes, or written wholly in look-alikes inside Latin text. */
  readonly mixedScriptWords: number;
  /** Up to three examples, unusual characters written as U+XXXX. */
  readonly examples: readonly string[];
}

export interface CanonicalText {
  readonly text: string;
  readonly obfuscation: Obfuscation;
}

const OTHER = 0;
const LATIN = 1;
/** Cyrillic or Greek letter. */
const CYRILLIC_GREEK = 2;
const OTHER_LETTER = 3;
const MARK = 4;
const REMOVED = 5;
const UNKNOWN = 255;

const REMOVED_RE = /^[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cc}]$/u;
const LETTER_RE = /^\p{L}$/u;
const MARK_RE = /^\p{M}$/u;
const CLASSES = new Uint8Array(0x10000).fill(UNKNOWN);
const MAX_EXAMPLES = 3;
/** Share of Latin letters from which whole words in Cyrillic/Greek look-alikes count as obfuscation. */
const LATIN_DOMINANT = 0.8;

function classify(cp: number): number {
  // Tab, line feed, vertical tab, form feed, carriage return are whitespace, not controls.
  if (cp >= 0x09 && cp <= 0x0d) return OTHER;
  const ch = String.fromCodePoint(cp);
  if (REMOVED_RE.test(ch)) return REMOVED;
  if (LETTER_RE.test(ch)) {
    if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f) || (cp >= 0x1e00 && cp <= 0x1eff)) {
      return LATIN;
    }
    if ((cp >= 0x370 && cp <= 0x52f) || (cp >= 0x1f00 && cp <= 0x1fff)) return CYRILLIC_GREEK;
    return OTHER_LETTER;
  }
  return MARK_RE.test(ch) ? MARK : OTHER;
}

export function classOf(cp: number): number {
  if (cp < 0x10000) {
    let k = CLASSES[cp]!;
    if (k === UNKNOWN) CLASSES[cp] = k = classify(cp);
    return k;
  }
  // Tag characters and the supplementary variation selectors are default-ignorable.
  if (cp >= 0xe0000 && cp <= 0xe0fff) return REMOVED;
  return classify(cp);
}

function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

function isLetterClass(k: number): boolean {
  return k === LATIN || k === CYRILLIC_GREEK || k === OTHER_LETTER || k === MARK;
}

function describe(cp: number): string {
  return cp < 0x80 ? String.fromCharCode(cp) : `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Canonical text and the obfuscation found while making it. Pure and deterministic. */
export function canonicalize(raw: string): CanonicalText {
  const examples: string[] = [];
  const { text: stripped, invisibleInWords, tagCharacters } = stripInvisible(raw.normalize("NFKC"), examples);
  const spaced = stripped
    .replace(/\r\n?/g, "\n")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const { text, mixedScriptWords } = foldMixedScript(spaced, examples);
  return { text, obfuscation: { invisibleInWords, tagCharacters, mixedScriptWords, examples } };
}

/** Step 2, counting invisible runs between letters and tag characters. */
function stripInvisible(text: string, examples: string[]): { text: string; invisibleInWords: number; tagCharacters: number } {
  let out = "";
  let kept = 0;
  let invisibleInWords = 0;
  let tagCharacters = 0;
  let previous = -1;
  let steps = 0;
  let i = 0;
  while (i < text.length) {
    steps++;
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (classOf(cp) !== REMOVED) {
      previous = cp;
      i += width;
      continue;
    }
    // A run of removed characters [start, i).
    const start = i;
    let joinersOnly = true;
    // Soft hyphens (web text carries them honestly) and control characters (mis-decoded
    // apostrophes such as U+0092 in old mail) are removed but not counted as tricks.
    let softHyphenOnly = true;
    let inFlag = previous === 0x1f3f4;
    while (i < text.length) {
      steps++;
      const c = text.codePointAt(i)!;
      if (classOf(c) !== REMOVED) break;
      if (c !== 0x200c && c !== 0x200d) joinersOnly = false;
      if (c !== 0x00ad && !isControl(c)) softHyphenOnly = false;
      if (c >= 0xe0000 && c <= 0xe007f) {
        if (!inFlag) tagCharacters++;
        if (c === 0xe007f) inFlag = false;
      }
      i += c > 0xffff ? 2 : 1;
    }
    out += text.slice(kept, start);
    kept = i;
    const next = i < text.length ? text.codePointAt(i)! : -1;
    if (previous === -1 || next === -1 || softHyphenOnly) continue;
    const before = classOf(previous);
    const after = classOf(next);
    if (!isLetterClass(before) || !isLetterClass(after)) continue;
    // Zero-width (non-)joiners shape letters of Arabic, Indic and other scripts: only between
    // Latin, Cyrillic or Greek letters are they a trick.
    const alphabetic = (k: number): boolean => k === LATIN || k === CYRILLIC_GREEK;
    if (joinersOnly && !(alphabetic(before) && alphabetic(after))) continue;
    invisibleInWords++;
    if (examples.length < MAX_EXAMPLES) {
      const hidden = [...text.slice(start, Math.min(i, start + 8))].map((c) => describe(c.codePointAt(0)!)).join(" ");
      examples.push(`${String.fromCodePoint(previous)}[${hidden}]${String.fromCodePoint(next)}`);
    }
  }
  addScanOperations(steps);
  return { text: kept === 0 ? text : out + text.slice(kept), invisibleInWords, tagCharacters };
}

/** Step 4: look-alike words written with the Latin letters they imitate. */
function foldMixedScript(text: string, examples: string[]): { text: string; mixedScriptWords: number } {
  let latinLetters = 0;
  let cyrillicGreek = 0;
  let suspicious = false;
  addScanOperations(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latinLetters++;
      continue;
    }
    const k = classOf(c);
    if (k === LATIN) latinLetters++;
    else if (k === CYRILLIC_GREEK) {
      cyrillicGreek++;
      if (CONFUSABLE_TO_LATIN.has(c)) suspicious = true;
    }
  }
  if (!suspicious) return { text, mixedScriptWords: 0 };
  addScanOperations(text.length);
  const latinText = latinLetters >= LATIN_DOMINANT * (latinLetters + cyrillicGreek);

  let out = "";
  let kept = 0;
  let mixed = 0;
  let i = 0;
  while (i < text.length) {
    if (!isLetterClass(classOf(text.charCodeAt(i)))) {
      i++;
      continue;
    }
    const start = i;
    let latin = 0;
    let foreign = 0;
    let foldable = 0;
    while (i < text.length && isLetterClass(classOf(text.charCodeAt(i)))) {
      const c = text.charCodeAt(i);
      const k = classOf(c);
      if (k === LATIN) latin++;
      else if (k === CYRILLIC_GREEK) {
        foreign++;
        if (CONFUSABLE_TO_LATIN.has(c)) foldable++;
      }
      i++;
    }
    if (foreign === 0 || foldable === 0) continue;
    const mixedWord = latin > 0;
    const wholeLookAlike = latin === 0 && latinText && foreign === foldable && i - start >= 2;
    if (!mixedWord && !wholeLookAlike) continue;
    mixed++;
    const word = text.slice(start, i);
    if (examples.length < MAX_EXAMPLES) {
      examples.push([...word].map((ch) => (classOf(ch.codePointAt(0)!) === CYRILLIC_GREEK ? describe(ch.codePointAt(0)!) : ch)).join(""));
    }
    out += text.slice(kept, start) + foldWord(word);
    kept = i;
  }
  return { text: kept === 0 ? text : out + text.slice(kept), mixedScriptWords: mixed };
}

function foldWord(word: string): string {
  let out = "";
  for (const ch of word) {
    const latin = CONFUSABLE_TO_LATIN.get(ch.codePointAt(0)!);
    if (latin === undefined) out += ch;
    else {
      const letter = String.fromCharCode(latin);
      out += ch !== ch.toLowerCase() ? letter.toUpperCase() : letter;
    }
  }
  return out;
}

const SKELETON_CACHE = new Map<string, string>();
const SKELETON_CACHE_LIMIT = 50_000;

/**
 * The comparison skeleton of a token (UTS #39 style, restricted to the table in confusables.ts):
 * combining diacritics removed, confusables folded to Latin, lowercased. ASCII tokens are their
 * own skeleton.
 */
export function skeletonOf(token: string): string {
  let ascii = true;
  for (let i = 0; i < token.length; i++) {
    if (token.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return token.toLowerCase();
  const cached = SKELETON_CACHE.get(token);
  if (cached !== undefined) return cached;
  let out = "";
  for (const ch of token.normalize("NFD")) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x300 && cp <= 0x36f) continue;
    const latin = CONFUSABLE_TO_LATIN.get(cp);
    out += latin === undefined ? ch : String.fromCharCode(latin);
  }
  out = out.toLowerCase().normalize("NFC");
  if (SKELETON_CACHE.size >= SKELETON_CACHE_LIMIT) SKELETON_CACHE.clear();
  SKELETON_CACHE.set(token, out);
  return out;
}
