import model from "./coherenceModel.json";
import { SHAPE_CLASSES, wordClass } from "./wordClass";

/** The coherence model's frequent words, as class ids (after the shape classes). */
export const FREQUENT_WORDS: ReadonlyMap<string, number> = new Map(model.frequentWords.map((word: string, i: number) => [word, SHAPE_CLASSES.length + i]));

/** The word class of a lowercased token under the shipped model. */
export function FREQUENT_CLASS_OF(token: string): number {
  return wordClass(token, FREQUENT_WORDS);
}

const LY = SHAPE_CLASSES.indexOf("#ly");
const NOUN = SHAPE_CLASSES.indexOf("#noun");
const ADJECTIVE = SHAPE_CLASSES.indexOf("#adj");

export function isAbstractClass(c: number): boolean {
  return c === NOUN || c === ADJECTIVE || c === LY;
}

/**
 * Classes of tokens seen before, shared across submissions: a word's class never changes, so the
 * memo only saves time; it is emptied when full, which keeps its memory bounded.
 */
const MEMO = new Map<string, number>();
const MEMO_LIMIT = 100_000;

/** The word class of every token. */
export function classesOf(tokens: readonly string[]): Uint16Array {
  const classes = new Uint16Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    let c = MEMO.get(token);
    if (c === undefined) {
      if (MEMO.size >= MEMO_LIMIT) MEMO.clear();
      MEMO.set(token, (c = FREQUENT_CLASS_OF(token)));
    }
    classes[i] = c;
  }
  return classes;
}
