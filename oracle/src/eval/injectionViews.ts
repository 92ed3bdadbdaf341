/**
 * Decoded forms of a submission in which an injection may hide, each built in linear time and
 * only when a cheap test says it may hold something:
 * - base64: runs of 24+ base64 characters (line breaks inside a block allowed), decoded when the
 *   result is mostly printable text;
 * - ROT13 and reversed text: the whole skeleton, when it holds the ROT13 or reversed form of a
 *   word an injection needs ("ignore", "instructions", "score", "evaluator", "grader");
 * - Unicode tag characters (U+E0020–U+E007E), which render as nothing and map one to one to
 *   ASCII;
 * - HTML comments, Markdown comments and text hidden by markup (display:none, zero font size).
 */
export interface DecodedView {
  readonly encoding: "base64" | "rot13" | "reversed" | "tag characters";
  readonly text: string;
}

const MIN_BASE64_RUN = 24;
/** At most this many base64 runs and decoded characters per submission. */
const MAX_BASE64_RUNS = 16;
const MAX_DECODED_CHARS = 64 * 1024;
const CLUE_WORDS = ["ignore", "instruction", "score", "evaluator", "grader", "rubric", "system prompt"];
const ROT13_CLUES = CLUE_WORDS.map(rot13);
const REVERSED_CLUES = CLUE_WORDS.map((w) => [...w].reverse().join(""));

/**
 * Views of `skeleton` (lowercase) and `raw` (the original text) that decoding reveals. `tagText` is
 * the text of the tag characters when the caller has it (the canonical text no longer holds them).
 */
export function decodedViews(raw: string, skeleton: string, tagText?: string): DecodedView[] {
  const views: DecodedView[] = [];
  const tags = tagText === undefined || tagText === "" ? tagCharacters(raw) : tagText;
  if (tags.length > 0) views.push({ encoding: "tag characters", text: tags.toLowerCase() });
  for (const decoded of base64Payloads(raw)) views.push({ encoding: "base64", text: decoded.toLowerCase() });
  if (ROT13_CLUES.some((clue) => skeleton.includes(clue))) views.push({ encoding: "rot13", text: rot13(skeleton) });
  if (REVERSED_CLUES.some((clue) => skeleton.includes(clue))) views.push({ encoding: "reversed", text: reverse(skeleton) });
  return views;
}

/** The ASCII text carried by Unicode tag characters, in order (empty when there are none). */
export function tagCharacters(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) !== 0xdb40) continue;
    const low = raw.charCodeAt(i + 1);
    // U+E0020..U+E007E are the surrogate pair DB40 DC20..DC7E.
    if (low >= 0xdc20 && low <= 0xdc7e) out += String.fromCharCode(low - 0xdc00);
    i++;
  }
  return out;
}

function isBase64(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x3d;
}

/** Decoded base64 runs that are mostly printable text. */
function base64Payloads(raw: string): string[] {
  const out: string[] = [];
  let decodedChars = 0;
  let i = 0;
  while (i < raw.length && out.length < MAX_BASE64_RUNS && decodedChars < MAX_DECODED_CHARS) {
    if (!isBase64(raw.charCodeAt(i))) {
      i++;
      continue;
    }
    let upper = false;
    let lower = false;
    let breaks = false;
    let j = i;
    for (; j < raw.length; j++) {
      const c = raw.charCodeAt(j);
      if (isBase64(c)) {
        if (c >= 0x41 && c <= 0x5a) upper = true;
        else if (c >= 0x61 && c <= 0x7a) lower = true;
      } else if ((c === 0x0a || c === 0x0d) && isBase64(raw.charCodeAt(j + 1))) {
        breaks = true;
      } else {
        break;
      }
    }
    const start = i;
    i = j + 1;
    // Base64 of text mixes cases; words and numbers alone do not make a run this long.
    if (j - start < MIN_BASE64_RUN || !upper || !lower) continue;
    const slice = raw.slice(start, Math.min(j, start + MAX_DECODED_CHARS * 2));
    const run = breaks ? slice.replace(/[\r\n]/g, "") : slice;
    if (run.length < MIN_BASE64_RUN) continue;
    const decoded = Buffer.from(run, "base64").toString("latin1");
    if (isMostlyPrintable(decoded)) {
      out.push(decoded);
      decodedChars += decoded.length;
    }
  }
  return out;
}

