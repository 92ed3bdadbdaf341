import type { AuthorHistoryLookup } from "./authorHistory";
import { isCopy, type CopyMatch, type DuplicateLookup, type DuplicateReport, DEFAULT_DUPLICATE_THRESHOLDS } from "./duplicateIndex";
import { estimateSimilarity, isEmptySignature, type Fingerprint } from "./fingerprint";
import { detectPromptInjection, familyOf } from "./injection";
import { stopWordsFor } from "./language";
import { promotionalPhrases, stockPhrases } from "./phrases";
import type { Preprocessed } from "./preprocess";

export type FlagCode =
  | "empty_content"
  | "content_unavailable"
  | "exact_duplicate"
  | "prompt_injection"
  | "near_duplicate"
  | "author_velocity"
  | "link_density"
  | "promotional"
  | "repetition"
  | "boilerplate"
  | "shouting"
  | "obfuscation"
  | "template_farm"
  | "same_facts";

/**
 * blocking: the submission scores 0 and the scorer is not asked.
 * major: the score is capped low (see qa.ts). minor: the score is capped moderately.
 */
export type FlagSeverity = "blocking" | "major" | "minor";

export interface Flag {
  readonly code: FlagCode;
  readonly severity: FlagSeverity;
  /** One sentence fit for a rationale. */
  readonly detail: string;
  /** The figures behind the detail. */
  readonly evidence: Readonly<Record<string, string | number>>;
}

/** Fixed per code, so that QA rules stay a table. */
export const FLAG_SEVERITY: Readonly<Record<FlagCode, FlagSeverity>> = {
  empty_content: "blocking",
  content_unavailable: "blocking",
  exact_duplicate: "blocking",
  prompt_injection: "blocking",
  near_duplicate: "major",
  author_velocity: "major",
  link_density: "major",
  promotional: "major",
  repetition: "major",
  boilerplate: "minor",
  shouting: "minor",
  obfuscation: "major",
  template_farm: "major",
  same_facts: "major",
};

/** Flags always come out in this order. */
const FLAG_ORDER = Object.keys(FLAG_SEVERITY) as FlagCode[];

export interface FraudConfig {
  /** Similarities below this are ignored for the originality sub-score (copies: see duplicateIndex.ts thresholds). */
  readonly similarityFloor: number;
  /** Author velocity: similarity that makes two of an author's items "near-identical"... */
  readonly velocitySimilarity: number;
  /** ...and how many such earlier items (in the author's recent window) raise the flag. */
  readonly velocityLimit: number;
  /** Link density: URL characters ÷ all characters from which a text is mostly links. */
  readonly maxUrlShare: number;
  /** Link density: with at least 3 links, fewer words per link than this is a link list. */
  readonly minWordsPerLink: number;
  /** Repetition: share of repeated 3-word shingles (in texts with 15+ shingles). */
  readonly maxRepeatedShingleShare: number;
  /** Repetition: share of the text taken by one content word (in texts with 20+ words). */
  readonly maxTopWordShare: number;
  /** Boilerplate: lexical diversity below this (in texts with 40+ words). */
  readonly minLexicalDiversity: number;
  /** Boilerplate: stock phrases per 100 words from this (with at least 3 of them). */
  readonly maxStockPhrasesPer100Words: number;
  /** Shouting: share of capitals among cased letters (with 20+ letters). */
  readonly maxUpperCaseRatio: number;
  /** Shouting: runs of "!!" or "?!?" from this count. */
  readonly maxExclamationRuns: number;
  /** Promotional: distinct sales phrases from this count (one fewer when there is a link). */
  readonly promotionalPhrases: number;
}

export const DEFAULT_FRAUD_CONFIG: FraudConfig = {
  similarityFloor: 0.3,
  velocitySimilarity: 0.6,
  velocityLimit: 3,
  maxUrlShare: 0.5,
  minWordsPerLink: 12,
  maxRepeatedShingleShare: 0.4,
  maxTopWordShare: 0.2,
  minLexicalDiversity: 0.45,
  maxStockPhrasesPer100Words: 1.5,
  maxUpperCaseRatio: 0.6,
  maxExclamationRuns: 3,
  promotionalPhrases: 3,
};

