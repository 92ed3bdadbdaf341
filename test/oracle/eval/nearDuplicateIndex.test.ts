import { expect } from "chai";
import { DuplicateIndex } from "../../../oracle/src/eval/duplicateIndex";
import { IndexFormatError, InvalidEvaluationInputError } from "../../../oracle/src/eval/errors";
import {
  estimateSimilarity,
  fingerprint,
  isEmptySignature,
  MINHASH_PERMUTATIONS,
  signatureFromBuffer,
  signatureToBuffer,
} from "../../../oracle/src/eval/fingerprint";
import { NearDuplicateIndex } from "../../../oracle/src/eval/nearDuplicateIndex";
import { preprocess } from "../../../oracle/src/eval/preprocess";
import { prng } from "../../helpers/prng";

const ARTICLE = `Our co-op measured the yield of 42 rooftop panels for a full year. The system produced 16,400 kWh,
about nine percent below the estimate, mostly because snow covered the east rows in January. Self-consumption
reached 61 percent thanks to the shared laundry and a heat pump, and the expected payback is about nine years.
Ask your insurer early, because ours wanted a lightning protection review that took six weeks to complete.`;

const OTHER = `Sourdough at 70 percent hydration gave the best oven spring in twelve test bakes with twenty percent rye.
Bulk fermentation at 24 degrees took five to six hours whatever the hydration, so timing barely changed at all.`;

function fp(text: string) {
  return fingerprint(preprocess(text));
}


const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qui", "bro", "den", "fal", "gor", "hel"];

