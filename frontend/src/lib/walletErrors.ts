/** Wallet-side failures in words: kept apart from `errors.ts` so the first page loads no contract ABI. */

function some(error: unknown, test: (e: { code?: unknown; name?: unknown }) => boolean): boolean {
  let current: unknown = error;
  const seen = new Set<unknown>();
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    if (test(current as { code?: unknown; name?: unknown })) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export const hasCode = (error: unknown, code: number) => some(error, (e) => e.code === code);
export const hasName = (error: unknown, name: string) => some(error, (e) => e.name === name);

/** A sentence for a wallet failure (rejection, no wallet, wrong network), or undefined for anything else. */
export function describeWalletError(error: unknown): string | undefined {
  if (hasCode(error, 4001) || hasName(error, "UserRejectedRequestError")) return "You rejected the request in your wallet; nothing was sent.";
  if (hasName(error, "ProviderNotFoundError") || /provider not found/i.test(String((error as Error)?.message)))
    return "No browser wallet found: install one, or use the local dev account on the local chain.";
  if (hasName(error, "ConnectorNotConnectedError") || hasName(error, "ConnectorAccountNotFoundError")) return "Connect a wallet first.";
  if (hasName(error, "ChainMismatchError") || hasName(error, "ConnectorChainMismatchError") || hasCode(error, 4902))
    return "Your wallet is on another network: switch to the deployment's network and try again.";
  return undefined;
}

export function describeWalletErrorOrMessage(error: unknown): string {
  return (
    describeWalletError(error) ?? ((error as { shortMessage?: string; message?: string })?.shortMessage ?? (error as Error)?.message ?? String(error)).split("\n")[0]
  );
}
