import { expect } from "chai";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { ContentWriter } from "../../../oracle/src/store/contentWriter";
import { useTempStore } from "./fixtures";

describe("ContentWriter", function () {
  const db = useTempStore("cashkey-writer-");

  it("commits a burst of puts together, each with its own result, durably", async function () {
    const writer = new ContentWriter(db.store);
    const texts = Array.from({ length: 20 }, (_, i) => `Upload ${i}: the Rhine is 1,230 km long.`);

    const results = await Promise.all([...texts, texts[3]].map((text) => writer.put({ text }, "upload")));

    expect(results.map((r) => r.hash)).to.deep.equal([...texts, texts[3]].map((text) => contentHash({ text })));
    expect(results.map((r) => r.created)).to.deep.equal([...texts.map(() => true), false]);
    db.reopen();
    expect(db.store.content.count()).to.equal(texts.length);
  });

  it("keeps the other puts of a commit when one fails", async function () {
    const writer = new ContentWriter(db.store);
    const original = db.store.content.putCanonical.bind(db.store.content);
    db.store.content.putCanonical = (bytes, source) => {
      if (new TextDecoder().decode(bytes).includes("poison")) throw new Error("disk says no");
      return original(bytes, source);
    };

    const [good, bad] = await Promise.allSettled([writer.put({ text: "good" }, "upload"), writer.put({ text: "poison" }, "upload")]);

    expect(good.status).to.equal("fulfilled");
    expect(bad.status).to.equal("rejected");
    expect(db.store.content.has(contentHash({ text: "good" }))).to.equal(true);
    expect(db.store.content.count()).to.equal(1);
  });
});
