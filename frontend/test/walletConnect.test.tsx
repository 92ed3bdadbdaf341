/**
 * WalletConnect around its relay (which cannot be reached here): the button exists only with a project
 * id, nothing of WalletConnect is set up or loaded until the user connects, a silent or failing relay
 * ends in a sentence, and a relay that answers shows the pairing link. wagmi's own connector is replaced
 * by one that behaves like each relay; the real one against a blocked relay runs in the browser test.
 */
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { type CreateConnectorFn, createConnector } from "wagmi";
import { describe, expect, it, vi } from "vitest";
import { ConnectPanel } from "../src/components/ConnectPanel";
import { createWagmiConfig, optionalConnectors } from "../src/wagmi";
import { memoryVaultStore } from "../src/wallet/store";
import { WALLETCONNECT_ID, WalletConnectUnreachableError, lazyWalletConnect, walletConnectMetadata, walletConnectParameters } from "../src/wallet/walletConnect";
import { ACCOUNT, renderWithProviders, runtimeConfig } from "./render";

const PROJECT_ID = "0123456789abcdef0123456789abcdef";
const PAIRING_URI =
  "wc:7f6e504bfad60b485450578e05678ed3e8e8c4751d3c6160be17160d63ec90f9@2?relay-protocol=irn&symKey=587d5484ce2a2a6ee3ba1962fdd7e8588e06200c46823bd18fbd67def96ad303";

type Relay = "silent" | "failing" | "refusing" | "answering";

/** Stands in for wagmi's WalletConnect connector: its relay is silent, fails, or answers with a pairing link. */
function fakeWalletConnect(relay: Relay, calls: string[]): CreateConnectorFn {
  return createConnector((config) => ({
    id: WALLETCONNECT_ID,
    name: "WalletConnect",
    type: "walletConnect",
    async setup() {
      calls.push("setup");
    },
    async connect() {
      calls.push("connect");
      if (relay === "failing") throw new Error("WebSocket connection failed for host: wss://relay.walletconnect.org");
      if (relay === "refusing") throw new Error("WebSocket connection closed abnormally with code: 3000 (Unauthorized: invalid key)");
      if (relay === "answering") {
        config.emitter.emit("message", { type: "display_uri", data: PAIRING_URI });
        return new Promise(() => undefined); // waits for the phone
      }
      return new Promise(() => undefined); // the relay never answers
    },
    async disconnect() {},
    async getAccounts() {
      return [ACCOUNT];
    },
    async getChainId() {
      return 31337;
    },
    async getProvider() {
      calls.push("getProvider");
      return {};
    },
    async isAuthorized() {
      calls.push("isAuthorized");
      return false;
    },
    onAccountsChanged() {},
    onChainChanged() {},
    onDisconnect() {},
  })) as CreateConnectorFn;
}

function renderPanel(relay: Relay, calls: string[], relayTimeoutMs = 50) {
  const runtime = { ...runtimeConfig(), walletConnectProjectId: PROJECT_ID };
  const extra = [lazyWalletConnect({ projectId: PROJECT_ID, appUrl: "http://127.0.0.1:5173/#/submit", relayTimeoutMs }, fakeWalletConnect(relay, calls))];
  const wagmi = createWagmiConfig(runtime, memoryVaultStore(), extra);
  renderWithProviders(<ConnectPanel />, runtime, wagmi);
  return wagmi;
}

