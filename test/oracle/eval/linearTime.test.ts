import { expect } from "chai";
import fc from "fast-check";
import { canonicalize } from "../../../oracle/src/eval/canonical";
import { copySketch } from "../../../oracle/src/eval/copySketch";
import { preprocess } from "../../../oracle/src/eval/preprocess";
import { countNumbersWithUnits, resetScanOperations, scanOperations, trimTrailingPunctuation } from "../../../oracle/src/eval/scan";

/**
 * Issue 10, item 5: no super-linear work in eval/. Work is bounded by counting the scanners'
 * steps (scan.ts, canonical.ts), never by timing: for every adversarial shape, steps ≤ 8 per
 * UTF-16 unit of input. The regular expressions that remain in preprocess.ts are linear by
 * construction (docs/SCORING.md, "Linear time" lists each with the reason).
 */
const STEPS_PER_UNIT = 8;

/** Adversarial shapes: long digit runs, repeated separators, nested brackets, unit chains, mixed scripts. */
const piece = fc.constantFrom(
  "1",
  "12345",
  "1,",
  "1.",
  ",",
  ".",
  ".,",
  " ",
  "\n",
  "$",
  "€ ",
  "%",
  "°",
  "°C",
  "kg",
  "km2",
  "percent",
  "(",
  ")",
  "[",
  "]",
  "[1]",
  "((",
  "))",
  "http://x.io/",
  ".,;:!?",
  "!",
  "?",
  "a",
  "Ab",
  "\u0430",
  "\u200B",
  "\u{E0041}",
  "\uFE0F",
  "\u0301",
  "ｆ",
  "m³",
  "12/03/2024",
  "March 3, 2023",
  "(Smith, 2020)",
);
const shape = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 4000 })).map(([parts, times]) => parts.join("").repeat(times));

function stepsFor(run: () => void): number {
  resetScanOperations();
  run();
  return scanOperations();
}

describe("linear time in eval/", function () {
  it("counts quantities as the old NUMBER_WITH_UNIT_RE did, on short inputs where it was harmless", function () {
    const UNIT_WORDS =
      "%|[$€£¥]|percent\\b|°\\s?[CF]?|(?:mm|cm|km|m|mi|kg|mg|g|lbs?|t|ms|s|sec|min|h|hrs?|hours?|days?|weeks?|months?|years?|gb|mb|kb|tb|ghz|mhz|kwh|mwh|kw|mw|w|v|mah|usd|eur|gbp|dollars?|euros?|people|users|times|x)\\b";
    const old = new RegExp(`[$€£¥]\\s?\\d[\\d,.]*|\\d(?:[\\d,.]*\\d)?\\s?(?:${UNIT_WORDS})`, "giu");
    const small = fc
      .array(fc.constantFrom("1", "0", ".", ",", " ", "\n", "k", "g", "m", "s", "%", "$", "€", "°", "C", "x", "kwh", "a", "_"), { maxLength: 24 })
      .map((a) => a.join(""));
    fc.assert(
      fc.property(small, (text) => {
        expect(countNumbersWithUnits(text)).to.equal((text.match(old) ?? []).length);
      }),
      { numRuns: 1000 },
    );
  });

  it("scans adversarial shapes in at most 8 steps per character", function () {
    fc.assert(
      fc.property(shape, (text) => {
        const steps = stepsFor(() => {
          countNumbersWithUnits(text);
          trimTrailingPunctuation(text);
          canonicalize(text);
        });
        expect(steps).to.be.at.most(STEPS_PER_UNIT * text.length + 16);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps the bound on 1 MiB inputs through the whole preprocessing", function () {
    const MiB = 1 << 20;
    for (const unit of ["9", "1,", ".,", "(", "[1]", "\u0430b", "a\u200B", "5 kg ", "http://a.io/.,"]) {
      const text = unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB);
      const steps = stepsFor(() => copySketch(preprocess(text)));
      expect(steps, JSON.stringify(unit)).to.be.at.most(STEPS_PER_UNIT * text.length);
    }
  });

  it("counts a 16 KiB digit run (the case that took 560 ms) with one pass", function () {
    const digits = "7".repeat(16 * 1024);
    const steps = stepsFor(() => expect(countNumbersWithUnits(digits)).to.equal(0));
    expect(steps).to.be.at.most(digits.length + 8);
    expect(preprocess(`${digits} kg`).structure.numbersWithUnits).to.equal(1);
  });
});
