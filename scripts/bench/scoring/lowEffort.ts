/**
 * Low-effort families: texts a farmer produces without knowing anything. Every generator draws
 * topics, templates and shapes from pools; `half(pool, split)` gives the held-out split templates
 * tuning never saw, so the figures measure families, not samples.
 */
import { vocabulary } from "./prose";
import { Random, type Split, capitalize, half } from "./random";

export const TOPICS = [
  "renewable energy",
  "remote work",
  "personal finance",
  "healthy eating",
  "online learning",
  "electric cars",
  "urban gardening",
  "cloud computing",
  "social media",
  "mental health",
  "small business",
  "digital marketing",
  "climate change",
  "public transport",
  "home security",
  "sleep quality",
  "team leadership",
  "data privacy",
  "customer service",
  "time management",
  "artificial intelligence",
  "travel planning",
  "water conservation",
  "cybersecurity",
  "supply chains",
  "sustainable fashion",
  "fitness routines",
  "local tourism",
  "blockchain",
  "language learning",
  "smart homes",
  "recycling",
  "career growth",
  "parenting",
  "pet care",
  "space exploration",
  "video games",
  "cooking at home",
  "mobile apps",
  "volunteering",
  "real estate",
  "music education",
  "food delivery",
  "wildlife protection",
  "public libraries",
  "bicycle commuting",
  "solar panels",
  "online privacy",
];

/** Stock phrases of machine-made filler (many are on the evaluator's list; farmers avoid them in the other family). */
const STOCK = [
  "In today's fast-paced world,",
  "In today's digital age,",
  "It is important to note that",
  "It is worth noting that",
  "When it comes to {t},",
  "First and foremost,",
  "Last but not least,",
  "At the end of the day,",
  "In conclusion,",
  "Needless to say,",
  "All in all,",
  "In the realm of {t},",
  "In the ever-evolving landscape of {t},",
  "It goes without saying that",
  "One thing is certain:",
  "Whether you're a beginner or an expert,",
];

const STOCK_CLAIMS = [
  "{t} plays a crucial role in our lives.",
  "{t} is a game-changer for everyone.",
  "{t} can unlock the full potential of any organization.",
  "{t} offers a wide range of benefits.",
  "{t} is a testament to human ingenuity.",
  "embracing {t} will take you to the next level.",
  "{t} opens endless possibilities.",
  "{t} is transforming the way we live and work.",
  "{t} offers innovative solutions to modern challenges.",
  "{t} helps you stay ahead of the curve.",
  "{t} represents a paradigm shift.",
  "harnessing the power of {t} is essential.",
  "{t} provides a holistic approach to success.",
  "{t} delivers seamless experiences.",
  "a plethora of options exist in {t}.",
  "the possibilities of {t} are endless.",
];

/** Generic claims without specifics and without listed stock phrases: the structural genericity family. */
const PLAIN_CLAIMS = [
  "{T} is something that matters to a lot of people.",
  "There are many different ways to think about {t}.",
  "Some people really like {t}, and other people do not.",
  "{T} can be helpful in many situations.",
  "It is a good idea to learn more about {t}.",
  "Many experts agree that {t} is important.",
  "{T} has both advantages and disadvantages.",
  "Everyone should consider {t} at some point.",
  "{T} is becoming more and more popular these days.",
  "There are several things to keep in mind about {t}.",
  "{T} can make a real difference for you.",
  "People often ask questions about {t}.",
  "The world of {t} keeps changing over time.",
  "You can find a lot of information about {t}.",
  "{T} is not always easy, but it is worth it.",
  "With the right approach, {t} can work well.",
  "{T} affects many parts of our daily lives.",
  "There is a lot to say about {t}.",
  "It depends on the situation when it comes to choosing {t}.",
  "Different people have different opinions on {t}.",
  "{T} will probably continue to grow in the future.",
  "Understanding {t} is a useful skill.",
  "There are good and bad sides to {t}.",
  "Many businesses are interested in {t} right now.",
  "{T} can be both simple and complicated.",
  "It is always good to be careful with {t}.",
  "A lot of things have changed in {t} recently.",
  "{T} is something you should not ignore.",
  "Some aspects of {t} are better than others.",
  "Most people can benefit from {t} in some way.",
];

const CLOSERS = [
  "Thanks for reading!",
  "I hope this helps.",
  "Let me know what you think.",
  "What do you think about {t}?",
  "Stay tuned for more.",
  "Share this with your friends.",
  "That is all for today.",
  "",
];

