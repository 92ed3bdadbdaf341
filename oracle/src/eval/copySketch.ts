import { createHash } from "node:crypto";
import { skeletonOf } from "./canonical";
import { stopWordsFor } from "./language";
import { URL_RE } from "./preprocess";
import { tokenize } from "./tokenize";
import { fmix32, fnv1a, uniqueSorted } from "./hash32";

/**
 * What the duplicate index keeps of a text (docs/SCORING.md, "Copies"):
 *
 * - `contentKey`: SHA-256 of the skeleton words (canonical text, confusables folded, case,
 *   punctuation and spacing ignored): equal keys are exact copies.
 * - `shingles`: the copy sketch. The text's content words (stop words, fillers and numbers left
 *   out; synonyms of common words folded to one; light suffix stripping) form pairs of
 *   neighbours and of words one apart, each pair hashed without regard to its order. The pairs
 *   survive swaps of adjacent words, inserted fillers, most substitutions (a substituted word
 *   breaks four pairs, not the whole text) and sentence reordering; sampled by hash value
 *   (`SAMPLE_MASK`), so two texts sample the same pairs and the share of one text's pairs found
 *   in the other (containment) is measured on the samples.
 * - `template`: SHA-256 of the words with numbers, names (capitalized words inside a sentence),
 *   URLs and dates masked — equal for fills of one template.
 * - `facts`: hashes of the specific numbers (two digits or more) and names the text states; the
 *   lowest bit is 1 for a number, 0 for a name.
 * All hashes are fixed functions of the text, so every node computes the same sketch.
 */
export interface CopySketch {
  readonly contentKey: string;
  /** Sampled shingle hashes, sorted ascending, distinct. */
  readonly shingles: Uint32Array;
  /** Hashes of the content words, in reading order (to verify a candidate copy). */
  readonly words: Uint32Array;
  /** Template key (hex), or "" when the text is too short or has nothing to mask. */
  readonly template: string;
  /** Fact hashes, sorted ascending, distinct. */
  readonly facts: Uint32Array;
}

/** A shingle is kept when (hash & SAMPLE_MASK) === 0: one in two. */
export const SAMPLE_MASK = 1;
/** Words a template must have (masked ones included) to count. */
const MIN_TEMPLATE_WORDS = 12;

/** Words that carry no content of their own: every known language's stop words, fillers, auxiliaries. */
const SKIPPED: ReadonlySet<string> = (() => {
  const set = new Set<string>();
  for (const code of ["en", "es", "fr", "de", "it", "pt", "nl", "ru", "uk"]) for (const w of stopWordsFor(code) ?? []) set.add(w);
  const extra =
    // English function words beyond the detector's list.
    "about above after again against all am any because before being below between both could did do does doing down during " +
    "each few further had having he her here hers herself him himself his how if into is it's itself just me most my myself no nor " +
    "now off once only other our ours ourselves out over own same she should so some such then them themselves those through too " +
    "under until up very what when where while who whom why would your yours yourself yourselves us may might must shall " +
    "one two three upon every much many ever yet still even however thus therefore hence also although though whether " +
    "let lets get got make made go going went come came take took say said like " +
    // Fillers a farmer inserts between the words of a copy.
    "basically actually really literally honestly simply clearly obviously certainly definitely totally truly quite rather " +
    "indeed well anyway anyhow somehow kind sort sorta kinda um uh er ah oh hmm okay ok yeah yes right surely naturally " +
    "frankly essentially practically virtually absolutely generally usually typically perhaps maybe possibly probably " +
    "seriously personally additionally furthermore moreover besides meanwhile overall lol btw imo imho just know mean";
  for (const w of extra.split(" ")) set.add(w);
  return set;
})();

/**
 * Common words folded to one representative: a copy that swaps in synonyms keeps its pairs.
 * Each group is written representative first.
 */