/** What fraud checks may look up; the submission itself is never its own duplicate. */
export interface FraudContext {
  readonly submissionId: string;
  readonly author: string;
  readonly duplicates: DuplicateLookup;
  readonly history: AuthorHistoryLookup;
}

/** The earlier submission most like this one, and how alike (the largest of its copy figures, 0..1). */
export interface NearMatch {
  readonly id: string;
  readonly similarity: number;
}

export interface FraudReport {
  readonly flags: readonly Flag[];
  /** Highest similarity to an earlier submission (0 when none reaches the floor). */
  readonly maxSimilarity: number;
  /** The most similar earlier submission, if any reaches the floor. */
  readonly nearest?: NearMatch;
}

/** Runs every check; pure given the context's lookups. */
export function runFraudChecks(doc: Preprocessed, fp: Fingerprint, context: FraudContext, config: FraudConfig = DEFAULT_FRAUD_CONFIG): FraudReport {
  if (doc.tokens.length === 0) {
    return { flags: [flag("empty_content", "The text contains no words.", { chars: doc.length.chars })], maxSimilarity: 0 };
  }
  const report = context.duplicates.lookup(fp.sketch, context.submissionId);
  const closest = report.nearest === undefined ? undefined : { id: report.nearest.id, similarity: similarityOf(report.nearest) };
  const nearest = closest !== undefined && closest.similarity >= config.similarityFloor ? closest : undefined;
  const exact = checkExactDuplicate(report);
  const flags = [
    exact,
    checkPromptInjection(doc),
    exact ? undefined : checkNearDuplicate(report.copy),
    exact ? undefined : checkTemplateFarm(report),
    exact || report.copy?.id === report.facts?.id ? undefined : checkSameFacts(report),
    checkObfuscation(doc),
    checkAuthorVelocity(fp, context, config),
    checkLinkDensity(doc, config),
    checkPromotional(doc, config),
    checkRepetition(doc, fp, config),
    checkBoilerplate(doc, config),
    checkShouting(doc, config),
  ].filter((f): f is Flag => f !== undefined);
  flags.sort((a, b) => FLAG_ORDER.indexOf(a.code) - FLAG_ORDER.indexOf(b.code));
  return { flags, maxSimilarity: exact ? 1 : (nearest?.similarity ?? 0), ...(nearest ? { nearest } : {}) };
}

export function checkExactDuplicate(report: DuplicateReport): Flag | undefined {
  const original = report.exact;
  if (original === undefined) return undefined;
  return flag("exact_duplicate", `Same text as submission ${original} (after normalization).`, { originalId: original });
}

/** The copy figures of a match as one similarity: the largest of them. */
export function similarityOf(match: CopyMatch): number {
  return round2(Math.max(match.containsOld, match.containsNew, match.orderedOld, match.orderedNew));
}

export function checkNearDuplicate(copy: CopyMatch | undefined): Flag | undefined {
  if (!copy || !isCopy(copy, DEFAULT_DUPLICATE_THRESHOLDS)) return undefined;
  const embedded = copy.containsNew > copy.containsOld + 0.2 || copy.orderedNew > copy.orderedOld + 0.2;
  return flag(
    "near_duplicate",
    `A copy of submission ${copy.id}${embedded ? " embedded in other text" : ""}: ${percent(copy.orderedOld)} of its words in the same order, ${percent(Math.max(copy.containsOld, copy.containsNew))} of word pairs shared.`,
    {
      originalId: copy.id,
      sharedPairs: copy.shared,
      containsOld: round2(copy.containsOld),
      containsNew: round2(copy.containsNew),
      orderedOld: round2(copy.orderedOld),
      orderedNew: round2(copy.orderedNew),
    },
  );
}

export function checkTemplateFarm(report: DuplicateReport): Flag | undefined {
  const t = report.template;
  if (!t) return undefined;
  return flag(
    "template_farm",
    `The same template (numbers, names, links and dates aside) as ${t.count} earlier submission${t.count === 1 ? "" : "s"} from ${t.authors} author${t.authors === 1 ? "" : "s"}, first ${t.firstId}.`,
    { originalId: t.firstId, earlier: t.count, authors: t.authors },
  );
}

