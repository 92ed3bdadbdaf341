/**
 * The content hash rule shared by the oracle, the frontend and any verifier.
 *
 * Content is `{ text, title?, url?, author?, salt? }`. Its canonical bytes are the UTF-8 encoding of
 * the JSON object with the present fields in the order `text`, `title`, `url`, `author`, `salt`, the
 * strings normalized to Unicode NFC, `author` (a 20-byte address) and `salt` (32 bytes) as lowercase
 * 0x-hex, with no whitespace between tokens (JSON.stringify). Plain-text uploads are `{ text }`.
 * The content hash is keccak256 of the canonical bytes; it is what `Rewards.submit` commits.
 *
 * Bound content carries `author` and `salt` (both or neither): its hash commits to the one address
 * whose submission may claim it, and the random salt keeps the hash from being guessed from the
 * text. Another sender who copies the hash from the mempool gets nothing for it (the oracle scores
 * such a submission 0), and nodes serve bound content publicly only once its author's submission is
 * on-chain (docs/SCORING.md, "Who was first"). The dApp always binds; unbound content stays valid.
 */
import { keccak256, stringToBytes } from "viem";

export interface Content {
  text: string;
  title?: string;
  url?: string;
  /** The address whose submission alone may claim this content (with `salt`). */
  author?: string;
  /** 32 random bytes as 0x-hex (with `author`). */
  salt?: string;
}

export function canonicalContent(content: Content): Content {
  const canonical: Content = { text: content.text.normalize("NFC") };
  if (content.title !== undefined) canonical.title = content.title.normalize("NFC");
  if (content.url !== undefined) canonical.url = content.url.normalize("NFC");
  if ((content.author === undefined) !== (content.salt === undefined)) throw new Error("bound content needs both author and salt");
  if (content.author !== undefined && content.salt !== undefined) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(content.author)) throw new Error("author must be a 20-byte 0x-hex address");
    if (!/^0x[0-9a-fA-F]{64}$/.test(content.salt)) throw new Error("salt must be 32 bytes of 0x-hex");
    canonical.author = content.author.toLowerCase();
    canonical.salt = content.salt.toLowerCase();
  }
  return canonical;
}

/** The address bound content may be claimed by (lowercase), or undefined for unbound content. */
export function boundAuthor(content: Content): string | undefined {
  return content.author?.toLowerCase();
}

export function canonicalContentBytes(content: Content): Uint8Array {
  return stringToBytes(JSON.stringify(canonicalContent(content)));
}

export function contentHash(content: Content): string {
  return keccak256(canonicalContentBytes(content));
}

/** Parses canonical bytes back into content; throws if they are not canonical. */
export function parseCanonicalContent(bytes: Uint8Array): Content {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  const parsed = JSON.parse(text) as Content;
  if (JSON.stringify(canonicalContent(parsed)) !== text) throw new Error("content bytes are not canonical");
  return parsed;
}
