/**
 * Confusable characters folded to the Latin letter they imitate: the Latin, Cyrillic, Greek and
 * Armenian part of Unicode's confusables table (UTS #39, `confusables.txt`, type MA), restricted
 * to single-letter prototypes. Compatibility forms (full-width, mathematical alphanumerics,
 * ligatures) are already folded by NFKC before this table is read, and combining diacritics are
 * removed separately, so they are not listed.
 *
 * One string per target letter: every character in it maps to that letter. Kept as a compact
 * table because the only maintained npm packages for TR39 ship the whole 6,000-entry table with
 * a runtime of their own; this subset is what duplicate keys and the obfuscation check need.
 */
const FOLDS: Readonly<Record<string, string>> = {
  a: "аАαΑɑⲁ",
  b: "ВЬβΒƅᏼ",
  c: "сСϲϹⅽⲥ",
  d: "ԁԀⅾ",
  e: "еЕёЁєЄεΕҽℯ",
  g: "ɡɢԍ",
  h: "һҺНΗ",
  i: "іІїЇιΙӀӏıⅰ",
  j: "јЈϳ",
  k: "кКκΚⲕ",
  l: "ⅼǀ",
  m: "мМΜⅿ",
  n: "ոΝη",
  o: "оОοΟσօՕⲟ",
  p: "рРρΡⲣ",
  q: "ԛԚզ",
  r: "гᴦⲅ",
  s: "ѕЅ",
  t: "тТτΤ",
  u: "υսՍ",
  v: "νѵⅴ",
  w: "ԝԜѡ",
  x: "хХχΧⅹ",
  y: "уУγΥҮү",
  z: "Ζᴢ",
};

/** Confusable code point → the Latin letter (lowercase) it imitates. */
export const CONFUSABLE_TO_LATIN: ReadonlyMap<number, number> = (() => {
  const map = new Map<number, number>();
  for (const [latin, chars] of Object.entries(FOLDS)) {
    for (const ch of chars) map.set(ch.codePointAt(0)!, latin.charCodeAt(0));
  }
  return map;
})();