export function checkSameFacts(report: DuplicateReport): Flag | undefined {
  const f = report.facts;
  if (!f) return undefined;
  return flag(
    "same_facts",
    `States the same specific facts as submission ${f.id} in other words: ${f.sharedFacts} of its ${f.facts} numbers and names (${f.sharedNumbers} numbers).`,
    { originalId: f.id, sharedFacts: f.sharedFacts, sharedNumbers: f.sharedNumbers, facts: f.facts },
  );
}

/** Obfuscation: invisible characters inside words, tag characters, look-alike letters (canonical.ts). */
export function checkObfuscation(doc: Preprocessed): Flag | undefined {
  const o = doc.obfuscation;
  const words = o.invisibleInWords + o.mixedScriptWords;
  if (o.tagCharacters === 0 && words < 2) return undefined;
  const parts = [
    ...(o.invisibleInWords > 0 ? [`${o.invisibleInWords} word${o.invisibleInWords === 1 ? "" : "s"} with invisible characters`] : []),
    ...(o.mixedScriptWords > 0 ? [`${o.mixedScriptWords} word${o.mixedScriptWords === 1 ? "" : "s"} in look-alike letters`] : []),
    ...(o.tagCharacters > 0 ? [`${o.tagCharacters} hidden tag characters`] : []),
  ];
  return flag("obfuscation", `Text disguised from filters: ${parts.join("; ")} (e.g. ${o.examples.map((e) => `"${e}"`).join(", ")}).`, {
    invisibleInWords: o.invisibleInWords,
    mixedScriptWords: o.mixedScriptWords,
    tagCharacters: o.tagCharacters,
    examples: o.examples.join(" "),
  });
}

export function checkAuthorVelocity(fp: Fingerprint, context: FraudContext, config: FraudConfig): Flag | undefined {
  if (isEmptySignature(fp.signature)) return undefined;
  const similar = context.history
    .recent(context.author)
    .filter((item) => item.id !== context.submissionId && !isEmptySignature(item.signature))
    .filter((item) => estimateSimilarity(item.signature, fp.signature) >= config.velocitySimilarity);
  if (similar.length < config.velocityLimit) return undefined;
  const ids = similar.map((item) => item.id);
  return flag(
    "author_velocity",
    `The author recently submitted ${similar.length} items at least ${percent(config.velocitySimilarity)} similar to this one (flagged from ${config.velocityLimit}): ${listIds(ids)}.`,
    { count: similar.length, limit: config.velocityLimit, ids: ids.join(",") },
  );
}

export function checkPromptInjection(doc: Preprocessed): Flag | undefined {
  const matches = detectPromptInjection(doc.text, doc.hiddenTagText);
  if (matches.length === 0) return undefined;
  const described = matches.map((m) => `${familyOf(m)} ("${m.excerpt}")`).join("; ");
  return flag("prompt_injection", `Text addressed to the evaluator instead of readers: ${described}.`, {
    kinds: [...new Set(matches.map((m) => m.kind))].join(","),
    families: matches.map(familyOf).join(","),
  });
}

export function checkLinkDensity(doc: Preprocessed, config: FraudConfig): Flag | undefined {
  const links = doc.structure.links;
  if (links.length === 0) return undefined;
  const urlShare = links.reduce((sum, url) => sum + url.length, 0) / Math.max(1, doc.text.length);
  const wordsPerLink = doc.length.words / links.length;
  if (urlShare < config.maxUrlShare && (links.length < 3 || wordsPerLink >= config.minWordsPerLink)) return undefined;
  return flag("link_density", `${links.length} link${links.length === 1 ? "" : "s"} in ${doc.length.words} words; URLs are ${percent(urlShare)} of the text.`, {
    links: links.length,
    words: doc.length.words,
    urlShare: round2(urlShare),
  });
}

export function checkPromotional(doc: Preprocessed, config: FraudConfig): Flag | undefined {
  const phrases = promotionalPhrases(doc.canonical);
  const needed = doc.structure.links.length > 0 ? config.promotionalPhrases - 1 : config.promotionalPhrases;
  if (phrases.length < needed) return undefined;
  return flag("promotional", `Sales or bait phrases: ${quoteList(phrases)}.`, { phrases: phrases.length });
}

