/**
 * `oracle/functions/verify-batch.js` runs on the DON, where it cannot import the protocol module: it
 * carries its own keccak-256, points formula and blocking flags. Its text is pinned on-chain by
 * `sourceHash`, so these tests read the pieces out of the exact text the verifier runs and compare
 * them with the protocol's, instead of changing the source to make it importable.
 */
import { expect } from "chai";
import fc from "fast-check";
import { keccak256 as ethersKeccak256 } from "ethers";
import { keccak256 as viemKeccak256 } from "viem";
import { readVerifyBatchSource } from "../../oracle/src/functions/source";
import { DEFAULT_MIN_SCORE, pointsFor } from "../../oracle/src/eval/points";
import { FLAG_SEVERITY, type FlagCode } from "../../oracle/src/eval/fraud";

const SOURCE = readVerifyBatchSource();

/** The source text from the line starting with `first` to the line starting with `last`, both included. */
function linesBetween(first: string, last: string): string {
  const lines = SOURCE.split("\n");
  const from = lines.findIndex((line) => line.trimStart().startsWith(first));
  const to = lines.findIndex((line, i) => i >= from && line.trimStart().startsWith(last));
  if (from < 0 || to < 0) throw new Error(`verify-batch.js no longer has the lines "${first}" … "${last}"`);
  return lines.slice(from, to + 1).join("\n");
}

function constantOf(name: string): unknown {
  const match = new RegExp(`^const ${name} = (.+);$`, "m").exec(SOURCE);
  if (!match) throw new Error(`verify-batch.js no longer declares ${name}`);
  return JSON.parse(match[1]);
}

type Keccak = (bytes: Uint8Array) => Uint8Array;
const sourceKeccak = new Function(`${linesBetween("const RC = [", "return out;")}\n}\nreturn keccak;`)() as Keccak;

const MIN_SCORE = constantOf("MIN_SCORE");
const BLOCKING = constantOf("BLOCKING");

/** The source's points for one item: its own formula lines, run with its own constants. */
const sourcePoints = new Function("item", "codes", "maxPoints", "MIN_SCORE", "BLOCKING", `${linesBetween("const blocked = ", "const points = ")}\nreturn points;`) as (
  item: { score: number },
  codes: string[],
  maxPoints: bigint,
  minScore: unknown,
  blocking: unknown,
) => bigint;

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

describe("verify-batch.js agrees with the protocol module", function () {
  describe("keccak-256", function () {
    it("hashes every length from 0 to 600 bytes as the protocol does (rate 136: both sides of each block boundary)", function () {
      const random = fc.sample(fc.uint8Array({ minLength: 600, maxLength: 600 }), { numRuns: 1, seed: 14 })[0];
      for (let length = 0; length <= 600; length += 1) {
        const input = random.subarray(0, length);
        expect(hex(sourceKeccak(input)), `length ${length}`).to.equal(ethersKeccak256(input));
      }
    });

    it("agrees on arbitrary inputs, including the 135/136/137-byte edges and the padding byte values", function () {
      const edgy = fc.oneof(
        fc.uint8Array({ maxLength: 600 }),
        fc.constantFrom(135, 136, 137, 271, 272, 273).chain((length) => fc.uint8Array({ minLength: length, maxLength: length })),
        fc.integer({ min: 0, max: 600 }).chain((length) => fc.constantFrom(0x00, 0x01, 0x80, 0x81, 0xff).map((b) => new Uint8Array(length).fill(b))),
      );
      fc.assert(
        fc.property(edgy, (input) => {
          expect(hex(sourceKeccak(input)))
            .to.equal(ethersKeccak256(input))
            .and.to.equal(viemKeccak256(input));
        }),
        { numRuns: 300 },
      );
    });

    it("matches the published empty-input digest", function () {
      expect(hex(sourceKeccak(new Uint8Array()))).to.equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    });
  });

  describe("the points formula and blocking flags", function () {
    it("uses the default minimum score of points.ts", function () {
      expect(MIN_SCORE).to.equal(DEFAULT_MIN_SCORE);
    });

    it("blocks exactly the flags whose severity is blocking", function () {
      const blocking = Object.entries(FLAG_SEVERITY)
        .filter(([, severity]) => severity === "blocking")
        .map(([code]) => code);
      expect(BLOCKING).to.have.members(blocking).and.to.have.lengthOf(blocking.length);
    });

    it("awards the points pointsFor awards, for any score, flags and maximum", function () {
      const codes = Object.keys(FLAG_SEVERITY) as FlagCode[];
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 100 }),
          fc.subarray(codes),
          fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 1000, 0xffffffff)),
          (score, flagged, maxPoints) => {
            const expected = pointsFor(
              score,
              flagged.map((code) => ({ severity: FLAG_SEVERITY[code] })),
              maxPoints,
            );
            expect(Number(sourcePoints({ score }, flagged, BigInt(maxPoints), MIN_SCORE, BLOCKING))).to.equal(expected);
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
