// WebCrypto (crypto.subtle) as in a browser's secure context: jsdom keeps Node 20's globalThis.crypto.
import { describe, expect, it } from "vitest";
import { type Hex, hashTypedData, recoverAddress, recoverTypedDataAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { FORWARD_REQUEST_TYPES } from "../../oracle/src/protocol/forwardRequest";
import { embeddedProvider } from "../src/wallet/connector";
import { RelayRefusedError, gasPayer, relayCall } from "../src/wallet/relay";
import { memoryVaultStore } from "../src/wallet/store";
import { VaultError, confirmBackup, createVault, exportKey, importVault, requireBackup, unlockVault } from "../src/wallet/vault";

// Fewer PBKDF2 rounds keep the suite quick; the default (600,000) is asserted separately.
const FAST = { iterations: 1_000 };
const PASS = "correct horse battery";

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof VaultError ? error.code : `other: ${String(error)}`;
  }
  return "resolved";
}

describe("embedded wallet vault", () => {
  it("creates a key with WebCrypto randomness, stores only ciphertext, and unlocks with the passphrase", async () => {
    const record = await createVault(PASS, FAST);
    const key = await unlockVault(record, PASS);
    expect(privateKeyToAccount(key).address).toBe(record.address);
    expect(JSON.stringify(record)).not.toContain(key.slice(2));
    expect(record.backedUpAt).toBeNull();
    const other = await createVault(PASS, FAST);
    expect(other.address).not.toBe(record.address);
    expect(other.kdf.salt).not.toBe(record.kdf.salt);
  });

  it("uses PBKDF2-SHA-256 with 600,000 iterations and AES-GCM by default", async () => {
    const record = await createVault(PASS);
    expect(record.kdf).toMatchObject({ name: "PBKDF2", hash: "SHA-256", iterations: 600_000 });
    expect(record.cipher.name).toBe("AES-GCM");
  });

  it("refuses a wrong passphrase, a changed ciphertext, and a record moved to another address", async () => {
    const record = await createVault(PASS, FAST);
    expect(await codeOf(unlockVault(record, "wrong horse battery"))).toBe("wrong_passphrase");
    const flipped = `${record.ciphertext.slice(0, -2)}${record.ciphertext.endsWith("00") ? "01" : "00"}` as Hex;
    expect(await codeOf(unlockVault({ ...record, ciphertext: flipped }, PASS))).toBe("wrong_passphrase");
    const other = await createVault(PASS, FAST);
    expect(await codeOf(unlockVault({ ...record, address: other.address }, PASS))).toBe("wrong_passphrase");
  });

  it("refuses a short passphrase", async () => {
    expect(await codeOf(createVault("short", FAST))).toBe("weak_passphrase");
  });

  it("cannot hold value before the backup is confirmed with the key's last 8 digits", async () => {
    const record = await createVault(PASS, FAST);
    expect(() => requireBackup(record)).toThrow(VaultError);
    const key = await exportKey(record, PASS);
    expect(await codeOf(confirmBackup(record, PASS, "00000000"))).toBe("backup_mismatch");
    expect(await codeOf(confirmBackup(record, "wrong horse battery", key.slice(-8)))).toBe("wrong_passphrase");
    const backedUp = await confirmBackup(record, PASS, key.slice(-8).toUpperCase(), 1234);
    expect(backedUp.backedUpAt).toBe(1234);
    expect(() => requireBackup(backedUp)).not.toThrow();
  });

  it("imports a key the user holds (counted as backed up) and refuses a non-key", async () => {
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    const record = await importVault(key.slice(2), PASS, FAST);
    expect(record.address).toBe(privateKeyToAccount(key).address);
    expect(record.backedUpAt).not.toBeNull();
    expect(await codeOf(importVault("0x1234", PASS, FAST))).toBe("invalid_key");
    expect(await codeOf(importVault(`0x${"0".repeat(64)}`, PASS, FAST))).toBe("invalid_key");
  });
});