export function checkRepetition(doc: Preprocessed, fp: Fingerprint, config: FraudConfig): Flag | undefined {
  const repeatedShare = fp.shingles >= 15 ? 1 - fp.uniqueShingles / fp.shingles : 0;
  const top = topContentWord(doc);
  const topShare = doc.length.words >= 20 && top ? top.count / doc.length.words : 0;
  const reasons: string[] = [];
  if (repeatedShare >= config.maxRepeatedShingleShare) reasons.push(`${percent(repeatedShare)} of 3-word sequences are repeats`);
  if (doc.style.repeatedLines >= 2 && doc.style.repeatedLines / doc.style.lines >= 0.3) {
    reasons.push(`${doc.style.repeatedLines} of ${doc.style.lines} lines repeat earlier lines`);
  }
  if (topShare >= config.maxTopWordShare && top) reasons.push(`"${top.word}" is ${percent(topShare)} of all words`);
  if (doc.style.repeatedCharRuns >= 3) reasons.push(`${doc.style.repeatedCharRuns} stretched words ("sooooo")`);
  if (reasons.length === 0) return undefined;
  return flag("repetition", `Repetitive text: ${reasons.join("; ")}.`, {
    repeatedShingleShare: round2(repeatedShare),
    repeatedLines: doc.style.repeatedLines,
    topWordShare: round2(topShare),
  });
}

export function checkBoilerplate(doc: Preprocessed, config: FraudConfig): Flag | undefined {
  const stock = doc.style.stockPhrases;
  const per100 = (stock * 100) / Math.max(1, doc.length.words);
  const reasons: string[] = [];
  if (stock >= 3 && per100 >= config.maxStockPhrasesPer100Words) {
    reasons.push(`${stock} stock phrases (${quoteList([...new Set(stockPhrases(doc.canonical))])})`);
  }
  if (doc.length.words >= 40 && doc.style.lexicalDiversity < config.minLexicalDiversity) {
    reasons.push(`lexical diversity ${doc.style.lexicalDiversity.toFixed(2)} (minimum ${config.minLexicalDiversity})`);
  }
  if (reasons.length === 0) return undefined;
  return flag("boilerplate", `Generic or formulaic text: ${reasons.join("; ")}.`, {
    stockPhrases: stock,
    lexicalDiversity: round2(doc.style.lexicalDiversity),
  });
}

export function checkShouting(doc: Preprocessed, config: FraudConfig): Flag | undefined {
  const caps = doc.style.letters >= 20 && doc.style.upperCaseRatio >= config.maxUpperCaseRatio;
  const bangs = doc.style.exclamationRuns >= config.maxExclamationRuns;
  if (!caps && !bangs) return undefined;
  const reasons = [...(caps ? [`${percent(doc.style.upperCaseRatio)} of letters are capitals`] : []), ...(bangs ? [`${doc.style.exclamationRuns} runs of "!!"`] : [])];
  return flag("shouting", `Shouting: ${reasons.join("; ")}.`, {
    upperCaseRatio: round2(doc.style.upperCaseRatio),
    exclamationRuns: doc.style.exclamationRuns,
  });
}

function topContentWord(doc: Preprocessed): { word: string; count: number } | undefined {
  // Stop words are frequent by nature; only content words count as stuffing.
  const stopWords = stopWordsFor(doc.language.code);
  let best: { word: string; count: number } | undefined;
  doc.vocabulary.forEach((word, i) => {
    const count = doc.tokenCounts[i]!;
    if (word.length < 3 || stopWords?.has(word) || /^\p{N}/u.test(word)) return;
    if (!best || count > best.count) best = { word, count };
  });
  return best;
}

function flag(code: FlagCode, detail: string, evidence: Record<string, string | number>): Flag {
  return { code, severity: FLAG_SEVERITY[code], detail, evidence };
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function quoteList(items: readonly string[]): string {
  const shown = items.slice(0, 4).map((item) => `"${item}"`);
  return items.length > 4 ? `${shown.join(", ")} and ${items.length - 4} more` : shown.join(", ");
}

function listIds(ids: readonly string[]): string {
  return ids.length > 5 ? `${ids.slice(-5).join(", ")} and ${ids.length - 5} earlier` : ids.join(", ");
}
