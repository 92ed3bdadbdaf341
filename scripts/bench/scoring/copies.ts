/**
 * Copy perturbations: what a second author does to an earlier submission to resubmit it as new,
 * and factual posts (written for this project, public domain) for paraphrases that keep the facts.
 */
import { Random, type Split, capitalize, half, sentences } from "./random";

export type Perturbation =
  | "exact"
  | "case"
  | "whitespace"
  | "invisible"
  | "homoglyphs"
  | "substitute_5"
  | "substitute_15"
  | "substitute_30"
  | "adjacent_swaps"
  | "sentence_reorder"
  | "synonyms"
  | "fillers"
  | "appended"
  | "spliced"
  | "embedded"
  | "paraphrase_facts";

export const PERTURBATIONS: readonly Perturbation[] = [
  "exact",
  "case",
  "whitespace",
  "invisible",
  "homoglyphs",
  "substitute_5",
  "substitute_15",
  "substitute_30",
  "adjacent_swaps",
  "sentence_reorder",
  "synonyms",
  "fillers",
  "appended",
  "spliced",
  "embedded",
  "paraphrase_facts",
];

/** Targets from the issue: share of copies that must be caught. */
export const COPY_TARGETS: Readonly<Record<Perturbation, number>> = {
  exact: 0.95,
  case: 0.95,
  whitespace: 0.95,
  invisible: 0.95,
  homoglyphs: 0.95,
  substitute_5: 0.95,
  substitute_15: 0.95,
  substitute_30: 0.8,
  adjacent_swaps: 0.9,
  sentence_reorder: 0.9,
  synonyms: 0.9,
  fillers: 0.9,
  appended: 0.9,
  spliced: 0.9,
  embedded: 0.9,
  paraphrase_facts: 0,
};

const INVISIBLES = ["\uFE0F", "\u2063", "\u200E", "\u200B", "\u200C", "\u200D", "\u2060", "\u00AD", "\uFEFF", "\u180E"];

/** Latin → Cyrillic (and Greek) look-alikes. */
const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ["а"],
  c: ["с"],
  e: ["е"],
  o: ["о", "ο"],
  p: ["р"],
  x: ["х"],
  y: ["у"],
  i: ["і"],
  j: ["ј"],
  s: ["ѕ"],
  A: ["А", "Α"],
  B: ["В", "Β"],
  C: ["С"],
  E: ["Е", "Ε"],
  H: ["Н", "Η"],
  K: ["К", "Κ"],
  M: ["М", "Μ"],
  O: ["О", "Ο"],
  P: ["Р", "Ρ"],
  T: ["Т", "Τ"],
  X: ["Х", "Χ"],
  I: ["І"],
};

