/**
 * The scoring benchmark's corpus and generators (scripts/bench/scoring/): mail bodies come out of
 * real RFC 822, generators are deterministic and varied, perturbations do what they say, and the
 * tune and held-out splits do not overlap.
 */
import { expect } from "chai";
import { auc, namedIds } from "../../../scripts/bench/scoring";
import { ADVERSARIAL_SHAPES, adversarialText } from "../../../scripts/bench/scoring/adversarial";
import { PERTURBATIONS, SYNONYMS, factualPair, perturb, type Perturbation } from "../../../scripts/bench/scoring/copies";
import { DECORATIONS, decorate, decorateAll } from "../../../scripts/bench/scoring/decorations";
import { INJECTION_FAMILIES, LOOK_ALIKES, embed, lookAlike, payload, rot13 } from "../../../scripts/bench/scoring/injection";
import { LOW_EFFORT_FAMILIES, lowEffortSample } from "../../../scripts/bench/scoring/lowEffort";
import { allMail, decodeQuotedPrintable, htmlToText, mailBody } from "../../../scripts/bench/scoring/mail";
import { sotuParagraphs } from "../../../scripts/bench/scoring/prose";
import { Random, half } from "../../../scripts/bench/scoring/random";

const ORIGINAL =
  "The canal was finished in 1825 and cut the cost of moving freight from Buffalo to New York by ninety percent. " +
  "Farmers in the west could now sell their grain in eastern cities. Within a decade the state had repaid the loans that built it. " +
  "Other states rushed to copy the idea, and many of their canals lost money.";
const SECOND = "Railroads arrived a few years later. They were faster than boats and did not freeze in winter, so traffic moved to them.";
const OTHER = "A bridge over the river opened last spring. It carries a road and a footpath, and it replaced a ferry that ran every hour.";
const VOCABULARY = ["apple", "harbor", "violet", "engine", "meadow", "silver", "thunder", "pencil"];

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== "");
}

