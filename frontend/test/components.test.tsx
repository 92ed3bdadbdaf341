import { act, cleanup, fireEvent, renderHook, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { WagmiProvider } from "wagmi";
import { connect } from "wagmi/actions";
import { contentHash } from "../../oracle/src/protocol/contentHash";
import { ConnectPanel } from "../src/components/ConnectPanel";
import { RequireWallet } from "../src/components/RequireWallet";
import { TxStatus } from "../src/components/TxStatus";
import { RuntimeConfigContext } from "../src/config/context";
import { useTransaction } from "../src/hooks/useTransaction";
import SubmitPage from "../src/pages/SubmitPage";
import { renderWithProviders, runtimeConfig, wagmiConfigFor } from "./render";

describe("ConnectPanel", () => {
  it("offers the clearly marked dev connector on the local chain", () => {
    renderWithProviders(<ConnectPanel />, runtimeConfig(31337));
    expect(screen.getByRole("button", { name: "Connect local dev account (chain 31337 only)" })).toBeTruthy();
    expect(screen.getByRole("button", { name: /browser wallet/ })).toBeTruthy();
  });

  it("does not offer it on any other chain", () => {
    renderWithProviders(<ConnectPanel />, runtimeConfig(8453));
    expect(screen.queryByRole("button", { name: /dev account/ })).toBeNull();
    expect(screen.getByRole("button", { name: /browser wallet/ })).toBeTruthy();
  });

  it("says there is no browser wallet instead of failing silently", async () => {
    renderWithProviders(<ConnectPanel />, runtimeConfig(8453));
    fireEvent.click(screen.getByRole("button", { name: /browser wallet/ }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/No browser wallet found/);
  });
});

describe("RequireWallet", () => {
  it("asks to connect a wallet when none is connected", () => {
    renderWithProviders(<RequireWallet what="claim">secret</RequireWallet>, runtimeConfig());
    expect(screen.getByRole("status").textContent).toMatch(/Connect a wallet .* to claim/);
    expect(screen.queryByText("secret")).toBeNull();
  });

  it("names the wrong network and hides the content", async () => {
    const runtime = runtimeConfig(31337);
    const wagmi = wagmiConfigFor(runtime, 1);
    await connect(wagmi, { connector: wagmi.connectors[0], chainId: 1 });
    renderWithProviders(<RequireWallet what="claim">secret</RequireWallet>, runtime, wagmi);
    expect((await screen.findByRole("alert")).textContent).toMatch(/another network\. Switch to chain 31337 to claim/);
    expect(screen.queryByText("secret")).toBeNull();
  });
});

describe("TxStatus", () => {
  it("announces a failure as an alert with its reason", () => {
    renderWithProviders(<TxStatus state={{ phase: "failed", label: "Claim", message: "Nothing to claim yet." }} />, runtimeConfig());
    expect(screen.getByRole("alert").textContent).toBe("Claim: Failed — Nothing to claim yet.");
  });

  it("renders nothing while idle", () => {
    const { container } = renderWithProviders(<TxStatus state={{ phase: "idle" }} />, runtimeConfig());
    expect(container.textContent).toBe("");
  });
});

describe("useTransaction", () => {
  function wrapper(runtime = runtimeConfig()) {
    const wagmi = wagmiConfigFor(runtime);
    const queryClient = new QueryClient();
    return ({ children }: { children: ReactNode }) => (
      <RuntimeConfigContext.Provider value={runtime}>
        <WagmiProvider config={wagmi}>
          <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
        </WagmiProvider>
      </RuntimeConfigContext.Provider>
    );
  }

  it("refuses to write without a wallet, and says so", async () => {
    const { result } = renderHook(() => useTransaction(), { wrapper: wrapper() });
    await act(async () => {
      expect(await result.current.send("Claim", { address: runtimeConfig().contracts.rewards, abi: [], functionName: "claim" })).toBeUndefined();
    });
    expect(result.current.state).toEqual({ phase: "failed", label: "Claim", message: "Connect a wallet first." });
  });
});

describe("SubmitPage", () => {
  it("shows the content hash of the shared protocol module, bound to the account with a random salt, as the user types", async () => {
    const runtime = runtimeConfig();
    const wagmi = wagmiConfigFor(runtime, runtime.chainId);
    const { accounts } = await connect(wagmi, { connector: wagmi.connectors[0] });
    renderWithProviders(<SubmitPage />, runtime, wagmi);
    const text = "The Rhine is 1,230 km long and flows through six countries.";
    fireEvent.input(await screen.findByLabelText("Content"), { target: { value: text } });
    const salt = screen.getByTestId("content-salt").textContent!;
    expect(salt).toMatch(/^0x[0-9a-f]{64}$/);
    await waitFor(() => expect(screen.getByTestId("content-hash").textContent).toBe(contentHash({ text, author: accounts[0], salt })));
    expect(screen.getByTestId("content-hash").textContent).not.toBe(contentHash({ text }));
    expect((screen.getByRole("button", { name: "Upload and submit" }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe("TxStatus review step and explorer links", () => {
  const tx = (review: NonNullable<Parameters<typeof TxStatus>[0]["state"]>["review"], calls: string[]) =>
    ({
      state: { phase: "review" as const, label: "Claim", review },
      send: async () => undefined,
      busy: true,
      confirm: () => void calls.push("confirm"),
      cancel: () => void calls.push("cancel"),
      reset: () => undefined,
    }) as Parameters<typeof TxStatus>[0]["tx"];

  it("says what will happen and who pays, and signs nothing before Confirm", () => {
    const calls: string[] = [];
    renderWithProviders(<TxStatus tx={tx({ summary: "Claim 12 CKEY to 0xf39F…2266.", payer: "wallet", feeWei: 2_100_000_000_000_000n }, calls)} />, runtimeConfig());
    expect(screen.getByTestId("review-summary").textContent).toBe("Claim 12 CKEY to 0xf39F…2266.");
    expect(screen.getByTestId("review-fee").textContent).toBe("About 0.0021 ETH, paid by your wallet.");
    expect(calls).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    fireEvent.click(screen.getByRole("button", { name: "Confirm and sign" }));
    expect(calls).toEqual(["cancel", "confirm"]);
  });

  it("names the relayer when it pays", () => {
    renderWithProviders(<TxStatus tx={tx({ summary: "Submit", payer: "relayer" }, [])} />, runtimeConfig());
    expect(screen.getByTestId("review-fee").textContent).toMatch(/oracle's relayer pays the gas/);
  });

  it("links the transaction to the configured explorer, and shows a bare hash without one", () => {
    const hash = `0x${"12".repeat(32)}` as const;
    const withExplorer = { ...runtimeConfig(), explorerUrl: "https://explorer.example" };
    renderWithProviders(<TxStatus state={{ phase: "confirmed", label: "Stake", hash }} />, withExplorer);
    expect(screen.getByTestId("explorer-link").getAttribute("href")).toBe(`https://explorer.example/tx/${hash}`);
    cleanup();
    renderWithProviders(<TxStatus state={{ phase: "confirmed", label: "Stake", hash }} />, runtimeConfig());
    expect(screen.queryByTestId("explorer-link")).toBeNull();
    expect(screen.getByTestId("tx-status").textContent).toMatch(/tx 0x12121212…121212/);
  });
});

describe("DevTimePanel", () => {
  it("is offered on the local chain only", async () => {
    const { DevTimePanel } = await import("../src/components/DevTimePanel");
    renderWithProviders(<DevTimePanel />, runtimeConfig(31337));
    expect(screen.getByTestId("dev-panel").textContent).toMatch(/Local chain 31337 only/);
    expect(screen.getByRole("button", { name: "+1 d" })).toBeTruthy();
    cleanup();
    renderWithProviders(<DevTimePanel />, runtimeConfig(8453));
    expect(screen.queryByTestId("dev-panel")).toBeNull();
  });
});
