import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { TxStatus } from "../src/components/TxStatus";
import { createWagmiConfig } from "../src/wagmi";
import { EMBEDDED_WALLET_ID } from "../src/wallet/connector";
import { EmbeddedWalletPanel } from "../src/wallet/EmbeddedWalletPanel";
import { memoryVaultStore } from "../src/wallet/store";
import { renderWithProviders, runtimeConfig } from "./render";

const PASS = "correct horse battery";

describe("EmbeddedWalletPanel", () => {
  it("creates a wallet and will not offer to unlock it until the backup is confirmed", async () => {
    const runtime = runtimeConfig();
    const store = memoryVaultStore();
    const wagmi = createWagmiConfig(runtime, store);
    const connector = wagmi.connectors.find((c) => c.id === EMBEDDED_WALLET_ID)!;
    renderWithProviders(<EmbeddedWalletPanel connector={connector} store={store} chainId={runtime.chainId} />, runtime, wagmi);

    fireEvent.input(await screen.findByLabelText("Passphrase"), { target: { value: PASS } });
    fireEvent.click(screen.getByRole("button", { name: "Create wallet" }));
    expect(await screen.findByText(/Back up your wallet before using it/, {}, { timeout: 10_000 })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Unlock CashKey wallet" })).toBeNull();
    expect((await store.get())!.backedUpAt).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Show my key" }));
    const key = (await screen.findByTestId("backup-key", {}, { timeout: 10_000 })).textContent!;
    fireEvent.input(screen.getByLabelText("Type the last 8 characters of the key"), { target: { value: "00000000" } });
    fireEvent.click(screen.getByRole("button", { name: "I wrote it down" }));
    expect(await screen.findByText(/not the last 8 characters/, {}, { timeout: 10_000 })).toBeTruthy();

    fireEvent.input(screen.getByLabelText("Type the last 8 characters of the key"), { target: { value: key.slice(-8) } });
    fireEvent.click(screen.getByRole("button", { name: "I wrote it down" }));
    expect(await screen.findByRole("button", { name: "Unlock CashKey wallet" }, { timeout: 10_000 })).toBeTruthy();
    expect((await store.get())!.backedUpAt).not.toBeNull();
  }, 30_000);
});

describe("TxStatus", () => {
  it("says who paid the gas of a relayed transaction", () => {
    renderWithProviders(
      <TxStatus state={{ phase: "confirmed", label: "Submit", hash: `0x${"ab".repeat(32)}`, paidBy: "0x000000000000000000000000000000000000dEaD" }} />,
      runtimeConfig(),
    );
    expect(screen.getByTestId("tx-paid-by").textContent).toMatch(/gas paid by the oracle's relayer/);
  });
});

describe("PreferRelayerToggle", () => {
  it("is offered only when the deployment has a forwarder, and remembers the choice", async () => {
    const { PreferRelayerToggle } = await import("../src/wallet/PreferRelayerToggle");
    const without = renderWithProviders(<PreferRelayerToggle />, runtimeConfig());
    expect(without.container.textContent).toBe("");
    without.unmount();
    const base = runtimeConfig();
    const withForwarder = { ...base, contracts: { ...base.contracts, forwarder: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const } };
    renderWithProviders(<PreferRelayerToggle />, withForwarder);
    fireEvent.click(screen.getByLabelText(/Let the relayer pay gas/));
    expect(localStorage.getItem("cashkey.preferRelayer")).toBe("1");
  });
});
