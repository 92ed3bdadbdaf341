/**
 * Reading a challenge's texts from operator nodes: real HTTP servers on loopback answering
 * `GET /v1/challenges/{id}` as a node does (oracle/src/api/routes/challenges.ts), one honest, one that
 * serves tampered texts, one that answers garbage; a text is shown only when it hashes to the committed value.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { keccak256, stringToBytes } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchChallengeTexts, textMatches } from "../src/lib/challengeTexts";

const REASON = "Decorated filler: generic sentences dressed with figures — nothing checkable.";
const ANSWER = "Every figure comes from the cited report.";
const hashOf = (text: string) => keccak256(stringToBytes(text));
const committed = { id: "1", reasonHash: hashOf(REASON), answerHash: hashOf(ANSWER) };

const appealRationale = {
  kind: "cashkey-challenge-appeal",
  upheld: true,
  grounds: "reason_confirmed",
  detail: "The appeal evaluation raises decoration, as the challenge says.",
  appeal: {
    evaluator: "0x" + "ee".repeat(32),
    score: 12,
    points: 3,
    flags: [{ code: "decoration", detail: "figures without sources" }],
    summary: "Filler with decoration.",
  },
};

/** What a node answers for challenge 1, with the given texts. */
const view = (reasonText: string | null, answerText: string | null, committedEvaluation = true) => ({
  id: "1",
  status: "verdict",
  reason: { code: "decoration", hash: committed.reasonHash, text: reasonText },
  answer: { hash: committed.answerHash, text: answerText },
  evaluations: {
    rationaleRoot: "0x" + "aa".repeat(32),
    committed: committedEvaluation,
    upheld: true,
    evaluator: "0x" + "ee".repeat(32),
    original: { rationale: {}, rationaleJson: "{}", proof: [] },
    appeal: { rationale: appealRationale, rationaleJson: JSON.stringify(appealRationale), proof: [] },
  },
  votes: [],
});

const servers: http.Server[] = [];
const requests: string[] = [];
let honest: string;
let tampering: string;
let garbage: string;
let missing: string;

async function serve(handler: (path: string, response: http.ServerResponse) => void): Promise<string> {
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? "");
    handler(request.url ?? "", response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (response: http.ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

beforeAll(async () => {
  honest = await serve((path, response) =>
    path === "/v1/challenges/1" ? json(response, 200, view(REASON, ANSWER)) : json(response, 404, { error: { code: "challenge_not_found" } }),
  );
  // Serves the texts with one word changed, and claims the hashes are theirs.
  tampering = await serve((_path, response) =>
    json(response, 200, {
      ...view(REASON.replace("nothing", "everything"), ANSWER.replace("Every", "No"), false),
      reason: { code: "decoration", hash: hashOf(REASON.replace("nothing", "everything")), text: REASON.replace("nothing", "everything") },
    }),
  );
  garbage = await serve((_path, response) => response.writeHead(200, { "content-type": "application/json" }).end("{not json"));
  missing = await serve((_path, response) => json(response, 404, { error: { code: "challenge_not_found" } }));
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

describe("textMatches", () => {
  it("holds a text to the exact keccak256 of its UTF-8 bytes", () => {
    expect(textMatches(REASON, committed.reasonHash)).toBe(true);
    expect(textMatches(REASON, committed.reasonHash.toUpperCase().replace("0X", "0x"))).toBe(true);
    expect(textMatches(`${REASON} `, committed.reasonHash)).toBe(false);
    expect(textMatches(null, committed.reasonHash)).toBe(false);
    expect(textMatches(REASON, null)).toBe(false);
  });
});

describe("fetchChallengeTexts", () => {
  it("shows the texts an honest node serves, with the appeal evaluation's summary", async () => {
    const texts = await fetchChallengeTexts([honest], committed);
    expect(texts.reason).toEqual({ status: "verified", text: REASON, node: honest });
    expect(texts.answer).toEqual({ status: "verified", text: ANSWER, node: honest });
    expect(texts.appeal).toEqual({
      node: honest,
      committed: true,
      upheld: true,
      grounds: "reason_confirmed",
      detail: "The appeal evaluation raises decoration, as the challenge says.",
      score: 12,
      points: 3,
      flags: ["decoration"],
      summary: "Filler with decoration.",
    });
    expect(requests).toContain("/v1/challenges/1");
  });

  it("refuses tampered texts: alone, the node's texts are not available; beside an honest node, the honest texts are shown", async () => {
    const alone = await fetchChallengeTexts([tampering], committed);
    expect(alone.reason).toEqual({ status: "unavailable" });
    expect(alone.answer).toEqual({ status: "unavailable" });
    const first = await fetchChallengeTexts([tampering, garbage, missing, honest], committed);
    expect(first.reason).toEqual({ status: "verified", text: REASON, node: honest });
    expect(first.answer).toEqual({ status: "verified", text: ANSWER, node: honest });
    // The evaluation of the posted verdict wins over a node's own draft.
    expect(first.appeal?.node).toBe(honest);
  });

  it("has no answer before one is committed, and nothing from nodes that fail or do not listen", async () => {
    const dead = await serve(() => undefined);
    const texts = await fetchChallengeTexts([garbage, missing, "http://127.0.0.1:9"], { ...committed, answerHash: null });
    expect(texts).toEqual({ reason: { status: "unavailable" }, answer: null, appeal: null });
    // A node that never answers is given up on after the timeout.
    const slow = await fetchChallengeTexts([dead], committed, undefined, 200);
    expect(slow.reason).toEqual({ status: "unavailable" });
  });
});
