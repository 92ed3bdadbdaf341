/**
 * Phrase lists shared by the fraud checks and the heuristic scorer. They are matched on the
 * canonical text (lowercase), between word boundaries; `'` also matches the typographic
 * apostrophe. The phrases are ASCII, so ASCII word boundaries suffice and keep matching fast.
 */

/** Sales and bait phrases typical of spam. */
const PROMOTIONAL_RE = phraseRegex([
  "buy now",
  "order now",
  "shop now",
  "click here",
  "click the link",
  "link in bio",
  "sign up now",
  "join now",
  "limited time",
  "limited offer",
  "act now",
  "don't miss",
  "free money",
  "earn money",
  "make money",
  "earn \\$\\d+",
  "\\d+% free",
  "100% guaranteed",
  "guaranteed",
  "risk[- ]free",
  "no risk",
  "double your",
  "get rich",
  "work from home",
  "dm me",
  "whatsapp",
  "telegram",
  "casino",
  "free spins",
  "bonus code",
  "promo code",
  "discount code",
  "use code",
  "viagra",
  "cheap",
  "best price",
  "lowest price",
  "followers",
  "giveaway",
  "airdrop",
  "claim your",
  "send \\d*\\.?\\d* ?(?:eth|btc|usdt)",
  "investment opportunity",
  "passive income",
  "\\d+% off",
  "subscribe to my",
  "check out my",
  "visit my",
  "follow me",
  "100x",
]);

/** Stock phrases of generic, machine-made filler. */
const STOCK_PHRASE_RE = phraseRegex([
  "in today's fast-paced world",
  "in today's digital age",
  "in today's world",
  "in the ever-evolving",
  "ever-evolving",
  "ever-changing landscape",
  "it is important to note",
  "it's important to note",
  "it is worth noting",
  "it's worth noting",
  "plays? a (?:crucial|vital|pivotal|key) role",
  "in conclusion",
  "delves? into",
  "unlock(?:s|ing)? the (?:full )?(?:potential|power)",
  "harness(?:es|ing)? the power",
  "game[- ]changer",
  "cutting[- ]edge",
  "revolutioni[sz]e",
  "seamless(?:ly)?",
  "navigate the complexities",
  "a testament to",
  "in the realm of",
  "at the end of the day",
  "first and foremost",
  "last but not least",
  "when it comes to",
  "to the next level",
  "whether you're a",
  "a wide range of",
  "myriad of",
  "plethora of",
  "tapestry",
  "embark on a journey",
  "stay ahead of the curve",
  "paradigm shift",
  "synergy",
  "holistic",
  "transformative",
  "innovative solutions",
  "endless possibilities",
  "it goes without saying",
  "needless to say",
  "all in all",
  "in summary",
  "rest assured",
  "look no further",
  "one thing is certain",
  "the possibilities are endless",
  "let's dive in",
  "dive deep",
]);

/** Distinct promotional phrases in a canonical text. */
export function promotionalPhrases(canonical: string): string[] {
  return [...new Set(matches(canonical, PROMOTIONAL_RE))];
}

/** Every stock-phrase occurrence in a canonical text, in order. */
export function stockPhrases(canonical: string): string[] {
  return matches(canonical, STOCK_PHRASE_RE);
}

export function countStockPhrases(canonical: string): number {
  return count(canonical, STOCK_PHRASE_RE);
}

function count(text: string, re: RegExp): number {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text) !== null) n++;
  return n;
}

function phraseRegex(phrases: readonly string[]): RegExp {
  const body = phrases.map((p) => p.replace(/'/g, "['’]")).join("|");
  return new RegExp(`\\b(?:${body})(?![\\w'’-])`, "g");
}

function matches(text: string, re: RegExp): string[] {
  return Array.from(text.matchAll(re), (m) => m[0]);
}