export const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  people: ["citizens", "folks", "persons"],
  country: ["nation", "land"],
  nation: ["country"],
  government: ["administration", "state"],
  great: ["large", "major", "big"],
  large: ["big", "great"],
  big: ["large", "huge"],
  small: ["little", "minor"],
  new: ["fresh", "novel"],
  important: ["significant", "vital", "crucial"],
  must: ["should", "need to"],
  help: ["assist", "aid", "support"],
  make: ["create", "build"],
  work: ["labor", "effort"],
  year: ["twelvemonth"],
  years: ["decades", "seasons"],
  many: ["numerous", "several"],
  every: ["each"],
  believe: ["think", "trust"],
  want: ["wish", "desire"],
  need: ["require"],
  needs: ["requires"],
  show: ["demonstrate", "reveal"],
  begin: ["start", "commence"],
  start: ["begin"],
  end: ["finish", "close"],
  increase: ["rise", "growth"],
  reduce: ["cut", "lower"],
  problem: ["issue", "difficulty"],
  problems: ["issues", "difficulties"],
  world: ["globe", "planet"],
  time: ["period", "moment"],
  provide: ["supply", "offer"],
  support: ["back", "endorse"],
  strong: ["powerful", "robust"],
  economy: ["market"],
  jobs: ["positions", "work"],
  children: ["kids", "youngsters"],
  future: ["tomorrow"],
  today: ["now", "nowadays"],
  also: ["too", "likewise"],
  however: ["yet", "still"],
  because: ["since", "as"],
  very: ["really", "highly"],
  good: ["fine", "sound"],
  best: ["finest", "top"],
  more: ["further", "additional"],
  should: ["ought to"],
  able: ["capable"],
  ensure: ["guarantee", "secure"],
  protect: ["defend", "guard"],
  peace: ["calm", "harmony"],
  war: ["conflict"],
  freedom: ["liberty"],
  power: ["strength", "authority"],
  public: ["civic", "common"],
  law: ["statute", "rule"],
  laws: ["statutes", "rules"],
  state: ["nation"],
  states: ["nations"],
  congress: ["legislature"],
  secure: ["safe"],
  health: ["wellbeing"],
  costs: ["expenses"],
  cost: ["price", "expense"],
  money: ["funds", "cash"],
  tax: ["levy", "duty"],
  taxes: ["levies", "duties"],
  schools: ["academies"],
  families: ["households"],
  workers: ["employees", "laborers"],
  business: ["commerce", "trade"],
  hope: ["wish"],
  plan: ["scheme", "program"],
  program: ["plan", "scheme"],
  programs: ["plans", "schemes"],
  act: ["move", "take action"],
  clear: ["plain", "evident"],
  progress: ["advance", "headway"],
  growth: ["expansion", "increase"],
  first: ["initial"],
  last: ["final"],
  together: ["jointly"],
  already: ["previously"],
  often: ["frequently"],
  now: ["currently"],
  high: ["elevated", "tall"],
  low: ["reduced"],
  long: ["lengthy"],
  said: ["stated", "noted"],
  says: ["states", "notes"],
  think: ["believe", "reckon"],
  know: ["understand", "realize"],
  fight: ["battle", "combat"],
  build: ["construct", "erect"],
  keep: ["maintain", "retain"],
  give: ["grant", "offer"],
  take: ["seize", "grab"],
  use: ["employ", "utilize"],
  find: ["discover", "locate"],
  change: ["shift", "alter"],
  changes: ["shifts", "alterations"],
  across: ["throughout"],
  nearly: ["almost"],
};

const FILLERS = ["basically", "actually", "really", "you know", "like", "honestly", "um", "well", "literally", "so", "indeed", "of course"];

/** Words of a text with their separators, so perturbations keep the punctuation and layout. */
function tokens(text: string): string[] {
  return text.split(/(\s+)/);
}

function mapWords(text: string, share: number, random: Random, replace: (word: string) => string | undefined): string {
  const parts = tokens(text);
  const wordIndexes = parts.map((p, i) => (i % 2 === 0 && /\p{L}/u.test(p) ? i : -1)).filter((i) => i >= 0);
  const chosen = random.sample(wordIndexes, Math.max(1, Math.round(wordIndexes.length * share)));
  for (const i of chosen) {
    const next = replace(parts[i]!);
    if (next !== undefined) parts[i] = next;
  }
  return parts.join("");
}

function wordCore(token: string): { lead: string; core: string; trail: string } {
  const match = /^(\P{L}*)(.*?)(\P{L}*)$/u.exec(token)!;
  return { lead: match[1]!, core: match[2]!, trail: match[3]! };
}

function keepCase(model: string, word: string): string {
  if (model === model.toUpperCase() && model.length > 1) return word.toUpperCase();
  return /^\p{Lu}/u.test(model) ? capitalize(word) : word;
}

export interface CopyContext {
  /** The original, earlier submission. */
  readonly original: string;
  /** A second earlier original (for splicing). */
  readonly secondOriginal: string;
  /** An unrelated text by the copier (appended or wrapped around the copy). */
  readonly other: string;
  /** Words to substitute in. */
  readonly vocabulary: readonly string[];
}

