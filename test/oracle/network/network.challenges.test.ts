import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, type Wallet, getAddress, keccak256, parseEther, recoverAddress, toUtf8Bytes } from "ethers";
import { HEURISTIC_APPEAL_EVALUATOR_HASH, evaluateAppeal } from "../../../oracle/src/challenges/appealEvaluator";
import { createLlmScorer } from "../../../oracle/src/eval/scorers/llm";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { type ChallengeVerdictMessage, challengeVerdictDigest, challengesDomain, signChallengeVerdict } from "../../../oracle/src/protocol/challengeVerdict";
import { verdictRoot } from "../../../oracle/src/challenges/judge";
import { encodeVerdictProposal } from "../../../oracle/src/challenges/verdictProposal";
import { MAX_PROPOSED_EVALUATIONS } from "../../../oracle/src/challenges/verdictVoter";
import { evaluatorHash } from "../../../oracle/src/protocol/evaluatorHash";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { deployCashKey } from "../../../scripts/deploy";
import { decorateAll } from "../../../scripts/bench/scoring/decorations";
import { fillerPlain } from "../../../scripts/bench/scoring/lowEffort";
import { Random } from "../../../scripts/bench/scoring/random";
import fixtures from "../../fixtures/submissions.json";
import { deploymentRecordOf, randomWallet } from "../chain/oracleFixture";
import { FakeOpenAiServer } from "../helpers/fakeOpenAiServer";
import { submissionView, submitHash, upload } from "../node/nodeHarness";
import { waitUntil } from "../chain/rpcProxy";
import { createNetwork, useNetworkTestChain } from "./networkHarness";
import { encodeCall, proposalOf, proposeVoteQueueExecute, selfDelegate } from "../../helpers/governance";

const DAY = 24 * 60 * 60;
/** `IChallenges.Status`. */
const Status = { Open: 1, Verdict: 2, Escalated: 3, Upheld: 4, Rejected: 5 } as const;
const GULLIBLE_MODEL = "gullible-7b";
/** The scorer the operators were fooled with: a model that pays decoration (the appeal runs without it). */
const gullibleScorer = (baseURL: string) => createLlmScorer({ baseURL, model: GULLIBLE_MODEL, quantization: "none", maxTransportRetries: 0, timeoutMs: 10_000 });
const GULLIBLE_HASH = evaluatorHash(gullibleScorer("http://127.0.0.1:1/v1").descriptor);

const FILLER = decorateAll(fillerPlain(new Random(31), "heldout"), new Random(32), "heldout");
const GOOD = fixtures.items.filter((i) => i.label === "useful")[3]!.text;
const FILLER_REASON = "Decorated filler: generic sentences dressed with figures, names and links; nothing checkable.";
const FRIVOLOUS_REASON = "I just do not like it.";
const ANSWER = "Every figure in it comes from the cited report.";

async function fixture() {
  const [deployer, alice, bob, carol] = await hre.ethers.getSigners();
  const keys = Array.from({ length: 3 }, () => randomWallet());
  const deployBlock = (await hre.ethers.provider.getBlockNumber()) + 1;
  const deployment = await deployCashKey(hre, {
    deployer,
    operators: keys.map((k) => k.address),
    threshold: 2,
    evaluators: [GULLIBLE_HASH],
    baseQuota: 1_000,
    quotaTiers: [],
    writeDeployment: false,
  });
  const record = await deploymentRecordOf(deployment, deployBlock);
  const order = (await deployment.rewards.operators()).map((a) => getAddress(a));
  keys.sort((a, b) => order.indexOf(a.address) - order.indexOf(b.address));
  const challengesAddress = await deployment.challenges.getAddress();
  for (const who of [bob, carol]) {
    await (await deployment.token.connect(deployer).transfer(who.address, parseEther("1000"))).wait();
    await (await deployment.token.connect(who).approve(challengesAddress, MaxUint256)).wait();
  }
  return { ...deployment, record, keys, deployer, alice, bob, carol };
}

