import { ramp } from "./genericity";

/**
 * Solicitation: text that sells to the reader rather than informs them (spam). Measured from
 * signals that mark commercial mail across campaigns, each a share that saturates:
 * - offer, money, urgency and call-to-action words per token ("free", "order", "cash",
 *   "guaranteed", "click", "now", "$");
 * - the reader addressed directly ("you", "your") per token;
 * - opt-out footers ("unsubscribe", "remove" … "list", "opt out");
 * - markup: HTML tags per token;
 * - links per 100 words; capital letters and shouted words; "!" marks.
 * A mailing-list discussion or a news digest also has links and the odd "free", but not many of
 * these together.
 */
export interface Solicitation {
  readonly offerPerMille: number;
  readonly youPerMille: number;
  readonly optOut: boolean;
  readonly htmlTagsPerMille: number;
  /** Words of three or more capitals per 1,000 tokens. */
  readonly shoutedPerMille: number;
  readonly linksPer100Words: number;
  readonly exclamations: number;
  /** The combined solicitation, 0..100. */
  readonly score: number;
}

const OFFER_WORDS = new Set([
  "free",
  "offer",
  "offers",
  "order",
  "orders",
  "buy",
  "click",
  "call",
  "now",
  "today",
  "money",
  "cash",
  "credit",
  "income",
  "guarantee",
  "guaranteed",
  "limited",
  "act",
  "urgent",
  "instant",
  "instantly",
  "winner",
  "win",
  "prize",
  "save",
  "savings",
  "discount",
  "deal",
  "deals",
  "mortgage",
  "loan",
  "loans",
  "debt",
  "rates",
  "earn",
  "profit",
  "profits",
  "bonus",
  "risk",
  "cheap",
  "lowest",
  "price",
  "prices",
  "special",
  "exclusive",
  "opportunity",
  "million",
  "millions",
  "dollars",
  "amazing",
  "incredible",
  "fast",
  "easy",
  "business",
  "marketing",
  "sales",
  "customers",
  "visit",
  "apply",
  "approved",
  "satisfaction",
  "purchase",
  "shipping",
  "wealth",
  "investment",
  "invest",
  "refund",
  "trial",
  "viagra",
  "pills",
  "casino",
  "subscribe",
  "funds",
  "fund",
  "transfer",
  "beneficiary",
  "confidential",
  "proposal",
  "assistance",
  "compensation",
  "urgently",
  "bank",
  "account",
  "guaranteed",
  "unlimited",
  "secret",
  "secrets",
  "cost",
  "affordable",
  "weight",
  "quote",
  "membership",
]);
const YOU = new Set(["you", "your", "you're", "yours", "yourself"]);

export function measureSolicitation(text: string, tokens: readonly string[], links: number, upperCaseRatio: number): Solicitation {
  let offer = 0;
  let you = 0;
  let shouted = 0;
  let optOut = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (OFFER_WORDS.has(token)) offer++;
    else if (YOU.has(token)) you++;
    if (token === "unsubscribe" || token === "unsubscribed") optOut = true;
    else if ((token === "remove" || token === "removed" || token === "removal") && nearby(tokens, i, "list", 8)) optOut = true;
    else if (token === "opt" && (tokens[i + 1] === "out" || tokens[i + 1] === "in")) optOut = true;
  }
  let dollars = 0;
  let exclamations = 0;
  let tags = 0;
  let capitals = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      capitals++;
      continue;
    }
    // A run of three or more capitals ending at a non-letter is a shouted word ("FREE", "NOW").
    if (capitals >= 3 && !(c >= 0x61 && c <= 0x7a)) shouted++;
    capitals = 0;
    if (c === 0x24) dollars++;
    else if (c === 0x21) exclamations++;
    else if (c === 0x3c && isTagStart(text.charCodeAt(i + 1))) tags++;
  }
  const n = Math.max(1, tokens.length);
  const offerPerMille = Math.round(((offer + dollars) * 1000) / n);
  const youPerMille = Math.round((you * 1000) / n);
  if (capitals >= 3) shouted++;
  const htmlTagsPerMille = Math.round((tags * 1000) / n);
  const shoutedPerMille = Math.round((shouted * 1000) / n);
  const linksPer100Words = Math.round((links * 100) / n);
  const score = Math.round(
    Math.min(
      100,
      // Money talk informs when it reports (a trip's card fees); it sells when it addresses the reader.
      40 * ramp(offerPerMille, 25, 70) * (0.4 + 0.6 * ramp(youPerMille, 10, 40)) +
        20 * ramp(youPerMille, 25, 55) +
        (optOut ? 20 : 0) +
        40 * ramp(htmlTagsPerMille, 20, 100) +
        10 * ramp(linksPer100Words, 2, 6) +
        15 * ramp(Math.round(upperCaseRatio * 100), 15, 40) +
        20 * ramp(shoutedPerMille, 20, 80) +
        10 * ramp(Math.round((exclamations * 1000) / n), 10, 40),
    ),
  );
  return { offerPerMille, youPerMille, optOut, htmlTagsPerMille, shoutedPerMille, linksPer100Words, exclamations, score };
}

function nearby(tokens: readonly string[], i: number, word: string, span: number): boolean {
  const end = Math.min(tokens.length, i + span + 1);
  for (let j = Math.max(0, i - span); j < end; j++) if (tokens[j] === word) return true;
  return false;
}

/** A letter, "/" or "!" after "<" opens a tag, a closing tag or a comment/doctype. */
function isTagStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2f || c === 0x21;
}
