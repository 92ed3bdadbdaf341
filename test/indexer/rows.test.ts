/**
 * The indexer's row functions (indexer/lib/rows.ts), which both the Ponder handlers and the scale
 * benchmark's bulk loader build rows with: epochs by Rewards' clock, score and tally arithmetic, vote
 * tallies by GovernorCountingSimple's support codes.
 */
import { expect } from "chai";
import { addToTally, addVote, contentSet, epochOf, proposalCreatedRow, scoredSet, submittedRow } from "../../indexer/lib/rows";

const clock = { genesis: 1_000n, epochLength: 100n };
const author = "0x00000000000000000000000000000000000000aa" as const;
const tx = `0x${"11".repeat(32)}` as const;

describe("indexer rows", function () {
  it("puts a timestamp in Rewards' epoch: the last second of an epoch stays in it", function () {
    expect(epochOf(clock, 1_000n)).to.equal(0);
    expect(epochOf(clock, 1_099n)).to.equal(0);
    expect(epochOf(clock, 1_100n)).to.equal(1);
    expect(epochOf(clock, 1_000n + 100n * 41n + 7n)).to.equal(41);
  });

  it("builds a submission pending content, and the score set with its epoch and points as bigint", function () {
    const row = submittedRow({ id: 7n, author, contentHash: tx, category: 3, timestamp: 1_250n, txHash: tx }, clock);
    expect(row).to.deep.equal({ id: 7n, author, contentHash: tx, category: 3, submittedAt: 1_250n, submittedEpoch: 2, submitTx: tx, contentStatus: "pending" });
    const set = scoredSet({ id: 7n, author, score: 88, points: 40, timestamp: 1_399n, txHash: tx }, clock);
    expect(set).to.deep.equal({ score: 88, points: 40n, scoredAt: 1_399n, scoredEpoch: 3, scoreTx: tx });
  });

  it("adds a scored item to a tally without changing the one it was given", function () {
    const before = { points: 10n, scoredCount: 2 };
    expect(addToTally(before, 5n)).to.deep.equal({ points: 15n, scoredCount: 3 });
    expect(before).to.deep.equal({ points: 10n, scoredCount: 2 });
  });

  it("keeps fetched content with null for what the author left out", function () {
    expect(contentSet({ text: "body" }, "http://node")).to.deep.equal({ contentStatus: "fetched", text: "body", title: null, url: null, contentSource: "http://node" });
    expect(contentSet({ text: "body", title: "t", url: "https://x" }, "http://node")).to.include({ title: "t", url: "https://x" });
  });

  it("counts votes as GovernorCountingSimple does: 0 against, 1 for, 2 abstain", function () {
    let tally = proposalCreatedRow({
      proposalId: 1n,
      proposer: author,
      description: "d",
      targets: [author],
      values: [5n],
      calldatas: ["0x"],
      voteStart: 1n,
      voteEnd: 2n,
      timestamp: 3n,
      txHash: tx,
    });
    expect(tally).to.include({ forVotes: 0n, againstVotes: 0n, abstainVotes: 0n, voterCount: 0, executed: false, canceled: false });
    expect(tally.values).to.deep.equal(["5"]);
    tally = { ...tally, ...addVote(tally, 1, 7n) };
    tally = { ...tally, ...addVote(tally, 0, 3n) };
    tally = { ...tally, ...addVote(tally, 2, 2n) };
    tally = { ...tally, ...addVote(tally, 1, 1n) };
    expect(tally).to.include({ forVotes: 8n, againstVotes: 3n, abstainVotes: 2n, voterCount: 4 });
  });
});
