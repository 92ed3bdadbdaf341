import { QueryClient } from "@tanstack/react-query";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { buildRationaleTree, rationaleProof } from "../../oracle/src/protocol/rationaleTree";
import { HowScoring, explainPoints } from "../src/components/Scoring";
import { CHAIN_QUERY } from "../src/hooks/useChain";
import type { OracleSubmission } from "../src/lib/oracle";
import { Rationale } from "../src/pages/SubmissionsPage";
import { renderWithProviders, runtimeConfig } from "./render";

describe("points in words", () => {
  it("says why a 30/100 earns nothing", () => {
    expect(explainPoints(30, 0, [], 1000)).toBe("No points: a score of 30 is below the minimum of 40; points start at 40.");
  });

  it("names the flag that capped or zeroed a score", () => {
    expect(explainPoints(10, 0, [{ code: "near_duplicate", severity: "major" }], 1000)).toMatch(/score of 10 \(capped by the near_duplicate flag\) is below the minimum/);
    expect(explainPoints(0, 0, [{ code: "exact_duplicate", severity: "blocking" }], 1000)).toMatch(/^No points: flagged exact_duplicate/);
  });

  it("shows the formula with the chain's maximum for a paying score", () => {
    expect(explainPoints(71, 275, [], 1000)).toBe("275 points = ⌊1,000 × (71 − 40 + 1)² ÷ (101 − 40)²⌋: quadratic, so quality pays more than volume.");
  });

  it("explains scoring with the formula's own figures", () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    client.setQueryData([CHAIN_QUERY, "max-points"], 1000);
    renderWithProviders(<HowScoring />, runtimeConfig(), undefined, client);
    const text = screen.getByTestId("how-scoring").textContent!;
    expect(text).toMatch(/a 30\/100 earns 0, a 40 earns 0, a 70 earns 258 and a 100 earns 1,000/);
    expect(text).toMatch(/substance \(35 % of the score\)/);
  });
});

describe("verified badge", () => {
  function view(flags: OracleSubmission["flags"]) {
    const rationaleJson = JSON.stringify({ summary: "Substance 55." });
    const tree = buildRationaleTree([
      { submissionId: 1n, rationaleJson },
      { submissionId: 2n, rationaleJson: "{}" },
    ]);
    const submission: OracleSubmission = {
      id: "1",
      status: "scored",
      author: "0x",
      contentHash: null,
      category: 0,
      blockNumber: 1,
      txHash: null,
      scoredOnChain: true,
      score: 10,
      points: 0,
      subScores: null,
      flags,
      rationale: JSON.parse(rationaleJson) as Record<string, unknown>,
      rationaleJson,
      evaluator: null,
      batch: { nonce: "0", state: "landed", rationaleRoot: tree.root, txHash: null, proof: rationaleProof(tree, 1n) },
    };
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    client.setQueryData([CHAIN_QUERY, "batch-root", "0"], { root: tree.root, txHash: `0x${"ab".repeat(32)}` });
    return { submission, client };
  }

  it("is green and says what it proves for a clean item", () => {
    const { submission, client } = view([]);
    renderWithProviders(<Rationale view={submission} flagged={false} />, runtimeConfig(), undefined, client);
    expect(screen.getByTestId("verified").className).toBe("badge ok");
    expect(screen.getByTestId("verified-meaning").textContent).toMatch(/says nothing about whether the content is true/);
  });

  it("is never green next to a flag, and says the flag is the verified verdict", () => {
    const { submission, client } = view([{ code: "near_duplicate", severity: "major", detail: "88% similar" }]);
    renderWithProviders(<Rationale view={submission} flagged />, runtimeConfig(), undefined, client);
    expect(screen.getByTestId("verified").className).toBe("badge");
    expect(screen.getByTestId("verified-meaning").textContent).toMatch(/^The flags above are the oracle's published verdict/);
  });
});