export function perturb(kind: Exclude<Perturbation, "paraphrase_facts">, context: CopyContext, random: Random): string {
  const { original } = context;
  switch (kind) {
    case "exact":
      return original;
    case "case": {
      const style = random.int(0, 2);
      if (style === 0) return original.toUpperCase();
      if (style === 1) return original.toLowerCase();
      return original.replace(/\p{L}+/gu, (w) => (random.chance(0.5) ? w.toUpperCase() : w.toLowerCase()));
    }
    case "whitespace":
      return tokens(original)
        .map((part, i) => (i % 2 === 1 ? random.pick([" ", "  ", "\n", " \t ", "   ", "\n\n", " "]) : part))
        .join("")
        .replace(/^/, random.chance(0.5) ? "  \n" : "");
    case "invisible": {
      const chars = random.sample(INVISIBLES, random.int(1, 3));
      return mapWords(original, random.pick([0.3, 0.6, 1]), random, (word) => {
        if (word.length < 2) return word;
        const at = random.int(1, word.length - 1);
        return `${word.slice(0, at)}${random.pick(chars)}${word.slice(at)}`;
      });
    }
    case "homoglyphs":
      return mapWords(original, 0.1, random, (word) => {
        const letters = [...word];
        const candidates = letters.map((c, i) => (HOMOGLYPHS[c] ? i : -1)).filter((i) => i >= 0);
        if (candidates.length === 0) return word;
        for (const i of random.sample(candidates, random.int(1, Math.min(2, candidates.length)))) letters[i] = random.pick(HOMOGLYPHS[letters[i]!]!);
        return letters.join("");
      });
    case "substitute_5":
    case "substitute_15":
    case "substitute_30": {
      const share = Number(kind.split("_")[1]) / 100;
      return mapWords(original, share, random, (token) => {
        const { lead, core, trail } = wordCore(token);
        return `${lead}${keepCase(core, random.pick(context.vocabulary))}${trail}`;
      });
    }
    case "adjacent_swaps": {
      const parts = tokens(original);
      const words = parts.filter((_, i) => i % 2 === 0);
      const swaps = Math.max(1, Math.round((words.length * random.pick([0.1, 0.2, 0.3])) / 2));
      for (let s = 0; s < swaps; s++) {
        const i = random.int(0, words.length - 2);
        [words[i], words[i + 1]] = [words[i + 1]!, words[i]!];
      }
      return parts.map((p, i) => (i % 2 === 0 ? words[i / 2]! : p)).join("");
    }
    case "sentence_reorder": {
      const list = sentences(original.replace(/\s+/g, " "));
      let shuffled = random.shuffle(list);
      if (list.length > 1 && shuffled.every((s, i) => s === list[i])) shuffled = [...list.slice(1), list[0]!];
      return shuffled.join(" ");
    }
    case "synonyms":
      return tokens(original)
        .map((token, i) => {
          if (i % 2 === 1) return token;
          const { lead, core, trail } = wordCore(token);
          const options = SYNONYMS[core.toLowerCase()];
          return options && random.chance(0.85) ? `${lead}${keepCase(core, random.pick(options))}${trail}` : token;
        })
        .join("");
    case "fillers": {
      const parts = original.split(/\s+/);
      const every = random.int(3, 6);
      const out: string[] = [];
      parts.forEach((word, i) => {
        out.push(word);
        if (i % every === every - 1 && i < parts.length - 1) out.push(random.pick(FILLERS));
      });
      return out.join(" ");
    }
    case "appended":
      return random.chance(0.5) ? `${original}\n\n${context.other}` : `${context.other}\n\n${original}`;
    case "spliced": {
      const a = sentences(original.replace(/\s+/g, " "));
      const b = sentences(context.secondOriginal.replace(/\s+/g, " "));
      const cutA = Math.max(1, Math.ceil(a.length / 2));
      const cutB = Math.floor(b.length / 2);
      return [...a.slice(0, cutA), ...b.slice(cutB)].join(" ");
    }
    case "embedded": {
      const other = sentences(context.other.replace(/\s+/g, " "));
      const cut = random.int(1, Math.max(1, other.length - 1));
      return `${other.slice(0, cut).join(" ")}\n\n${original}\n\n${other.slice(cut).join(" ")}`;
    }
  }
}

// --- Factual posts: the same facts in different words ---------------------------------------------

