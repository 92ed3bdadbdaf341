/**
 * What the Submit page checks before anything leaves the browser: the upload's size against the
 * node's limit (counted in UTF-8 bytes of the very body `uploadContent` sends), and whether this
 * account already submitted the same text from this browser.
 */
import { contentHash } from "../../../oracle/src/protocol/contentHash";

const encoder = new TextEncoder();

/** The byte size of the upload body for `content` (what the node's `maxContentBytes` limits). */
export function uploadBytes(content: { text: string; author: string; salt: string }): number {
  return encoder.encode(JSON.stringify(content)).length;
}

export interface SizeCheck {
  characters: number;
  bytes: number;
  limit: number;
  /** Bytes left (negative when over). */
  left: number;
  over: boolean;
  /** The counter in words. */
  words: string;
}

const grouped = (n: number) => n.toLocaleString("en-US");

/** The counter: characters typed, bytes used of the node's limit, and what to do when over. */
export function checkSize(content: { text: string; author: string; salt: string }, limit: number): SizeCheck {
  const characters = [...content.text].length;
  const bytes = uploadBytes(content);
  const left = limit - bytes;
  const over = left < 0;
  const words = over
    ? `${grouped(characters)} characters: ${grouped(-left)} bytes over the node's limit of ${grouped(limit)} bytes. Shorten it by at least ${grouped(-left)} characters (fewer if you cut accented letters or emoji, which take 2 to 4 bytes each).`
    : `${grouped(characters)} characters · ${grouped(bytes)} of ${grouped(limit)} bytes used · room for about ${grouped(left)} more plain letters (accented letters and emoji take 2 to 4 bytes, line breaks and quotes 2).`;
  return { characters, bytes, limit, left, over, words };
}

/**
 * The text's fingerprint for the duplicate warning: the unsalted content hash of the text with its
 * whitespace folded and lowercased (as the oracle's exact-duplicate check does), so a re-paste with another line break still matches.
 */
export function fingerprint(text: string): string {
  return contentHash({ text: text.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase() });
}

export interface PastSubmission {
  id: string;
  at: number;
}

const storageKey = (chainId: number, author: string) => `cashkey.submitted.${chainId}.${author.toLowerCase()}`;

function load(chainId: number, author: string): Record<string, PastSubmission> {
  try {
    const raw = globalThis.localStorage?.getItem(storageKey(chainId, author));
    const parsed = raw ? (JSON.parse(raw) as unknown) : {};
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, PastSubmission>) : {};
  } catch {
    return {};
  }
}

/** This account's earlier submission of the same text, from this browser, if any. */
export function findPastSubmission(chainId: number, author: string, text: string): PastSubmission | undefined {
  if (!text.trim()) return undefined;
  return load(chainId, author)[fingerprint(text)];
}

export function rememberSubmission(chainId: number, author: string, text: string, id: bigint, at = Date.now()): void {
  const all = load(chainId, author);
  all[fingerprint(text)] = { id: id.toString(), at };
  try {
    globalThis.localStorage?.setItem(storageKey(chainId, author), JSON.stringify(all));
  } catch {
    // storage full or denied: the warning is a courtesy, the oracle's duplicate check still applies
  }
}
