import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { HistoryNotice } from "../src/components/HistoryNotice";
import { renderWithProviders, runtimeConfig } from "./render";

const fromChain = (fromBlock: bigint, toBlock: bigint, reason: "unconfigured" | "unreachable") => ({
  source: "chain" as const,
  data: [],
  range: { fromBlock, toBlock },
  reason,
});

describe("HistoryNotice", () => {
  it("says nothing when every list came from the indexer", () => {
    renderWithProviders(<HistoryNotice histories={[{ source: "indexer", data: [] }, undefined]} />, runtimeConfig());
    expect(screen.queryByTestId("history-fallback")).toBeNull();
  });

  it("says the indexer is down and that older entries are missing", () => {
    renderWithProviders(<HistoryNotice histories={[{ source: "indexer", data: [] }, fromChain(15_001n, 20_000n, "unreachable")]} />, runtimeConfig());
    expect(screen.getByTestId("history-fallback").textContent).toBe(
      "The indexer cannot be reached: the history below is read from the chain and covers only the latest 5,000 blocks (from block 15001); anything older is not shown.",
    );
  });

  it("says the whole history was read when the latest blocks reach back to the deployment", () => {
    renderWithProviders(<HistoryNotice histories={[fromChain(0n, 26n, "unconfigured")]} />, runtimeConfig());
    expect(screen.getByTestId("history-fallback").textContent).toBe(
      "This app has no indexer configured: the history below is read from the chain, all 27 blocks since the deployment.",
    );
  });
});
