import { render, screen } from "@testing-library/react";
import { parseEther } from "viem";
import { describe, expect, it } from "vitest";
import { ProposalDescription, VoteBar } from "../src/components/ProposalBits";
import { titleFor } from "../src/pages/GovernancePage";

describe("proposal description", () => {
  it("renders paragraphs, bullets and links, and never a proposer's HTML", () => {
    const body = 'Why:\n\n- first <img src=x onerror="alert(1)">\n- see https://example.org/a?b=1\n\n<script>alert(2)</script>';
    const { container } = render(<ProposalDescription body={body} />);
    expect(container.querySelectorAll("li")).toHaveLength(2);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(screen.getByText(/<script>alert\(2\)<\/script>/)).toBeTruthy();
    const link = screen.getByRole("link", { name: "https://example.org/a?b=1" });
    expect(link.getAttribute("rel")).toBe("noopener noreferrer nofollow");
  });

  it("does not link a javascript: URL", () => {
    const { container } = render(<ProposalDescription body="click javascript:alert(1)" />);
    expect(container.querySelector("a")).toBeNull();
  });
});

describe("vote bar", () => {
  it("shows the tally in words with shares", () => {
    render(<VoteBar votes={{ for: parseEther("600"), against: parseEther("300"), abstain: parseEther("100") }} />);
    expect(screen.getByTestId("vote-bar").textContent).toBe("For 600 (60 %) · Against 300 (30 %) · Abstain 100 (10 %)");
  });

  it("says when nobody voted", () => {
    render(<VoteBar votes={{ for: 0n, against: 0n, abstain: 0n }} />);
    expect(screen.getByTestId("vote-bar").textContent).toBe("No votes yet");
  });
});

describe("proposal title", () => {
  it("follows the chosen action", () => {
    expect(titleFor({ kind: "epochBudget", budget: "50000" })).toBe("Set the epoch budget to 50000 CKEY");
    expect(titleFor({ kind: "threshold", threshold: "2" })).toBe("Require 2 operator signatures per batch");
    expect(titleFor({ kind: "addOperator", operator: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" })).toBe("Add operator 0xf39F…2266");
    expect(titleFor({ kind: "evaluator", evaluator: "", approved: false })).toBe("Revoke evaluator …");
  });
});