const SYNONYM_GROUPS = [
  "big large huge enormous massive vast giant immense sizable substantial",
  "small little tiny minor slight compact minute",
  "fast quick rapid swift speedy",
  "slow sluggish gradual",
  "start begin commence launch initiate",
  "end finish conclude complete terminate",
  "help assist aid support",
  "buy purchase acquire",
  "show demonstrate display reveal exhibit indicate",
  "use utilize employ apply",
  "obtain gain receive earn secure",
  "important significant crucial vital essential key critical major",
  "several numerous various multiple countless",
  "often frequently commonly regularly",
  "need require",
  "create produce build construct generate form",
  "think believe consider suppose reckon",
  "state claim note mention assert declare report",
  "good great excellent fine superb outstanding",
  "bad poor terrible awful dreadful",
  "new novel fresh recent modern",
  "old ancient aged former",
  "increase rise grow boost raise expand climb",
  "decrease reduce decline drop fall lower shrink cut",
  "problem issue trouble difficulty challenge",
  "answer reply response",
  "country nation state",
  "people persons individuals folks citizens public",
  "job work employment occupation",
  "money funds cash capital",
  "child kid youngster",
  "house home residence dwelling",
  "car vehicle automobile",
  "try attempt endeavor",
  "choose select pick opt",
  "find discover locate uncover",
  "keep retain maintain preserve",
  "allow permit enable",
  "change alter modify adjust amend",
  "improve enhance better upgrade",
  "hard difficult tough challenging",
  "easy simple straightforward effortless",
  "clear obvious evident apparent plain",
  "whole entire complete full total",
  "main primary principal chief central",
  "goal aim objective target purpose",
  "method approach means technique way",
  "idea concept notion thought",
  "part portion section segment piece share",
  "area region zone district",
  "happy glad pleased delighted joyful",
  "sad unhappy sorrowful",
  "smart intelligent clever bright wise",
  "strong powerful robust mighty",
  "rich wealthy affluent prosperous",
  "fix repair mend",
  "approximately around roughly nearly almost",
  "but although yet nevertheless nonetheless",
  "because since",
  "therefore consequently accordingly",
  "way path route road",
  "talk speak converse chat",
  "look appear seem",
  "see observe notice watch view",
  "give provide offer supply grant",
  "ask request inquire",
  "tell inform notify",
  "understand comprehend grasp",
  "leader head chief",
  "law legislation statute act",
  "fight battle combat struggle",
  "war conflict",
  "danger risk threat hazard peril",
  "safe secure protected",
  "company firm business corporation enterprise",
  "city town municipality",
  "world globe earth",
  "result outcome consequence effect",
  "reason cause motive",
  "example instance case",
  "plan scheme strategy proposal",
  "effort endeavour exertion",
  "growth expansion development progress advance",
  "cost price expense charge fee",
  "pay compensate remunerate",
  "worker employee laborer",
  "nearby close adjacent",
  "far distant remote",
  "begin start",
];

/** Light suffix stripping so that inflected forms share a pair ("approves", "approved", "approve"). */
export function stem(word: string): string {
  const base = stripSuffix(word);
  return base.length > 4 && base.endsWith("e") ? base.slice(0, -1) : base;
}

function stripSuffix(word: string): string {
  const n = word.length;
  if (n > 5 && word.endsWith("ing")) return word.slice(0, n - 3);
  if (n > 4 && (word.endsWith("ied") || word.endsWith("ies"))) return word.slice(0, n - 3) + "y";
  if (n > 4 && word.endsWith("ed")) return word.slice(0, n - 2);
  if (n > 5 && word.endsWith("ly")) return word.slice(0, n - 2);
  if (n > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
    return word.slice(0, n - 1);
  }
  return word;
}

const SYNONYMS: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const group of SYNONYM_GROUPS) {
    const [head, ...rest] = group.split(" ");
    const target = stem(head!);
    for (const w of rest) if (!map.has(stem(w))) map.set(stem(w), target);
  }
  return map;
})();

/** The content word a token stands for in the copy sketch, or undefined when it is skipped. */
export function contentWord(skeleton: string): string | undefined {
  if (skeleton.length < 2 || SKIPPED.has(skeleton)) return undefined;
  const c = skeleton.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return undefined;
  const stemmed = stem(skeleton);
  return SYNONYMS.get(stemmed) ?? stemmed;
}

/** Content words the author's own part must keep for quotations and footers to be left out. */
const MIN_OWN_WORDS = 20;
/** A signature or mailing-list footer starts at "-- " or at a rule of 10+ "_", "-" or "=". */
const FOOTER_RE = /^(?:-- ?|[_=-]{10,})$/;

/**
 * The sketch of a preprocessed text (its canonical text and its word tokens).
 *
 * Mail quotes what it answers (lines starting with ">") and ends in signatures and list footers
 * that many messages share: those parts are left out of the shingles, words, template and facts
 * (not out of the exact key) when the rest keeps MIN_OWN_WORDS content words of its own. A text
 * that is mostly quotation or footer is judged whole, so quoting a copy does not hide it.
 */
