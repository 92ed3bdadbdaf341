/**
 * The Network page's operator scorecard against a real HTTP server on loopback answering as the
 * indexer's `/v1/operators/scorecard` does (docs/INDEXER.md); nothing when the indexer fails or is off.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { screen, waitFor } from "@testing-library/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperatorScorecard } from "../src/components/network/OperatorScorecard";
import { renderWithProviders, runtimeConfig } from "./render";

const CAREFUL = "0x" + "a1".repeat(20);
const REVERSED = "0x" + "b2".repeat(20);
const reasons = (counts: Record<string, number>) => ({ duplicate: 0, injection: 0, decoration: 0, spam: 0, "off-topic": 0, other: 0, ...counts });

let server: http.Server;
let url: string;
let failing = false;
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requests.push(request.url ?? "");
    const send = (status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" }).end(JSON.stringify(body));
    if (failing) return send(500, { error: { code: "internal", message: "Internal error." } });
    if (new URL(request.url ?? "/", "http://x").pathname !== "/v1/operators/scorecard") return send(404, { error: { code: "not_found", message: "No route." } });
    return send(200, {
      items: [
        {
          address: CAREFUL,
          batchesSigned: 12,
          itemsScored: 340,
          challenged: 2,
          upheld: 1,
          upheldByReason: reasons({ spam: 1 }),
          rejected: 1,
          verdictsSigned: 3,
          selfReversals: 0,
        },
        {
          address: REVERSED,
          batchesSigned: 7,
          itemsScored: 95,
          challenged: 5,
          upheld: 4,
          upheldByReason: reasons({ duplicate: 3, injection: 1 }),
          rejected: 0,
          verdictsSigned: 4,
          selfReversals: 2,
        },
      ],
      next: null,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("OperatorScorecard", () => {
  it("shows each operator's batches, items, upheld challenges (duplicate / injection) and self-reversals", async () => {
    failing = false;
    renderWithProviders(<OperatorScorecard />, { ...runtimeConfig(), indexerUrl: url });
    const body = await screen.findByTestId("scorecard");
    const rows = [...body.querySelectorAll("tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows.map((cells) => cells.slice(1))).toEqual([
      ["12", "340", "1 (0 / 0)", "0"],
      ["7", "95", "4 (3 / 1)", "2"],
    ]);
    expect(body.querySelectorAll("tr")[1]!.querySelector("td")!.getAttribute("title")).toBe(REVERSED);
    expect(body.querySelector(".badge.warn")?.textContent).toBe("2");
    expect(requests.some((path) => path.startsWith("/v1/operators/scorecard?limit="))).toBe(true);
  });

  it("shows nothing when the indexer answers with an error", async () => {
    failing = true;
    const before = requests.length;
    const { container } = renderWithProviders(<OperatorScorecard />, { ...runtimeConfig(), indexerUrl: url });
    await waitFor(() => expect(requests.length).toBeGreaterThan(before));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(container.textContent).toBe("");
    expect(screen.queryByTestId("scorecard")).toBeNull();
  });

  it("shows nothing and asks nothing without an indexer", async () => {
    failing = false;
    const before = requests.length;
    const { container } = renderWithProviders(<OperatorScorecard />, { ...runtimeConfig(), indexerUrl: undefined });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(container.textContent).toBe("");
    expect(requests.length).toBe(before);
  });
});
