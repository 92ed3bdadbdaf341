import { languageCueMatches } from "./injectionCues";
import { LANGUAGE_PHRASES } from "./injectionLanguages";
import { decodedViews, hiddenAddressedText } from "./injectionViews";

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
  /** Set when the match was found in a decoded form of the text. */
  readonly encoding?: InjectionEncoding;
  /** Set when the match is a phrase of another language (ISO 639-1). */
  readonly language?: string;
}

export type InjectionKind =
  | "instruction override"
  | "role override"
  | "role play"
  | "chat role tag"
  | "score directive"
  | "polite score request"
  | "sub-score directive"
  | "JSON score payload"
  | "fake output block"
  | "fake configuration"
  | "message to the evaluator"
  | "hidden comment"
  | "hidden text in tag characters";

/** How the matched text was hidden, when it was: the form it was found in after decoding. */
export type InjectionEncoding = "base64" | "rot13" | "reversed" | "tag characters";

/**
 * Each pattern comes with needles: literal strings of which every match contains at least one.
 * A pattern runs only when one of its needles is in the text (all needles are found in one pass),
 * which skips most patterns on ordinary text.
 */
const PATTERNS: readonly { kind: InjectionKind; needles: readonly string[]; re: RegExp; decodedRe?: RegExp }[] = [
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
  {
    kind: "role override",
    needles: ["longer"],
    re: /\byou\s+are\s+no\s+longer\s+(?:an?\s+|the\s+)?(?:ai|assistant|evaluator|grader|judge|scorer|model|chatbot|bound|restricted|limited|required\s+to\s+follow)\b/,
  },
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
  { kind: "chat role tag", needles: ["<"], re: /<\/?\s*(?:system|assistant|developer|instructions?|submission|content|prompt|system_prompt|user|grader|evaluator)\s*>/ },
  {
    // A line "System: …" is an ordinary mail header field too ("System : Linux 2.4"); it counts
    // when the line speaks about scoring, rules or the model.
    kind: "chat role tag",
    needles: ["system", "assistant"],
    re: /(?:^|\n|[.!?;]\s)[^\S\n]*(?:#+[^\S\n]*)?(?:system[^\S\n]*(?:prompt|message|instructions?|override|note)?|assistant)[^\S\n]*:[^\S\n]*(?:\n[^\S\n]*)?[^\n]{0,80}?\b(?:scor|grad|evaluat|rat(?:e|ing)|rule|instruction|ignore|override|disable|you\s+(?:are|must|will|should)|assistant|model|points?|judge|rubric|polic|approv|return|assign|award|directive|submission)/,
  },
  {
    kind: "chat role tag",
    needles: ["system prompt", "system message", "system override", "system instruction"],
    re: /(?:^|\n|[.!?;]\s)[^\S\n]*(?:#+[^\S\n]*)?system\s+(?:prompt|message|override|instructions?)[^\S\n]*(?::|\n)/,
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
  {
    kind: "polite score request",
    needles: ["whoever", "whomever", "this"],
    re: /\b(?:to|for|dear)\s+(?:whoever|whomever|the\s+(?:person|one|ai|model|system|bot|reviewer)\s+(?:who|that)|anyone\s+who)\s+(?:is\s+)?(?:scores?|scoring|grades?|grading|evaluates?|evaluating|rates?|rating|reviews?|reviewing|judges?|judging|marks?|marking)\s+(?:this|these|my)\b/,
  },
  {
    kind: "polite score request",
    needles: ["please", "kindly", "appreciate"],
    re: /\b(?:please|kindly|appreciate)\b[^.\n]{0,50}?\b(?:100|a\s+hundred|one\s+hundred|full\s+marks|top\s+marks|max(?:imum)?\s+(?:score|points|marks|rating)|perfect\s+(?:score|rating|ten|10)|highest\s+(?:possible\s+)?(?:score|rating|mark|grade)|10\s*\/\s*10|ten\s+out\s+of\s+ten)\b/,
  },
  {
    kind: "polite score request",
    needles: ["hundred"],
    re: /\b(?:a|one)\s+hundred\b[^.\n]{0,20}?\bplease\b/,
  },
  {
    kind: "polite score request",
    needles: ["would", "could", "can"],
    re: /\b(?:would|could|can)\s+you\s+(?:please\s+|kindly\s+)?(?:give|rate|score|grade|assign|award|mark)\s+(?:this|it|me|my\s+\w+)\b[^.\n]{0,30}?\b(?:100|hundred|full|max(?:imum)?|perfect|highest|top|high(?:ly)?|generous(?:ly)?)\b/,
  },
  {
    kind: "polite score request",
    needles: ["rate", "score", "grade", "mark", "judge"],
    re: /\b(?:rate|score|grade|mark|judge)\s+(?:this|it|me|my\s+\w+)\s+(?:very\s+|really\s+|extremely\s+)?(?:highly|generously|leniently|favou?rably|high)\b/,
  },
  {
    kind: "sub-score directive",
    needles: ["score", "criteri", "dimension", "rating"],
    re: /\b(?:set|put|make|give|raise|bump|max(?:imi[sz]e)?|turn)\s+(?:up\s+)?(?:(?:all|every|each|the|your)\s+)?(?:of\s+)?(?:(?:the|my|its|their)\s+)?(?:sub-?\s?scores?|criteria|dimensions|scores|ratings)\b[^.\n]{0,40}?\b(?:max(?:imum|imal)?|100|highest|full|top)\b/,
  },
  {
    kind: "sub-score directive",
    needles: ["substance", "originality", "clarity", "evidence"],
    re: /\b(?:substance|originality|clarity|evidence)\s*(?:score\s*)?(?:[:=]|to|at)\s*(?:["']\s*)?(?:100|9\d|max(?:imum)?)\b/,
  },
  {
    kind: "fake output block",
    needles: ["output", "response", "result", "verdict"],
    re: /\b(?:evaluator|grader|scorer|assistant|evaluation|judge|model|scoring|grading)[\s_-]*(?:output|response|result|verdict|answer)s?\s*(?:[:=>{\]]|\n)/,
  },
  {
    kind: "fake output block",
    needles: ["score", "rating", "grade"],
    re: /\b(?:final|overall|total|assigned|awarded)\s+(?:score|rating|grade)\s*(?:[:=]|is)\s*(?:100|9\d)(?:\s*\/\s*100)?\b(?!\s*[-–:]\s*\d)/,
  },
  {
    kind: "fake output block",
    needles: ["<"],
    re: /<\s*\/?\s*(?:score|overall|rating|grade|evaluation|evaluator[\w-]*|rubric|scoring|grading|sub_?scores?|substance|originality|clarity|evidence|verdict)\s*(?:\s[^<>]{0,40})?>/,
  },
  {
    kind: "fake configuration",
    needles: ["config", "setting", "polic", "parameter", "override", "rubric", "mode"],
    re: /\b(?:evaluator|evaluation|grader|grading|scorer|scoring|judge|judging|rubric|review|reviewer)[\s_-]*(?:config(?:uration)?|settings?|polic(?:y|ies)|parameters?|override|mode|weights?)\b/,
  },
  {
    kind: "fake configuration",
    needles: ["rubric", "scoring", "grading", "criteria"],
    re: /\b(?:updated?|new|revised|changed|amended|current)\s+(?:evaluator\s+|evaluation\s+)?(?:rubric|scoring\s+(?:rules|policy|criteria|guidelines|instructions)|grading\s+(?:rules|policy|criteria|guidelines|instructions)|evaluation\s+(?:rules|policy|guidelines|instructions))\b/,
  },
  {
    kind: "fake configuration",
    needles: ["score", "rubric", "evaluator", "grader", "scorer", "scoring", "grading"],
    re: /(?:^|\n)[^\S\n]*(?:-[^\S\n]*)?(?:min_?score|max_?score|min_?points|score_?override|force_?score|default_?score|rubric_?version|evaluator|grader|scorer|scoring|grading|sub_?scores)[^\S\n]*:[^\S\n]*(?:\d|true|false|max|override|["']|\n[^\S\n]*-?[^\S\n]*[a-z_]+[^\S\n]*:)/,
  },
  {
    kind: "role play",
    needles: ["let", "role", "imagine", "pretend", "play", "character", "scenario"],
    re: /\b(?:let'?s|let\s+us)\s+(?:play\s+a\s+game|role-?\s?play|pretend|imagine\s+you)\b|\b(?:role-?\s?play|roleplay)\s+(?:as|with|that|where)\b|\byou\s+(?:will\s+)?(?:play|are\s+playing|now\s+play)\s+(?:the\s+)?(?:role|part)\s+of\b|\bstay\s+in\s+character\b|\bin\s+this\s+(?:game|scenario|role-?\s?play),?\s+you\b/,
  },
  {
    kind: "role play",
    needles: ["imagine", "as a", "as an"],
    re: /\bimagine\s+(?:that\s+)?you\s+are\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:ai|assistant|evaluator|grader|judge|scorer|model|reviewer|examiner|critic)\b|\bas\s+an?\s+(?:generous|lenient|kind|friendly|nice|easy-going|benevolent)\s+(?:ai\s+)?(?:grader|evaluator|judge|scorer|reviewer|examiner)\b/,
  },
  {
    kind: "message to the evaluator",
    needles: ["dear", "hey", "hello", " hi ", "note", "message", "request", "p.s", "ps ", "attention", "to the", "for the", "if you are"],
    re: /(?:\b(?:dear|hey|hello|hi|greetings|attention|note\s+(?:to|for)|message\s+(?:to|for)|a\s+(?:small|quick|kind)\s+request\s+to|p\.?\s?s\.?\s+to|instructions?\s+for|to|for)\s+(?:the\s+|my\s+|any\s+|our\s+)?(?:ai\s+(?:grader|judge|evaluator|reviewer|scorer|model)|llm|language\s+model|model\s+reading\s+this|scoring\s+(?:system|engine|model|bot)|rating\s+(?:engine|system|bot)|grading\s+(?:bot|system|engine|model)|automated\s+(?:reviewer|grader|evaluator|scorer|judge)|evaluator|grader|scorer|assistant|reviewer|judge|chatgpt|gpt|claude|ai)\b(?:\s+\w+){0,2}?\s*(?:[:,—–]|\s-\s)|\bif\s+you\s+are\s+(?:the\s+|an?\s+)?(?:ai\s+(?:grader|judge|evaluator|reviewer|scorer|model)|llm|language\s+model|model\s+reading\s+this|scoring\s+(?:system|engine|model|bot)|rating\s+(?:engine|system|bot)|grading\s+(?:bot|system|engine|model)|automated\s+(?:reviewer|grader|evaluator|scorer|judge)|evaluator|grader|scorer|assistant|reviewer|judge|chatgpt|gpt|claude|ai)\b)/,
  },
  {
    kind: "polite score request",
    needles: ["whoever", "whomever"],
    re: /\b(?:whoever|whomever)\s+(?:is\s+)?(?:grades?|grading|scores?|scoring|rates?|rating|evaluates?|evaluating|reviews?|reviewing|judges?|judging|marks?|marking|reads?)\s+(?:this|these|it)\b/,
  },
  {
    kind: "instruction override",
    needles: ["ignor", "disregard", "forget", "discard", "override", "bypass", "follow"],
    // Imperative only (sentence start, after "please", a colon or a comma): "tries to override a
    // model's instructions" describes an attack rather than making one.
    re: /(?<=(?:^|[.!?:;\n([—–-]|please|kindly|now|just|and|then|,)\s{0,3})(?:ignore|disregard|forget|discard|override|bypass|skip|do\s+not\s+follow|don'?t\s+follow|stop\s+following|set\s+aside)\b[^.\n]{0,40}?\b(?:instructions?|rubric|guidance|prompt|criteria|directives?|everything\s+(?:above|before|else)|above\s+this\s+line|(?:previous|prior|earlier|above|scoring|grading|evaluation|original|given|your)\s+(?:rules|guidelines|directions|steps|checks))\b/,
    // A decoded form is suspicious in itself; its sentences need not start where the text does.
    decodedRe:
      /\b(?:ignore|disregard|forget|discard|override|bypass|skip|do\s+not\s+follow|don'?t\s+follow|stop\s+following|set\s+aside)\b[^.\n]{0,40}?\b(?:instructions?|rubric|guidance|prompt|criteria|directives?|everything\s+(?:above|before|else)|above\s+this\s+line|(?:previous|prior|earlier|above|scoring|grading|evaluation|original|given|your)\s+(?:rules|guidelines|directions|steps|checks))\b/,
  },
  {
    kind: "instruction override",
    needles: ["void", "cancel", "obsolete", "revoked", "invalid", "suspended", "no longer"],
    re: /\b(?:previous|prior|earlier|above|original|all|the|your|scoring|grading|evaluation)\s+(?:instructions|rules|guidance|prompt|rubric|criteria|checks)\s+(?:are|is|have\s+been|has\s+been)\s+(?:now\s+)?(?:void|cancel+ed|obsolete|revoked|invalid|suspended|lifted|no\s+longer\s+(?:valid|apply|required|in\s+effect))\b/,
  },
  {
    kind: "role play",
    needles: ["pretend", "persona", "roleplay", "role-play", "role play", "act as", "you are now", "character"],
    re: /\bpretend\s+(?:that\s+)?(?:you\s+are|you're)\b|\b(?:switch|change|new|adopt\s+(?:a|the))\s+persona\b|\bpersona\s*:|\brole-?\s?play\s*:|\bact\s+as\s+(?:if\s+you\s+were\s+)?(?:an?\s+|the\s+)?(?:dan\b|(?:ai\s+(?:grader|judge|evaluator|reviewer|scorer|model)|llm|language\s+model|model\s+reading\s+this|scoring\s+(?:system|engine|model|bot)|rating\s+(?:engine|system|bot)|grading\s+(?:bot|system|engine|model)|automated\s+(?:reviewer|grader|evaluator|scorer|judge)|evaluator|grader|scorer|assistant|reviewer|judge|chatgpt|gpt|claude|ai)\b|unrestricted|generous|lenient)|\byou\s+are\s+now\s+[a-z][\w-]*\s*,\s+(?:an?|the)\b|\byou\s+are\s+(?:now\s+)?(?:an?\s+|the\s+)?(?:grader|evaluator|scorer|judge|reviewer)\s+(?:who|that)\s+(?:always\s+|only\s+)?(?:gives?|awards?|assigns?|rates?|scores?)\b|\byou\s+are\s+(?:now\s+)?(?:an?\s+|the\s+)?(?:generous|lenient|kind|friendly|benevolent)\s+(?:(?:ai\s+(?:grader|judge|evaluator|reviewer|scorer|model)|llm|language\s+model|model\s+reading\s+this|scoring\s+(?:system|engine|model|bot)|rating\s+(?:engine|system|bot)|grading\s+(?:bot|system|engine|model)|automated\s+(?:reviewer|grader|evaluator|scorer|judge)|evaluator|grader|scorer|assistant|reviewer|judge|chatgpt|gpt|claude|ai)|teacher|examiner|critic)\b/,
  },
  {
    kind: "fake configuration",
    needles: ["rubric", "criteria", "grading", "scoring", "evaluat", "config", "policy"],
    re: /\b(?:rubric|criteria|grading|scoring|evaluator|evaluation|config(?:uration)?)\s+(?:update[ds]?|amendment|amended|changed?|revision|revised|patch(?:ed)?|notice|override|team)\b|\b(?:new|updated|revised|current)\s+(?:grading|scoring|evaluation|review)\s+(?:policy|polic(?:ies)|criteria|rules|guidelines)\b|\bcriteria\s*\(v\d/,
  },
  {
    kind: "fake configuration",
    needles: ["score", "strict", "penalt", "flags", "override", "point"],
    re: /\b(?:default|min|max|force[d]?|override|target|final)[_-]?(?:score|points|rating)\s*[=:]|\b(?:strict[_-]?mode|penalty[_-]?weights?|flags|checks|filters)\s*[=:]\s*(?:false|disabled|off|0|none|\[\s*\])|\bevaluation[_-]?override\s*:/,
  },
  {
    kind: "fake output block",
    needles: ["role"],
    re: /["']role["']\s*:\s*["'](?:assistant|system|developer)["']/,
  },
  {
    kind: "fake output block",
    needles: ["end of"],
    re: /\bend\s+of\s+(?:the\s+)?(?:submission|text|content|input|document|user\s+message|evaluation)\b/,
  },
  {
    kind: "fake output block",
    needles: ["overall", "score", "rating"],
    re: /\b(?:overall|score|rating)\s*[=:]\s*(?:100|9\d)(?:\s*\/\s*100)?\b(?!\s*[-–]\s*\d)/,
  },
  {
    kind: "chat role tag",
    needles: ["system", "operator", "administrator", "admin", "developer"],
    re: /\[\s*system\s+(?:message|prompt|note|notice|override)\s*\]|(?:^|\n)\s*system\s*>|\bmessage\s+from\s+(?:the\s+)?(?:operator|administrator|admin|developers?|system|scoring\s+team|grading\s+team)\b|\b(?:administrator|admin|operator|developer|system)\s+(?:override|mode|directive|instruction)/,
  },
  {
    kind: "sub-score directive",
    needles: ["score", "dimension", "categor", "criteri", "max"],
    re: /\b(?:sub-?\s?scores?|dimensions?|categor(?:y|ies)(?:\s+scores?)?|criteri(?:a|on))\b[^.\n]{0,50}?\b(?:max(?:imum|imal|ed)?|highest|ceiling|top|full|100|9\d)\b|\bmax(?:imi[sz]e|\s+out)\s+(?:the\s+|all\s+|every\s+|each\s+)?(?:sub-?\s?scores?|dimensions?|categor(?:y|ies)|substance|originality|clarity|evidence)\b/,
  },
  {
    kind: "sub-score directive",
    needles: ["substance", "originality", "clarity", "evidence"],
    re: /\b(?:substance|originality|clarity|evidence)\b[^.\n]{0,30}?\b(?:substance|originality|clarity|evidence)\b[^.\n]{0,60}?\b(?:100|9\d|max(?:imum|ed)?|highest|ceiling)\b/,
  },
];

/** Compact (letters-only, leetspeak undone) forms of the strongest phrases. */
const COMPACT_RE =
  /(?:ignore|disregard|forget)(?:all|any|the|your)*(?:previous|prior|above|earlier|preceding|system)(?:instructions|instruction|prompts|prompt|rules|guidelines)/;

const CONFUSABLES: Readonly<Record<string, string>> = {
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  і: "i",
  ї: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  ɡ: "g",
  ı: "i",
  ո: "n",
  ս: "u",
  օ: "o",
  α: "a",
  β: "b",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  μ: "u",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
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

/** The language phrases, folded like the text they are matched against (all found in one pass). */
const FOLDED_LANGUAGE_PHRASES = Object.entries(LANGUAGE_PHRASES).map(([language, { override, score }]) => {
  const fold = (phrase: string) => ({ phrase, folded: injectionSkeleton(phrase) });
  const folded = { override: override.map(fold), score: score.map(fold) };
  return { language, ...folded };
});

const PHRASE_BUCKETS = bucketsOf(FOLDED_LANGUAGE_PHRASES.flatMap(({ override, score }) => [...override, ...score].map((p) => p.folded)));

/** Tag characters carry hidden text from this many characters (emoji flag sequences are shorter). */
const MIN_TAG_TEXT = 10;

/**
 * Every distinct family of injection attempt found in `text` or in a decoded form of it (first
 * match of each family and form). Linear in the length of the text: each pattern is linear,
 * runs once per form, and the decoded forms are built only when a cheap test says they may hold
 * something (injectionViews.ts). `hiddenTagText` is the text carried by tag characters of the raw
 * submission, which canonicalizing removes (preprocess.ts keeps it for this check).
 */
export function detectPromptInjection(text: string, hiddenTagText?: string): InjectionMatch[] {
  const skeleton = injectionSkeleton(text);
  const matches = matchPatterns(skeleton);
  const hidden = hiddenAddressedText(skeleton);
  if (hidden !== undefined) matches.push({ kind: "hidden comment", excerpt: excerpt(hidden) });
  const phrases = presentIn(skeleton, PHRASE_BUCKETS);
  for (const { language, override, score } of phrases.size === 0 ? [] : FOLDED_LANGUAGE_PHRASES) {
    const ignore = override.find(({ folded }) => phrases.has(folded));
    if (ignore !== undefined) matches.push({ kind: "instruction override", excerpt: ignore.phrase, language });
    const ask = score.find(({ folded }) => phrases.has(folded));
    if (ask !== undefined) matches.push({ kind: "score directive", excerpt: ask.phrase, language });
  }
  for (const match of languageCueMatches(skeleton, injectionSkeleton)) {
    if (!matches.some((m) => m.kind === match.kind && m.language === match.language)) matches.push(match);
  }
  for (const view of decodedViews(text, skeleton, hiddenTagText)) {
    if (view.encoding === "tag characters" && view.text.length >= MIN_TAG_TEXT) {
      matches.push({ kind: "hidden text in tag characters", excerpt: excerpt(view.text), encoding: view.encoding });
    }
    for (const match of matchPatterns(injectionSkeleton(view.text), true)) matches.push({ ...match, encoding: view.encoding });
  }
  return matches;
}

/** The family a match belongs to, as the flag's evidence names it: "score directive (base64, ru)". */
export function familyOf(match: InjectionMatch): string {
  const qualifiers = [match.encoding, match.language].filter((q) => q !== undefined);
  return qualifiers.length === 0 ? match.kind : `${match.kind} (${qualifiers.join(", ")})`;
}

/** Literal strings bucketed by their first two characters (as one number), for `presentIn`. */
/** Strings by their first two characters (one-character strings apart), with a quick filter for ASCII pairs. */
interface Buckets {
  readonly map: Map<number, string[]>;
  /** 1 where some string starts with this ASCII character (alone) or this pair of ASCII characters. */
  readonly asciiStarts: Uint8Array;
}

function bucketsOf(strings: Iterable<string>): Buckets {
  const map = new Map<number, string[]>();
  const asciiStarts = new Uint8Array(0x80 * 0x81);
  for (const value of new Set(strings)) {
    const first = value.charCodeAt(0);
    const second = value.length === 1 ? 0x80 : value.charCodeAt(1);
    const key = value.length === 1 ? -first - 1 : first * 0x10000 + second;
    const bucket = map.get(key);
    if (bucket) bucket.push(value);
    else map.set(key, [value]);
    if (first < 0x80 && second <= 0x80) asciiStarts[first * 0x81 + second] = 1;
  }
  return { map, asciiStarts };
}

/** Which of the bucketed strings occur in `text`, found in one pass. */
function presentIn(text: string, buckets: Buckets): Set<string> {
  const found = new Set<string>();
  const { map, asciiStarts } = buckets;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      const next = text.charCodeAt(i + 1);
      // Most positions of ordinary text start no string: two array reads instead of two map lookups.
      if (next < 0x80 && asciiStarts[c * 0x81 + 0x80] === 0 && asciiStarts[c * 0x81 + next] === 0) continue;
    }
    const single = map.get(-c - 1);
    if (single) found.add(single[0]!);
    const bucket = map.get(c * 0x10000 + text.charCodeAt(i + 1));
    if (bucket === undefined) continue;
    for (const value of bucket) if (!found.has(value) && text.startsWith(value, i)) found.add(value);
  }
  return found;
}

const NEEDLE_BUCKETS = bucketsOf(PATTERNS.flatMap((p) => p.needles));

/**
 * Kinds that an article about prompt injection quotes ("…by telling it to ignore previous
 * instructions"). Such a mention is not flagged: it carries no score request, and in the LLM
 * ensemble the heuristic bounds whatever the model makes of it.
 */
const MENTIONABLE: ReadonlySet<InjectionKind> = new Set(["instruction override"]);
const MENTION_CUES = [
  "telling it to",
  "tell it to",
  "told it to",
  "such as",
  "for example",
  "e.g.",
  "phrases like",
  "instructions like",
  "known as",
  "called",
  'like "',
  "like '",
  "like “",
];

function isMention(skeleton: string, at: number): boolean {
  const before = skeleton.slice(Math.max(0, at - 40), at);
  return MENTION_CUES.some((cue) => before.includes(cue));
}

function matchPatterns(skeleton: string, decoded = false): InjectionMatch[] {
  const present = presentIn(skeleton, NEEDLE_BUCKETS);
  const has = (needle: string): boolean => present.has(needle);
  const matches: InjectionMatch[] = [];
  const found = new Set<InjectionKind>();
  let mentioned = false;
  for (const { kind, needles, re, decodedRe } of PATTERNS) {
    if (found.has(kind) || !needles.some(has)) continue;
    const match = (decoded && decodedRe ? decodedRe : re).exec(skeleton);
    if (match === null) continue;
    if (MENTIONABLE.has(kind) && isMention(skeleton, match.index)) {
      mentioned = true;
      continue;
    }
    found.add(kind);
    matches.push({ kind, excerpt: excerpt(match[0]) });
  }
  // The compact form finds the disguised spellings of what the patterns saw as a mention too.
  if (!found.has("instruction override") && !mentioned) {
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
