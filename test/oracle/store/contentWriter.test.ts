import path from "node:path";
import { expect } from "chai";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { type Store, openStore } from "../../../oracle/src/store";
import { ContentWriter } from "../../../oracle/src/store/contentWriter";
import { tempDir } from "./fixtures";

describe("ContentWriter", function () {
  let file: string;
  let store: Store;
  let cleanup: () => void;

  beforeEach(function () {
    const temp = tempDir("cashkey-writer-");
    cleanup = temp.cleanup;
    file = path.join(temp.dir, "oracle.sqlite");
    store = openStore(file);
  });

  afterEach(function () {
    store.close();
    cleanup();
  });

  it("commits a burst of puts together, each with its own result, durably", async function () {
    const writer = new ContentWriter(store);
    const texts = Array.from({ length: 20 }, (_, i) => `Upload ${i}: the Rhine is 1,230 km long.`);

    const results = await Promise.all([...texts, texts[3]].map((text) => writer.put({ text }, "upload")));

    expect(results.map((r) => r.hash)).to.deep.equal([...texts, texts[3]].map((text) => contentHash({ text })));
    expect(results.map((r) => r.created)).to.deep.equal([...texts.map(() => true), false]);
    store.close();
    store = openStore(file);
    expect(store.content.count()).to.equal(texts.length);
  });

  it("keeps the other puts of a commit when one fails", async function () {
    const writer = new ContentWriter(store);
    const original = store.content.putCanonical.bind(store.content);
    store.content.putCanonical = (bytes, source) => {
      if (new TextDecoder().decode(bytes).includes("poison")) throw new Error("disk says no");
      return original(bytes, source);
    };

    const [good, bad] = await Promise.allSettled([writer.put({ text: "good" }, "upload"), writer.put({ text: "poison" }, "upload")]);

    expect(good.status).to.equal("fulfilled");
    expect(bad.status).to.equal("rejected");
    expect(store.content.has(contentHash({ text: "good" }))).to.equal(true);
    expect(store.content.count()).to.equal(1);
  });
});
