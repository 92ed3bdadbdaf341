import type { CopySketch } from "./copySketch";

/** Content words of each side that the in-order comparison reads (bounds its cost). */
export const MAX_SEQUENCE = 400;

/**
 * The duplicate index: every evaluated submission's copy sketch (copySketch.ts), looked up by
 * each new submission. Lookups only ever see submissions with a smaller id than the one asking
 * (the on-chain order), and always name the earliest qualifying one, so the verdict does not
 * depend on the order in which a node registered items: register 6 before 5 and 5 still finds
 * nothing earlier, while 6 is still attributed to 5.
 *
 * The storage is behind `CopyStore`: `MemoryCopyStore` for the batch CLI and tests,
 * `SqliteCopyStore` (store/copyIndex.ts) for a node, persisted with its database. Both answer the
 * same queries with the same results.
 */
export interface CopyStore {
  /** The smallest id below `before` registered with this content key. */
  firstWithKey(contentKey: string, before: bigint): bigint | undefined;
  /** Up to `limit` ids below `before` holding `hash` in the given list, ascending. */
  postings(list: "shingle" | "fact", hash: number, before: bigint, limit: number): readonly bigint[];
  /** Shingle and fact counts of a registered item, and its content-word sequence. */
  item(id: bigint): { shingles: number; facts: number; words: Uint32Array } | undefined;
  /** Up to `limit` items below `before` with this template key, ascending by id. */
  templateItems(template: string, before: bigint, limit: number): readonly { id: bigint; author: string }[];
  /** Whether `id` is registered. */
  has(id: bigint): boolean;
  /** Registers an item; `contentHash` (the on-chain content hash) lets a node drop it after a reorg. */
  add(id: bigint, author: string, sketch: CopySketch, contentHash?: string): void;
}

export interface CopyMatch {
  readonly id: string;
  /** Sampled shingles shared with the earlier item. */
  readonly shared: number;
  /** Share of this text's shingles found in the earlier one (a copy of it or of a part of it). */
  readonly containsOld: number;
  /** Share of the earlier text's shingles found in this one (it is embedded here). */
  readonly containsNew: number;
  /** Content words of this text found in the earlier one in the same order (longest common subsequence ÷ this text's words). */
  readonly orderedOld: number;
  /** The same ÷ the earlier text's words. */
  readonly orderedNew: number;
}

export interface FactsMatch {
  readonly id: string;
  readonly sharedFacts: number;
  readonly sharedNumbers: number;
  readonly facts: number;
}

export interface TemplateMatch {
  /** The first earlier item with the same template. */
  readonly firstId: string;
  /** Earlier items with the same template (at most TEMPLATE_SCAN). */
  readonly count: number;
  /** Distinct authors among them. */
  readonly authors: number;
}

export interface DuplicateReport {
  /** The earliest earlier item with the same content key. */
  readonly exact?: string;
  /** The earliest earlier item that this text copies (containment at or above the threshold). */
  readonly copy?: CopyMatch;
  /** The earlier item sharing the most shingles (for the originality sub-score), if any. */
  readonly nearest?: CopyMatch;
  readonly facts?: FactsMatch;
  readonly template?: TemplateMatch;
}

export interface DuplicateThresholds {
  /** Shingle containment (either way) from which a text is a copy: survives reordering. */
  readonly containment: number;
  /** In-order share of content words, both ways, from which a text is a copy: survives substitution. */
  readonly ordered: number;
  /** In-order share of content words, either way, from which a text is a copy: an embedded or partial copy. */
  readonly orderedEither: number;
  /** Weighted pair containment the in-order rules need besides. */
  readonly orderedMinPairs: number;
  /** Sampled shingles a copy must share at least. */
  readonly minShared: number;
  /** Same facts: shared facts at least, of them numbers at least, and share of this text's facts. */
  readonly minSharedFacts: number;
  readonly minSharedNumbers: number;
  readonly minFactShare: number;
  /** Template farm: earlier items with the same template from which the flag is raised. */
  readonly templateCount: number;
}

export const DEFAULT_DUPLICATE_THRESHOLDS: DuplicateThresholds = {
  containment: 0.5,
  ordered: 0.4,
  orderedEither: 0.6,
  orderedMinPairs: 0.2,
  minShared: 4,
  minSharedFacts: 4,
  minSharedNumbers: 3,
  minFactShare: 0.6,
  templateCount: 2,
};

/** Ids per posting list a lookup reads (the earliest ones): bounds the work of common shingles. */
export const POSTINGS_PER_HASH = 64;
/** Candidates verified per lookup, by most shared shingles. */
const MAX_CANDIDATES = 12;
const TEMPLATE_SCAN = 64;
/** Earlier items stating a fact from which it is common rather than specific. */
const FACT_COMMON = 8;

/** What fraud checks read about earlier submissions' content. */
export interface DuplicateLookup {
  lookup(sketch: CopySketch, submissionId: string): DuplicateReport;
}

