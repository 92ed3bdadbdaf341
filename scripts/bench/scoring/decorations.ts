/**
 * Decoration tricks: surface features a farmer adds to any text in the hope that they read as
 * evidence. Each trick rewrites a base text; the benchmark compares the same base with and without it.
 */
import { Random, type Split, half, sentences } from "./random";

export type Decoration = "number_unit" | "citation_markers" | "names" | "urls" | "according_to";

export const DECORATIONS: readonly Decoration[] = ["number_unit", "citation_markers", "names", "urls", "according_to"];

const UNITS = [
  "%",
  " percent",
  " km",
  " kg",
  " tonnes",
  " MW",
  " GWh",
  " hours",
  " days",
  " million people",
  " billion dollars",
  " USD",
  " ms",
  " GB",
  " litres",
  " square metres",
  " households",
  " per cent",
  " miles",
  " degrees",
];

const NUMBER_FORMS = [
  "by {n}{u}",
  "(about {n}{u})",
  "with {n}{u}",
  "reaching {n}{u} in {y}",
  "up {n}{u} since {y}",
  "at {n}{u}",
  "in {y}, {n}{u}",
  "for {n}{u}",
  "of roughly {n}{u}",
  "by {y}, around {n}{u}",
  "(+{n}{u})",
  "— {n}{u} —",
];

const ORGS = [
  "NASA",
  "MIT",
  "the WHO",
  "Harvard",
  "Stanford",
  "the OECD",
  "the IMF",
  "CERN",
  "the UN",
  "the World Bank",
  "Oxford",
  "the NIH",
  "Google",
  "IBM",
  "the EU Commission",
  "UNESCO",
  "the CDC",
  "Microsoft",
  "Gartner",
  "McKinsey",
  "the IEA",
  "Deloitte",
  "Caltech",
  "the FDA",
  "the NSF",
  "ETH Zurich",
  "Princeton",
  "NOAA",
  "the ECB",
  "Yale",
];

const PEOPLE = [
  "Dr. Maria Keller",
  "Professor John Abbott",
  "Dr. Anika Rao",
  "Elena Petrova",
  "James Whitfield",
  "Dr. Chen Wei",
  "Professor Laura Méndez",
  "Tom Okafor",
  "Dr. Sarah Lindqvist",
  "Professor Ahmed Nasser",
  "Dr. Yuki Tanaka",
  "Robert Hale",
  "Dr. Fatima Diallo",
  "Professor Paul Brennan",
];

const NAME_FORMS = [
  "as {A} and {B} note",
  "as {P} of {A} explains",
  "a view shared by {A} and {B}",
  "{A}, {B} and {C} agree",
  "as {P} ({A}) points out",
  "echoing {A} and {B}",
  "according to work at {A} and {B}",
  "as shown by {A}",
];

const SOURCES = [
  "a recent study",
  "experts",
  "the latest report",
  "researchers",
  "a 2021 survey",
  "industry analysts",
  "the World Bank",
  "a Harvard study",
  "official statistics",
  "a leading expert",
  "the government",
  "scientists",
  "the data",
  "a new paper",
  "market research",
  "several sources",
  "the OECD",
  "specialists in the field",
];

const ACCORDING_FORMS = ["According to {s}, {x}", "{X}, according to {s}.", "As reported by {s}, {x}", "{s} say that {x}", "Based on {s}, {x}"];

const DOMAINS = [
  "example.com",
  "research-hub.org",
  "data-insights.net",
  "worldstats.info",
  "science-daily.example",
  "en.wikipedia.org",
  "news.example.org",
  "reports.gov.example",
  "journal-online.org",
  "facts-today.net",
  "open-data.org",
  "studies.edu.example",
];

const PATHS = ["report", "study", "2021/findings", "articles", "data/summary", "research/paper", "news/latest", "stats", "pdf/overview"];

function number(random: Random): string {
  const style = random.int(0, 3);
  if (style === 0) return String(random.int(2, 99));
  if (style === 1) return `${random.int(1, 99)}.${random.int(1, 9)}`;
  if (style === 2) return random.int(100, 9999).toLocaleString("en");
  return String(random.int(10, 500));
}

