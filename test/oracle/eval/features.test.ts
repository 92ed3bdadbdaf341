import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { garbledPercent, measureSubstance } from "../../../oracle/src/eval/features";
import { withoutAsides } from "../../../oracle/src/eval/features/core";
import { preprocess } from "../../../oracle/src/eval/preprocess";
import { scoreHeuristically } from "../../../oracle/src/eval/scorers/heuristic";

const PROSE = `The city council voted 7 to 2 on Tuesday to close the Elm Street bridge for repairs starting June 3. Engineers found corrosion in two of the four steel girders during an inspection in March, and the state transportation department rated the bridge structurally deficient. The repairs are expected to cost $4.2 million and take about five months. Buses on routes 12 and 14 will detour over the Main Street bridge, adding roughly ten minutes to each trip, the transit agency said.`;

const FILLER = `Time management is one of the most valuable skills a person can develop. When you manage your time well, you feel less stressed and more in control of your life. There are many different strategies that people use to stay organized, and the best approach depends on your personal needs. The key is to find a system that works for you and to stick with it consistently. With a little practice, anyone can become more productive and achieve a better balance between work and life.`;

function shuffled(text: string): string {
  const words = text.split(/\s+/);
  // A fixed permutation (deterministic): every seventh word first, and so on.
  const out: string[] = [];
  for (let start = 0; start < 7; start++) for (let i = start; i < words.length; i += 7) out.push(words[i]!.replace(/[.,]/g, ""));
  return `${out.join(" ")}.`;
}

function features(text: string) {
  return measureSubstance(preprocess(text));
}

