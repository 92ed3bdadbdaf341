import { expect } from "chai";
import { UPHOLD_BELOW_BPS, decideVerdict } from "../../../oracle/src/challenges/verdictRule";

const DECORATION = 2;
const DUPLICATE = 0;
const INJECTION = 1;
const challenge = (over: Partial<{ reason: number; epoch: number; points: number }> = {}) => ({ reason: DECORATION, epoch: 3, points: 400, ...over });
const credited = { epoch: 3, points: 400 };

describe("challenge verdict rule", function () {
  it("rejects a challenge on an item that has no Scored event", function () {
    expect(decideVerdict({ challenge: challenge(), scored: undefined, appeal: { points: 0, flags: [] } })).to.include({ upheld: false, grounds: "facts_not_scored" });
  });

  it("rejects a challenge that misstates the points or the epoch, even when the appeal finds nothing", function () {
    const appeal = { points: 0, flags: [{ code: "prompt_injection", severity: "blocking" }] };
    expect(decideVerdict({ challenge: challenge({ points: 399 }), scored: credited, appeal })).to.include({ upheld: false, grounds: "facts_points" });
    expect(decideVerdict({ challenge: challenge({ epoch: 4 }), scored: credited, appeal })).to.include({ upheld: false, grounds: "facts_epoch" });
  });

  it("upholds on any blocking flag of the appeal evaluation", function () {
    const decision = decideVerdict({ challenge: challenge(), scored: credited, appeal: { points: 400, flags: [{ code: "exact_duplicate", severity: "blocking" }] } });
    expect(decision).to.include({ upheld: true, grounds: "blocking_flag" });
  });

  it("upholds a Duplicate challenge on a near-duplicate flag (major, not blocking), but not a Decoration challenge on it", function () {
    const appeal = { points: 400, flags: [{ code: "near_duplicate", severity: "major" }] };
    expect(decideVerdict({ challenge: challenge({ reason: DUPLICATE }), scored: credited, appeal })).to.include({ upheld: true, grounds: "reason_confirmed" });
    expect(decideVerdict({ challenge: challenge({ reason: INJECTION }), scored: credited, appeal })).to.include({ upheld: false, grounds: "score_confirmed" });
    expect(decideVerdict({ challenge: challenge(), scored: credited, appeal })).to.include({ upheld: false, grounds: "score_confirmed" });
  });

  it("upholds exactly when the appeal's points fall below half of the challenged points", function () {
    expect(UPHOLD_BELOW_BPS).to.equal(5_000);
    const at = (points: number) => decideVerdict({ challenge: challenge(), scored: credited, appeal: { points, flags: [] } });
    expect(at(199)).to.include({ upheld: true, grounds: "points_below_threshold" });
    expect(at(200)).to.include({ upheld: false, grounds: "score_confirmed" });
    expect(at(0).upheld).to.equal(true);
    expect(at(1000).upheld).to.equal(false);
    // Odd points: 2 × 150 < 301 upholds, 2 × 151 does not.
    const odd = (points: number) => decideVerdict({ challenge: challenge({ points: 301 }), scored: { epoch: 3, points: 301 }, appeal: { points, flags: [] } }).upheld;
    expect([odd(150), odd(151)]).to.deep.equal([true, false]);
  });
});
