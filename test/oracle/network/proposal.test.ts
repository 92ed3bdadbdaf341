import { expect } from "chai";
import { Wallet } from "ethers";
import { buildBatch } from "../../../oracle/src/batch/builder";
import { LeaderSchedule, leaderFor } from "../../../oracle/src/network/leaderSchedule";
import { type ProposalJson, ProposalError, type ProposalRefusal, decodeProposal, encodeProposal } from "../../../oracle/src/network/proposal";
import { signScoreBatch } from "../../../oracle/src/protocol/eip712";
import { HEURISTIC_EVALUATOR_HASH } from "../../../oracle/src/protocol/evaluatorHash";

const CHAIN_ID = 31337n;
const REWARDS = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";
const LEADER = new Wallet("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

async function proposal(ids: bigint[] = [3n, 5n]): Promise<ProposalJson> {
  const entries = ids.map((submissionId, i) => ({
    submissionId,
    score: 60 + i,
    points: 200 + i,
    rationaleJson: JSON.stringify({ evaluator: HEURISTIC_EVALUATOR_HASH, flags: [], score: 60 + i, summary: `item ${submissionId}` }),
    queuedAtMs: 0,
  }));
  const built = buildBatch(entries, {
    chainId: CHAIN_ID,
    rewardsAddress: REWARDS,
    nonce: 4n,
    evaluator: HEURISTIC_EVALUATOR_HASH,
    nowMs: 1_700_000_000_000,
    deadlineSeconds: 600,
  });
  const signature = await signScoreBatch(LEADER, built.domain, built.header, built.items);
  return encodeProposal({
    chainId: CHAIN_ID,
    rewards: REWARDS,
    leader: LEADER.address,
    header: built.header,
    items: built.entries.map((e) => ({ ...e, contentHash: `0x${"ab".repeat(32)}` })),
    digest: built.digest,
    signature,
  });
}

function refusal(json: unknown, expected = { chainId: CHAIN_ID, rewards: REWARDS }): ProposalRefusal | undefined {
  try {
    decodeProposal(json, expected);
    return undefined;
  } catch (error) {
    if (error instanceof ProposalError) return error.code;
    throw error;
  }
}

describe("network proposal wire format", function () {
  it("round-trips: a decoded proposal has the leader, the packed items and the digest", async function () {
    const json = await proposal();
    const decoded = decodeProposal(JSON.parse(JSON.stringify(json)), { chainId: CHAIN_ID, rewards: REWARDS });
    expect(decoded.leader).to.equal(LEADER.address);
    expect(decoded.items.map((i) => i.submissionId)).to.deep.equal([3n, 5n]);
    expect(decoded.packedItems[0]).to.equal((3n << 40n) | (60n << 32n) | 200n);
    expect(decoded.digest).to.equal(json.digest);
  });

  it("refuses what does not match the schema", async function () {
    const json = await proposal();
    expect(refusal({ ...json, version: 2 })).to.equal("malformed");
    expect(refusal({ ...json, extra: true })).to.equal("malformed");
    expect(refusal({ ...json, items: [] })).to.equal("malformed");
    expect(refusal({ ...json, items: [{ ...json.items[0], score: 101 }] })).to.equal("malformed");
    expect(refusal({ ...json, signature: "0x1234" })).to.equal("malformed");
    expect(refusal(null)).to.equal("malformed");
  });

  it("refuses another chain or contract", async function () {
    const json = await proposal();
    expect(refusal(json, { chainId: 1n, rewards: REWARDS })).to.equal("wrong_chain");
    expect(refusal(json, { chainId: CHAIN_ID, rewards: LEADER.address })).to.equal("wrong_chain");
  });

  it("refuses items out of order or repeated", async function () {
    const json = await proposal();
    expect(refusal({ ...json, items: [json.items[1], json.items[0]] })).to.equal("item_order");
    expect(refusal({ ...json, items: [json.items[0], json.items[0]] })).to.equal("item_order");
  });

  it("refuses a rationale that is not the one committed", async function () {
    const json = await proposal();
    const items = [{ ...json.items[0], rationale: json.items[0].rationale.replace("item", "ITEM") }, json.items[1]];
    expect(refusal({ ...json, items })).to.equal("rationale_root");
  });

  it("refuses a score, points or deadline changed after signing", async function () {
    const json = await proposal();
    expect(refusal({ ...json, items: [{ ...json.items[0], points: 999 }, json.items[1]] })).to.equal("digest");
    expect(refusal({ ...json, header: { ...json.header, deadline: "1" } })).to.equal("digest");
  });

  it("refuses a proposal whose signature is not its leader's", async function () {
    const json = await proposal();
    expect(refusal({ ...json, leader: Wallet.createRandom().address })).to.equal("leader_signature");
    const other = await proposal([7n]);
    expect(refusal({ ...json, signature: other.signature })).to.equal("leader_signature");
  });
});

describe("leader schedule", function () {
  const operators = ["0x0000000000000000000000000000000000000001", "0x0000000000000000000000000000000000000002", "0x0000000000000000000000000000000000000003"];

  it("rotates the leader with the nonce: operators[n mod count]", function () {
    expect([0n, 1n, 2n, 3n, 7n].map((n) => leaderFor(operators, n, 0))).to.deep.equal([operators[0], operators[1], operators[2], operators[0], operators[1]]);
    expect(leaderFor(operators, 2n, 1)).to.equal(operators[0]);
  });

  it("hands the nonce to the next operator after each failover timeout, counted from when a batch was due", function () {
    const schedule = new LeaderSchedule(1000);
    schedule.observe(4n, 10_000);
    expect(schedule.leadership(operators, 0, 10_500)).to.deep.equal({ leader: operators[1], attempt: 0, msUntilNextAttempt: 500 });
    expect(schedule.leadership(operators, 0, 11_000).leader).to.equal(operators[2]);
    expect(schedule.leadership(operators, 0, 12_100)).to.deep.equal({ leader: operators[0], attempt: 2, msUntilNextAttempt: 900 });
    // A batch due only later: an idle nonce does not rotate.
    expect(schedule.leadership(operators, 50_000, 50_200).attempt).to.equal(0);
  });

  it("starts over when the nonce moves on", function () {
    const schedule = new LeaderSchedule(1000);
    schedule.observe(0n, 0);
    expect(schedule.leadership(operators, 0, 5_000).attempt).to.equal(5);
    schedule.observe(1n, 5_000);
    expect(schedule.leadership(operators, 0, 5_100)).to.include({ leader: operators[1], attempt: 0 });
    schedule.observe(1n, 9_000);
    expect(schedule.leadership(operators, 0, 9_000).attempt).to.equal(4);
  });
});
