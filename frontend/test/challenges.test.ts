/**
 * The dApp's challenge logic: the reason hash the contract commits, form checks, the timeline, the claim
 * gate's words, outcomes, the best-effort text upload to real HTTP servers on loopback, the runtime
 * configuration's challenge fields and the contract's errors in words.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { keccak256 as ethersKeccak, toUtf8Bytes } from "ethers";
import { encodeErrorResult, encodeFunctionData, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { challengesAbi } from "../src/generated/abis";
import { parseRuntimeConfig } from "../src/config/runtimeConfig";
import {
  type IndexedChallenge,
  atRisk,
  describeGate,
  describeOutcome,
  draftProblem,
  duplicateOfArg,
  escalator,
  groundsRejected,
  latestEnd,
  openingTimeline,
  reasonHash,
  sendChallengeText,
} from "../src/lib/challenges";
import { describeError } from "../src/lib/errors";
import { describeCall } from "../src/lib/proposalActions";
import { decisionDescription } from "../src/components/challenges/ChallengeActions";
import { formatTimestamp } from "../src/lib/format";
import { runtimeConfig } from "./render";

const PARAMS = {
  window: 1_200n,
  verdictTimeout: 3n * 86_400n,
  escalationWindow: 2n * 86_400n,
  escalationTimeout: 14n * 86_400n,
  bond: parseEther("100"),
  rewardBps: 5_000,
  rejectedAuthorBps: 5_000,
};

describe("challenges: reason hash and form", () => {
  it("hashes the trimmed UTF-8 text as keccak256, like the contract's reasonHash and ethers", () => {
    const text = "Copie mot pour mot de #3 — même chiffres 🌋";
    expect(reasonHash(text)).toBe(ethersKeccak(toUtf8Bytes(text)));
    expect(reasonHash(`  ${text}\n`)).toBe(reasonHash(text));
    expect(reasonHash("a")).not.toBe(reasonHash("b"));
  });

  it("refuses an empty or long text and a duplicate without an earlier #id", () => {
    const base = { submissionId: 9n, reason: 3, duplicateOf: "", text: "spam" };
    expect(draftProblem(base)).toBeUndefined();
    expect(draftProblem({ ...base, text: "   " })).toMatch(/few words/);
    expect(draftProblem({ ...base, text: "x".repeat(501) })).toMatch(/under 500/);
    expect(draftProblem({ ...base, reason: 9 })).toMatch(/Pick a reason/);
    expect(draftProblem({ ...base, reason: 0 })).toMatch(/#id/);
    expect(draftProblem({ ...base, reason: 0, duplicateOf: "#9" })).toMatch(/#9 is not before #9/);
    expect(draftProblem({ ...base, reason: 0, duplicateOf: "0" })).toMatch(/#id/);
    expect(draftProblem({ ...base, reason: 0, duplicateOf: "#4" })).toBeUndefined();
    expect(duplicateOfArg({ ...base, reason: 0, duplicateOf: "#4" })).toBe(4n);
    // Only a duplicate names another item: any other reason sends 0, whatever the field holds.
    expect(duplicateOfArg({ ...base, duplicateOf: "#4" })).toBe(0n);
  });

  it("reads rejected grounds from the contract's bit mask", () => {
    const mask = (1n << 3n) | (1n << 0n);
    expect([0, 1, 2, 3, 4, 5].map((code) => groundsRejected(mask, code))).toEqual([true, false, false, true, false, false]);
  });

  it("says what is at risk with the governance figures", () => {
    expect(atRisk(PARAMS)).toBe(
      "You lock 100 CKEY. Upheld: it comes back with a reward of 50 % of the points' share of the epoch budget. Rejected: you lose it (50 % to the author, the rest to the treasury). No verdict in time: it comes back in full. Escalating a verdict costs 200 CKEY more.",
    );
  });
});

describe("challenges: timeline and claim gate", () => {
  it("lays out a new challenge's phases from now and the window from the epoch's last batch", () => {
    const steps = openingTimeline(PARAMS, 10_000n, 9_500n);
    expect(steps.map((s) => s.at)).toEqual([10_700n, 10_000n + 259_200n, 10_000n + 259_200n + 172_800n, 10_000n + 259_200n + 172_800n + 1_209_600n]);
  });

  it("bounds a challenge's end by its remaining phases", () => {
    expect(latestEnd("open", 100n, PARAMS)).toBe(100n + 172_800n + 1_209_600n);
    expect(latestEnd("verdict", 100n, PARAMS)).toBe(100n + 1_209_600n);
    expect(latestEnd("escalated", 100n, PARAMS)).toBe(100n);
  });

  it("says when an epoch becomes claimable, and what holds it", () => {
    const gate = { epoch: 2, claimableAt: 5_000n, openCount: 0n, final: false };
    expect(describeGate(gate, 4_000n, [], PARAMS)).toBe(
      `Epoch 2: claimable from ${formatTimestamp(5_000n)}, when the epoch has ended and its challenge window has closed.`,
    );
    expect(describeGate(gate, 6_000n, [], PARAMS)).toBe("Epoch 2: claimable (its challenge window has closed).");
    expect(describeGate({ ...gate, final: true }, 4_000n, [], PARAMS)).toBe("Epoch 2: final, claimable.");
    const held = { ...gate, claimableAt: 0n, openCount: 2n };
    const holding = [
      { id: "4", status: "open" as const, deadline: 1_000n },
      { id: "7", status: "escalated" as const, deadline: 9_000_000n },
    ];
    expect(describeGate(held, 4_000n, holding, PARAMS)).toBe(
      `Epoch 2: held by 2 open challenges (#4, #7); claimable once resolved, at the latest from ${formatTimestamp(9_000_000n)}.`,
    );
    expect(describeGate({ ...held, openCount: 1n }, 4_000n, [], PARAMS)).toBe("Epoch 2: held by 1 open challenge; claimable once resolved.");
  });
});

const CHALLENGE: IndexedChallenge = {
  id: "3",
  submissionId: "8",
  challenger: "0x00000000000000000000000000000000000000c1",
  author: "0x00000000000000000000000000000000000000a1",
  epoch: 0,
  points: "40",
  reason: 3,
  reasonName: "spam",
  duplicateOf: null,
  reasonHash: "0x" + "11".repeat(32),
  bond: String(parseEther("100")),
  status: "upheld",
  deadline: "1000",
  openedAt: "900",
  answerHash: null,
  verdictUpheld: true,
  verdictAt: "950",
  escalatedBy: null,
  escalationBond: null,
  decidedUpheld: null,
  resolvedAt: "1100",
  toChallenger: String(parseEther("150")),
  toAuthor: "0",
  toTreasury: "0",
  reward: String(parseEther("50")),
  pointsRemoved: "40",
};

describe("challenges: outcomes", () => {
  it("puts each outcome and its payouts into words", () => {
    expect(describeOutcome(CHALLENGE)).toBe("Upheld: 40 points removed; reward 50 CKEY. Paid: challenger 150 CKEY.");
    expect(
      describeOutcome({
        ...CHALLENGE,
        status: "rejected",
        decidedUpheld: false,
        escalatedBy: CHALLENGE.challenger,
        toChallenger: "0",
        toAuthor: String(parseEther("150")),
        toTreasury: String(parseEther("150")),
      }),
    ).toBe("Rejected by governance: the score stands. Paid: author 150 CKEY, treasury 150 CKEY.");
    expect(describeOutcome({ ...CHALLENGE, status: "dismissed", verdictUpheld: null, toChallenger: String(parseEther("100")), reward: "0" })).toMatch(
      /^Dismissed: .* Paid: challenger 100 CKEY\.$/,
    );
    expect(describeOutcome({ ...CHALLENGE, status: "open", resolvedAt: null })).toBe(`Open: the operators' verdict is due by ${formatTimestamp(1000n)}.`);
  });

  it("names who may escalate: the author of an upheld verdict, the challenger of a rejected one", () => {
    expect(escalator(CHALLENGE)).toBe(CHALLENGE.author);
    expect(escalator({ ...CHALLENGE, verdictUpheld: false })).toBe(CHALLENGE.challenger);
  });
});

describe("challenges: reason text to the nodes (best effort)", () => {
  let accepting: http.Server;
  let refusing: http.Server;
  const received: { url: string; body: string }[] = [];

  beforeAll(async () => {
    accepting = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({ url: request.url ?? "", body });
        response.writeHead(201, { "content-type": "application/json" }).end("{}");
      });
    });
    refusing = http.createServer((_request, response) => response.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found"}}'));
    await Promise.all([accepting, refusing].map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
  });

  afterAll(async () => {
    await Promise.all([accepting, refusing].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it("posts the text to every node, returns those that took it and never throws for the others", async () => {
    const at = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const accepted = await sendChallengeText([at(accepting), at(refusing), "http://127.0.0.1:9"], 12n, "reason", "  copied from #3 \n", undefined, {
      patienceMs: 200,
      retryMs: 50,
    });
    expect(accepted).toEqual([at(accepting)]);
    expect(received).toEqual([{ url: "/v1/challenges/12/reason", body: JSON.stringify({ text: "copied from #3" }) }]);
    expect(await sendChallengeText([], 12n, "answer", "x")).toEqual([]);
  });

  it("asks again a node that has not seen the challenge yet (404), and never one that refused the text (409)", async () => {
    const asked: string[] = [];
    const serve = (name: string, statuses: number[]) =>
      http.createServer((request, response) => {
        asked.push(`${name} ${request.url}`);
        request.resume();
        request.on("end", () => response.writeHead(statuses.shift() ?? 500, { "content-type": "application/json" }).end("{}"));
      });
    const late = serve("late", [404, 404, 200]);
    const mismatch = serve("mismatch", [409, 200]);
    await Promise.all([late, mismatch].map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
    const at = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const slept: number[] = [];
    try {
      const accepted = await sendChallengeText([at(late), at(mismatch)], 7n, "answer", "mine", undefined, {
        patienceMs: 60_000,
        retryMs: 10,
        sleep: async (ms) => void slept.push(ms),
      });
      expect(accepted).toEqual([at(late)]);
      expect(asked.filter((a) => a.startsWith("late"))).toEqual(Array(3).fill("late /v1/challenges/7/answer"));
      expect(asked.filter((a) => a.startsWith("mismatch"))).toEqual(["mismatch /v1/challenges/7/answer"]);
      expect(slept).toEqual([10, 10]);
    } finally {
      await Promise.all([late, mismatch].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
  });
});

describe("challenges: runtime configuration and errors", () => {
  it("reads the Challenges address and the nodes to send texts to", () => {
    const base = { ...runtimeConfig(), deployBlock: 0 };
    const raw = { ...base, contracts: { ...base.contracts, challenges: "0xa513e6e4b8f2a923d98304ec87f64353c4d5c853" }, challengeNodeUrls: ["http://127.0.0.1:7001/"] };
    const config = parseRuntimeConfig(raw);
    expect(config.contracts.challenges).toBe("0xa513E6E4b8f2a923D98304ec87F64353C4D5C853");
    expect(config.challengeNodeUrls).toEqual(["http://127.0.0.1:7001"]);
    expect(parseRuntimeConfig(base).challengeNodeUrls).toBeUndefined();
    expect(parseRuntimeConfig({ ...raw, challengeNodeUrls: [] }).challengeNodeUrls).toEqual([]);
    expect(() => parseRuntimeConfig({ ...raw, challengeNodeUrls: "http://x" })).toThrow(/challengeNodeUrls/);
    expect(() => parseRuntimeConfig({ ...raw, contracts: { ...raw.contracts, challenges: "0x12" } })).toThrow(/contracts\.challenges/);
  });

  it("puts the claim gate's and the contract's errors into words", () => {
    const revert = (errorName: string, args: readonly unknown[]) => ({
      data: encodeErrorResult({ abi: challengesAbi, errorName: errorName as never, args: args as never }),
    });
    expect(describeError(revert("ChallengesEpochNotFinal", [3, 0n]))).toBe("Epoch 3 is held by an open challenge: its tokens become claimable once it is resolved.");
    expect(describeError(revert("ChallengesEpochNotFinal", [3, 5_000n]))).toBe(`Epoch 3 is not final yet: claimable from ${formatTimestamp(5_000n)}.`);
    expect(describeError(revert("ChallengesOwnItem", ["0x00000000000000000000000000000000000000a1"]))).toBe("You cannot challenge your own submission.");
    expect(describeError(revert("ChallengesGroundsRejected", [8n, 3]))).toBe("A challenge of submission 8 for spam was already rejected: pick another reason.");
  });
});

describe("challenges: governance's decision", () => {
  it("proposes Challenges.decide and puts the call into words on the Governance pages", () => {
    const contracts = { ...runtimeConfig().contracts, challenges: "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853" as const };
    const calldata = encodeFunctionData({ abi: challengesAbi, functionName: "decide", args: [3n, true] });
    expect(describeCall(contracts.challenges, calldata, contracts)).toBe("Challenges.decide(3, true)");
    // A deployment without Challenges in its config: the call stays unnamed rather than misattributed.
    expect(describeCall(contracts.challenges, calldata, runtimeConfig().contracts)).toBe(`call ${calldata.slice(0, 10)} on ${contracts.challenges}`);
    expect(decisionDescription("3", false).split("\n")[0]).toBe("Reject challenge #3");
  });
});
