import type { ReactNode } from "react";
import { useRuntimeConfig } from "../config/context";
import { useAccountState } from "../hooks/useChain";

/** Renders `children` only with a wallet connected on the deployment's chain; says why otherwise. */
export function RequireWallet({ children, what }: { children: ReactNode; what: string }) {
  const { connected, wrongNetwork } = useAccountState();
  const { chainId } = useRuntimeConfig();
  if (!connected) {
    return (
      <p className="notice" role="status">
        Connect a wallet (top of the page) to {what}.
      </p>
    );
  }
  if (wrongNetwork) {
    return (
      <p className="notice warn" role="alert">
        Your wallet is on another network. Switch to chain {chainId} to {what}.
      </p>
    );
  }
  return <>{children}</>;
}