function isMostlyPrintable(text: string): boolean {
  if (text.length < 12) return false;
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) printable++;
  }
  return printable * 100 >= text.length * 95;
}

export function rot13(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) out += String.fromCharCode(((c - 0x61 + 13) % 26) + 0x61);
    else if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(((c - 0x41 + 13) % 26) + 0x41);
    else out += text[i];
  }
  return out;
}

function reverse(text: string): string {
  let out = "";
  for (let i = text.length - 1; i >= 0; i--) out += text[i];
  return out;
}

/** Hidden text counts when it names the grader and asks about scores or instructions. */
const AGENT_RE = /\b(?:ai|llm|gpt|chatgpt|claude|gemini|language model|models?|graders?|evaluators?|scorers?|judges?|assistant|reviewers?|bots?|engine|scoring system)\b/;
const ASK_RE =
  /\b(?:scor(?:e|es|ing)|rat(?:e|ed|ing)|grad(?:e|es|ing)|marks|points|rubric|instructions?|ignore|100|perfect|maximum|highest|deserves?|award|assign|output)\b/;

function isAddressed(body: string): boolean {
  return AGENT_RE.test(body) && ASK_RE.test(body);
}

const MAX_HIDDEN_SCAN = 4096;

/**
 * Comments and hidden markup whose content speaks to the grader (an HTML comment holding CSS
 * or a template marker does not). Each returns the hidden text found.
 */
export function hiddenAddressedText(skeleton: string): string | undefined {
  for (const [open, close] of [["<!--", "-->"]] as const) {
    let from = 0;
    for (;;) {
      const start = skeleton.indexOf(open, from);
      if (start < 0) break;
      const end = skeleton.indexOf(close, start + open.length);
      const body = skeleton.slice(start + open.length, end < 0 ? Math.min(skeleton.length, start + MAX_HIDDEN_SCAN) : end);
      if (isAddressed(body)) return body;
      if (end < 0) break;
      from = end + close.length;
    }
  }
  const reference = markdownComment(skeleton);
  if (reference !== undefined) return reference;
  for (const marker of [
    "display:none",
    "display: none",
    "visibility:hidden",
    "visibility: hidden",
    "font-size:0",
    "font-size: 0",
    "<div hidden",
    "<span hidden",
    "<p hidden",
    "opacity:0",
    "opacity: 0",
  ]) {
    const at = skeleton.indexOf(marker);
    if (at < 0) continue;
    const body = skeleton.slice(at, at + 300);
    if (isAddressed(body.slice(marker.length))) return body;
  }
  return undefined;
}

/**
 * Markdown comments: link reference definitions that point nowhere ("[//]: # (…)",
 * "[comment]: <> (…)", "[note]: # \"…\""), which render as nothing (and are looked for anywhere
 * on a line, since a model reads them all the same); the first whose text speaks to the grader.
 * Ordinary reference definitions point to a URL and are left alone.
 */
function markdownComment(skeleton: string): string | undefined {
  let from = 0;
  for (;;) {
    const open = skeleton.indexOf("[", from);
    if (open < 0) return undefined;
    from = open + 1;
    // Bounded look-ahead, so that many lines starting with "[" stay linear.
    const window = skeleton.slice(open, open + 42);
    const close = window.indexOf("]:");
    if (close < 0 || window.lastIndexOf("\n", close) > 0) continue;
    let i = open + close + 2;
    while (skeleton.charCodeAt(i) === 0x20) i++;
    if (!(skeleton.startsWith("#", i) || skeleton.startsWith("<>", i))) continue;
    const end = skeleton.indexOf("\n", i);
    const body = skeleton.slice(i, end < 0 ? skeleton.length : end);
    if (isAddressed(body)) return body;
  }
}