describe("scoring corpus (bench:scoring)", function () {
  describe("mail bodies from RFC 822", function () {
    it("takes the text/plain part of a multipart message and decodes quoted-printable", function () {
      const raw = [
        "From: a@example.org",
        "Subject: meeting",
        'Content-Type: multipart/alternative; boundary="XYZ"',
        "",
        "This is a multi-part message in MIME format.",
        "--XYZ",
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Caf=E9 at ten, the agenda is a=",
        "ttached.",
        "--XYZ",
        "Content-Type: text/html",
        "",
        "<p>ignored</p>",
        "--XYZ--",
      ].join("\n");
      expect(mailBody(raw)).to.equal("Café at ten, the agenda is attached.");
    });

    it("falls back to the HTML part as text, decodes base64 and nested multiparts", function () {
      const html = Buffer.from("<html><head><style>p{color:red}</style></head><body><p>Win&nbsp;a <b>prize</b></p><!-- track --><br>Reply&#33;</body></html>").toString(
        "base64",
      );
      const raw = [
        "Content-Type: multipart/mixed; boundary=outer",
        "",
        "--outer",
        "Content-Type: multipart/alternative; boundary=inner",
        "",
        "--inner",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        html.slice(0, 40),
        html.slice(40),
        "--inner--",
        "--outer",
        "Content-Type: application/octet-stream",
        "",
        "AAAA",
        "--outer--",
      ].join("\n");
      expect(mailBody(raw)).to.equal("Win a prize\n\nReply!");
    });

    it("reads a plain message's body after its folded headers", function () {
      expect(mailBody("Received: from x\n\tby y\nSubject: hi\n\nHello there,\n\nsee you.\n")).to.equal("Hello there,\n\nsee you.");
      expect(htmlToText("a &amp; b &lt;c&gt; &#x41;")).to.equal("a & b <c> A");
      expect(decodeQuotedPrintable("a=3Db=\nc").toString("latin1")).to.equal("a=bc");
    });

    it("gets a body out of nearly every message of the SpamAssassin corpus, without MIME or HTML left over", function () {
      const mail = allMail();
      expect(mail.length).to.be.greaterThan(6046 * 0.99);
      expect(mail.filter((m) => m.spam).length).to.be.greaterThan(1800);
      const leftovers = mail.filter((m) => /^--[-=_\w.]{8,}$/m.test(m.body) && /^Content-Transfer-Encoding:/im.test(m.body));
      expect(leftovers.length).to.be.lessThan(mail.length * 0.01);
      expect(mail.filter((m) => /<\/?(html|body|table|td|font)\b/i.test(m.body)).length).to.be.lessThan(5);
    });
  });

  describe("splits", function () {
    it("keeps tune and held-out SOTU paragraphs and template halves apart", function () {
      const tune = new Set(sotuParagraphs("tune").map((p) => p.group));
      const heldout = sotuParagraphs("heldout");
      expect(heldout.length).to.be.greaterThan(2000);
      expect(heldout.some((p) => tune.has(p.group))).to.equal(false);
      const pool = ["a", "b", "c", "d", "e"];
      expect(half(pool, "tune")).to.deep.equal(["a", "c", "e"]);
      expect(half(pool, "heldout")).to.deep.equal(["b", "d"]);
    });
  });

  describe("generators", function () {
    const paragraph = sotuParagraphs("heldout")[10]!.text;

    it("give the same samples for the same seed and different ones for another", function () {
      for (const family of LOW_EFFORT_FAMILIES) {
        const [a, b, c] = [new Random(7), new Random(7), new Random(8)];
        const first = Array.from({ length: 5 }, () => lowEffortSample(family, a, "heldout", paragraph));
        expect(
          Array.from({ length: 5 }, () => lowEffortSample(family, b, "heldout", paragraph)),
          family,
        ).to.deep.equal(first);
        expect(
          Array.from({ length: 5 }, () => lowEffortSample(family, c, "heldout", paragraph)),
          family,
        ).to.not.deep.equal(first);
      }
    });

    it("give many different samples per family", function () {
      const random = new Random(11);
      for (const family of LOW_EFFORT_FAMILIES.filter((f) => f !== "one_liner")) {
        const samples = new Set(Array.from({ length: 100 }, () => lowEffortSample(family, random, "tune", paragraph)));
        expect(samples.size, family).to.be.greaterThan(90);
      }
      const oneLiners = new Set(Array.from({ length: 100 }, () => lowEffortSample("one_liner", random, "tune", paragraph)));
      expect(oneLiners.size).to.be.greaterThan(20);
      for (const family of INJECTION_FAMILIES) {
        const payloads = new Set(Array.from({ length: 40 }, () => payload(family, random, "heldout")));
        expect(payloads.size, family).to.be.greaterThan(family === "foreign_language" || family === "unicode_tags" ? 2 : 6);
      }
    });

    it("decorate every sentence with the trick, on filler and on prose alike", function () {
      const random = new Random(3);
      const sentences = 4;
      expect(decorate(ORIGINAL, "citation_markers", random, "heldout").match(/\[\d+/g)!.length).to.be.at.least(sentences);
      expect(decorate(ORIGINAL, "urls", random, "heldout").match(/https:\/\//g)).to.have.length(3);
      const numbered = decorate(ORIGINAL, "number_unit", random, "heldout");
      expect(numbered.match(/\d/g)!.length).to.be.greaterThan(ORIGINAL.match(/\d/g)!.length + sentences);
      for (const trick of DECORATIONS) expect(decorate(ORIGINAL, trick, random, "tune"), trick).to.not.equal(ORIGINAL);
      const all = decorateAll(ORIGINAL, random, "heldout");
      expect(all.length).to.be.greaterThan(ORIGINAL.length * 1.5);
      for (const word of ["canal", "Buffalo", "grain", "decade"]) expect(all).to.include(word);
    });
  });

  describe("copy perturbations", function () {
    const context = { original: ORIGINAL, secondOriginal: SECOND, other: OTHER, vocabulary: VOCABULARY };
    const make = (kind: Exclude<Perturbation, "paraphrase_facts">, seed = 5) => perturb(kind, context, new Random(seed));

    it("changes the text for every kind except an exact copy", function () {
      expect(make("exact")).to.equal(ORIGINAL);
      for (const kind of PERTURBATIONS.filter((k): k is Exclude<Perturbation, "paraphrase_facts"> => k !== "exact" && k !== "paraphrase_facts")) {
        expect(make(kind), kind).to.not.equal(ORIGINAL);
      }
    });

    it("substitutes about the stated share of words with other words", function () {
      for (const [kind, share] of [
        ["substitute_5", 0.05],
        ["substitute_15", 0.15],
        ["substitute_30", 0.3],
      ] as const) {
        const changed = words(make(kind)).filter((w, i) => w !== words(ORIGINAL)[i]).length;
        expect(changed / words(ORIGINAL).length, kind).to.be.closeTo(share, 0.04);
      }
    });

    it("hides invisible characters and Cyrillic look-alikes inside words", function () {
      // The classes list invisible characters one by one: U+200D is one of them, not a joiner.
      // eslint-disable-next-line no-misleading-character-class
      expect(make("invisible")).to.match(/\p{L}[\uFE0F\u2063\u200E\u200B\u200C\u200D\u2060\u00AD\uFEFF\u180E]+\p{L}/u);
      // eslint-disable-next-line no-misleading-character-class
      expect(make("invisible").replace(/[\uFE0F\u2063\u200E\u200B\u200C\u200D\u2060\u00AD\uFEFF\u180E]/g, "")).to.equal(ORIGINAL);
      const homoglyphs = make("homoglyphs");
      const mixed = words(homoglyphs).filter((w) => /\p{Script=Cyrillic}|\p{Script=Greek}/u.test(w));
      expect(mixed.length).to.be.within(2, 8);
      expect(words(homoglyphs)).to.have.length(words(ORIGINAL).length);
    });

    it("keeps every word when reordering, swapping or adding fillers, and keeps both sources when splicing", function () {
      const sorted = (text: string) =>
        words(text)
          .map((w) => w.replace(/\W/g, ""))
          .sort();
      expect(sorted(make("sentence_reorder"))).to.deep.equal(sorted(ORIGINAL));
      expect(sorted(make("adjacent_swaps"))).to.deep.equal(sorted(ORIGINAL));
      expect(words(make("fillers")).length).to.be.greaterThan(words(ORIGINAL).length * 1.15);
      const spliced = make("spliced");
      expect(spliced).to.include("The canal was finished in 1825").and.include("so traffic moved to them.");
      expect(make("embedded")).to.include(ORIGINAL);
      expect(make("appended")).to.include(ORIGINAL).and.include(OTHER);
    });

    it("replaces words with synonyms from the table", function () {
      const text = "The people of this country must help the government build a strong economy.";
      const synonyms = perturb("synonyms", { ...context, original: text }, new Random(1));
      const replaced = words(synonyms).filter((w, i) => w !== words(text)[i]);
      expect(replaced.length).to.be.at.least(4);
      expect(Object.keys(SYNONYMS).length).to.be.greaterThan(100);
    });

    it("paraphrases a factual post with the same numbers, dates and names in other words", function () {
      const random = new Random(9);
      for (let i = 0; i < 20; i++) {
        const { original, paraphrase } = factualPair(random, i % 2 ? "tune" : "heldout");
        const specifics = (text: string) => (text.match(/\$?\d[\d.,]*(?: million| km|%)?|[A-Z][a-z]+ \d{1,2}, \d{4}/g) ?? []).map((s) => s.replace(/[.,]$/, "")).sort();
        expect(specifics(paraphrase)).to.include.members(specifics(original).filter((s) => !/^\d+$/.test(s)));
        expect(paraphrase).to.not.equal(original);
      }
    });
  });

  describe("injection payloads and look-alikes", function () {
    it("encodes payloads that decode back to an instruction", function () {
      const random = new Random(4);
      const decoded = (family: "base64" | "rot13" | "reversed" | "unicode_tags") => {
        const text = payload(family, random, "tune");
        if (family === "base64") return Buffer.from(/[A-Za-z0-9+/=]{20,}/.exec(text)![0], "base64").toString();
        if (family === "rot13") return rot13(text);
        if (family === "reversed") return [...text].reverse().join("");
        return [...text].map((c) => String.fromCharCode(c.codePointAt(0)! - 0xe0000)).join("");
      };
      for (const family of ["base64", "rot13", "reversed", "unicode_tags"] as const) {
        expect(decoded(family), family).to.match(/ignore|score|grader|sub-score|rubric|override|full marks/i);
      }
    });

    it("embeds a payload at the start, inside or at the end of the carrier, keeping the carrier", function () {
      const random = new Random(2);
      const positions = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const text = embed(ORIGINAL, "PAYLOAD", random);
        expect(
          text
            .replace(/\s*PAYLOAD\s*/, " ")
            .replace(/\s+/g, " ")
            .trim(),
        ).to.equal(ORIGINAL);
        positions.add(text.startsWith("PAYLOAD") ? "start" : text.endsWith("PAYLOAD") ? "end" : "inside");
      }
      expect([...positions].sort()).to.deep.equal(["end", "inside", "start"]);
    });

    it("builds every benign look-alike kind", function () {
      const random = new Random(6);
      for (const kind of LOOK_ALIKES)
        expect(lookAlike(kind, ORIGINAL, random), kind)
          .to.be.a("string")
          .with.length.greaterThan(40);
      expect(lookAlike("system_line", ORIGINAL, random)).to.match(/^System ?:/m);
    });
  });

  describe("worst-case shapes and statistics", function () {
    it("makes each adversarial shape about the requested size", function () {
      for (const shape of ADVERSARIAL_SHAPES) {
        const text = adversarialText(shape, 16 * 1024);
        expect(Buffer.byteLength(text), shape).to.be.within(16 * 1024, 2 * 16 * 1024);
      }
      expect(adversarialText("digit_run", 1024)).to.match(/^\d{1024}$/);
    });

    it("reads the submissions a flag names from its id evidence and its detail, not from other figures", function () {
      const flag = (evidence: Record<string, string | number>, detail = "x") => ({ code: "c", severity: "major", detail, evidence });
      expect(namedIds(flag({ originalId: "12", similarity: 0.9 }))).to.deep.equal(["12"]);
      expect(namedIds(flag({ ids: "3,7, 9", count: 3 }))).to.deep.equal(["3", "7", "9"]);
      expect(namedIds(flag({ earlierIds: "4 5" }))).to.deep.equal(["4", "5"]);
      expect(namedIds(flag({ count: 2, lexicalDiversity: 0.4, hiddenChars: 3 }))).to.deep.equal([]);
      expect(namedIds(flag({}, "Same text as submission 8 (after normalization)."))).to.deep.equal(["8"]);
      expect(namedIds(flag({}, "Shares a template with submissions 2, 5 and 11."))).to.deep.equal(["2", "5", "11"]);
    });

    it("computes the AUC as the share of pairs ranked right, ties counting half", function () {
      expect(auc([3, 4], [1, 2])).to.equal(1);
      expect(auc([1, 2], [3, 4])).to.equal(0);
      expect(auc([2, 2], [2, 2])).to.equal(0.5);
      expect(auc([1, 3], [2])).to.equal(0.5);
    });
  });
});
