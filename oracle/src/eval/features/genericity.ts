import { isAbstractClass, isPastClass } from "./classes";

/**
 * Genericity: claims that could be made about anything. Measured from the shape of the text, not
 * from a list of stock phrases a farmer can avoid:
 * - benefit and possibility verbs that make timeless, unfalsifiable claims ("can", "helps",
 *   "ensure", "allows") per token;
 * - abstract and evaluative words (nouns in -tion, -ment, -ity…, adjectives in -al, -ive, -ous…,
 *   adverbs in -ly) per token;
 * - the absence of anything that happened: no past-tense verbs (reports, accounts and news are
 *   anchored in events; filler floats in a generic present);
 * - sentence-shape repetition: sentences opening with the same three word classes (templates).
 * Each part is a share 0..1; numbers, names and links do not lower genericity, so decoration
 * cannot buy it down.
 */
export interface Genericity {
  /** Benefit or possibility verbs per 1,000 tokens. */
  readonly claimVerbsPerMille: number;
  /** Abstract and evaluative words per 1,000 tokens. */
  readonly abstractPerMille: number;
  /** Past-tense verbs per 1,000 tokens. */
  readonly pastPerMille: number;
  /** Sentences whose first three word classes repeat an earlier sentence's, in percent. */
  readonly repeatedShapes: number;
  /** The combined genericity, 0..100. */
  readonly score: number;
}

const CLAIM_VERBS = new Set([
  "can", "could", "may", "might", "help", "helps", "helping", "ensure", "ensures", "allow", "allows", "enable", "enables",
  "empower", "empowers", "improve", "improves", "enhance", "enhances", "boost", "boosts", "unlock", "unlocks",
  "foster", "fosters", "leverage", "leverages", "drive", "drives", "streamline", "streamlines", "optimize",
  "optimizes", "maximize", "maximizes", "transform", "transforms", "elevate", "elevates", "achieve",
]);

export function measureGenericity(tokens: readonly string[], classes: Uint16Array, sentenceLengths: readonly number[]): Genericity {
  let claims = 0;
  let abstract = 0;
  let past = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (CLAIM_VERBS.has(token)) claims++;
    const c = classes[i]!;
    if (isAbstractClass(c)) abstract++;
    else if (isPastClass(c, token)) past++;
  }
  const shapes = new Set<number>();
  let repeated = 0;
  let at = 0;
  for (const length of sentenceLengths) {
    if (length >= 3) {
      const key = (classes[at]! * 256 + classes[at + 1]!) * 256 + classes[at + 2]!;
      if (shapes.has(key)) repeated++;
      else shapes.add(key);
    }
    at += length;
  }
  const n = Math.max(1, tokens.length);
  const claimVerbsPerMille = Math.round((claims * 1000) / n);
  const abstractPerMille = Math.round((abstract * 1000) / n);
  const pastPerMille = Math.round((past * 1000) / n);
  const repeatedShapes = sentenceLengths.length < 3 ? 0 : Math.round((repeated * 100) / sentenceLengths.length);
  // Breakpoints from ordinary prose and mail (docs/SCORING.md): prose sits near 15‰ claim verbs,
  // 80‰ abstract words, 40‰ past tense and few repeated shapes.
  const score = Math.round(
    35 * ramp(claimVerbsPerMille, 20, 50) +
      25 * ramp(abstractPerMille, 90, 160) +
      25 * (1 - ramp(pastPerMille, 5, 25)) +
      15 * ramp(repeatedShapes, 15, 45),
  );
  return { claimVerbsPerMille, abstractPerMille, pastPerMille, repeatedShapes, score };
}

/** 0 at or below `from`, 1 at or above `to`, linear between. */
export function ramp(value: number, from: number, to: number): number {
  return value <= from ? 0 : value >= to ? 1 : (value - from) / (to - from);
}