const ONE_LINERS = [
  "Great post, thanks for sharing!",
  "This is really interesting.",
  "I agree with this.",
  "Nice one.",
  "Very useful, thank you.",
  "{T} is the future.",
  "I love {t}!",
  "Does anyone know more about {t}?",
  "Wow, amazing.",
  "So true.",
  "Good point about {t}.",
  "Check this out.",
  "Interesting take on {t}.",
  "Can't wait to see more.",
  "This changed my life.",
  "Well said!",
  "Totally agree with you on {t}.",
  "Best thing I read today.",
  "{T} rocks.",
  "Hmm, not sure about that.",
];

const LIST_TITLES = [
  "{n} Ways {T} Can Change Your Life",
  "Top {n} Tips for {T}",
  "{n} Things Nobody Tells You About {T}",
  "The Ultimate Guide to {T}: {n} Key Ideas",
  "{n} Reasons Why {T} Matters",
  "{n} Simple Steps to Master {T}",
  "{n} Secrets of {T} Experts",
  "Why {T} Is Important: {n} Points",
  "{n} Mistakes to Avoid in {T}",
  "{n} Benefits of {T} You Should Know",
];

const LIST_HEADINGS = [
  "Start With the Basics",
  "Set Clear Goals",
  "Stay Consistent",
  "Learn From Experts",
  "Track Your Progress",
  "Keep It Simple",
  "Think Long Term",
  "Build Good Habits",
  "Use the Right Tools",
  "Ask for Feedback",
  "Stay Motivated",
  "Focus on Quality",
  "Avoid Common Pitfalls",
  "Embrace Change",
  "Plan Ahead",
  "Measure What Matters",
  "Invest in Yourself",
  "Stay Informed",
  "Collaborate With Others",
  "Never Give Up",
];

type Fill = { t: string };

function fill(template: string, { t }: Fill, n = 0): string {
  return template.replaceAll("{T}", capitalize(t)).replaceAll("{t}", t).replaceAll("{n}", String(n));
}

export type LowEffortFamily = "one_liner" | "keyword_list" | "repetition" | "filler_stock" | "filler_plain" | "listicle" | "word_salad" | "shuffled_prose";

export const LOW_EFFORT_FAMILIES: readonly LowEffortFamily[] = [
  "one_liner",
  "keyword_list",
  "repetition",
  "filler_stock",
  "filler_plain",
  "listicle",
  "word_salad",
  "shuffled_prose",
];

/** Template filler with stock phrases: 4..9 sentences of openers + empty claims about one topic. */
export function fillerStock(random: Random, split: Split): string {
  const topic = random.pick(half(TOPICS, split));
  const stock = half(STOCK, split);
  const claims = [...half(STOCK_CLAIMS, split), ...half(PLAIN_CLAIMS, split)];
  const parts: string[] = [];
  const count = random.int(4, 9);
  for (let i = 0; i < count; i++) {
    const claim = fill(random.pick(claims), { t: topic });
    parts.push(random.chance(0.6) ? `${fill(random.pick(stock), { t: topic })} ${claim.charAt(0).toLowerCase()}${claim.slice(1)}` : capitalize(claim));
  }
  const closer = fill(random.pick(CLOSERS), { t: topic });
  return paragraphs(random, [...parts, ...(closer ? [closer] : [])]);
}

/** Filler that avoids every listed stock phrase: generic claims without specifics. */
export function fillerPlain(random: Random, split: Split): string {
  const topic = random.pick(half(TOPICS, split));
  const claims = random.sample(half(PLAIN_CLAIMS, split), random.int(4, 9));
  return paragraphs(
    random,
    claims.map((c) => fill(c, { t: topic })),
  );
}

/** A listicle: a Title Case title, numbered Title Case headings, one generic sentence under each. */
export function listicle(random: Random, split: Split): string {
  const topic = random.pick(half(TOPICS, split));
  const n = random.int(4, 9);
  const headings = random.sample(half(LIST_HEADINGS, split).concat(half(LIST_HEADINGS, split === "tune" ? "heldout" : "tune")), n);
  const claims = [...half(PLAIN_CLAIMS, split), ...half(STOCK_CLAIMS, split)];
  const markdown = random.chance(0.5);
  const lines = [markdown ? `# ${fill(random.pick(LIST_TITLES), { t: topic }, n)}` : fill(random.pick(LIST_TITLES), { t: topic }, n), ""];
  headings.forEach((heading, i) => {
    lines.push(markdown ? `## ${i + 1}. ${heading}` : `${i + 1}. ${heading}`);
    lines.push(capitalize(fill(random.pick(claims), { t: topic })));
    lines.push("");
  });
  lines.push(fill(random.pick(CLOSERS), { t: topic }));
  return lines.join("\n").trim();
}

export function oneLiner(random: Random, split: Split): string {
  return fill(random.pick(half(ONE_LINERS, split)), { t: random.pick(TOPICS) });
}

