import { useEffect, useState } from "react";
import { type Connector, useConnect } from "wagmi";
import { describeWalletErrorOrMessage, hasName } from "../lib/walletErrors";

/**
 * Connects a phone's wallet app through WalletConnect. The pairing link opens the wallet app on the
 * same phone (inside Telegram too) and can be copied for a wallet on another device. A relay that
 * cannot be reached ends in a sentence, and every other way in stays usable.
 */
export function WalletConnectButton({ connector, chainId }: { connector: Connector; chainId: number }) {
  const connect = useConnect();
  const [uri, setUri] = useState<string>();
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    const onMessage = (message: { type: string; data?: unknown }) => {
      if (message.type === "display_uri" && typeof message.data === "string") setUri(message.data);
    };
    connector.emitter.on("message", onMessage);
    return () => connector.emitter.off("message", onMessage);
  }, [connector]);

  const start = () => {
    setUri(undefined);
    setCopied(false);
    connect.mutate({ connector, chainId }, { onSettled: () => setUri(undefined) });
  };

  const error = connect.error;
  return (
    <div className="walletconnect" data-testid="walletconnect">
      <button type="button" disabled={connect.isPending} onClick={start}>
        {connect.isPending && !uri ? "Reaching WalletConnect…" : "Connect a phone wallet (WalletConnect)"}
      </button>
      {connect.isPending && uri && (
        <p className="banner" role="status" data-testid="walletconnect-pairing">
          <a href={uri}>Open in your wallet app</a>{" "}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              navigator.clipboard?.writeText(uri).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? "Link copied" : "Copy the pairing link"}
          </button>{" "}
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setUri(undefined);
              connect.reset();
            }}
          >
            Cancel
          </button>
        </p>
      )}
      {error && (
        <p className="banner warn" role="alert" data-testid="walletconnect-error">
          {hasName(error, "WalletConnectUnreachableError") ? error.message : `WalletConnect: ${describeWalletErrorOrMessage(error)}`}
        </p>
      )}
    </div>
  );
}
