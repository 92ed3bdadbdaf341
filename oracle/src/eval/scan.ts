/**
 * Hand-written scanners for the patterns whose regular expressions backtracked (issue 10, item 5:
 * `NUMBER_WITH_UNIT_RE` took ~560 ms on 16 KiB of digits). Each scanner visits every character a
 * bounded number of times and counts what it does in `scanOperations`, so a property test can
 * bound the work by counting rather than by timing (test/oracle/eval/linearTime.test.ts).
 */
let operations = 0;

/** Characters visited by the scanners since the last `resetScanOperations` (for tests). */
export function scanOperations(): number {
  return operations;
}

export function resetScanOperations(): void {
  operations = 0;
}

/** Adds the steps a scanner elsewhere in eval/ counted locally (canonical.ts). */
export function addScanOperations(steps: number): void {
  operations += steps;
}

/** Unit words a number may carry (matched whole, case-insensitively, as an ASCII word). */
const UNIT_WORDS: ReadonlySet<string> = new Set(
  (
    "percent mm cm km m mi kg mg g lb lbs t ms s sec min h hr hrs hour hours day days week weeks month months year years " +
    "gb mb kb tb ghz mhz kwh mwh kw mw w v mah usd eur gbp dollar dollars euro euros people users times x"
  ).split(" "),
);
/** The longest unit word: a longer ASCII word cannot be one. */
const LONGEST_UNIT = 7;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isCurrency(c: number): boolean {
  return c === 0x24 || c === 0x20ac || c === 0xa3 || c === 0xa5;
}

/** `\s` of JavaScript regular expressions. */
export function isSpaceCode(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function isAsciiWordChar(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** Where a unit starting at `p` ends, or -1 when none starts there. */
function unitEnd(text: string, p: number): number {
  if (p >= text.length) return -1;
  const c = text.charCodeAt(p);
  if (c === 0x25 || isCurrency(c)) return p + 1;
  if (c === 0xb0) {
    // "°", "° C", "°F"
    let q = p + 1;
    if (q < text.length && isSpaceCode(text.charCodeAt(q)) && q + 1 < text.length && isCf(text.charCodeAt(q + 1))) q++;
    if (q < text.length && isCf(text.charCodeAt(q))) return q + 1;
    return p + 1;
  }
  let q = p;
  while (q < text.length && q - p <= LONGEST_UNIT && isAsciiWordChar(text.charCodeAt(q))) {
    operations++;
    q++;
  }
  if (q === p || q - p > LONGEST_UNIT) return -1;
  const word = text.slice(p, q).toLowerCase();
  if (UNIT_WORDS.has(word)) return q;
  // Squared and cubed units: NFKC writes "m²" and "m³" as "m2" and "m3".
  const last = word.charCodeAt(word.length - 1);
  return (last === 0x32 || last === 0x33) && UNIT_WORDS.has(word.slice(0, -1)) ? q : -1;
}

function isCf(c: number): boolean {
  return c === 0x43 || c === 0x46 || c === 0x63 || c === 0x66;
}

/**
 * Quantities: a currency sign before a number (`$40`, `€ 3.5`), or a number followed by a unit,
 * a percent sign or a currency (`3.5 kg`, `12%`, `0.32 €`, `20 °C`). A number is a run of digits,
 * commas and points that starts and ends with a digit. Counts non-overlapping matches left to
 * right, as the regular expression it replaces did, in one pass; squared and cubed units count
 * too (`41 m3`, which is how the canonical text writes `41 m³`).
 */
export function countNumbersWithUnits(text: string): number {
  let count = 0;
  let i = 0;
  while (i < text.length) {
    operations++;
    const c = text.charCodeAt(i);
    if (isCurrency(c)) {
      let j = i + 1;
      if (j < text.length && isSpaceCode(text.charCodeAt(j))) j++;
      if (j < text.length && isDigit(text.charCodeAt(j))) {
        count++;
        while (j < text.length) {
          const d = text.charCodeAt(j);
          if (!isDigit(d) && d !== 0x2c && d !== 0x2e) break;
          operations++;
          j++;
        }
        i = j;
        continue;
      }
      i++;
      continue;
    }
    if (!isDigit(c)) {
      i++;
      continue;
    }
    // The number runs over digits, commas and points and ends at its last digit: only there can
    // a unit follow, so a failed match skips the whole run.
    let j = i;
    let lastDigit = i;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (isDigit(d)) lastDigit = j;
      else if (d !== 0x2c && d !== 0x2e) break;
      operations++;
      j++;
    }
    const p = lastDigit + 1;
    let end = unitEnd(text, p);
    if (end === -1 && p < text.length && isSpaceCode(text.charCodeAt(p))) end = unitEnd(text, p + 1);
    if (end !== -1) {
      count++;
      i = end;
    } else {
      i = j;
    }
  }
  return count;
}

/** `url` without trailing `.,;:!?` characters. */
export function trimTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0) {
    operations++;
    const c = url.charCodeAt(end - 1);
    if (c !== 0x2e && c !== 0x2c && c !== 0x3b && c !== 0x3a && c !== 0x21 && c !== 0x3f) break;
    end--;
  }
  return url.slice(0, end);
}
