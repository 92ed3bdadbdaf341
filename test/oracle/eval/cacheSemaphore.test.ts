import { expect } from "chai";
import { evaluationCacheKey } from "../../../oracle/src/eval/cache";
import { Semaphore } from "../../../oracle/src/eval/semaphore";

describe("evaluationCacheKey", function () {
  it("keys results by content hash and evaluator hash, case-insensitively", function () {
    expect(evaluationCacheKey("0xAB", "0xCD")).to.equal(evaluationCacheKey("0xab", "0xcd"));
    expect(evaluationCacheKey("0xab", "0xcd")).to.not.equal(evaluationCacheKey("0xab", "0xce"));
  });
});

describe("Semaphore", function () {
  it("runs at most `limit` tasks at once, in arrival order", async function () {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (n: number) =>
      semaphore.run(async () => {
        started.push(n);
        running++;
        peak = Math.max(peak, running, semaphore.inUse);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return n;
      });
    expect(await Promise.all([0, 1, 2, 3, 4].map(task))).to.deep.equal([0, 1, 2, 3, 4]);
    expect(peak).to.equal(2);
    expect(started).to.deep.equal([0, 1, 2, 3, 4]);
    expect(semaphore.inUse).to.equal(0);
  });

  it("releases its slot when a task fails", async function () {
    const semaphore = new Semaphore(1);
    let caught: unknown;
    try {
      await semaphore.run(async () => {
        throw new Error("boom");
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(Error);
    expect(await semaphore.run(async () => "next")).to.equal("next");
  });
});