function year(random: Random): string {
  return String(random.int(1995, 2024));
}

function fillForm(form: string, values: Record<string, string>): string {
  return form.replace(/\{(\w)\}/g, (_, key: string) => values[key] ?? "");
}

/** Splits a text into paragraphs of sentences, applies `each` to every sentence, and joins it back. */
function perSentence(text: string, each: (sentence: string, index: number) => string): string {
  let index = 0;
  return text
    .split(/\n{2,}/)
    .map((paragraph) =>
      paragraph
        .split("\n")
        .map((line) =>
          sentences(line)
            .map((s) => each(s, index++))
            .join(" "),
        )
        .join("\n"),
    )
    .join("\n\n");
}

function withClause(sentence: string, clause: string, atEnd: boolean): string {
  const match = /^(.*?)([.!?]["”']?)?$/s.exec(sentence)!;
  const body = match[1]!;
  const end = match[2] ?? ".";
  if (!atEnd) return `${body}, ${clause}${end}`;
  return `${body} ${clause}${end}`;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

export function decorate(text: string, trick: Decoration, random: Random, split: Split): string {
  switch (trick) {
    case "number_unit": {
      const forms = half(NUMBER_FORMS, split).concat(NUMBER_FORMS.slice(0, 2));
      return perSentence(text, (s) => withClause(s, fillForm(random.pick(forms), { n: number(random), u: random.pick(UNITS), y: year(random) }), random.chance(0.6)));
    }
    case "citation_markers": {
      let next = 1;
      const style = random.int(0, 2);
      return perSentence(text, (s) => {
        const markers = random.chance(0.3) ? [next++, next++] : [next++];
        const marker = style === 0 ? markers.map((m) => `[${m}]`).join("") : style === 1 ? `[${markers.join(", ")}]` : markers.map((m) => `[${m}]`).join(" ");
        return s.replace(/([.!?]["”']?)?$/, (end) => ` ${marker}${end || "."}`);
      });
    }
    case "names": {
      const forms = half(NAME_FORMS, split).concat(NAME_FORMS.slice(0, 1));
      return perSentence(text, (s, i) => {
        if (i % 2 === 1 && random.chance(0.5)) return s;
        const [a, b, c] = random.sample(ORGS, 3);
        return withClause(s, fillForm(random.pick(forms), { A: a!, B: b!, C: c!, P: random.pick(PEOPLE) }), false);
      });
    }
    case "urls": {
      const urls = Array.from({ length: 3 }, () => `https://${random.pick(DOMAINS)}/${random.pick(PATHS)}${random.chance(0.5) ? `/${random.int(100, 99999)}` : ""}`);
      const style = random.int(0, 2);
      if (style === 0) return `${text}\n\nSources: ${urls.join(" ")}`;
      if (style === 1) return `${text}\n\n${urls.map((u, i) => `[${i + 1}] ${u}`).join("\n")}`;
      let k = 0;
      const inline = perSentence(text, (s) => (k < 3 && random.chance(0.5) ? withClause(s, `(see ${urls[k++]})`, true) : s));
      return k < 3 ? `${inline}\n\nMore: ${urls.slice(k).join(" ")}` : inline;
    }
    case "according_to": {
      const forms = half(ACCORDING_FORMS, split).concat(ACCORDING_FORMS.slice(0, 1));
      const sources = half(SOURCES, split);
      return perSentence(text, (s, i) => {
        if (i % 2 === 1 && random.chance(0.5)) return s;
        const body = s.replace(/[.!?]["”']?$/, "");
        const form = random.pick(forms);
        const source = random.pick(sources);
        return `${fillForm(form, { s: source, x: lowerFirst(body), X: body }).replace(/^./, (c) => c.toUpperCase())}${form.endsWith(".") ? "" : "."}`;
      });
    }
  }
}

/** Every trick on the same text, in a seeded order. */
export function decorateAll(text: string, random: Random, split: Split): string {
  let out = text;
  // URLs last, so that the other tricks do not rewrite the source lines.
  for (const trick of ["according_to", "names", "number_unit", "citation_markers", "urls"] as const) out = decorate(out, trick, random, split);
  return out;
}
