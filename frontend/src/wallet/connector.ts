/**
 * The embedded wallet as a wagmi connector. Connecting asks for the passphrase (through the app's
 * `askPassphrase`), decrypts the key into this closure only, and signs locally; reads and raw
 * transactions go to the deployment's RPC. Signing anything (a transaction, or a typed-data request for
 * the gasless relayer) is refused until the backup is confirmed. Disconnecting forgets the key.
 */
import { type Address, type EIP1193RequestFn, type Hex, createWalletClient, defineChain, getAddress, http, numberToHex } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { createConnector } from "wagmi";
import type { VaultStore } from "./store";
import { VaultError, requireBackup, unlockVault } from "./vault";

export const EMBEDDED_WALLET_ID = "cashkey-embedded";

export interface EmbeddedWalletOptions {
  store: VaultStore;
  rpcUrl: string;
  chainId: number;
  /** Asks the user for the passphrase (rejects when they cancel). */
  askPassphrase: () => Promise<string>;
  /** For the RPC transport (tests). */
  fetchImpl?: typeof fetch;
}

/** The EIP-1193 provider behind the connector; `unlock`/`lock` hold the key in memory. */
export function embeddedProvider(options: EmbeddedWalletOptions) {
  const chain = defineChain({
    id: options.chainId,
    name: `Chain ${options.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  const transport = http(options.rpcUrl, options.fetchImpl ? { fetchFn: options.fetchImpl } : {});
  const rpc = transport({ chain });
  let account: PrivateKeyAccount | undefined;

  const signer = async (): Promise<PrivateKeyAccount> => {
    const record = await options.store.get();
    if (record === undefined || account === undefined || getAddress(record.address) !== account.address) {
      throw Object.assign(new Error("The embedded wallet is locked."), { code: 4100 });
    }
    requireBackup(record);
    return account;
  };

  const request = (async ({ method, params }: { method: string; params?: unknown }) => {
    switch (method) {
      case "eth_accounts":
      case "eth_requestAccounts":
        return account ? [account.address] : [];
      case "eth_chainId":
        return numberToHex(options.chainId);
      case "wallet_switchEthereumChain": {
        const [{ chainId }] = params as [{ chainId: string }];
        if (Number(chainId) !== options.chainId) throw Object.assign(new Error(`This wallet serves chain ${options.chainId} only.`), { code: 4902 });
        return null;
      }
      case "personal_sign": {
        const [message] = params as [Hex, Address];
        return (await signer()).signMessage({ message: { raw: message } });
      }
      case "eth_signTypedData_v4": {
        const [, typed] = params as [Address, string];
        const data = JSON.parse(typed) as Parameters<PrivateKeyAccount["signTypedData"]>[0];
        return (await signer()).signTypedData(data);
      }
      case "eth_sendTransaction": {
        const [tx] = params as [{ to?: Address; data?: Hex; value?: Hex; gas?: Hex }];
        const wallet = createWalletClient({ account: await signer(), chain, transport });
        return wallet.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value === undefined ? undefined : BigInt(tx.value),
          gas: tx.gas === undefined ? undefined : BigInt(tx.gas),
        });
      }
      default:
        return rpc.request({ method, params } as never);
    }
  }) as EIP1193RequestFn;

  return {
    request,
    on: () => undefined,
    removeListener: () => undefined,
    /** Decrypts the stored key; returns its address. */
    async unlock(passphrase: string): Promise<Address> {
      const record = await options.store.get();
      if (record === undefined) throw new VaultError("corrupt", "No embedded wallet on this device: create or import one.");
      account = privateKeyToAccount(await unlockVault(record, passphrase));
      return account.address;
    },
    lock(): void {
      account = undefined;
    },
    get address(): Address | undefined {
      return account?.address;
    },
  };
}

export type EmbeddedProvider = ReturnType<typeof embeddedProvider>;

export function embeddedWallet(options: EmbeddedWalletOptions) {
  return createConnector<EmbeddedProvider>((config) => {
    const provider = embeddedProvider(options);
    return {
      id: EMBEDDED_WALLET_ID,
      name: "CashKey wallet (in this browser)",
      type: "cashkeyEmbedded",
      async connect(parameters) {
        const address = provider.address ?? (await provider.unlock(await options.askPassphrase()));
        const accounts = parameters?.withCapabilities ? [{ address, capabilities: {} }] : [address];
        return { accounts: accounts as never, chainId: options.chainId };
      },
      async disconnect() {
        provider.lock();
      },
      async getAccounts() {
        return provider.address ? [provider.address] : [];
      },
      async getChainId() {
        return options.chainId;
      },
      async getProvider() {
        return provider;
      },
      async isAuthorized() {
        // The key is never kept decrypted across page loads: reconnecting needs the passphrase.
        return false;
      },
      onAccountsChanged(list) {
        config.emitter.emit("change", { accounts: list.map((a) => getAddress(a)) });
      },
      onChainChanged(id) {
        config.emitter.emit("change", { chainId: Number(id) });
      },
      onDisconnect() {
        provider.lock();
        config.emitter.emit("disconnect");
      },
    };
  });
}
