import { useConnect, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { useRuntimeConfig } from "../config/context";
import { useAccountState } from "../hooks/useChain";
import { DEV_CHAIN_ID, DEV_CONNECTOR_ID } from "../lib/devConnector";
import { describeWalletErrorOrMessage } from "../lib/walletErrors";
import { shortAddress } from "../lib/format";
import { EMBEDDED_WALLET_ID } from "../wallet/connector";
import { EmbeddedWalletPanel } from "../wallet/EmbeddedWalletPanel";
import { PreferRelayerToggle } from "../wallet/PreferRelayerToggle";
import { appVaultStore } from "../wallet/appVaultStore";
import { WalletConnectButton } from "../wallet/WalletConnectButton";

export function ConnectPanel() {
  const runtime = useRuntimeConfig();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const switchChain = useSwitchChain();
  const account = useAccountState();

  if (account.connected) {
    return (
      <div className="connect" aria-label="Wallet">
        {account.connectorId === DEV_CONNECTOR_ID && <span className="badge dev">DEV account</span>}
        <span className="mono" data-testid="account" title={account.address}>
          {shortAddress(account.address)}
        </span>
        <button type="button" className="secondary" onClick={() => disconnect.mutate()}>
          Disconnect
        </button>
        <PreferRelayerToggle />
        {account.wrongNetwork && (
          <p className="banner warn" role="alert">
            Wrong network: this deployment lives on chain {runtime.chainId}.{" "}
            <button type="button" onClick={() => switchChain.mutate({ chainId: runtime.chainId })}>
              Switch network
            </button>
            {switchChain.error && <span> {describeWalletErrorOrMessage(switchChain.error)}</span>}
          </p>
        )}
      </div>
    );
  }

  return (
    <div className="connect" aria-label="Wallet">
      {connectors
        .filter((c) => c.id !== DEV_CONNECTOR_ID || runtime.chainId === DEV_CHAIN_ID)
        .map((connector) => {
          if (connector.id === EMBEDDED_WALLET_ID) {
            return <EmbeddedWalletPanel key={connector.uid} connector={connector} store={appVaultStore()} chainId={runtime.chainId} />;
          }
          // Present only when config.json names a WalletConnect project id (wagmi.ts).
          if (connector.id === "walletConnect") return <WalletConnectButton key={connector.uid} connector={connector} chainId={runtime.chainId} />;
          const dev = connector.id === DEV_CONNECTOR_ID;
          return (
            <button
              key={connector.uid}
              type="button"
              className={dev ? "dev" : undefined}
              disabled={connect.isPending}
              onClick={() => connect.mutate({ connector, chainId: runtime.chainId })}
            >
              {dev ? "Connect local dev account (chain 31337 only)" : `Connect ${connector.name === "Injected" ? "browser wallet" : connector.name}`}
            </button>
          );
        })}
      {connect.error && (
        <p className="banner warn" role="alert">
          {describeWalletErrorOrMessage(connect.error)}
        </p>
      )}
    </div>
  );
}
