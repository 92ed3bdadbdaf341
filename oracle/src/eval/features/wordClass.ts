/**
 * Word classes for the coherence model (coherence.ts). The most frequent words of ordinary
 * English prose (mostly function words) are classes of their own, listed in the model; every
 * other token falls in one of a few shape classes: a number, or a content word by its ending
 * (adverb, gerund, past, plural, abstract noun, adjective, other). Classes are small integers.
 */
export const SHAPE_CLASSES = ["<s>", "#num", "#ly", "#ing", "#ed", "#s", "#noun", "#adj", "#word"] as const;

export const SENTENCE_START = 0;
const NUM = 1;
const LY = 2;
const ING = 3;
const ED = 4;
const PLURAL = 5;
const ABSTRACT = 6;
const ADJECTIVE = 7;
const WORD = 8;

const ABSTRACT_ENDINGS = ["tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "ism"];
const ADJECTIVE_ENDINGS = ["al", "ive", "ous", "ful", "able", "ible", "ic", "less", "ary"];

/** The class of a lowercased token, given the model's frequent-word ids (offset by the shape classes). */
export function wordClass(token: string, frequent: ReadonlyMap<string, number>): number {
  const id = frequent.get(token);
  if (id !== undefined) return id;
  const first = token.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) return NUM;
  const n = token.length;
  if (n > 4 && token.endsWith("ly")) return LY;
  if (n > 5 && token.endsWith("ing")) return ING;
  if (n > 4 && token.endsWith("ed")) return ED;
  for (const ending of ABSTRACT_ENDINGS) if (n > ending.length + 2 && token.endsWith(ending)) return ABSTRACT;
  for (const ending of ADJECTIVE_ENDINGS) if (n > ending.length + 2 && token.endsWith(ending)) return ADJECTIVE;
  if (n > 3 && token.endsWith("s") && !token.endsWith("ss")) return PLURAL;
  return WORD;
}
