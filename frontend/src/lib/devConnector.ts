/**
 * LOCAL DEVELOPMENT ONLY: a connector over the local Hardhat node's unlocked accounts. The node signs
 * `eth_sendTransaction` itself, so no key ever reaches the browser. The app offers it only on chain
 * 31337 and labels it as such.
 */
import { type Address, type EIP1193RequestFn, getAddress, numberToHex } from "viem";
import { createConnector } from "wagmi";

export const DEV_CHAIN_ID = 31337;
export const DEV_CONNECTOR_ID = "cashkey-dev";
const AUTHORIZED_KEY = "cashkey.devConnector.authorized";

interface JsonRpcResponse {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export class RpcError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** A minimal EIP-1193 provider that forwards JSON-RPC to `rpcUrl`, pinned to `chainId`. */
export function localNodeProvider(rpcUrl: string, chainId: number, fetchImpl: typeof fetch = (...args) => fetch(...args)) {
  let id = 0;
  const forward = async (method: string, params?: unknown): Promise<unknown> => {
    const response = await fetchImpl(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
    });
    const body = (await response.json()) as JsonRpcResponse;
    if (body.error) throw new RpcError(body.error.message, body.error.code, body.error.data);
    return body.result;
  };
  const request = (async ({ method, params }: { method: string; params?: unknown }) => {
    switch (method) {
      case "eth_requestAccounts":
        return forward("eth_accounts");
      case "eth_chainId":
        return numberToHex(chainId);
      case "wallet_switchEthereumChain": {
        const [{ chainId: wanted }] = params as [{ chainId: string }];
        if (Number(wanted) !== chainId) throw new RpcError(`the local node serves only chain ${chainId}`, 4902);
        return null;
      }
      default:
        return forward(method, params);
    }
  }) as EIP1193RequestFn;
  return { request, on: () => undefined, removeListener: () => undefined };
}

export type LocalNodeProvider = ReturnType<typeof localNodeProvider>;

export function devConnector({ rpcUrl, chainId }: { rpcUrl: string; chainId: number }) {
  return createConnector<LocalNodeProvider>((config) => {
    const provider = localNodeProvider(rpcUrl, chainId);
    const accounts = async (): Promise<readonly Address[]> => ((await provider.request({ method: "eth_accounts" } as never)) as string[]).map((a) => getAddress(a));
    return {
      id: DEV_CONNECTOR_ID,
      name: "Local dev accounts (chain 31337 only)",
      type: "cashkeyDev",
      async connect(parameters) {
        const list = await accounts();
        if (list.length === 0) throw new Error("the local node has no unlocked accounts");
        localStorage.setItem(AUTHORIZED_KEY, "1");
        const result = parameters?.withCapabilities ? list.map((address) => ({ address, capabilities: {} })) : list;
        return { accounts: result as never, chainId };
      },
      async disconnect() {
        localStorage.removeItem(AUTHORIZED_KEY);
      },
      getAccounts: accounts,
      async getChainId() {
        return chainId;
      },
      async getProvider() {
        return provider;
      },
      async isAuthorized() {
        return localStorage.getItem(AUTHORIZED_KEY) === "1";
      },
      onAccountsChanged(list) {
        config.emitter.emit("change", { accounts: list.map((a) => getAddress(a)) });
      },
      onChainChanged(id) {
        config.emitter.emit("change", { chainId: Number(id) });
      },
      onDisconnect() {
        config.emitter.emit("disconnect");
      },
    };
  });
}
