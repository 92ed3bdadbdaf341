import model from "./coherenceModel.json";
import { SHAPE_CLASSES, wordClass } from "./wordClass";

/** The coherence model's frequent words, as class ids (after the shape classes). */
export const FREQUENT_WORDS: ReadonlyMap<string, number> = new Map(
  model.frequentWords.map((word: string, i: number) => [word, SHAPE_CLASSES.length + i]),
);

/** The word class of a lowercased token under the shipped model. */
export function FREQUENT_CLASS_OF(token: string): number {
  return wordClass(token, FREQUENT_WORDS);
}

const LY = SHAPE_CLASSES.indexOf("#ly");
const ED = SHAPE_CLASSES.indexOf("#ed");
const NOUN = SHAPE_CLASSES.indexOf("#noun");
const ADJECTIVE = SHAPE_CLASSES.indexOf("#adj");
const PAST_FREQUENT = new Set(["was", "were", "had", "did", "said", "been", "made", "came", "went", "took", "gave", "found", "told", "became"]);

export function isAbstractClass(c: number): boolean {
  return c === NOUN || c === ADJECTIVE || c === LY;
}

export function isPastClass(c: number, token: string): boolean {
  return c === ED || PAST_FREQUENT.has(token);
}

/** The word class of every token, classifying each distinct token once. */
export function classesOf(tokens: readonly string[]): Uint16Array {
  const classes = new Uint16Array(tokens.length);
  const seen = new Map<string, number>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    let c = seen.get(token);
    if (c === undefined) seen.set(token, (c = FREQUENT_CLASS_OF(token)));
    classes[i] = c;
  }
  return classes;
}