describe("substance features", function () {
  describe("coherence", function () {
    it("reads ordinary prose as English-like and the same words shuffled as not", function () {
      const prose = features(PROSE);
      const salad = features(shuffled(PROSE));
      expect(prose.coherence.meanPmi).to.be.greaterThan(0);
      expect(salad.coherence.meanPmi).to.be.lessThan(prose.coherence.meanPmi - 3);
      expect(salad.factors.coherence).to.be.lessThan(prose.factors.coherence);
    });

    it("finds no function-word structure in a keyword list", function () {
      const keywords = features("solar, panels, inverter, battery, roof, kilowatt, tariff, subsidy, installer, ballast, shading, yield, efficiency");
      expect(keywords.coherence.frequentShare).to.be.lessThan(10);
      expect(keywords.factors.structure).to.equal(0);
    });

    it("ships a model derived from public-domain speeches, small enough to commit", function () {
      const file = path.join(__dirname, "../../../oracle/src/eval/features/coherenceModel.json");
      const model = JSON.parse(readFileSync(file, "utf8")) as { source: string; frequentWords: string[]; pmi: string };
      expect(model.source).to.match(/State of the Union/);
      expect(Buffer.from(model.pmi, "base64").length).to.equal((model.frequentWords.length + 9) ** 2);
      expect(readFileSync(file).length).to.be.lessThan(1024 * 1024);
    });
  });

  describe("genericity", function () {
    it("rates generic advice far above a news report, without any stock phrase", function () {
      const generic = features(FILLER);
      const news = features(PROSE);
      expect(preprocess(FILLER).style.stockPhrases).to.equal(0);
      expect(generic.genericity.score).to.be.at.least(50);
      expect(news.genericity.score).to.be.at.most(10);
      expect(generic.factors.specificity).to.be.lessThan(0.5);
    });

    it("is not diluted by decorating every sentence with figures, names and sources", function () {
      const decorated = FILLER.split(/(?<=\.)\s+/)
        .map((s, i) => s.replace(/\.$/, `, as NASA and MIT note, by ${12 + i * 7}% [${i + 1}].`))
        .join(" ");
      expect(features(decorated).genericity.score).to.be.at.least(features(FILLER).genericity.score - 5);
      expect(features(decorated).coreWords).to.be.at.most(features(FILLER).coreWords);
    });
  });

  describe("grounding", function () {
    it("counts a citation marker only when its reference exists", function () {
      const claim = "Drip irrigation cut water use by a third on our plot in 2023 [1].";
      expect(features(claim).grounding.resolvedCitations).to.equal(0);
      expect(features(`${claim}\n\n[1] Smith J., Water use of drip irrigation, Garden Journal 12, 2022.`).grounding.resolvedCitations).to.equal(1);
    });

    it("counts a link supporting a statement once, and a list of links not at all", function () {
      expect(features("Sources: https://a.example/x https://b.example/y https://c.example/z").grounding.supportingLink).to.equal(false);
      const supported = features(
        "The Royal Horticultural Society explains why watering the soil rather than the leaves reduces blight (https://www.rhs.org.uk/garden-jobs/watering).",
      );
      expect(supported.grounding.supportingLink).to.equal(true);
    });

    it("saturates: a figure in every sentence earns no more than three", function () {
      const many = Array.from({ length: 12 }, (_, i) => `The pump moved ${100 + i} litres in the test.`).join(" ");
      expect(features(many).grounding.quantifiedSentences).to.equal(12);
      expect(features(many).grounding.score).to.equal(40);
    });
  });

  describe("solicitation", function () {
    it("separates a sales pitch from a personal account of the same money matters", function () {
      const pitch = features(
        "Dear friend, you can earn cash FAST! Order now and get your FREE bonus today. Click here to claim your offer; this is a limited deal, guaranteed. To unsubscribe, reply REMOVE.",
      );
      const account = features(
        "In April I spent 312,000 yen over 12 days and paid with three cards. The bank debit card charged a 1.75% fee plus 220 yen per withdrawal; the travel credit card charged no fee at all.",
      );
      expect(pitch.solicitation.score).to.be.at.least(60);
      expect(pitch.factors.informative).to.equal(0);
      expect(account.solicitation.score).to.be.at.most(15);
    });
  });

  describe("legibility", function () {
    it("takes substance from mis-decoded text and junk, and leaves every real script alone", function () {
      // Mail decoded with the wrong charset: private-use code points and replacement characters.
      const mojibake = `Flash ${"\ue466\ue425\ufffd \ue466\ue424 \u9f9f\ue466 ".repeat(40)}Flash offer today`;
      expect(garbledPercent(mojibake)).to.be.at.least(50);
      expect(features(mojibake).factors.legible).to.equal(0);
      expect(scoreHeuristically({ doc: preprocess(mojibake), maxSimilarity: 0 }).subScores.substance).to.equal(0);
      for (const text of [
        PROSE,
        "长江是中国最长的河流，全长约六千三百公里，流经多个省份。",
        "Москва является крупнейшим городом России; в ней проживает более двенадцати миллионов человек.",
        "We watched the match 🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} on Sunday.",
      ]) {
        expect(features(text).factors.legible, text).to.equal(1);
      }
      // A trace (one stray character in a long text) costs nothing.
      expect(features(`${PROSE} \ufffd`).factors.legible).to.equal(1);
    });
  });

  describe("core", function () {
    it("removes links, asides and decorated side clauses, and keeps the rest of the sentence", function () {
      expect(withoutAsides("Renewable energy matters, as NASA and MIT note [1] (see https://x.example/y).")).to.equal("Renewable energy matters.");
      expect(withoutAsides("We planted 42 trees in the yard.")).to.equal("We planted 42 trees in the yard.");
    });
  });

  it("shows each factor in the rationale and is the same on every call", function () {
    const a = scoreHeuristically({ doc: preprocess(PROSE), maxSimilarity: 0 });
    const b = scoreHeuristically({ doc: preprocess(PROSE), maxSimilarity: 0 });
    expect(a).to.deep.equal(b);
    for (const part of ["core words", "coherence", "structure", "specificity", "informative", "grounding", "Overall"]) expect(a.rationale).to.include(part);
  });
});