describe("WalletConnect configuration", () => {
  it("adds no connector, and loads none of its code, without a project id", async () => {
    expect(await optionalConnectors(runtimeConfig())).toEqual([]);
    const connectors = await optionalConnectors({ ...runtimeConfig(), walletConnectProjectId: PROJECT_ID }, "http://127.0.0.1:5173/");
    expect(connectors).toHaveLength(1);
    const wagmi = createWagmiConfig(runtimeConfig(), memoryVaultStore(), connectors);
    expect(wagmi.connectors.map((c) => c.id)).toContain(WALLETCONNECT_ID);
    expect(createWagmiConfig(runtimeConfig(), memoryVaultStore()).connectors.map((c) => c.id)).not.toContain(WALLETCONNECT_ID);
  });

  it("starts without WalletConnect when its code cannot be fetched (offline start)", async () => {
    const offline = () => Promise.reject(new TypeError("Failed to fetch dynamically imported module"));
    expect(await optionalConnectors({ ...runtimeConfig(), walletConnectProjectId: PROJECT_ID }, "http://127.0.0.1:5173/", offline)).toEqual([]);
  });

  it("describes the app to wallets and shows its own pairing link (no QR modal)", () => {
    const parameters = walletConnectParameters({ projectId: PROJECT_ID, appUrl: "https://cashkey.example/app/?x=1#/rewards" });
    expect(parameters.projectId).toBe(PROJECT_ID);
    expect(parameters.showQrModal).toBe(false);
    expect(parameters.metadata).toEqual(walletConnectMetadata("https://cashkey.example/app/"));
    expect(parameters.metadata.name).toBe("CashKey");
    expect(parameters.metadata.url).toBe("https://cashkey.example/app");
    expect(parameters.metadata.icons).toEqual(["https://cashkey.example/app/icon-192.png"]);
  });

  it("sets up nothing and asks for no provider at start (no relay is opened before the user connects)", async () => {
    const calls: string[] = [];
    const wagmi = renderPanel("silent", calls);
    const connector = wagmi.connectors.find((c) => c.id === WALLETCONNECT_ID)!;
    await connector.setup?.();
    expect(await connector.getProvider()).toBeUndefined();
    expect(await connector.isAuthorized()).toBe(false);
    expect(calls).toEqual([]);
  });
});

describe("WalletConnectButton", () => {
  it("appears only when a project id is configured", () => {
    renderWithProviders(<ConnectPanel />, runtimeConfig(), createWagmiConfig(runtimeConfig(), memoryVaultStore()));
    expect(screen.queryByRole("button", { name: /WalletConnect/ })).toBeNull();
    expect(screen.getByRole("button", { name: "Connect browser wallet" })).toBeTruthy();
  });

  it("says in words that the relay cannot be reached when it stays silent, and stays usable", async () => {
    const calls: string[] = [];
    renderPanel("silent", calls);
    fireEvent.click(screen.getByRole("button", { name: "Connect a phone wallet (WalletConnect)" }));
    expect((await screen.findByTestId("walletconnect-error")).textContent).toMatch(/WalletConnect's relay cannot be reached.*use the CashKey wallet/);
    expect(calls).toEqual(["connect"]);
    // Every other way in still works, and WalletConnect can be tried again.
    expect((screen.getByRole("button", { name: "Create wallet" }) as HTMLButtonElement).disabled).toBe(false);
    await waitFor(() => expect((screen.getByRole("button", { name: /WalletConnect/ }) as HTMLButtonElement).disabled).toBe(false));
  });

  it("words a relay that fails outright the same way", async () => {
    renderPanel("failing", [], 60_000);
    fireEvent.click(screen.getByRole("button", { name: "Connect a phone wallet (WalletConnect)" }));
    expect((await screen.findByTestId("walletconnect-error")).textContent).toMatch(/WalletConnect's relay cannot be reached/);
  });

  it("says when the relay refuses the project id, so the operator can fix config.json", async () => {
    renderPanel("refusing", [], 60_000);
    fireEvent.click(screen.getByRole("button", { name: "Connect a phone wallet (WalletConnect)" }));
    expect((await screen.findByTestId("walletconnect-error")).textContent).toMatch(/refused this deployment's project id \(walletConnectProjectId in config.json\)/);
  });

  it("shows the pairing link once the relay answers, and no error however long the phone takes", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      renderPanel("answering", [], 50);
      fireEvent.click(screen.getByRole("button", { name: "Connect a phone wallet (WalletConnect)" }));
      const link = await screen.findByRole("link", { name: "Open in your wallet app" });
      expect(link.getAttribute("href")).toBe(PAIRING_URI);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(screen.queryByTestId("walletconnect-error")).toBeNull();
      expect(screen.getByRole("button", { name: "Copy the pairing link" })).toBeTruthy();
      // Changing one's mind gives the button back.
      fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
      await waitFor(() => expect((screen.getByRole("button", { name: /WalletConnect/ }) as HTMLButtonElement).disabled).toBe(false));
      expect(screen.queryByRole("link", { name: "Open in your wallet app" })).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps the error type for the app (WalletConnectUnreachableError)", () => {
    const error = new WalletConnectUnreachableError(new Error("socket"));
    expect(error.name).toBe("WalletConnectUnreachableError");
    expect((error.cause as Error).message).toBe("socket");
  });
});
