/**
 * Detection of text aimed at an LLM scorer rather than at readers.
 *
 * The text is first reduced to a skeleton that undoes the usual disguises: NFKC (full-width and
 * mathematical letters), accents and other combining marks dropped, format characters (zero
 * width, bidi controls) dropped, lower case, Cyrillic and Greek look-alike letters mapped to
 * Latin, horizontal whitespace collapsed. Patterns run on the skeleton. The strongest phrases
 * ("ignore previous instructions") also run on a compact form — letters only, after mapping
 * leetspeak digits and symbols to letters — which defeats "i.g.n.o.r.e", "1gn0re" and spacing.
 *
 * Known false positive, on purpose: a text that quotes an injection (for example an article
 * about prompt injection) is flagged too, because the quote reaches the model all the same.
 */
export interface InjectionMatch {
  /** What kind of attempt the pattern recognizes. */
  readonly kind: InjectionKind;
  /** The matched text, from the skeleton, at most 60 characters. */
  readonly excerpt: string;
}

export type InjectionKind =
  | "instruction override"
  | "role override"
  | "chat role tag"
  | "score directive"
  | "JSON score payload"
  | "message to the evaluator";

/**
 * Each pattern comes with needles: literal strings of which every match contains at least one.
 * One scan finds the needles present, and a pattern runs only when one of its needles is there,
 * which skips most patterns on ordinary text. No needle contains or starts inside another, so
 * the scan cannot hide one needle behind another.
 */
