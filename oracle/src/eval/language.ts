import { detect as tinyldDetect } from "tinyld";

/**
 * Language detection in two steps, because the evaluation budget is about one millisecond per
 * submission and `tinyld` costs about 5 µs per character:
 *
 * 1. Script: letters are counted per Unicode script. A text written mostly in a script that
 *    belongs to one language (Hangul, kana, Han, Greek, Hebrew, Thai, Devanagari, Arabic) is
 *    labelled directly.
 * 2. Stop words: for Latin and Cyrillic text, the share of tokens that are stop words of each
 *    known language decides when one language clearly leads (share ≥ 12 % and 1.5× the
 *    runner-up). Otherwise `tinyld` looks at the first 200 characters.
 *
 * The result is `und` (undetermined) when nothing is conclusive.
 */
export interface LanguageGuess {
  /** ISO 639-1 code, or `und`. */
  readonly code: string;
  /** 0..1; a heuristic confidence, not a probability. */
  readonly confidence: number;
  readonly method: "script" | "stopwords" | "tinyld" | "none";
}

const STOP_WORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  en: words(
    "the and of to a in is that it for on with as was are be this by at from or an have has not but they which you we their were been can will more its there these than also into i",
  ),
  es: words(
    "de la que el en y los del las un por con una para es se no al lo como más pero sus le ya o este ha son entre cuando muy sin sobre también fue hay donde desde",
  ),
  fr: words(
    "le la les de des du et est un une en que qui dans pour pas sur au aux par avec ce cette il elle sont plus ont ne se son sa ses été mais comme nous vous leur où",
  ),
  de: words(
    "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es an werden aus er hat dass sie nach wird bei einer um noch wie einem über so zum war haben oder sind",
  ),
  it: words(
    "il di che e la per un una in del della non sono le con si da dei delle gli al alla anche come più ma nel nella è ha questo questa essere lo ci ai era o se loro",
  ),
  pt: words(
    "de que o a do da em um uma para com não os as no na por mais se dos das como mas ao ele ela à seu sua ou ser quando muito nos já também só pelo pela até isso é",
  ),
  nl: words(
    "de het een en van ik te dat die in is niet op zijn met voor er maar om ook als dan bij nog wordt door naar heeft hun deze meer zo worden uit wel kan geen over al dit",
  ),
  ru: words("и в не на что с по как это он я к из но для то от все так его за же о у бы был она мы они при только или уже"),
  uk: words("і в на що не з до та як це у за по від для але його він вона ми й які також ще або вже був була їх"),
};

const LATIN_LANGUAGES = ["en", "es", "fr", "de", "it", "pt", "nl"] as const;
const CYRILLIC_LANGUAGES = ["ru", "uk"] as const;
const MIN_STOPWORD_SHARE = 0.12;
const MIN_LEAD = 1.5;
const TINYLD_SAMPLE_CHARS = 200;

/** The stop words of a language this module knows, or undefined. */
export function stopWordsFor(code: string): ReadonlySet<string> | undefined {
  return STOP_WORDS[code];
}

/** The lowercased word tokens of a text, as distinct words with their counts. */
export interface TokenStats {
  readonly vocabulary: readonly string[];
  readonly counts: readonly number[];
  /** All tokens, the sum of `counts`. */
  readonly total: number;
}

/** Detects the language of `text`, given its word statistics. */
export function detectLanguage(text: string, tokens: TokenStats): LanguageGuess {
  const scripts = countScripts(text);
  if (scripts.total === 0) return { code: "und", confidence: 0, method: "none" };

  const dominant = dominantScript(scripts);
  const single = SINGLE_LANGUAGE_SCRIPTS[dominant.name];
  if (single !== undefined) {
    // Japanese mixes kana with Han: any noticeable kana share means Japanese, not Chinese.
    const code = dominant.name === "han" && scripts.perScript[KANA]! > scripts.total * 0.05 ? "ja" : single;
    return { code, confidence: round2(dominant.share), method: "script" };
  }
  if (dominant.name === "latin" || dominant.name === "cyrillic") {
    const candidates = dominant.name === "latin" ? LATIN_LANGUAGES : CYRILLIC_LANGUAGES;
    const guess = byStopWords(tokens, candidates);
    if (guess) return guess;
  }
  const code = tinyldDetect(text.slice(0, TINYLD_SAMPLE_CHARS));
  return code ? { code, confidence: 0.5, method: "tinyld" } : { code: "und", confidence: 0, method: "none" };
}