/** A duplicate lookup that also records new submissions. */
export interface DuplicateRegistry extends DuplicateLookup {
  register(id: string, author: string, sketch: CopySketch, contentHash?: string): void;
}

export class DuplicateIndex implements DuplicateRegistry {
  constructor(
    readonly store: CopyStore = new MemoryCopyStore(),
    readonly thresholds: DuplicateThresholds = DEFAULT_DUPLICATE_THRESHOLDS,
  ) {}

  /** Registers a submission once; registering an id again changes nothing. */
  register(id: string, author: string, sketch: CopySketch, contentHash?: string): void {
    const key = BigInt(id);
    if (this.store.has(key)) return;
    this.store.add(key, author.toLowerCase(), sketch, contentHash);
  }

  lookup(sketch: CopySketch, submissionId: string): DuplicateReport {
    const before = BigInt(submissionId);
    const t = this.thresholds;
    const exactId = this.store.firstWithKey(sketch.contentKey, before);
    const { copy, nearest } = this.findCopies(sketch, before);
    const facts = this.findFacts(sketch, before);
    const template = this.findTemplate(sketch, before);
    return {
      ...(exactId !== undefined ? { exact: exactId.toString() } : {}),
      ...(copy ? { copy } : {}),
      ...(nearest ? { nearest } : {}),
      ...(facts ? { facts } : {}),
      ...(template && template.count >= t.templateCount ? { template } : {}),
    };
  }

  private findCopies(sketch: CopySketch, before: bigint): { copy?: CopyMatch; nearest?: CopyMatch } {
    // Each shingle weighs less the more earlier items hold it: pairs of words that many texts on
    // one topic share ("federal government") say little; the rare pairs of a copy say much.
    const counts = new Map<bigint, number>();
    const weights = new Map<bigint, number>();
    let totalWeight = 0;
    for (const h of sketch.shingles) {
      const ids = this.store.postings("shingle", h, before, POSTINGS_PER_HASH);
      const w = shingleWeight(ids.length);
      totalWeight += w;
      for (const id of ids) {
        counts.set(id, (counts.get(id) ?? 0) + 1);
        weights.set(id, (weights.get(id) ?? 0) + w);
      }
    }
    const candidates = topCandidates(counts, Math.max(2, this.thresholds.minShared));
    let copy: CopyMatch | undefined;
    let nearest: CopyMatch | undefined;
    for (const [id, shared] of candidates) {
      const item = this.store.item(id);
      const size = item?.shingles ?? 0;
      const containsOld = totalWeight === 0 ? 0 : round4(weights.get(id)! / totalWeight);
      const containsNew = size === 0 ? 0 : round4(Math.min(1, weights.get(id)! / size));
      // The in-order comparison only matters with enough weighted pairs (isCopy); skip it otherwise.
      const compare = item !== undefined && Math.max(containsOld, containsNew) >= this.thresholds.orderedMinPairs;
      const mine = sketch.words.subarray(0, MAX_SEQUENCE);
      const theirs = compare ? item.words.subarray(0, MAX_SEQUENCE) : undefined;
      const common = theirs === undefined ? 0 : lcsLength(mine, theirs);
      const match: CopyMatch = {
        id: id.toString(),
        shared,
        containsOld,
        containsNew,
        orderedOld: mine.length === 0 ? 0 : round4(common / mine.length),
        orderedNew: theirs === undefined || theirs.length === 0 ? 0 : round4(common / theirs.length),
      };
      if (nearest === undefined || strength(match) > strength(nearest)) nearest = match;
      if (isCopy(match, this.thresholds) && (copy === undefined || id < BigInt(copy.id))) copy = match;
    }
    return { ...(copy ? { copy } : {}), ...(nearest ? { nearest } : {}) };
  }

  private findFacts(sketch: CopySketch, before: bigint): FactsMatch | undefined {
    const t = this.thresholds;
    if (sketch.facts.length < t.minSharedFacts) return undefined;
    const numeric = new Set<number>();
    for (const f of sketch.facts) if ((f & 1) === 1) numeric.add(f);
    if (numeric.size < t.minSharedNumbers) return undefined;
    // A fact many earlier texts state (a year, a product, a mailing list's name) is not specific:
    // it neither matches nor counts.
    const total = new Map<bigint, number>();
    const numbers = new Map<bigint, number>();
    let specific = 0;
    for (const f of sketch.facts) {
      const ids = this.store.postings("fact", f, before, FACT_COMMON);
      if (ids.length >= FACT_COMMON) continue;
      specific++;
      for (const id of ids) {
        total.set(id, (total.get(id) ?? 0) + 1);
        if ((f & 1) === 1) numbers.set(id, (numbers.get(id) ?? 0) + 1);
      }
    }
    let best: FactsMatch | undefined;
    for (const [id, shared] of total) {
      const sharedNumbers = numbers.get(id) ?? 0;
      if (shared < t.minSharedFacts || sharedNumbers < t.minSharedNumbers || shared / specific < t.minFactShare) continue;
      if (best === undefined || id < BigInt(best.id)) best = { id: id.toString(), sharedFacts: shared, sharedNumbers, facts: specific };
    }
    return best;
  }