/** The gullible model: it pays 95 for anything but the good text, which it scores as the heuristic does. */
async function gullibleModel(): Promise<FakeOpenAiServer> {
  const good = await evaluateAppeal({
    item: { submissionId: 2n, author: AUTHOR_PLACEHOLDER, contentHash: contentHash({ text: GOOD }), content: { text: GOOD } },
    maxPoints: 1000,
  });
  const marker = GOOD.slice(0, 40);
  const server = await FakeOpenAiServer.start();
  server.fallback = (request) => {
    const isGood = request.body.messages.some((m) => m.content.includes(marker));
    const answer = isGood
      ? { ...good.subScores, overall: good.score, rationale: "Solid and specific." }
      : { substance: 95, originality: 95, clarity: 95, evidence: 95, overall: 95, rationale: "Rich in figures, names and sources." };
    return { kind: "answer", content: JSON.stringify(answer) };
  };
  return server;
}
/** The heuristic's score does not depend on the author. */
const AUTHOR_PLACEHOLDER = "0x0000000000000000000000000000000000000001";

/**
 * Posts a text to a node once the node has seen the challenge (it follows the chain after confirmations;
 * before that it answers 404, as the dApp's retry expects). `seen: false` posts at once.
 */
async function postText(url: string, id: bigint, kind: "reason" | "answer", text: string, { seen = true } = {}): Promise<Response> {
  if (seen) await waitUntil(async () => (await fetch(`${url}/v1/challenges/${id}`)).status === 200, `challenge ${id} seen by ${url}`, 60_000);
  return fetch(`${url}/v1/challenges/${id}/${kind}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text }) });
}

async function challengeView(url: string, id: bigint) {
  const response = await fetch(`${url}/v1/challenges/${id}`);
  expect(response.status, `GET /v1/challenges/${id}`).to.equal(200);
  return (await response.json()) as {
    status: string;
    verdict: { upheld: boolean } | null;
    resolution: { toChallenger: string; toAuthor: string; toTreasury: string; reward: string } | null;
    reason: { code: string; hash: string; text: string | null };
    answer: { hash: string; text: string | null } | null;
    evaluations: {
      rationaleRoot: string;
      committed: boolean;
      upheld: boolean;
      original: { rationaleJson: string; proof: string[] };
      appeal: { rationaleJson: string; rationale: { grounds: string; appeal: { points: number } }; proof: string[] };
    } | null;
    votes: { peer: string; role: string; decision: string }[];
  };
}

describe("operator network: challenges judged by the quorum (three nodes, threshold 2)", function () {
  const context = useNetworkTestChain();
  let llm: FakeOpenAiServer | undefined;
  afterEach(async function () {
    await llm?.close();
    llm = undefined;
  });

  it("upholds a challenge of decorated filler (points removed, challenger paid) and rejects a frivolous one (bond to the author); a leader down waits, forged proposals are refused", async function () {
    this.timeout(300_000);
    const f = await loadFixture(fixture);
    const { rewards, challenges, token, record, keys, alice, bob, carol, deployer } = f;
    expect(await challenges.isAppealEvaluator(HEURISTIC_APPEAL_EVALUATOR_HASH)).to.equal(true);

    llm = await gullibleModel();
    const network = context.track(
      await createNetwork(
        keys,
        record,
        context.chain().proxy.url,
        { CASHKEY_ORACLE_CHALLENGE_POLL_INTERVAL_MS: "200", CASHKEY_ORACLE_CHALLENGE_ANSWER_GRACE_SECONDS: "20", CASHKEY_ORACLE_FAILOVER_TIMEOUT_MS: "600000" },
        { scorer: gullibleScorer(llm.baseURL) },
      ),
    );
    for (const node of network.nodes) await node.start();
    const [n0, n1, n2] = network.nodes;

    // Alice's two items, scored by the quorum with the gullible model.
    const fillerId = await submitHash(rewards, alice, await upload(n0.url, FILLER));
    const goodId = await submitHash(rewards, alice, await upload(n0.url, GOOD));
    await waitUntil(async () => (await rewards.isScored(fillerId)) && (await rewards.isScored(goodId)), "both items scored", 90_000);
    const scored = new Map<bigint, bigint>();
    for (const e of await rewards.queryFilter(rewards.filters.Scored(), record.deployBlock)) scored.set(e.args.id, e.args.points);
    const fillerPoints = Number(scored.get(fillerId));
    const goodPoints = Number(scored.get(goodId));
    expect(fillerPoints, "the fooled quorum paid the filler").to.be.greaterThan(0);
    expect(goodPoints).to.be.greaterThan(0);
    const epoch = Number(await rewards.currentEpoch());
    // Node 1, the leader of challenge 1 (operators[1 mod 3]), is down: challenge 1 waits for it.
    await n1.stop();
    const pointsBefore = await rewards.pointsOf(alice.address);
    const [bob0, carol0, alice0] = await Promise.all([token.balanceOf(bob.address), token.balanceOf(carol.address), token.balanceOf(alice.address)]);
    const bond = (await challenges.params()).bond;

    // Bob challenges the filler as decoration; Carol challenges the good item as spam, and Alice answers.
    await (await challenges.connect(bob).open(fillerId, epoch, fillerPoints, 2, 0, keccak256(toUtf8Bytes(FILLER_REASON)))).wait();
    await (await challenges.connect(carol).open(goodId, epoch, goodPoints, 3, 0, keccak256(toUtf8Bytes(FRIVOLOUS_REASON)))).wait();
    await (await challenges.connect(alice).answer(2n, keccak256(toUtf8Bytes(ANSWER)))).wait();
    expect(await challenges.claimableAt(epoch), "claims of the epoch wait for the challenges").to.equal(0n);

    // The texts, each to one node; a text that is not the committed one is refused.
    expect((await postText(n0.url, 1n, "reason", "something else")).status).to.equal(409);
    const accepted = await postText(n0.url, 1n, "reason", FILLER_REASON);
    expect(accepted.status).to.equal(200);
    expect(await accepted.json()).to.deep.equal({ hash: keccak256(toUtf8Bytes(FILLER_REASON)).toLowerCase(), stored: true });
    expect((await postText(n2.url, 2n, "reason", FRIVOLOUS_REASON)).status).to.equal(200);
    expect((await postText(n0.url, 2n, "answer", ANSWER)).status).to.equal(200);
    expect((await postText(n0.url, 99n, "reason", FILLER_REASON, { seen: false })).status).to.equal(404);

    // Challenge 2's leader (node 2) and node 0 reach the threshold without node 1.
    await waitUntil(async () => Number((await challenges.challenge(2n)).status) === 2, "verdict 2 posted", 90_000);
    expect(Number((await challenges.challenge(1n)).status), "challenge 1 waits for its leader").to.equal(1);

    // What node 0 answers to proposals for challenge 1: it refuses strangers and wrong facts, disputes
    // a verdict it does not reach, and signs only its own verdict and rationale root.
    const c1 = await challenges.challenge(1n);
    const domain = challengesDomain((await hre.ethers.provider.getNetwork()).chainId, await challenges.getAddress());
    const propose = async (signer: Wallet, over: Partial<ChallengeVerdictMessage>, rationales = { original: '{"x":0}', appeal: '{"x":1}' }) => {
      const message: ChallengeVerdictMessage = {
        challengeId: 1n,
        submissionId: c1.submissionId,
        epoch: Number(c1.epoch),
        points: Number(c1.points),
        reason: Number(c1.reason),
        upheld: true,
        evaluator: HEURISTIC_APPEAL_EVALUATOR_HASH,
        rationaleRoot: verdictRoot(rationales.original, rationales.appeal),
        deadline: BigInt(await time.latest()) + 600n,
        ...over,
      };
      const body = encodeVerdictProposal({
        chainId: domain.chainId as bigint,
        challenges: await challenges.getAddress(),
        leader: signer.address,
        message,
        originalRationale: rationales.original,
        appealRationale: rationales.appeal,
        reasonText: null,
        answerText: null,
        digest: challengeVerdictDigest(domain, message),
        signature: await signChallengeVerdict(signer, domain, message),
      });
      const response = await fetch(`${n0.url}/v1/peer/challenge-verdicts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        body: (await response.json()) as { decision?: string; reason?: string; signature?: string; error?: { code: string } },
        digest: challengeVerdictDigest(domain, message),
      };
    };
    expect((await propose(randomWallet(), {})).body.error?.code).to.equal("verdict_not_operator");
    expect((await propose(keys[1]!, { points: Number(c1.points) + 1 })).body.error?.code).to.equal("verdict_facts");
    const flipped = await propose(keys[1]!, { upheld: false });
    expect(flipped.status).to.equal(200);
    expect(flipped.body).to.include({ decision: "disputed", reason: "verdict" });
    const own = (await challengeView(n0.url, 1n)).evaluations!;
    expect(own).to.include({ committed: false, upheld: true });
    const wrongRoot = await propose(keys[1]!, {}, { original: own.original.rationaleJson, appeal: own.appeal.rationaleJson.replace('"upheld":true', '"upheld":true ') });
    expect(wrongRoot.body).to.include({ decision: "disputed", reason: "rationale" });
    const agreed = await propose(keys[1]!, {}, { original: own.original.rationaleJson, appeal: own.appeal.rationaleJson });
    expect(agreed.body.decision).to.equal("signed");
    expect(recoverAddress(agreed.digest, agreed.body.signature!)).to.equal(keys[0]!.address);
    // An operator sending ever new rationales fills at most a few rows per challenge.
    for (let i = 0; i < MAX_PROPOSED_EVALUATIONS + 2; i++) {
      expect((await propose(keys[1]!, { upheld: false }, { original: `{"spam":${i}}`, appeal: '{"x":1}' })).body.decision).to.equal("disputed");
    }
    expect(n0.test!.node.store.challenges.evaluationCount(1n)).to.equal(MAX_PROPOSED_EVALUATIONS);

    // Node 1 comes back and leads challenge 1: the quorum upholds it.
    await n1.start();
    await waitUntil(async () => Number((await challenges.challenge(1n)).status) === 2, "verdict 1 posted", 90_000);
    expect((await challenges.challenge(1n)).firstUpheld).to.equal(true);
    expect((await challenges.challenge(2n)).firstUpheld).to.equal(false);

    // Each verdict carries at least two distinct operators' signatures over its digest.
    const operators = new Set(keys.map((k) => k.address));
    const roots = new Map<bigint, string>();
    for (const event of await challenges.queryFilter(challenges.filters.VerdictPosted(), record.deployBlock)) {
      roots.set(event.args.id, event.args.rationaleRoot);
      expect(event.args.evaluator).to.equal(HEURISTIC_APPEAL_EVALUATOR_HASH);
      const tx = await hre.ethers.provider.getTransaction(event.transactionHash);
      const call = challenges.interface.parseTransaction({ data: tx!.data })!;
      const [verdict, signatures] = call.args as unknown as [
        { challengeId: bigint; upheld: boolean; evaluator: string; rationaleRoot: string; deadline: bigint },
        string[],
      ];
      const c = await challenges.challenge(verdict.challengeId);
      const digest = challengeVerdictDigest(domain, {
        challengeId: verdict.challengeId,
        submissionId: c.submissionId,
        epoch: Number(c.epoch),
        points: Number(c.points),
        reason: Number(c.reason),
        upheld: verdict.upheld,
        evaluator: verdict.evaluator,
        rationaleRoot: verdict.rationaleRoot,
        deadline: verdict.deadline,
      });
      const signers = signatures.map((s) => recoverAddress(digest, s));
      expect(new Set(signers).size).to.equal(signers.length);
      expect(signers.length).to.be.at.least(2);
      for (const signer of signers) expect(operators.has(signer)).to.equal(true);
    }

    // Every node serves the challenge: texts, both evaluations, proofs.
    for (const node of [n0, n1, n2]) {
      await waitUntil(async () => (await challengeView(node.url, 1n)).evaluations?.committed === true, `node ${node.index} holds the verdict's rationales`, 30_000);
      const view = await challengeView(node.url, 1n);
      if (node === n0) expect(view.reason).to.deep.include({ code: "decoration", text: FILLER_REASON });
      const ev = view.evaluations!;
      expect(ev.rationaleRoot).to.equal(roots.get(1n)!.toLowerCase());
      expect(ev.upheld).to.equal(true);
      expect(verifyRationale(ev.rationaleRoot, { submissionId: 1n, rationaleJson: ev.appeal.rationaleJson }, ev.appeal.proof)).to.equal(true);
      expect(verifyRationale(ev.rationaleRoot, { submissionId: 0n, rationaleJson: ev.original.rationaleJson }, ev.original.proof)).to.equal(true);
      expect(ev.original.rationaleJson).to.equal((await submissionView(node.url, fillerId)).rationaleJson);
      expect(ev.appeal.rationale.appeal.points).to.be.below(fillerPoints / 2);
    }
    const rejected = await challengeView(n0.url, 2n);
    expect(rejected.answer?.text).to.equal(ANSWER);
    // The reason reached node 0 with node 2's proposal (it was given to node 2 only).
    expect(rejected.reason.text).to.equal(FRIVOLOUS_REASON);
    expect(rejected.evaluations?.appeal.rationale.grounds).to.equal("score_confirmed");
    const listed = async () => ((await (await fetch(`${n1.url}/v1/challenges?status=verdict`)).json()) as { challenges: { id: string }[] }).challenges.map((c) => c.id);
    await waitUntil(async () => (await listed()).length === 2, "node 1 follows both verdicts", 30_000);
    expect(await listed()).to.deep.equal(["2", "1"]);

    // Nobody escalates: after the escalation window anyone applies the outcomes, before any claim of the epoch.
    await time.increase(2 * DAY + 1);
    await (await challenges.connect(deployer).finalize(1n)).wait();
    await (await challenges.connect(deployer).finalize(2n)).wait();
    const removed = (await rewards.queryFilter(rewards.filters.PointsRemoved(), record.deployBlock)).map((e) => e.args);
    expect(removed.map((r) => [r.submissionId, r.points])).to.deep.equal([[fillerId, BigInt(fillerPoints)]]);
    expect(await rewards.pointsOf(alice.address)).to.equal(pointsBefore - BigInt(fillerPoints));
    const reward = removed[0]!.reward;
    expect(reward).to.be.greaterThan(0n);
    expect(await token.balanceOf(bob.address), "bob: bond back and the reward").to.equal(bob0 + reward);
    expect(await token.balanceOf(carol.address), "carol: bond lost").to.equal(carol0 - bond);
    expect(await token.balanceOf(alice.address), "alice: half of carol's bond").to.equal(alice0 + bond / 2n);

    // The nodes follow the outcomes: metrics count one upheld and one rejected challenge.
    await waitUntil(
      async () => {
        const text = await (await fetch(`${n2.url}/metrics`)).text();
        return text.includes('cashkey_oracle_challenges{status="upheld"} 1') && text.includes('cashkey_oracle_challenges{status="rejected"} 1');
      },
      "metrics show the outcomes",
      30_000,
    );
    const metrics = await (await fetch(`${n1.url}/metrics`)).text();
    expect(metrics).to.match(/cashkey_oracle_challenge_verdicts_led_total\{outcome="posted"\} [1-9]/);
  });

  it("an escalated verdict is decided by the token holders through a real Governor proposal (propose, vote, queue, execute): the outcome and payouts on-chain and as every node reports it", async function () {
    this.timeout(300_000);
    const f = await loadFixture(fixture);
    const { rewards, challenges, token, governor, record, keys, alice, bob, deployer } = f;
    llm = await gullibleModel();
    const network = context.track(
      await createNetwork(
        keys,
        record,
        context.chain().proxy.url,
        { CASHKEY_ORACLE_CHALLENGE_POLL_INTERVAL_MS: "200", CASHKEY_ORACLE_CHALLENGE_ANSWER_GRACE_SECONDS: "0", CASHKEY_ORACLE_FAILOVER_TIMEOUT_MS: "4000" },
        { scorer: gullibleScorer(llm.baseURL) },
      ),
    );
    for (const node of network.nodes) await node.start();
    const [n0] = network.nodes;

    // The fooled quorum pays Alice's filler; Bob challenges it and the quorum upholds the challenge.
    const fillerId = await submitHash(rewards, alice, await upload(n0!.url, FILLER));
    await waitUntil(() => rewards.isScored(fillerId), "the filler scored", 90_000);
    const fillerPoints = (await rewards.queryFilter(rewards.filters.Scored(fillerId), record.deployBlock))[0]!.args.points;
    expect(fillerPoints).to.be.greaterThan(0n);
    const epoch = Number(await rewards.currentEpoch());
    const bond = (await challenges.params()).bond;
    const bobBeforeOpen = await token.balanceOf(bob.address);
    await (await challenges.connect(bob).open(fillerId, epoch, fillerPoints, 2, 0, keccak256(toUtf8Bytes(FILLER_REASON)))).wait();
    expect((await postText(n0!.url, 1n, "reason", FILLER_REASON)).status).to.equal(200);
    await waitUntil(async () => Number((await challenges.challenge(1n)).status) === Status.Verdict, "the quorum's verdict posted", 90_000);
    expect((await challenges.challenge(1n)).firstUpheld, "the quorum upholds the challenge").to.equal(true);

    // Bob, the winner so far, cannot escalate; Alice, the losing author, escalates by bonding twice the bond.
    await expect(challenges.connect(bob).escalate(1n)).to.be.revertedWithCustomError(challenges, "ChallengesNotEscalator");
    await (await token.connect(deployer).transfer(alice.address, 2n * bond)).wait();
    await (await token.connect(alice).approve(await challenges.getAddress(), 2n * bond)).wait();
    const pointsBefore = await rewards.pointsOf(alice.address);
    const treasury = await challenges.treasury();
    const [alice0, treasury0] = await Promise.all([token.balanceOf(alice.address), token.balanceOf(treasury)]);
    await expect(challenges.connect(alice).escalate(1n))
      .to.emit(challenges, "ChallengeEscalated")
      .withArgs(1n, alice.address, 2n * bond);
    expect(await token.balanceOf(alice.address)).to.equal(alice0 - 2n * bond);
    for (const node of network.nodes) {
      await waitUntil(async () => (await challengeView(node.url, 1n)).status === "escalated", `node ${node.index} follows the escalation`, 30_000);
    }

    // The token holders overturn the quorum: a Governor proposal calling Challenges.decide(1, false),
    // voted with delegated CKEY, queued in the Timelock after the vote, executed after its delay.
    await selfDelegate(token, [deployer]);
    const proposal = proposalOf([await encodeCall(challenges, "decide", [1n, false])], "Challenge 1: the item stands (overturn the quorum)");
    const { executeTx } = await proposeVoteQueueExecute(governor, deployer, [deployer], proposal);
    await expect(executeTx).to.emit(challenges, "ChallengeDecided").withArgs(1n, false);
    // Rejected: the points stay; Alice gets her escalation bond back and half of Bob's bond, the treasury the rest.
    const rejectedAuthorShare = (bond * BigInt((await challenges.params()).rejectedAuthorBps)) / 10_000n;
    await expect(executeTx)
      .to.emit(challenges, "ChallengeResolved")
      .withArgs(1n, Status.Rejected, 0n, 2n * bond + rejectedAuthorShare, bond - rejectedAuthorShare, 0n);
    expect(Number((await challenges.challenge(1n)).status)).to.equal(Status.Rejected);
    expect(await rewards.pointsOf(alice.address), "the points stay").to.equal(pointsBefore);
    expect(await rewards.queryFilter(rewards.filters.PointsRemoved(), record.deployBlock)).to.have.length(0);
    expect(await token.balanceOf(alice.address)).to.equal(alice0 + rejectedAuthorShare);
    expect(await token.balanceOf(bob.address), "bob: bond lost").to.equal(bobBeforeOpen - bond);
    expect(await token.balanceOf(treasury)).to.equal(treasury0 + bond - rejectedAuthorShare);

    // Every node reports the governance outcome (the quorum's verdict kept beside it) and counts it.
    for (const node of network.nodes) {
      await waitUntil(async () => (await challengeView(node.url, 1n)).status === "rejected", `node ${node.index} follows the decision`, 30_000);
      const view = await challengeView(node.url, 1n);
      expect(view.verdict?.upheld, "the quorum's first verdict").to.equal(true);
      expect(view.resolution).to.deep.equal({
        toChallenger: "0",
        toAuthor: (2n * bond + rejectedAuthorShare).toString(),
        toTreasury: (bond - rejectedAuthorShare).toString(),
        reward: "0",
      });
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).to.include('cashkey_oracle_challenges{status="rejected"} 1');
      expect(metrics).to.include('cashkey_oracle_challenges{status="upheld"} 0');
      expect(metrics).to.include('cashkey_oracle_challenges{status="escalated"} 0');
    }
  });

  it("fails over to the next operator when a challenge's leader is down", async function () {
    this.timeout(300_000);
    const f = await loadFixture(fixture);
    const { rewards, challenges, record, keys, alice, carol } = f;
    llm = await gullibleModel();
    const network = context.track(
      await createNetwork(
        keys,
        record,
        context.chain().proxy.url,
        { CASHKEY_ORACLE_CHALLENGE_POLL_INTERVAL_MS: "200", CASHKEY_ORACLE_CHALLENGE_ANSWER_GRACE_SECONDS: "0", CASHKEY_ORACLE_FAILOVER_TIMEOUT_MS: "4000" },
        { scorer: gullibleScorer(llm.baseURL) },
      ),
    );
    for (const node of network.nodes) await node.start();
    const goodId = await submitHash(rewards, alice, await upload(network.nodes[0]!.url, GOOD));
    await waitUntil(() => rewards.isScored(goodId), "the item scored", 90_000);
    const points = (await rewards.queryFilter(rewards.filters.Scored(goodId), record.deployBlock))[0]!.args.points;
    // Challenge 1's first leader is operators[1]: it is down, so after the failover timeout operators[2] leads.
    await network.nodes[1]!.stop();
    await (await challenges.connect(carol).open(goodId, await rewards.currentEpoch(), points, 3, 0, keccak256(toUtf8Bytes(FRIVOLOUS_REASON)))).wait();
    await waitUntil(async () => Number((await challenges.challenge(1n)).status) === 2, "the verdict posted by the next leader", 90_000);
    const [posted] = await challenges.queryFilter(challenges.filters.VerdictPosted(), record.deployBlock);
    expect(posted!.args.upheld).to.equal(false);
    expect((await hre.ethers.provider.getTransaction(posted!.transactionHash))!.from).to.equal(keys[2]!.address);
  });
});
