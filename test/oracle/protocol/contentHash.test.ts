import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { canonicalContent, canonicalContentBytes, contentHash, parseCanonicalContent } from "../../../oracle/src/protocol/contentHash";

describe("contentHash", function () {
  const samples = [
    { text: "" },
    { text: "plain text" },
    { text: "Caf\u0065\u0301 au lait", title: "Cafe\u0301", url: "https://example.org/a?b=c" },
    { text: "日本語のテキスト 🎉", title: "emoji" },
    { text: "x".repeat(20_000) },
  ];

  it("is keccak256 of the canonical bytes, as ethers computes it", function () {
    for (const content of samples) {
      expect(contentHash(content)).to.equal(keccak256(canonicalContentBytes(content)));
    }
  });

  it("serializes the present fields in the order text, title, url, normalized to NFC", function () {
    const bytes = canonicalContentBytes({ url: "u", title: "Cafe\u0301", text: "t" } as never);
    expect(new TextDecoder().decode(bytes)).to.equal('{"text":"t","title":"Café","url":"u"}');
    expect(contentHash({ text: "Cafe\u0301" })).to.equal(contentHash({ text: "Café" }));
    expect(contentHash({ text: "plain text" })).to.equal(keccak256(toUtf8Bytes('{"text":"plain text"}')));
  });

  it("distinguishes content that differs in any field", function () {
    const hashes = new Set([contentHash({ text: "a" }), contentHash({ text: "a", title: "" }), contentHash({ text: "a", url: "" }), contentHash({ text: "b" })]);
    expect(hashes.size).to.equal(4);
  });

  it("parses canonical bytes back and refuses bytes that are not canonical", function () {
    for (const content of samples) {
      expect(parseCanonicalContent(canonicalContentBytes(content))).to.deep.equal(canonicalContent(content));
    }
    expect(() => parseCanonicalContent(toUtf8Bytes('{"title":"t","text":"x"}'))).to.throw("not canonical");
    expect(() => parseCanonicalContent(toUtf8Bytes('{"text": "x"}'))).to.throw("not canonical");
  });
});