  private findTemplate(sketch: CopySketch, before: bigint): TemplateMatch | undefined {
    if (sketch.template === "") return undefined;
    const items = this.store.templateItems(sketch.template, before, TEMPLATE_SCAN);
    if (items.length === 0) return undefined;
    return { firstId: items[0]!.id.toString(), count: items.length, authors: new Set(items.map((i) => i.author)).size };
  }
}

/**
 * Weight of a shingle held by `n` earlier items (counted up to POSTINGS_PER_HASH): 1 for a pair
 * seen at most twice, then 2/n (1/32 for one seen 64 times).
 */
function shingleWeight(n: number): number {
  return n <= 2 ? 1 : 2 / n;
}

/** Rounded so that figures in flags and comparisons are stable across platforms' last bits. */
function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Length of the longest common subsequence of two word sequences: O(|a|·|b|) time, O(|b|) memory. */
export function lcsLength(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  const row = new Uint16Array(b.length + 1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = x === b[j - 1] ? diagonal + 1 : up > row[j - 1]! ? up : row[j - 1]!;
      diagonal = up;
    }
  }
  return row[b.length]!;
}

/** The copy rule (docs/SCORING.md). */
export function isCopy(match: CopyMatch, t: DuplicateThresholds): boolean {
  if (match.shared < t.minShared) return false;
  const pairs = Math.max(match.containsOld, match.containsNew);
  if (pairs >= t.containment) return true;
  // Words in the same order count only with enough rare pairs behind them: boilerplate many texts
  // share (mailing-list footers, newsletter mastheads) is common, so its pairs weigh little.
  if (pairs < t.orderedMinPairs) return false;
  return Math.min(match.orderedOld, match.orderedNew) >= t.ordered || Math.max(match.orderedOld, match.orderedNew) >= t.orderedEither;
}

/** How strongly a match looks like a copy: the larger containment. */
export function strength(match: CopyMatch): number {
  return Math.max(match.containsOld, match.containsNew);
}

/** The candidates sharing the most shingles, ties by smaller id: deterministic. */
function topCandidates(counts: Map<bigint, number>, minShared: number): [bigint, number][] {
  const all = [...counts].filter(([, n]) => n >= minShared);
  all.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return all.slice(0, MAX_CANDIDATES);
}

/** The in-memory store: maps from keys to ascending id lists. */
export class MemoryCopyStore implements CopyStore {
  private readonly keys = new Map<string, bigint[]>();
  private readonly shingleLists = new Map<number, bigint[]>();
  private readonly factLists = new Map<number, bigint[]>();
  private readonly templates = new Map<string, { id: bigint; author: string }[]>();
  private readonly items = new Map<bigint, { shingles: number; facts: number; words: Uint32Array }>();

  get size(): number {
    return this.items.size;
  }

  has(id: bigint): boolean {
    return this.items.has(id);
  }

  firstWithKey(contentKey: string, before: bigint): bigint | undefined {
    const first = this.keys.get(contentKey)?.[0];
    return first !== undefined && first < before ? first : undefined;
  }

  postings(list: "shingle" | "fact", hash: number, before: bigint, limit: number): readonly bigint[] {
    const ids = (list === "shingle" ? this.shingleLists : this.factLists).get(hash);
    if (ids === undefined) return [];
    const out: bigint[] = [];
    for (const id of ids) {
      if (id >= before || out.length >= limit) break;
      out.push(id);
    }
    return out;
  }

  item(id: bigint): { shingles: number; facts: number; words: Uint32Array } | undefined {
    return this.items.get(id);
  }

  templateItems(template: string, before: bigint, limit: number): readonly { id: bigint; author: string }[] {
    const items = this.templates.get(template) ?? [];
    const out: { id: bigint; author: string }[] = [];
    for (const item of items) {
      if (item.id >= before || out.length >= limit) break;
      out.push(item);
    }
    return out;
  }

  add(id: bigint, author: string, sketch: CopySketch): void {
    this.items.set(id, { shingles: sketch.shingles.length, facts: sketch.facts.length, words: sketch.words });
    insertSorted(this.keys, sketch.contentKey, id, (x) => x);
    for (const h of sketch.shingles) insertSorted(this.shingleLists, h, id, (x) => x);
    for (const h of sketch.facts) insertSorted(this.factLists, h, id, (x) => x);
    if (sketch.template !== "") insertSorted(this.templates, sketch.template, { id, author }, (x) => x.id);
  }
}

/** Appends in id order (the usual case in O(1)); an out-of-order id is inserted in place. */
function insertSorted<K, V>(map: Map<K, V[]>, key: K, value: V, idOf: (v: V) => bigint): void {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  let at = list.length;
  const id = idOf(value);
  while (at > 0 && idOf(list[at - 1]!) > id) at--;
  list.splice(at, 0, value);
}