const CITIES = [
  "Bremerton",
  "Lakeview",
  "Port Alden",
  "Kingsford",
  "Millbrook",
  "Westhaven",
  "Carrow",
  "Dunmore",
  "Elmira",
  "Fairholt",
  "Granton",
  "Hollis",
  "Ivybridge",
  "Jarrow",
  "Kelso",
  "Linwood",
  "Marden",
  "Norcross",
  "Oakham",
  "Pelham",
];
const FIRST = ["Anna", "Ben", "Clara", "David", "Eva", "Farid", "Grace", "Hugo", "Irene", "Jonas", "Kira", "Liam", "Mona", "Nils", "Olga", "Pedro"];
const LAST = ["Adler", "Brooks", "Castillo", "Dorsey", "Eriksen", "Fischer", "Garrido", "Hansen", "Ibarra", "Jansen", "Kowalski", "Lindgren", "Moreau", "Novak"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const THINGS = ["footbridge", "tram line", "water treatment plant", "public library", "cycle path", "hospital wing", "sports hall", "ferry terminal"];
const COMPANIES = ["Halden Foods", "Norvik Steel", "Brightwater Labs", "Corran Logistics", "Astel Pharma", "Vessel Robotics", "Grayline Textiles", "Mirel Energy"];

interface Facts {
  city: string;
  person: string;
  date: string;
  amount: string;
  count: string;
  length: string;
  months: string;
  thing: string;
  company: string;
  share: string;
}

function facts(random: Random): Facts {
  return {
    city: random.pick(CITIES),
    person: `${random.pick(FIRST)} ${random.pick(LAST)}`,
    date: `${random.pick(MONTHS)} ${random.int(1, 28)}, ${random.int(2015, 2024)}`,
    amount: `$${random.int(2, 480)}.${random.int(1, 9)} million`,
    count: random.int(40, 2400).toLocaleString("en"),
    length: `${random.int(2, 40)}.${random.int(1, 9)} km`,
    months: String(random.int(6, 48)),
    thing: random.pick(THINGS),
    company: random.pick(COMPANIES),
    share: `${random.int(3, 61)}%`,
  };
}

/** Ways to tell a project story; each is a list of sentences with slots. Held-out uses other phrasings than tune. */
const PROJECT_TELLINGS: readonly (readonly string[])[] = [
  [
    "On {date}, the council of {city} approved {amount} for a new {thing}.",
    "Mayor {person} said construction would take {months} months and employ {count} people.",
    "The route is {length} long, and {company} won the main contract.",
    "Local residents had asked for the project for years; {share} of the cost comes from regional funds.",
  ],
  [
    "{city} will get a {thing}: its councillors voted {amount} for it on {date}.",
    "According to mayor {person}, the works last {months} months and create {count} jobs.",
    "{company} builds it along {length}, with {share} of the money paid by the region.",
  ],
  [
    "A {thing} costing {amount} was signed off in {city} on {date}.",
    "{company} takes the lead contract; {count} workers will be hired for the {months}-month build, {person}, the mayor, told reporters.",
    "It spans {length}. The regional government pays {share}.",
  ],
  [
    "Big news for {city}: on {date} the go-ahead came for a {thing}, budget {amount}.",
    "{person}, who leads the city, expects {count} people on site for {months} months.",
    "The contract went to {company}. Length: {length}. Share paid by the region: {share}.",
  ],
  [
    "The {city} council decided on {date} to spend {amount} building a {thing}.",
    "Over {months} months, {company} is to employ about {count} staff on the {length} project, said {person}.",
    "Regional funds cover {share} of the bill.",
  ],
  [
    "It took years of petitions, but {city} finally has money for its {thing}: {amount}, approved {date}.",
    "Mayor {person} promises {count} local jobs during a {months}-month construction period.",
    "{company} was picked to build the {length} structure; the region chips in {share}.",
  ],
];

function tell(telling: readonly string[], f: Facts, random: Random): string {
  const text = telling.map((s) => s.replace(/\{(\w+)\}/g, (_, key: keyof Facts) => f[key])).join(" ");
  return random.chance(0.3) ? text.replace(/\. /, ".\n\n") : text;
}

/** A factual post and a paraphrase of it by another author: other words, the same numbers, dates and names. */
export function factualPair(random: Random, split: Split): { original: string; paraphrase: string } {
  const tellings = half(PROJECT_TELLINGS, split);
  const [a, b] = random.sample(tellings, 2);
  const f = facts(random);
  return { original: tell(a!, f, random), paraphrase: tell(b!, f, random) };
}