describe("embedded wallet provider", () => {
  const typed = {
    domain: { name: "CashKey Forwarder", version: "1", chainId: 31337, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
    types: { Ping: [{ name: "n", type: "uint256" }] },
    primaryType: "Ping",
    message: { n: "7" },
  } as const;
  const typedForViem = { ...typed, message: { n: 7n } };

  async function setup(backedUp: boolean) {
    const record = await createVault(PASS, FAST);
    const key = await exportKey(record, PASS);
    const store = memoryVaultStore(backedUp ? await confirmBackup(record, PASS, key.slice(-8)) : record);
    const provider = embeddedProvider({ store, rpcUrl: "http://127.0.0.1:1", chainId: 31337, askPassphrase: async () => PASS });
    return { record, store, provider };
  }

  it("shows no account until unlocked, and refuses a wrong passphrase", async () => {
    const { provider, record } = await setup(true);
    expect(await provider.request({ method: "eth_accounts" } as never)).toEqual([]);
    expect(await codeOf(provider.unlock("wrong horse battery"))).toBe("wrong_passphrase");
    expect(await provider.unlock(PASS)).toBe(record.address);
    expect(await provider.request({ method: "eth_accounts" } as never)).toEqual([record.address]);
    expect(await provider.request({ method: "eth_chainId" } as never)).toBe("0x7a69");
  });

  it("signs typed data (a relayed request) for its address once backed up", async () => {
    const { provider, record } = await setup(true);
    await provider.unlock(PASS);
    const signature = (await provider.request({ method: "eth_signTypedData_v4", params: [record.address, JSON.stringify(typed)] } as never)) as Hex;
    expect(await recoverTypedDataAddress({ ...typedForViem, signature })).toBe(record.address);
    expect(await recoverAddress({ hash: hashTypedData(typedForViem), signature })).toBe(record.address);
  });

  it("refuses to sign or send before the backup, and after it is locked or deleted", async () => {
    const { provider, record, store } = await setup(false);
    await provider.unlock(PASS);
    const sign = () => provider.request({ method: "eth_signTypedData_v4", params: [record.address, JSON.stringify(typed)] } as never);
    expect(await codeOf(sign())).toBe("backup_required");
    expect(await codeOf(provider.request({ method: "eth_sendTransaction", params: [{ to: record.address }] } as never))).toBe("backup_required");
    const key = await exportKey(record, PASS);
    await store.put(await confirmBackup(record, PASS, key.slice(-8)));
    expect(await codeOf(sign())).toBe("resolved");
    provider.lock();
    expect(await codeOf(sign())).toMatch(/locked/);
    await provider.unlock(PASS);
    await store.delete();
    expect(await codeOf(sign())).toMatch(/locked/);
  });
});

describe("relayed calls", () => {
  const forwarder = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const;
  const rewards = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as const;

  it("signs a ForwardRequest the forwarder's domain recovers to the account, posts it, and returns who paid", async () => {
    const account = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    const posted: { url: string; body: { request: Record<string, string>; telegramInitData?: string } }[] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      posted.push({ url, body: JSON.parse(String(init.body)) });
      return new Response(
        JSON.stringify({
          txHash: "0xabc",
          signer: account.address,
          relayer: "0x000000000000000000000000000000000000dEaD",
          function: "submit",
          gasUsed: "90625",
          blockNumber: 9,
        }),
      );
    }) as unknown as typeof fetch;
    const receipt = await relayCall({
      account: account.address,
      chainId: 31337,
      forwarder,
      rewards,
      data: "0x1234",
      nonce: 3n,
      nowSeconds: 1000n,
      signTypedData: (typedData) => account.signTypedData(typedData),
      oracleUrl: "http://oracle",
      telegramInitData: "user=%7B%7D&hash=00",
      fetchImpl,
    });
    expect(receipt.relayer).toBe("0x000000000000000000000000000000000000dEaD");
    expect(posted[0].url).toBe("http://oracle/v1/relay");
    const { request, telegramInitData } = posted[0].body;
    expect(telegramInitData).toBe("user=%7B%7D&hash=00");
    expect(request).toMatchObject({ from: account.address, to: rewards, value: "0", gas: "200000", deadline: "1600", data: "0x1234" });
    const recovered = await recoverTypedDataAddress({
      domain: { name: "CashKey Forwarder", version: "1", chainId: 31337, verifyingContract: forwarder },
      types: FORWARD_REQUEST_TYPES,
      primaryType: "ForwardRequest",
      message: { from: account.address, to: rewards, value: 0n, gas: 200_000n, nonce: 3n, deadline: 1600, data: "0x1234" },
      signature: request.signature as Hex,
    });
    expect(recovered).toBe(account.address);
  });

  it("turns a refusal into RelayRefusedError with the node's code", async () => {
    const fetchImpl = (async () =>
      new Response(JSON.stringify({ error: { code: "relay_would_revert", message: "Refused", details: { error: "RewardsQuotaExceeded" } } }), {
        status: 422,
      })) as unknown as typeof fetch;
    const account = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    const error = await relayCall({
      account: account.address,
      chainId: 31337,
      forwarder,
      rewards,
      data: "0x",
      nonce: 0n,
      nowSeconds: 0n,
      signTypedData: (t) => account.signTypedData(t),
      oracleUrl: "http://oracle",
      fetchImpl,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayRefusedError);
    expect(error).toMatchObject({ status: 422, code: "relay_would_revert", details: { error: "RewardsQuotaExceeded" } });
  });

  it("lets the relayer pay when the account cannot (or prefers it), and the account otherwise", () => {
    const base = { gasEstimate: 100_000n, maxFeePerGasWei: 10n, preferRelayer: false, relayerAvailable: true };
    expect(gasPayer({ ...base, balanceWei: 0n })).toBe("relayer");
    expect(gasPayer({ ...base, balanceWei: 999_999n })).toBe("relayer");
    expect(gasPayer({ ...base, balanceWei: 1_000_000n })).toBe("account");
    expect(gasPayer({ ...base, balanceWei: 1_000_000n, preferRelayer: true })).toBe("relayer");
    expect(gasPayer({ ...base, balanceWei: 0n, relayerAvailable: false })).toBe("none");
  });
});