/** For each stop word, the bit set of the languages (index in STOP_WORD_LANGUAGES) that list it. */
const STOP_WORD_LANGUAGES = Object.keys(STOP_WORDS);
const STOP_WORD_BITS: ReadonlyMap<string, number> = (() => {
  const bits = new Map<string, number>();
  STOP_WORD_LANGUAGES.forEach((code, i) => {
    for (const word of STOP_WORDS[code]!) bits.set(word, (bits.get(word) ?? 0) | (1 << i));
  });
  return bits;
})();

function byStopWords(tokens: TokenStats, candidates: readonly string[]): LanguageGuess | undefined {
  if (tokens.total === 0) return undefined;
  const hits = new Array<number>(STOP_WORD_LANGUAGES.length).fill(0);
  for (let w = 0; w < tokens.vocabulary.length; w++) {
    let bits = STOP_WORD_BITS.get(tokens.vocabulary[w]!) ?? 0;
    while (bits !== 0) {
      const i = 31 - Math.clz32(bits);
      hits[i]! += tokens.counts[w]!;
      bits &= ~(1 << i);
    }
  }
  let best = "";
  let bestHits = 0;
  let secondHits = 0;
  for (const code of candidates) {
    const count = hits[STOP_WORD_LANGUAGES.indexOf(code)]!;
    if (count > bestHits) {
      secondHits = bestHits;
      bestHits = count;
      best = code;
    } else if (count > secondHits) {
      secondHits = count;
    }
  }
  const share = bestHits / tokens.total;
  if (share < MIN_STOPWORD_SHARE || bestHits < secondHits * MIN_LEAD) return undefined;
  const confidence = Math.min(1, share * 2.5) * (1 - secondHits / (bestHits + secondHits) / 2);
  return { code: best, confidence: round2(confidence), method: "stopwords" };
}

const SCRIPTS = ["latin", "cyrillic", "greek", "arabic", "hebrew", "devanagari", "thai", "hangul", "han", "kana"] as const;
type ScriptName = (typeof SCRIPTS)[number];
/** Indexes into SCRIPTS. */
const LATIN = 0;
const CYRILLIC = 1;
const GREEK = 2;
const ARABIC = 3;
const HEBREW = 4;
const DEVANAGARI = 5;
const THAI = 6;
const HANGUL = 7;
const HAN = 8;
const KANA = 9;

const SINGLE_LANGUAGE_SCRIPTS: Partial<Record<ScriptName, string>> = {
  greek: "el",
  arabic: "ar",
  hebrew: "he",
  devanagari: "hi",
  thai: "th",
  hangul: "ko",
  han: "zh",
};

/** Letters per script (indexed like SCRIPTS) and their total. */
interface ScriptCounts {
  readonly perScript: Uint32Array;
  readonly total: number;
}

function countScripts(text: string): ScriptCounts {
  const perScript = new Uint32Array(SCRIPTS.length);
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const script = scriptOf(text.charCodeAt(i));
    if (script >= 0) {
      perScript[script]!++;
      total++;
    }
  }
  return { perScript, total };
}

/** The script index of a UTF-16 code unit, or -1; astral characters belong to none of these. */
function scriptOf(c: number): number {
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? LATIN : -1;
  if (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) return LATIN;
  if (c >= 0x1e00 && c <= 0x1eff) return LATIN;
  if (c >= 0x370 && c <= 0x3ff) return GREEK;
  if (c >= 0x400 && c <= 0x52f) return CYRILLIC;
  if (c >= 0x590 && c <= 0x5ff) return HEBREW;
  if (c >= 0x600 && c <= 0x6ff) return ARABIC;
  if (c >= 0x900 && c <= 0x97f) return DEVANAGARI;
  if (c >= 0xe00 && c <= 0xe7f) return THAI;
  if (c >= 0x3040 && c <= 0x30ff) return KANA;
  if ((c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff)) return HAN;
  if (c >= 0xac00 && c <= 0xd7af) return HANGUL;
  return -1;
}

/** The script with most letters (ties go to the earlier one in SCRIPTS). */
function dominantScript({ perScript, total }: ScriptCounts): { name: ScriptName; share: number } {
  let best = 0;
  for (let i = 1; i < SCRIPTS.length; i++) if (perScript[i]! > perScript[best]!) best = i;
  // Kana and Han together are one writing system for this purpose.
  if (best === KANA || best === HAN) return { name: "han", share: (perScript[HAN]! + perScript[KANA]!) / total };
  return { name: SCRIPTS[best]!, share: perScript[best]! / total };
}

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(" "));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
