import { expect } from "chai";
import fc from "fast-check";
import { canonicalJson, NonCanonicalJsonError } from "../../../oracle/src/protocol/canonicalJson";

/** Parses JSON text the way a verifier receives it, then canonicalizes it. */
function canonicalOf(jsonText: string): string {
  return canonicalJson(JSON.parse(jsonText));
}

function float64(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

describe("canonicalJson (RFC 8785, JCS)", function () {
  describe("RFC 8785 §3.2.4, the whole transformation", function () {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;

    it("writes the canonical text of the RFC", function () {
      expect(canonicalOf(input)).to.equal(
        String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
      );
    });

    it("whose UTF-8 bytes are the RFC's hex listing", function () {
      const hex = [
        "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 5d 2c 22 6e",
        "75 6d 62 65 72 73 22 3a 5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31 65 2b 33 30",
        "2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37 5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24",
        "5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d",
      ].join(" ");
      expect(Buffer.from(canonicalOf(input), "utf8").toString("hex")).to.equal(hex.replaceAll(" ", ""));
    });
  });

  describe("RFC 8785 §3.2.3, sorting of object members", function () {
    it("orders names by UTF-16 code units, so an astral emoji sorts before U+FB33", function () {
      const input = String.raw`{
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
      }`;
      expect(canonicalOf(input)).to.equal(
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
          '"\u20ac":"Euro Sign","\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      );
    });

    it("sorts nested objects, keeps array order and ignores the locale (reference test data)", function () {
      // cyberphone/json-canonicalization testdata: structures, arrays, french, weird.
      expect(canonicalOf('{"1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0}, "10": { }, "": "empty", "a": { }, "111": [ { } ], "A": { }}')).to.equal(
        '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
      );
      expect(canonicalOf('[56, {"d": true, "10": null, "1": [ ]}]')).to.equal('[56,{"1":[],"10":null,"d":true}]');
      expect(canonicalOf('{"peach": "1", "péché": "2", "pêche": "3", "sin": "4"}')).to.equal('{"peach":"1","péché":"2","pêche":"3","sin":"4"}');
      expect(
        canonicalOf(String.raw`{"\u20ac": "Euro Sign", "1": "One", "\u0080": "Control\u007f", "\ud83d\ude02": "Smiley",
          "\u00f6": "Latin Small Letter O With Diaeresis", "\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}`),
      ).to.equal(
        '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis",' +
          '"\u20ac":"Euro Sign","\u{1f602}":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      );
    });

    it("gives the same text whatever order the members were inserted in", function () {
      fc.assert(
        fc.property(fc.dictionary(fc.string({ unit: "grapheme" }), fc.integer(), { noNullPrototype: true }), (record) => {
          const reversed = Object.fromEntries(Object.entries(record).reverse());
          expect(canonicalJson(reversed)).to.equal(canonicalJson(record));
        }),
      );
    });
  });

  describe("RFC 8785 Appendix B, number serialization", function () {
    const samples: readonly [bigint, string][] = [
      [0x0000000000000000n, "0"],
      [0x8000000000000000n, "0"],
      [0x0000000000000001n, "5e-324"],
      [0x8000000000000001n, "-5e-324"],
      [0x7fefffffffffffffn, "1.7976931348623157e+308"],
      [0xffefffffffffffffn, "-1.7976931348623157e+308"],
      [0x4340000000000000n, "9007199254740992"],
      [0xc340000000000000n, "-9007199254740992"],
      [0x4430000000000000n, "295147905179352830000"],
      [0x44b52d02c7e14af5n, "9.999999999999997e+22"],
      [0x44b52d02c7e14af6n, "1e+23"],
      [0x44b52d02c7e14af7n, "1.0000000000000001e+23"],
      [0x444b1ae4d6e2ef4en, "999999999999999700000"],
      [0x444b1ae4d6e2ef4fn, "999999999999999900000"],
      [0x444b1ae4d6e2ef50n, "1e+21"],
      [0x3eb0c6f7a0b5ed8cn, "9.999999999999997e-7"],
      [0x3eb0c6f7a0b5ed8dn, "0.000001"],
      [0x41b3de4355555553n, "333333333.3333332"],
      [0x41b3de4355555554n, "333333333.33333325"],
      [0x41b3de4355555555n, "333333333.3333333"],
      [0x41b3de4355555556n, "333333333.3333334"],
      [0x41b3de4355555557n, "333333333.33333343"],
      [0xbecbf647612f3696n, "-0.0000033333333333333333"],
      [0x43143ff3c1cb0959n, "1424953923781206.2"],
    ];

    for (const [bits, text] of samples) {
      it(`writes ${bits.toString(16).padStart(16, "0")} as ${text}`, function () {
        expect(canonicalJson(float64(bits))).to.equal(text);
        expect(canonicalJson([float64(bits)])).to.equal(`[${text}]`);
      });
    }

    it("refuses NaN and the infinities (the table's 7fffffffffffffff, 7ff0000000000000)", function () {
      for (const bits of [0x7fffffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n]) {
        expect(() => canonicalJson({ n: float64(bits) })).to.throw(NonCanonicalJsonError);
      }
    });

    it("reads back every finite double it writes", function () {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
          expect(JSON.parse(canonicalJson(value))).to.equal(Object.is(value, -0) ? 0 : value);
        }),
      );
    });
  });

  describe("RFC 8785 §3.2.2.2, strings", function () {
    it("escapes the C0 controls, by name where JSON has one and as lowercase \\u00xx otherwise", function () {
      const named: Record<number, string> = { 0x08: "\\b", 0x09: "\\t", 0x0a: "\\n", 0x0c: "\\f", 0x0d: "\\r" };
      for (let code = 0; code < 0x20; code += 1) {
        const expected = named[code] ?? `\\u${code.toString(16).padStart(4, "0")}`;
        expect(canonicalJson(String.fromCharCode(code))).to.equal(`"${expected}"`);
      }
    });

    it("escapes only the quote and the backslash besides, writing DEL, C1 controls, '/', U+2028 and astral characters as they are", function () {
      expect(canonicalJson('"\\')).to.equal('"\\"\\\\"');
      for (const literal of ["\u007f", "\u0080", "\u009f", "/", "\u2028", "\u2029", "<>&'", "\u{1f600}", "\u1e0d\u0307"]) {
        expect(canonicalJson(literal)).to.equal(`"${literal}"`);
      }
    });

    it("keeps unnormalized Unicode unnormalized (reference test data: unicode)", function () {
      expect(canonicalOf(String.raw`{"Unnormalized Unicode":"\u1e0d\u0307"}`)).to.equal('{"Unnormalized Unicode":"\u1e0d\u0307"}');
    });

    it("writes a lone surrogate, which is outside I-JSON and so outside JCS, escaped as ES2019 JSON.stringify does", function () {
      expect(canonicalJson({ summary: "a\ud800b" })).to.equal('{"summary":"a\\ud800b"}');
      expect(canonicalJson("\udfff")).to.equal('"\\udfff"');
      expect(JSON.parse(canonicalJson("\ud83d"))).to.equal("\ud83d");
    });
  });

  describe("any JSON value", function () {
    it("is a fixed point: the canonical text parses back to a value with the same canonical text", function () {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const text = canonicalJson(value);
          expect(canonicalOf(text)).to.equal(text);
        }),
      );
    });
  });

  describe("values without a JSON form", function () {
    it("are refused with NonCanonicalJsonError instead of being dropped or coerced", function () {
      class Point {
        x = 1;
      }
      for (const value of [undefined, 1n, () => 1, Symbol("s"), new Date(0), new Map(), new Point(), Object.create(null)]) {
        expect(() => canonicalJson(value), String(typeof value)).to.throw(NonCanonicalJsonError);
        expect(() => canonicalJson({ nested: [value] }), String(typeof value)).to.throw(NonCanonicalJsonError);
      }
      expect(() => canonicalJson({ a: undefined })).to.throw(NonCanonicalJsonError, "no canonical JSON form");
    });
  });
});
