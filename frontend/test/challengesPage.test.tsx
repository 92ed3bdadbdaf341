/**
 * The Challenges page and an item's challenge panel against a real HTTP server on loopback answering as
 * the indexer's API does (docs/INDEXER.md); no chain answers (the RPC URL has no listener).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { keccak256, stringToBytes } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChallengePanel } from "../src/components/challenges/ChallengePanel";
import ChallengesPage from "../src/pages/ChallengesPage";
import { renderWithProviders, runtimeConfig } from "./render";

const challenge = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  submissionId: "8",
  challenger: "0x00000000000000000000000000000000000000c1",
  author: "0x00000000000000000000000000000000000000a1",
  epoch: 0,
  points: "40",
  reason: 0,
  reasonName: "duplicate",
  duplicateOf: "3",
  reasonHash: "0x" + "11".repeat(32),
  bond: "100000000000000000000",
  status: "open",
  deadline: "1700000000",
  openedAt: "1699990000",
  answerHash: null,
  verdictUpheld: null,
  verdictAt: null,
  escalatedBy: null,
  escalationBond: null,
  decidedUpheld: null,
  resolvedAt: null,
  toChallenger: null,
  toAuthor: null,
  toTreasury: null,
  reward: null,
  pointsRemoved: null,
  title: "Rhine barges",
  ...extra,
});

let server: http.Server;
let url: string;
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requests.push(request.url ?? "");
    const path = new URL(request.url ?? "/", "http://x");
    const send = (status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" }).end(JSON.stringify(body));
    if (path.pathname !== "/v1/challenges") return send(404, { error: { code: "not_found", message: "No route." } });
    if (path.searchParams.get("status") === "resolved") {
      return send(200, {
        items: [
          challenge("2", {
            status: "rejected",
            reason: 3,
            reasonName: "spam",
            duplicateOf: null,
            verdictUpheld: false,
            toChallenger: "0",
            toAuthor: "50000000000000000000",
            toTreasury: "50000000000000000000",
            reward: "0",
          }),
        ],
        next: null,
      });
    }
    return send(200, { items: [challenge("3")], next: path.searchParams.get("cursor") ? null : "b2xkZXI" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const withIndexer = () => ({ ...runtimeConfig(), indexerUrl: url });

describe("ChallengesPage", () => {
  it("lists challenges in progress, then resolved ones with their outcome and payouts, and pages with the cursor", async () => {
    renderWithProviders(<ChallengesPage />, withIndexer());
    const open = await screen.findByTestId("challenge-3");
    expect(open.textContent).toMatch(/Challenge #3\s*open/);
    expect(open.textContent).toMatch(/On Rhine barges · Duplicate of an earlier submission of #3 · 40 points of epoch 0 · bond 100 CKEY/);
    expect(requests).toContain("/v1/challenges?status=active&limit=20");
    fireEvent.click(screen.getByRole("button", { name: "Older" }));
    await waitFor(() => expect(requests).toContain("/v1/challenges?status=active&limit=20&cursor=b2xkZXI"));
    fireEvent.click(screen.getByRole("button", { name: "Resolved" }));
    const resolved = await screen.findByTestId("challenge-2");
    expect(resolved.querySelector("[data-testid=challenge-outcome]")?.textContent).toBe("Rejected: the score stands. Paid: author 50 CKEY, treasury 50 CKEY.");
    // A new view starts from its first page.
    expect(requests).toContain("/v1/challenges?status=resolved&limit=20");
  });

  it("says so when no indexer is configured", async () => {
    renderWithProviders(<ChallengesPage />, runtimeConfig());
    await waitFor(() => expect(screen.getByRole("alert").textContent).toMatch(/no indexer configured/));
  });
});

describe("ChallengePanel", () => {
  const item = {
    id: "8",
    author: "0x00000000000000000000000000000000000000a1",
    contentHash: "0x" + "ab".repeat(32),
    category: 1,
    submittedAt: "1",
    score: 70,
    points: "40",
    scoredEpoch: 0,
    batchNonce: "0",
    contentStatus: "fetched" as const,
    title: null,
  };

  it("shows the item's challenges, and says when the deployment has no Challenges contract", async () => {
    renderWithProviders(
      <ChallengePanel item={item} challenges={[challenge("5", { status: "dismissed", toChallenger: "100000000000000000000", reward: "0" })] as never} />,
      withIndexer(),
    );
    expect((await screen.findByTestId("challenge-5")).textContent).toMatch(/Dismissed: no verdict in time.*Paid: challenger 100 CKEY\./);
    expect(screen.getByText(/no Challenges contract/)).toBeTruthy();
  });

  it("offers no form for an unscored item", async () => {
    const config = { ...withIndexer(), contracts: { ...withIndexer().contracts, challenges: "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853" as const } };
    renderWithProviders(<ChallengePanel item={{ ...item, score: null, points: null, scoredEpoch: null }} challenges={[]} />, config);
    expect(await screen.findByText("Only a scored item can be challenged.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Open challenge|Approve/ })).toBeNull();
  });
});

describe("challenge texts from the operator nodes", () => {
  const REASON = "Same sentence five times, nothing new.";
  const ANSWER = "Each sentence adds a figure.";
  let node: http.Server;
  let nodeUrl: string;
  let indexer: http.Server;
  let indexerUrl: string;
  const committed = challenge("9", {
    status: "verdict",
    verdictUpheld: true,
    reasonHash: keccak256(stringToBytes(REASON)),
    answerHash: keccak256(stringToBytes(ANSWER)),
  });

  beforeAll(async () => {
    const send = (response: http.ServerResponse, status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" }).end(JSON.stringify(body));
    // The node serves the reason as committed, and an answer with one word changed.
    node = http.createServer((request, response) => {
      if (request.url !== "/v1/challenges/9") return send(response, 404, { error: { code: "challenge_not_found" } });
      send(response, 200, {
        id: "9",
        reason: { code: "duplicate", hash: committed.reasonHash, text: REASON },
        answer: { hash: committed.answerHash, text: ANSWER.replace("adds", "repeats") },
        evaluations: {
          committed: true,
          upheld: true,
          appeal: {
            rationale: { grounds: "points_below_threshold", detail: "", appeal: { score: 21, points: 4, flags: [{ code: "low_effort" }], summary: "Repetitive." } },
          },
        },
      });
    });
    indexer = http.createServer((_request, response) => send(response, 200, { items: [committed], next: null }));
    for (const server of [node, indexer]) await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    nodeUrl = `http://127.0.0.1:${(node.address() as AddressInfo).port}`;
    indexerUrl = `http://127.0.0.1:${(indexer.address() as AddressInfo).port}`;
  });
  afterAll(() => Promise.all([node, indexer].map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));

  it("shows the reason that matches its hash, refuses the tampered answer, and shows the appeal evaluation's summary (page and item panel)", async () => {
    const config = { ...runtimeConfig(), indexerUrl, challengeNodeUrls: [nodeUrl] };
    const { unmount } = renderWithProviders(<ChallengesPage />, config);
    const card = await screen.findByTestId("challenge-9");
    await waitFor(() => expect(card.querySelector("[data-testid=challenge-reason-text]")?.textContent).toBe(`Reason: ${REASON}`));
    expect(card.querySelector("[data-testid=challenge-answer-text]")?.textContent).toMatch(/^Author's answer: text not available/);
    expect(card.textContent).not.toContain("repeats");
    expect(card.querySelector("[data-testid=challenge-appeal]")?.textContent).toMatch(
      /^Appeal evaluation: score 21\/100 · 4 points · flags low_effort · upholds the challenge: the appeal evaluation pays well under the credited points\./,
    );
    unmount();

    const item = {
      id: "8",
      author: committed.author,
      contentHash: "0x" + "ab".repeat(32),
      category: 1,
      submittedAt: "1",
      score: 70,
      points: "40",
      scoredEpoch: 0,
      batchNonce: "0",
      contentStatus: "fetched" as const,
      title: null,
    };
    renderWithProviders(<ChallengePanel item={item} challenges={[committed] as never} />, config);
    await waitFor(() => expect(screen.getByTestId("challenge-reason-text").textContent).toBe(`Reason: ${REASON}`));
    expect(screen.getByTestId("challenge-answer-text").textContent).toMatch(/text not available/);
  });
});