const PATTERNS: readonly { kind: InjectionKind; needles: readonly string[]; re: RegExp }[] = [
  {
    kind: "instruction override",
    needles: ["ignor", "disregard", "forget", "override", "bypass"],
    re: /\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|of|these|those)\s+)*(?:previous|prior|above|earlier|preceding|former|original|system|scoring|grading|evaluation|existing)\s+(?:instructions?|prompts?|rules|guidelines|directions|directives|context|messages?|rubrics?)\b/,
  },
  {
    kind: "instruction override",
    needles: ["ignor", "disregard", "forget"],
    re: /\b(?:ignore|disregard|forget)\s+(?:(?:all|any|your)\s+(?:instructions|rules|guidelines)|(?:everything|anything)\s+(?:above|before|said|you were told))\b/,
  },
  { kind: "instruction override", needles: ["new"], re: /\bnew\s+(?:instructions?|rules|system prompt|task)\s*:/ },
  {
    kind: "instruction override",
    needles: ["system"],
    re: /\b(?:reveal|print|show|repeat|override|replace|update|change)\s+(?:\w+\s+){0,2}system\s+(?:prompt|message)\b/,
  },
  {
    kind: "instruction override",
    needles: ["ignor", "vergiss"],
    re: /\b(?:(?:ignoriere|vergiss)\s+(?:alle\s+)?(?:vorherigen|bisherigen|obigen)\s+(?:anweisungen|instruktionen|regeln)|ignora\s+(?:todas\s+)?(?:las\s+)?instrucciones\s+(?:anteriores|previas)|ignorez?\s+(?:toutes\s+)?(?:les\s+)?instructions\s+(?:precedentes|anterieures)|ignor[ea]\s+(?:todas\s+)?(?:as\s+)?instrucoes\s+anteriores)\b/,
  },
  {
    kind: "role override",
    needles: ["now"],
    re: /\byou\s+are\s+now\s+(?:[\w-]+\s+){0,3}?(?:ai|assistant|evaluator|grader|judge|scorer|model|dan|jailbroken|unrestricted|in\s+\w+\s+mode)\b/,
  },
  { kind: "role override", needles: ["longer"], re: /\byou\s+are\s+no\s+longer\s+(?:an?\s+|the\s+)?\w+/ },
  { kind: "role override", needles: ["now", "henceforth"], re: /\b(?:from now on|henceforth),?\s+you\s+(?:are|will|must|shall|should)\b/ },
  {
    kind: "role override",
    needles: ["act", "behave", "respond"],
    re: /\b(?:act|behave|respond)\s+as\s+(?:if\s+you\s+were\s+)?(?:an?\s+|the\s+)?(?:ai|assistant|evaluator|grader|judge|scorer|system|admin|administrator|developer)\b/,
  },
  {
    kind: "role override",
    needles: ["pretend"],
    re: /\bpretend\s+(?:to\s+be|you\s+are)\s+(?:an?\s+|the\s+)?(?:ai|assistant|evaluator|grader|judge|scorer|system)\b/,
  },
  { kind: "role override", needles: ["mode"], re: /\b(?:developer|god|jailbreak|dan)\s+mode\b/ },
  {
    kind: "chat role tag",
    needles: ["<"],
    re: /<\|\s*(?:im_start|im_end|system|assistant|user|developer|endoftext|eot_id|start_header_id)\s*\|>/,
  },
  { kind: "chat role tag", needles: ["[", "<"], re: /\[\/?(?:inst|system|sys)\]|<<\/?sys>>/ },
  { kind: "chat role tag", needles: ["<"], re: /<\/?\s*(?:system|assistant|developer|instructions?|submission|content|prompt)\s*>/ },
  {
    kind: "chat role tag",
    needles: ["system", "assistant"],
    re: /(?:^|\n)\s*(?:#+\s*)?(?:system\s*(?:prompt|message|instructions?|override|note)?|assistant)\s*:/,
  },
  {
    kind: "score directive",
    needles: ["give", "assign", "award", "grant", "rate", "return", "output"],
    re: /\b(?:give|assign|award|grant|rate|return|output)\b[^.\n]{0,40}?\b(?:score|rating|grade|points?|marks?)\s*(?:of|=|:|to|as|at)?\s*(?:100|10\s*\/\s*10|ten out of ten|a perfect|the maximum|the highest|full)\b/,
  },
  {
    kind: "score directive",
    needles: ["give", "assign", "award", "grant", "rate", "score", "mark"],
    re: /\b(?:give|assign|award|grant|rate|score|mark)\s+(?:this|my|the)\s+(?:submission|text|post|article|content|answer|entry|piece|tip)\s+(?:(?:a|an|with)\s+)?(?:100|10\s*\/\s*10|ten out of ten|perfect|maximum|max|the highest|full marks)\b/,
  },
  { kind: "score directive", needles: ["100"], re: /\b(?:rate|score|grade)\s+(?:this|it|me)\s+(?:an?\s+)?100\b/ },
  {
    kind: "score directive",
    needles: ["deserve", "merit", "should"],
    re: /\b(?:deserves?|merits?|should\s+(?:get|receive|be\s+given))\s+(?:a\s+|an\s+|the\s+)?(?:perfect|maximum|max|highest|top|full|100)\s*(?:\/\s*100\s*)?(?:score|rating|points|marks|grade)\b/,
  },
  {
    kind: "JSON score payload",
    needles: ["{"],
    re: /\{\s*\\?["']?\s*(?:score|overall|substance|originality|clarity|evidence|rating|points|grade)\s*\\?["']?\s*:\s*\\?["']?\s*\d/,
  },
  {
    kind: "message to the evaluator",
    needles: ["dear", "attention", "note", "message", "hey", "hello", "instructions"],
    re: /\b(?:dear|attention|note\s+to|message\s+to|hey|hello|instructions\s+for)\s+(?:the\s+|any\s+)?(?:ai|llm|language\s+model|model|evaluator|grader|scorer|judge|assistant|chatgpt|gpt|claude)s?(?:\s+(?:model|evaluator|grader|scorer|judge|assistant|bot)s?)?\s*(?:reading|evaluating|scoring|grading|reviewing|judging)?\s*(?:this)?\s*[:,]/,
  },
  {
    kind: "message to the evaluator",
    needles: ["reading", "evaluating", "scoring", "grading", "reviewing", "judging"],
    re: /\b(?:ai|llm|language\s+model|evaluator|grader|scorer)s?\s+(?:reading|evaluating|scoring|grading|reviewing|judging)\s+this\b/,
  },
];

/** Compact (letters-only, leetspeak undone) forms of the strongest phrases. */
const COMPACT_RE =
  /(?:ignore|disregard|forget)(?:all|any|the|your)*(?:previous|prior|above|earlier|preceding|system)(?:instructions|instruction|prompts|prompt|rules|guidelines)/;

const CONFUSABLES: Readonly<Record<string, string>> = {
  а: "a", в: "b", е: "e", ё: "e", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c", т: "t", у: "y", х: "x",
  і: "i", ї: "i", ј: "j", ѕ: "s", ԁ: "d", ԛ: "q", ԝ: "w", ɡ: "g", ı: "i", ո: "n", ս: "u", օ: "o",
  α: "a", β: "b", ε: "e", η: "n", ι: "i", κ: "k", μ: "u", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x",
};
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLES).join("")}]`, "g");
/** Leetspeak digits and symbols, as the letters they stand for, indexed by ASCII code. */
const LEET: Readonly<Record<string, string>> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s", "!": "i", "|": "l" };
const LEET_CODES = new Uint8Array(0x80);
for (const [symbol, letter] of Object.entries(LEET)) LEET_CODES[symbol.charCodeAt(0)] = letter.charCodeAt(0);
const MARKS_RE = /\p{M}+/gu;
const FORMAT_RE = /\p{Cf}+/gu;
/** Characters that folding can change, beyond ASCII: letters, marks, format characters. */
const FOLDABLE_RE = /[\p{L}\p{M}\p{Cf}]/u;
const MAX_EXCERPT = 60;

/** The skeleton described above; exported for tests and for the docs' examples. */
export function injectionSkeleton(text: string): string {
  if (!hasFoldable(text)) return text.toLowerCase().replace(/[^\S\n]+/g, " ");
  return text
    .normalize("NFKC")
    .normalize("NFD")
    .replace(MARKS_RE, "")
    .replace(FORMAT_RE, "")
    .toLowerCase()
    .replace(CONFUSABLE_RE, (c) => CONFUSABLES[c]!)
    .replace(/[^\S\n]+/g, " ");
}

function hasFoldable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f && FOLDABLE_RE.test(text[i]!)) return true;
  }
  return false;
}

/** Every needle of every pattern, found in one pass. */
const NEEDLE_RE = new RegExp(
  [...new Set(PATTERNS.flatMap((p) => p.needles))].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
  "g",
);

/** Every distinct kind of injection attempt found in `text`, first match of each kind. */
export function detectPromptInjection(text: string): InjectionMatch[] {
  const skeleton = injectionSkeleton(text);
  const present = new Set(skeleton.match(NEEDLE_RE));
  const matches: InjectionMatch[] = [];
  const found = new Set<InjectionKind>();
  for (const { kind, needles, re } of PATTERNS) {
    if (found.has(kind) || !needles.some((needle) => present.has(needle))) continue;
    const match = re.exec(skeleton);
    if (match) {
      found.add(kind);
      matches.push({ kind, excerpt: excerpt(match[0]) });
    }
  }
  if (!found.has("instruction override")) {
    const match = COMPACT_RE.exec(compactForm(skeleton));
    if (match) matches.unshift({ kind: "instruction override", excerpt: excerpt(match[0]) });
  }
  return matches;
}

/** Letters only, with leetspeak undone: "1gn0re, prev-ious" becomes "ignoreprevious". */
function compactForm(skeleton: string): string {
  const out = Buffer.allocUnsafe(skeleton.length);
  let n = 0;
  for (let i = 0; i < skeleton.length; i++) {
    const c = skeleton.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) out[n++] = c;
    else if (c < 0x80 && LEET_CODES[c] !== 0) out[n++] = LEET_CODES[c]!;
  }
  return out.toString("latin1", 0, n);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= MAX_EXCERPT ? flat : `${flat.slice(0, MAX_EXCERPT - 1)}…`;
}
