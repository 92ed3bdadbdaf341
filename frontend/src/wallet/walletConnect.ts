/**
 * WalletConnect, for a phone's wallet app (inside Telegram there is no browser wallet): wagmi's
 * `walletConnect` connector, configured by `walletConnectProjectId` in `/config.json`. This module is
 * loaded only when a project id is configured (`walletConnectConnectors` in `wagmi.ts` imports it on
 * demand), and the WalletConnect provider itself (the large part, with its relay client) only when the
 * user asks to connect, or when the last session was a WalletConnect one and wagmi reconnects.
 *
 * No QR modal: the pairing link (`wc:...`) is shown by the app (`WalletConnectButton`), which is what a
 * phone needs (the link opens the wallet app); the link is also copyable for a wallet on another device.
 */
import { type CreateConnectorFn, createConnector } from "wagmi";
// The subpath, not the `wagmi/connectors` barrel: the barrel drags other connectors' code (Tempo) into the build.
import { walletConnect } from "wagmi/connectors/walletConnect";

export const WALLETCONNECT_ID = "walletConnect";

export interface WalletConnectSettings {
  projectId: string;
  /** Where the app is served (its origin and path), for the metadata wallets show. */
  appUrl: string;
  /** How long connecting may take before the pairing link appears (the relay answering), in ms. */
  relayTimeoutMs?: number;
}

export const DEFAULT_RELAY_TIMEOUT_MS = 15_000;

/** WalletConnect's relay did not answer, or refused the project id: no pairing link, nothing connected. */
export class WalletConnectUnreachableError extends Error {
  override name = "WalletConnectUnreachableError";
  constructor(cause?: unknown) {
    super(
      refusedProjectId(cause)
        ? "WalletConnect's relay refused this deployment's project id (walletConnectProjectId in config.json): use the CashKey wallet, and tell the site's operator."
        : "WalletConnect's relay cannot be reached, so no phone wallet can be paired now. Check the connection, or use the CashKey wallet.",
      { cause },
    );
  }
}

const messageOf = (error: unknown) => String((error as Error | undefined)?.message ?? error);

/** The relay's answer to an unknown or disallowed project id (WebSocket close code 3000, "Unauthorized"). */
function refusedProjectId(error: unknown): boolean {
  return error !== undefined && /unauthorized|invalid key|project ?id/i.test(messageOf(error));
}

/** A failure of the relay connection (as WalletConnect's client words it), not of the user or the wallet. */
function isRelayFailure(error: unknown): boolean {
  return refusedProjectId(error) || /websocket|relay|socket|failed to fetch|network|stalled|timed? ?out/i.test(messageOf(error));
}

/** What a wallet shows about the app when it asks to connect. */
export function walletConnectMetadata(appUrl: string) {
  const base = new URL(appUrl);
  base.hash = "";
  base.search = "";
  const url = base.toString().replace(/\/$/, "");
  return {
    name: "CashKey",
    description: "Information for rewards: submit what you know, get scored by the oracle network, earn CKEY.",
    url,
    icons: [new URL("icon-192.png", url.endsWith("/") ? url : `${url}/`).toString()],
  };
}

/** wagmi's connector's options as the app uses them. */
export function walletConnectParameters(settings: WalletConnectSettings) {
  return {
    projectId: settings.projectId,
    showQrModal: false,
    metadata: walletConnectMetadata(settings.appUrl),
  } as const;
}

/**
 * wagmi's WalletConnect connector, started lazily: at start wagmi sets every connector up and asks
 * each for its provider (to reconnect), and WalletConnect answers by loading its provider and opening
 * its relay. Here nothing is loaded until the user connects, or when a WalletConnect session was the
 * last one used (wagmi's `recentConnectorId`).
 */
export function lazyWalletConnect(
  settings: WalletConnectSettings,
  /** wagmi's connector; the tests pass one that behaves like a relay that answers, or not. */
  inner: CreateConnectorFn = walletConnect(walletConnectParameters(settings)),
): CreateConnectorFn {
  return createConnector((config) => {
    const connector = inner(config);
    let started = false;
    const wanted = async () => {
      if (!started) started = (await config.storage?.getItem("recentConnectorId")) === WALLETCONNECT_ID;
      return started;
    };
    return {
      ...connector,
      async setup() {
        if (await wanted()) await connector.setup?.call(this);
      },
      async getProvider(parameters) {
        if (!(await wanted())) return undefined as never;
        return connector.getProvider.call(this, parameters);
      },
      async isAuthorized() {
        if (!(await wanted())) return false;
        return connector.isAuthorized.call(this);
      },
      /**
       * Connects; fails with WalletConnectUnreachableError when the relay does not answer: before the
       * pairing link appears, within `relayTimeoutMs`. After it appears, the user takes their time.
       */
      async connect(parameters) {
        started = true;
        let paired = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const onMessage = (message: { type: string }) => {
          if (message.type === "display_uri") {
            paired = true;
            clearTimeout(timer);
          }
        };
        config.emitter.on("message", onMessage);
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            if (!paired) reject(new WalletConnectUnreachableError());
          }, settings.relayTimeoutMs ?? DEFAULT_RELAY_TIMEOUT_MS);
        });
        try {
          return await Promise.race([connector.connect.call(this, parameters), deadline]);
        } catch (error) {
          if (!(error instanceof WalletConnectUnreachableError) && !isRelayFailure(error)) throw error;
          throw error instanceof WalletConnectUnreachableError ? error : new WalletConnectUnreachableError(error);
        } finally {
          clearTimeout(timer);
          config.emitter.off("message", onMessage);
        }
      },
    } as ReturnType<typeof inner>;
  });
}
