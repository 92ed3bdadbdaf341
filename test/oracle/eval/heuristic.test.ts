import { expect } from "chai";
import { preprocess } from "../../../oracle/src/eval/preprocess";
import { createHeuristicScorer, HEURISTIC_EVALUATOR, scoreHeuristically } from "../../../oracle/src/eval/scorers/heuristic";
import { OVERALL_WEIGHTS, SUB_SCORE_KEYS } from "../../../oracle/src/eval/scorers/types";

const SPECIFIC = `In March 2023 our co-op in Leipzig installed 42 panels (17.6 kWp) on a flat roof with 3.2 tonnes of ballast.

First-year yield was 16,400 kWh, 9% below the PVGIS estimate, because snow covered the east rows for 11 days in January.

- Cost: €21,300 including the Fronius inverter
- Payback: about 9 years at 0.32 €/kWh`;

const VAGUE = `Solar panels are a great idea for many people. They can help you save money and they are good for the planet.
Many people are thinking about getting them, and it is a good time to do it. You should consider it too.`;

function score(text: string, maxSimilarity = 0) {
  return scoreHeuristically({ doc: preprocess(text), maxSimilarity });
}

const WORKED_EXAMPLE = `Our allotment switched to drip irrigation in May 2023. Water use over the season fell from 41 m³ to 26 m³, measured with a meter on the main tap, while the tomato yield stayed at about 5.5 kg per plant.

The kit (a 25 m main line, 60 drippers at 2 L/h and a timer) cost €140 and took one afternoon to lay. The Royal Horticultural Society guide on watering (https://www.rhs.org.uk/garden-jobs/watering) explains why watering the soil rather than the leaves also reduces blight.`;

describe("heuristic scorer", function () {
  it("matches the worked example of docs/SCORING.md", function () {
    const result = score(WORKED_EXAMPLE);
    expect(result.subScores).to.deep.equal({ substance: 100, originality: 96, clarity: 100, evidence: 26 });
    expect(result.score).to.equal(77);
  });

  it("is deterministic across instances", async function () {
    const input = { contentHash: "0x01", doc: preprocess(SPECIFIC), maxSimilarity: 0.1 };
    const a = await createHeuristicScorer().score(input);
    const b = await createHeuristicScorer().score({ ...input, doc: preprocess(SPECIFIC) });
    expect(a).to.deep.equal(b);
    expect(createHeuristicScorer().descriptor).to.deep.equal(HEURISTIC_EVALUATOR);
  });

  it("returns integer scores in 0..100 and an overall that is the weighted mean", function () {
    for (const text of [SPECIFIC, VAGUE, "ok", "", "A".repeat(5000), "1 2 3 4 5 6 7 8 9"]) {
      const result = score(text);
      for (const key of SUB_SCORE_KEYS) expect(result.subScores[key]).to.be.a("number").and.satisfy(Number.isInteger).and.within(0, 100);
      const mean = SUB_SCORE_KEYS.reduce((sum, key) => sum + OVERALL_WEIGHTS[key] * result.subScores[key], 0);
      expect(result.score).to.equal(Math.round(mean));
    }
  });

  it("explains every sub-score with the measured features", function () {
    const { rationale, subScores } = score(SPECIFIC);
    expect(rationale).to.include(`Substance ${subScores.substance}:`);
    expect(rationale).to.include(`Evidence ${subScores.evidence}:`);
    expect(rationale).to.match(/\d+ core words of \d+ \(length [\d.]+\) × coherence [\d.]+/);
    expect(rationale).to.match(/Overall \d+ = substance 0\.35 × \d+ \+ originality 0\.2 × \d+ \+ clarity 0\.15 × \d+ \+ evidence 0\.3 × \d+\./);
  });

  it("rates specific, measured text above vague text", function () {
    const specific = score(SPECIFIC);
    const vague = score(VAGUE);
    expect(specific.subScores.substance).to.be.greaterThan(vague.subScores.substance + 20);
    expect(specific.subScores.evidence).to.be.greaterThan(vague.subScores.evidence + 20);
    expect(specific.score).to.be.greaterThan(vague.score + 20);
  });

  it("adds evidence for a citation whose reference exists, not for a list of links or a bare marker", function () {
    const base = score(SPECIFIC).subScores.evidence;
    const listed = score(`${SPECIFIC}\n\nSources: https://re.jrc.ec.europa.eu/pvg_tools/en/ and https://www.fronius.com/en [1].`);
    expect(listed.subScores.evidence).to.equal(base);
    const cited = score(`${SPECIFIC.replace("PVGIS estimate", "PVGIS estimate [1]")}\n\n[1] European Commission JRC, PVGIS photovoltaic estimates for Leipzig, 2023.`);
    expect(cited.subScores.evidence).to.be.greaterThan(base);
  });

  it("lowers originality with similarity to earlier content", function () {
    const fresh = score(SPECIFIC, 0);
    const similar = score(SPECIFIC, 0.65);
    const copy = score(SPECIFIC, 1);
    expect(fresh.subScores.originality).to.be.greaterThan(similar.subScores.originality);
    expect(similar.subScores.originality).to.be.greaterThan(copy.subScores.originality);
    expect(copy.subScores.originality).to.equal(0);
  });

  it("lowers clarity for shouting and for run-on text", function () {
    expect(score(SPECIFIC.toUpperCase()).subScores.clarity).to.be.lessThan(score(SPECIFIC).subScores.clarity);
    const runOn = Array.from({ length: 90 }, (_, i) => `word${i % 30}`).join(" ");
    expect(score(runOn).subScores.clarity).to.be.lessThan(40);
  });

  it("lowers substance and originality for stock phrases", function () {
    // The same text lengthened by as many words, with and without stock phrases.
    const filler = `${SPECIFIC} In today's fast-paced world, it is important to note that solar plays a crucial role. At the end of the day, it is a game-changer.`;
    const plain = `${SPECIFIC} On a clear day in June the north rows gave their peak output at noon. The inverter log shows it for every hour of the year.`;
    expect(score(filler).subScores.originality).to.be.lessThan(score(plain).subScores.originality);
    expect(score(filler).subScores.substance).to.be.lessThan(score(plain).subScores.substance);
  });
});
