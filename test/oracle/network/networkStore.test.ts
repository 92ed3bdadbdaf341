import { expect } from "chai";
import { type Store, openStore } from "../../../oracle/src/store";
import { submissionEvent } from "../store/fixtures";

const PEER = "0x00000000000000000000000000000000000000AA";
const DIGEST = `0x${"cd".repeat(32)}`;

describe("network store (migration 3)", function () {
  let store: Store;
  beforeEach(function () {
    store = openStore(":memory:");
    for (const id of [1, 2]) store.submissions.record(submissionEvent(id));
  });
  afterEach(function () {
    store.close();
  });

  it("keeps one proposal per digest and role; the decision can be set later, the body cannot change", function () {
    store.network.saveProposal({ digest: DIGEST, role: "follower", nonce: 3n, leader: PEER, proposal: { a: 1 } });
    store.network.saveProposal({ digest: DIGEST, role: "follower", nonce: 3n, leader: PEER, proposal: { a: 2 }, decision: "signed" });
    const stored = store.network.proposal(DIGEST, "follower")!;
    expect(stored.proposal).to.deep.equal({ a: 1 });
    expect(stored.decision).to.equal("signed");
    expect(store.network.proposalsFor(3n, "follower")).to.have.length(1);
    expect(store.network.proposal(DIGEST, "leader")).to.equal(undefined);
    expect(store.network.pruneProposalsBelow(4n)).to.equal(1);
    expect(store.network.proposal(DIGEST)).to.equal(undefined);
  });

  it("holds a submission once it reaches the dispute limit, and releases it", function () {
    const first = store.network.recordDispute({ submissionId: 1n, reason: "score", detail: "off", peer: PEER, limit: 2 });
    expect([first.count, first.held]).to.deep.equal([1, false]);
    const second = store.network.recordDispute({ submissionId: 1n, reason: "flags", detail: "missing", peer: PEER, limit: 2 });
    expect([second.count, second.held, second.lastReason]).to.deep.equal([2, true, "flags"]);
    expect(store.network.isHeld(1n)).to.equal(true);
    expect(store.network.heldCount()).to.equal(1);
    expect(store.network.held().map((d) => d.submissionId)).to.deep.equal([1n]);
    expect(store.network.release(1n)).to.equal(true);
    expect(store.network.isHeld(1n)).to.equal(false);
    expect(store.network.release(1n)).to.equal(false);
  });

  it("refuses a dispute for an unknown submission", function () {
    expect(() => store.network.recordDispute({ submissionId: 99n, reason: "score", detail: "", peer: PEER, limit: 3 })).to.throw();
  });

  it("sums agreement per peer and role", function () {
    store.network.recordAgreement({ peer: PEER, role: "leader", signed: true, items: 10, itemsAgreed: 10 });
    store.network.recordAgreement({ peer: PEER, role: "leader", signed: false, items: 10, itemsAgreed: 5 });
    store.network.recordAgreement({ peer: PEER, role: "follower", signed: true, items: 4, itemsAgreed: 4 });
    const [asFollower, asLeader] = store.network.agreements();
    expect(asLeader).to.include({ peer: PEER.toLowerCase(), role: "leader", proposals: 2, signed: 1, items: 20, itemsAgreed: 15, rate: 0.75 });
    expect(asFollower).to.include({ role: "follower", rate: 1 });
  });
});