/** Keywords of one topic: vocabulary words, hashtags or comma lists, 8..40 of them. */
export function keywordList(random: Random, split: Split): string {
  const vocab = vocabularyCache(split);
  const topic = random.pick(half(TOPICS, split));
  const words = [topic, ...Array.from({ length: random.int(8, 40) }, () => contentWord(random, vocab))];
  const style = random.int(0, 3);
  if (style === 0) return words.join(", ");
  if (style === 1) return words.map((w) => `#${w.replace(/\s+/g, "")}`).join(" ");
  if (style === 2) return words.join("\n");
  return `${capitalize(topic)}: ${words.slice(1).join(" ")}`;
}

/** One sentence or phrase repeated, sometimes with small changes. */
export function repetition(random: Random, split: Split): string {
  const topic = random.pick(half(TOPICS, split));
  const base = fill(random.pick([...half(PLAIN_CLAIMS, split), ...half(ONE_LINERS, split)]), { t: topic });
  const times = random.int(5, 30);
  const varied = random.chance(0.5);
  const parts = Array.from({ length: times }, (_, i) => (varied && i % 3 === 1 ? base.replace(/[.!?]$/, `, really${i % 2 ? "!" : "."}`) : base));
  return random.chance(0.5) ? parts.join(" ") : parts.join("\n");
}

/** A content word: among the 2,000 most frequent, past the 100 most frequent (function words), 4+ letters. */
function contentWord(random: Random, vocab: { words: string[]; cumulative: number[] }): string {
  for (;;) {
    const word = weightedWord(random, vocab, 2000);
    if (word.length >= 4 && vocab.words.indexOf(word) >= 100) return word;
  }
}

/** Real words in sentence shapes (capital, commas, period), drawn by speech frequency: no meaning. */
export function wordSalad(random: Random, split: Split): string {
  const vocab = vocabularyCache(split);
  const sentenceCount = random.int(4, 10);
  const out: string[] = [];
  for (let s = 0; s < sentenceCount; s++) {
    const length = random.int(8, 22);
    const words = Array.from({ length }, (_, i) => {
      const word = weightedWord(random, vocab, random.chance(0.4) ? 150 : 3000);
      return i > 2 && i < length - 2 && random.chance(0.08) ? `${word},` : word;
    });
    out.push(`${capitalize(words.join(" "))}.`);
  }
  return paragraphs(random, out);
}

/** The words of a real paragraph, shuffled within the text: real vocabulary, real numbers, no sentences. */
export function shuffledProse(random: Random, paragraph: string): string {
  const words = random.shuffle(
    paragraph
      .replace(/[.!?;:]/g, "")
      .split(/\s+/)
      .filter((w) => w !== ""),
  );
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    const length = random.int(8, 20);
    out.push(`${capitalize(words.slice(i, i + length).join(" "))}.`);
    i += length;
  }
  return out.join(" ");
}

/** Sentences into 1..3 paragraphs. */
export function paragraphs(random: Random, sentences: readonly string[]): string {
  const count = Math.min(sentences.length, random.int(1, 3));
  const size = Math.ceil(sentences.length / count);
  const out: string[] = [];
  for (let i = 0; i < sentences.length; i += size) out.push(sentences.slice(i, i + size).join(" "));
  return out.join("\n\n");
}

const vocabularies = new Map<Split, { words: string[]; cumulative: number[] }>();

function vocabularyCache(split: Split): { words: string[]; cumulative: number[] } {
  let cached = vocabularies.get(split);
  if (!cached) {
    const { words, weights } = vocabulary(split);
    const cumulative: number[] = [];
    let sum = 0;
    for (const weight of weights) cumulative.push((sum += Math.sqrt(weight)));
    cached = { words, cumulative };
    vocabularies.set(split, cached);
  }
  return cached;
}

/** A word among the `top` most frequent, weighted by the square root of its frequency; skips 1-2 letter words sometimes. */
function weightedWord(random: Random, vocab: { words: string[]; cumulative: number[] }, top: number): string {
  const limit = Math.min(top, vocab.words.length) - 1;
  const target = random.float() * vocab.cumulative[limit]!;
  let lo = 0;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (vocab.cumulative[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return vocab.words[lo]!;
}

/** One sample of a family; `paragraph` feeds the family built from real prose. */
export function lowEffortSample(family: LowEffortFamily, random: Random, split: Split, paragraph: string): string {
  switch (family) {
    case "one_liner":
      return oneLiner(random, split);
    case "keyword_list":
      return keywordList(random, split);
    case "repetition":
      return repetition(random, split);
    case "filler_stock":
      return fillerStock(random, split);
    case "filler_plain":
      return fillerPlain(random, split);
    case "listicle":
      return listicle(random, split);
    case "word_salad":
      return wordSalad(random, split);
    case "shuffled_prose":
      return shuffledProse(random, paragraph);
  }
}