function randomTokens(random: () => number, count: number): string[] {
  return Array.from({ length: count }, () => {
    const n = 1 + Math.floor(random() * 3);
    return Array.from({ length: n }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join("");
  });
}

function signatureOf(tokens: string[]): Uint32Array {
  return fingerprint({ canonical: tokens.join(" "), tokens }).signature;
}

describe("fingerprint", function () {
  it("is deterministic", function () {
    expect(fp(ARTICLE)).to.deep.equal(fp(ARTICLE));
    expect(fp(ARTICLE).signature).to.have.length(MINHASH_PERMUTATIONS);
  });

  it("gives the same content key to re-spaced and re-cased copies", function () {
    expect(fp(ARTICLE).contentKey).to.equal(fp(`  ${ARTICLE.toUpperCase().replace(/ /g, "   ")}\n`).contentKey);
    expect(fp(ARTICLE).contentKey).to.not.equal(fp(`${ARTICLE} Thanks.`).contentKey);
  });

  it("estimates high similarity for a light edit and low for unrelated text", function () {
    const edited = ARTICLE.replace("Our co-op", "The co-op").replace("six weeks", "seven weeks");
    expect(estimateSimilarity(fp(ARTICLE).signature, fp(ARTICLE).signature)).to.equal(1);
    expect(estimateSimilarity(fp(ARTICLE).signature, fp(edited).signature)).to.be.within(0.8, 0.99);
    expect(estimateSimilarity(fp(ARTICLE).signature, fp(OTHER).signature)).to.be.below(0.1);
  });

  it("counts repeated shingles", function () {
    const repeated = fp("buy now buy now buy now buy now buy now buy now");
    expect(repeated.shingles).to.equal(10);
    expect(repeated.uniqueShingles).to.equal(2);
  });

  it("marks an empty text with an empty signature", function () {
    expect(isEmptySignature(fp("").signature)).to.equal(true);
    expect(isEmptySignature(fp("one").signature)).to.equal(false);
  });

  it("round-trips a signature through bytes", function () {
    const { signature } = fp(ARTICLE);
    const bytes = signatureToBuffer(signature);
    expect(bytes).to.have.length(MINHASH_PERMUTATIONS * 4);
    expect(bytes.readUInt32LE(4)).to.equal(signature[1]);
    expect(signatureFromBuffer(bytes)).to.deep.equal(signature);
    expect(() => signatureFromBuffer(bytes.subarray(0, 10))).to.throw(InvalidEvaluationInputError);
  });
});

describe("NearDuplicateIndex", function () {
  it("finds a lightly edited copy and not an unrelated text", function () {
    const index = new NearDuplicateIndex();
    index.add("1", fp(ARTICLE).signature);
    index.add("2", fp(OTHER).signature);
    const edited = fp(ARTICLE.replace("full year", "whole year").concat(" Questions welcome."));
    const matches = index.query(edited.signature);
    expect(matches.map((m) => m.id)).to.deep.equal(["1"]);
    expect(matches[0]!.similarity).to.be.at.least(0.8);
    expect(index.query(fp("A completely different note about cats and their sleeping habits at night.").signature)).to.deep.equal([]);
  });

  it("reports lower similarities on request, most similar first", function () {
    const index = new NearDuplicateIndex();
    const base = ARTICLE.split(/\s+/);
    index.add("most", fp(base.slice(0, 55).join(" ")).signature);
    index.add("full", fp(ARTICLE).signature);
    const matches = index.query(fp(ARTICLE).signature, 0.3);
    expect(matches.map((m) => m.id)).to.deep.equal(["full", "most"]);
    expect(matches[1]!.similarity).to.be.below(0.8);
  });

  it("ignores a repeated add of the same id and signature, and refuses a different signature", function () {
    const index = new NearDuplicateIndex();
    expect(index.add("1", fp(ARTICLE).signature)).to.equal(true);
    expect(index.add("1", fp(ARTICLE).signature)).to.equal(false);
    expect(index.size).to.equal(1);
    expect(() => index.add("1", fp(OTHER).signature)).to.throw(InvalidEvaluationInputError);
  });

  it("does not index an empty signature", function () {
    const index = new NearDuplicateIndex();
    expect(index.add("1", fp("").signature)).to.equal(false);
    expect(index.query(fp("").signature)).to.deep.equal([]);
  });

  it("refuses a signature of the wrong length and bands × rows that do not fit", function () {
    expect(() => new NearDuplicateIndex().add("1", new Uint32Array(64))).to.throw(InvalidEvaluationInputError);
    expect(() => new NearDuplicateIndex({ threshold: 1.5 })).to.throw(InvalidEvaluationInputError);
  });

  it("verifies at most maxCandidates items per query", function () {
    const index = new NearDuplicateIndex({ maxCandidates: 5 });
    const { signature } = fp(ARTICLE);
    for (let i = 0; i < 20; i++) index.add(String(i), signature);
    expect(index.query(signature).map((m) => m.id)).to.deep.equal(["15", "16", "17", "18", "19"]);
  });

  describe("with 20,000 random items", function () {
    this.timeout(20_000);
    const random = prng(42);
    const documents = Array.from({ length: 20_000 }, () => randomTokens(random, 80));
    const index = new NearDuplicateIndex();

    before(function () {
      documents.forEach((tokens, i) => index.add(`item-${i}`, signatureOf(tokens)));
      expect(index.size).to.equal(documents.length);
    });

    it("finds lightly edited copies of stored items", function () {
      for (let n = 0; n < 200; n++) {
        const i = Math.floor(random() * documents.length);
        const edited = documents[i]!.slice();
        edited[Math.floor(random() * edited.length)] = "edited";
        const matches = index.query(signatureOf(edited));
        expect(matches[0]?.id, `copy of item ${i}`).to.equal(`item-${i}`);
        expect(matches[0]!.similarity).to.be.at.least(0.8);
      }
    });

    it("matches no unrelated text", function () {
      const fresh = prng(7);
      for (let n = 0; n < 200; n++) expect(index.query(signatureOf(randomTokens(fresh, 80)))).to.deep.equal([]);
    });

    it("answers a query without scanning the items", function () {
      let mostExamined = 0;
      for (let n = 0; n < 1_000; n++) {
        index.query(signatureOf(documents[(n * 7919) % documents.length]!));
        mostExamined = Math.max(mostExamined, index.lastQueryExamined);
      }
      // A linear scan would compare all 20,000 signatures; LSH buckets hand over a handful.
      expect(mostExamined).to.be.greaterThan(0);
      expect(mostExamined).to.be.below(index.size / 100);
    });

    it("survives a serialization round trip", function () {
      const bytes = index.serialize();
      const restored = NearDuplicateIndex.deserialize(bytes);
      expect(restored.size).to.equal(index.size);
      expect(restored.threshold).to.equal(index.threshold);
      for (let n = 0; n < 50; n++) {
        const probe = signatureOf(documents[n * 97]!);
        expect(restored.query(probe)).to.deep.equal(index.query(probe));
      }
      expect(restored.serialize().equals(bytes)).to.equal(true);
    });
  });

  it("refuses bytes that are not an index", function () {
    const bytes = new NearDuplicateIndex().serialize();
    expect(() => NearDuplicateIndex.deserialize(Buffer.from("nonsense"))).to.throw(IndexFormatError);
    const index = new NearDuplicateIndex();
    index.add("1", fp(ARTICLE).signature);
    const full = index.serialize();
    expect(() => NearDuplicateIndex.deserialize(full.subarray(0, full.length - 3))).to.throw(IndexFormatError);
    expect(NearDuplicateIndex.deserialize(bytes).size).to.equal(0);
  });
});

describe("DuplicateIndex", function () {
  it("answers exact and near lookups and keeps the first id of an exact copy", function () {
    const index = new DuplicateIndex();
    index.register("1", fp(ARTICLE));
    index.register("2", fp(ARTICLE.toLowerCase()));
    expect(index.findExact(fp(ARTICLE).contentKey)).to.equal("1");
    expect(index.findSimilar(fp(ARTICLE).signature, 0.8).map((m) => m.id)).to.deep.equal(["1"]);
    expect(index.findExact(fp(OTHER).contentKey)).to.equal(undefined);
  });

  it("survives a serialization round trip", function () {
    const index = new DuplicateIndex();
    index.register("1", fp(ARTICLE));
    index.register("2", fp(OTHER));
    const restored = DuplicateIndex.deserialize(index.serialize());
    expect(restored.findExact(fp(OTHER).contentKey)).to.equal("2");
    expect(restored.findSimilar(fp(ARTICLE).signature, 0.8)).to.deep.equal(index.findSimilar(fp(ARTICLE).signature, 0.8));
    expect(() => DuplicateIndex.deserialize(Buffer.from("CKND"))).to.throw(IndexFormatError);
  });
});
