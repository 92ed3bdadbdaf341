/**
 * Explore against a real HTTP server on loopback answering as the indexer's API does (docs/INDEXER.md).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExplorePage from "../src/pages/ExplorePage";
import { renderWithProviders, runtimeConfig } from "./render";

const AUTHOR = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const item = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  author: AUTHOR,
  contentHash: "0x" + "ab".repeat(32),
  category: 1,
  submittedAt: "1700000000",
  score: 72,
  points: "30",
  scoredEpoch: 0,
  batchNonce: "0",
  contentStatus: "fetched",
  title: null,
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
    if (path.pathname === "/v1/items") return send(200, { items: [item("2", { snippet: "Glaciers in the Alps lost half their volume." })], next: null });
    if (path.pathname === "/v1/search") {
      return send(200, {
        items: [
          item("1", {
            rank: 0.2,
            highlights: [
              { text: "The <b>Laki</b> ", match: false },
              { text: "eruption", match: true },
              { text: " cooled Europe.", match: false },
            ],
          }),
        ],
        next: null,
      });
    }
    if (path.pathname === "/v1/items/1") {
      return send(200, {
        item: item("1", { text: "The Laki eruption cooled Europe." }),
        batch: {
          nonce: "0",
          evaluator: "0x" + "11".repeat(32),
          rationaleRoot: "0x" + "22".repeat(32),
          signers: [AUTHOR],
          blockNumber: "12",
          txHash: "0x" + "33".repeat(32),
        },
      });
    }
    return send(404, { error: { code: "item_not_found", message: "No submission with this id." } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const withIndexer = () => ({ ...runtimeConfig(), indexerUrl: url });

describe("ExplorePage", () => {
  it("lists recent information, then searches with filters and marks the matched words as text", async () => {
    renderWithProviders(<ExplorePage />, withIndexer());
    expect(await screen.findByText("Glaciers in the Alps lost half their volume.")).toBeTruthy();
    fireEvent.input(screen.getByLabelText("Search"), { target: { value: "eruption" } });
    fireEvent.input(screen.getByLabelText("Minimum score"), { target: { value: "50" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    const mark = await screen.findByText("eruption");
    expect(mark.tagName).toBe("MARK");
    // Markup in a submission stays text.
    expect(screen.getByText(/The <b>Laki<\/b>/)).toBeTruthy();
    expect(requests.some((request) => request.startsWith("/v1/search?") && request.includes("q=eruption") && request.includes("minScore=50"))).toBe(true);
  });

  it("shows an item's whole text, score and batch", async () => {
    renderWithProviders(<ExplorePage id="1" />, withIndexer());
    expect((await screen.findByTestId("item-text")).textContent).toBe("The Laki eruption cooled Europe.");
    expect(screen.getByTestId("item-score").textContent).toBe("72");
    // No oracle node answers in this test: no rationale is shown, and none is claimed verified.
    expect(await screen.findByText(/oracle node did not answer/)).toBeTruthy();
    expect(screen.queryByTestId("rationale-verified")).toBeNull();
  });

  it("says so when the indexer does not know the item", async () => {
    renderWithProviders(<ExplorePage id="9" />, withIndexer());
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "No submission with this id.");
  });

  it("says a search needs the indexer when none is configured", async () => {
    renderWithProviders(<ExplorePage />, runtimeConfig());
    fireEvent.input(screen.getByLabelText("Search"), { target: { value: "eruption" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toMatch(/Search needs the indexer, and this app has no indexer configured/));
  });
});
