/** Seeded randomness for the scoring corpus: every generator is a pure function of its seed. */
import { prng } from "../../../test/helpers/prng";

export class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = prng(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error("pick from an empty list");
    return list[Math.floor(this.next() * list.length)]!;
  }

  /** `count` distinct items (or all of them, shuffled, if fewer). */
  sample<T>(list: readonly T[], count: number): T[] {
    return this.shuffle(list).slice(0, count);
  }

  shuffle<T>(list: readonly T[]): T[] {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }

  /** A child generator, so that adding draws to one family does not shift another's samples. */
  fork(label: string): Random {
    let hash = Math.floor(this.next() * 0xffffffff);
    for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Random(hash);
  }
}

/** The corpus is cut in two: generators and sources tuned on "tune", figures reported on "heldout". */
export type Split = "tune" | "heldout";

/** The half of a pool that belongs to a split (alternate entries), so held-out samples use templates tuning never saw. */
export function half<T>(pool: readonly T[], split: Split): T[] {
  return pool.filter((_, i) => (i % 2 === 0) === (split === "tune"));
}

export function sentences(text: string): string[] {
  // A sentence ends at . ! or ? followed by space and a capital, a quote or a digit; common abbreviations are kept.
  const parts = text.split(/(?<=(?<!\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|No|vs|U\.S|etc))[.!?]["”']?)\s+(?=["“A-Z0-9])/);
  return parts.map((s) => s.trim()).filter((s) => s !== "");
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
