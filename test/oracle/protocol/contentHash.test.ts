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

  describe("bound content", function () {
    const author = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
    const salt = `0x${"Ab".repeat(32)}`;

    it("commits to the author and the salt, in lowercase hex after text, title and url", function () {
      const bytes = canonicalContentBytes({ salt, author, title: "T", text: "t" } as never);
      expect(new TextDecoder().decode(bytes)).to.equal(`{"text":"t","title":"T","author":"${author.toLowerCase()}","salt":"${salt.toLowerCase()}"}`);
      const hashes = new Set([
        contentHash({ text: "t" }),
        contentHash({ text: "t", author, salt }),
        contentHash({ text: "t", author: `0x${"11".repeat(20)}`, salt }),
        contentHash({ text: "t", author, salt: `0x${"cd".repeat(32)}` }),
      ]);
      expect(hashes.size).to.equal(4);
      expect(contentHash({ text: "t", author: author.toLowerCase(), salt })).to.equal(contentHash({ text: "t", author, salt }));
      expect(parseCanonicalContent(bytes)).to.deep.equal({ text: "t", title: "T", author: author.toLowerCase(), salt: salt.toLowerCase() });
    });

    it("needs both author and salt, well formed", function () {
      expect(() => contentHash({ text: "t", author })).to.throw(/both author and salt/);
      expect(() => contentHash({ text: "t", salt })).to.throw(/both author and salt/);
      expect(() => contentHash({ text: "t", author: "0x1234", salt })).to.throw(/author/);
      expect(() => contentHash({ text: "t", author, salt: "0x12" })).to.throw(/salt/);
    });
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