export function copySketch(doc: { readonly text: string; readonly tokens: readonly string[] }): CopySketch {
  const skeletons = doc.tokens.map(skeletonOf);
  const contentKey = createHash("sha256").update(skeletons.join(" "), "utf8").digest("hex");
  const own = ownPart(doc.text);
  const { template, facts } = templateAndFacts(own ?? doc.text);
  const words: number[] = [];
  for (const s of own === undefined ? skeletons : tokenize(withoutUrls(own)).tokens.map(skeletonOf)) {
    const w = contentWord(s);
    if (w !== undefined) words.push(fnv1a(w));
  }
  const sequence = Uint32Array.from(words);
  return { contentKey, shingles: shingleSample(sequence), words: sequence, template, facts };
}

function withoutUrls(text: string): string {
  return text.includes("http") || text.includes("www.") ? text.replace(URL_RE, " ") : text;
}

/** The text without quoted lines and footers, or undefined when there are none or too little is left. */
function ownPart(text: string): string | undefined {
  const quoted = text.startsWith(">") || text.includes("\n>");
  if (!quoted && !text.includes("\n--") && !text.includes("\n__") && !text.includes("\n==")) return undefined;
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    if (FOOTER_RE.test(line)) break;
    if (!line.startsWith(">")) kept.push(line);
  }
  const own = kept.join("\n");
  if (own.length === text.length) return undefined;
  let content = 0;
  for (const t of tokenize(withoutUrls(own)).tokens) if (contentWord(skeletonOf(t)) !== undefined) content++;
  return content >= MIN_OWN_WORDS ? own : undefined;
}

/** The sampled shingles of a content-word sequence (sorted, distinct). */
export function shingleSample(words: Uint32Array): Uint32Array {
  const out: number[] = [];
  const push = (a: number, b: number): void => {
    const h = pairHash(a, b);
    if ((h & SAMPLE_MASK) === 0) out.push(h);
  };
  if (words.length === 1) push(words[0]!, words[0]!);
  for (let i = 0; i + 1 < words.length; i++) {
    push(words[i]!, words[i + 1]!);
    if (i + 2 < words.length) push(words[i]!, words[i + 2]!);
  }
  return uniqueSorted(Uint32Array.from(out));
}

/** Order-independent hash of two word hashes. */
function pairHash(a: number, b: number): number {
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  return fmix32((Math.imul(lo, 0x9e3779b1) ^ hi) >>> 0);
}

const WORD_RE = /\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{M}]+/gu;

/** Template key and facts, read from the canonical text (case matters for names). */
function templateAndFacts(text: string): { template: string; facts: Uint32Array } {
  const body = text.includes("http") || text.includes("www.") ? text.replace(URL_RE, " \u0001 ") : text;
  const masked: string[] = [];
  const facts: number[] = [];
  let maskedCount = 0;
  let sentenceStart = true;
  let previousEnd = 0;
  let name = "";
  const endName = (): void => {
    if (name !== "") facts.push(fnv1a(`w:${name}`) & ~1);
    name = "";
  };
  for (const match of body.matchAll(WORD_RE)) {
    const word = match[0];
    const at = match.index!;
    const between = body.slice(previousEnd, at);
    if (between.includes("\u0001")) {
      masked.push("<url>");
      maskedCount++;
    }
    if (/[.!?:\n]/.test(between)) sentenceStart = true;
    if (between.length > 0 && !/^\s*$/.test(between)) endName();
    previousEnd = at + word.length;
    const first = word.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39) {
      endName();
      masked.push("<n>");
      maskedCount++;
      const value = word.replace(/,/g, "");
      if (value.replace(/\D/g, "").length >= 2) facts.push((fnv1a(`n:${value}`) | 1) >>> 0);
    } else {
      const lower = skeletonOf(word.toLowerCase());
      const capitalized = word !== word.toLowerCase() && word[0] !== word[0]!.toLowerCase();
      if (capitalized && !sentenceStart && !SKIPPED.has(lower)) {
        masked.push("<name>");
        maskedCount++;
        name = name === "" ? lower : `${name} ${lower}`;
      } else {
        endName();
        masked.push(lower);
      }
    }
    sentenceStart = false;
  }
  endName();
  const template = masked.length >= MIN_TEMPLATE_WORDS && maskedCount > 0 ? createHash("sha256").update(masked.join(" "), "utf8").digest("hex") : "";
  return { template, facts: uniqueSorted(Uint32Array.from(facts)) };
}
