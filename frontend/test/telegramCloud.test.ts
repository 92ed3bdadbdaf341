import { describe, expect, it } from "vitest";
import { memoryVaultStore } from "../src/wallet/store";
import { CLOUD_VAULT_KEY, cloudMirroredVaultStore, telegramMethods } from "../src/wallet/telegramCloud";
import { type VaultRecord, createVault } from "../src/wallet/vault";

/** Telegram's client as the Mini App sees it: methods posted through the bridge, answers through receiveEvent. */
function fakeTelegramClient(options: { failing?: boolean } = {}) {
  const cloud = new Map<string, string>();
  const calls: string[] = [];
  const post = (type: string, data?: unknown) => {
    if (type !== "web_app_invoke_custom_method") return;
    const { req_id, method, params } = data as { req_id: string; method: string; params: { key?: string; value?: string; keys?: string[] } };
    calls.push(method);
    const receive = (window as unknown as { Telegram: { WebView: { receiveEvent(t: string, d: unknown): void } } }).Telegram.WebView.receiveEvent;
    queueMicrotask(() => {
      if (options.failing) return receive("custom_method_invoked", { req_id, error: "STORAGE_UNAVAILABLE" });
      if (method === "saveStorageValue") cloud.set(params.key!, params.value!);
      if (method === "deleteStorageValues") params.keys!.forEach((k) => cloud.delete(k));
      const result = method === "getStorageValues" ? Object.fromEntries(params.keys!.map((k) => [k, cloud.get(k) ?? ""])) : true;
      receive("custom_method_invoked", { req_id, result });
    });
  };
  return { cloud, calls, methods: telegramMethods(window, post, 1_000) };
}

describe("the vault in Telegram's CloudStorage", () => {
  it("mirrors a new record to CloudStorage and restores it on a device that has none", async () => {
    const client = fakeTelegramClient();
    const record = await createVault("correct horse battery", { iterations: 1_000 });
    await cloudMirroredVaultStore(memoryVaultStore(), client.methods).put(record);
    expect(JSON.parse(client.cloud.get(CLOUD_VAULT_KEY)!)).toEqual(record);

    const otherDevice = memoryVaultStore();
    const restored = await cloudMirroredVaultStore(otherDevice, client.methods).get();
    expect(restored).toEqual(record);
    expect(await otherDevice.get()).toEqual(record);
  });

  it("stores only the ciphertext there, and deletes both copies", async () => {
    const client = fakeTelegramClient();
    const record: VaultRecord = await createVault("correct horse battery", { iterations: 1_000 });
    const store = cloudMirroredVaultStore(memoryVaultStore(), client.methods);
    await store.put(record);
    expect(Object.keys(JSON.parse(client.cloud.get(CLOUD_VAULT_KEY)!)).sort()).toEqual(["address", "backedUpAt", "cipher", "ciphertext", "createdAt", "kdf", "version"]);
    await store.delete();
    expect(client.cloud.has(CLOUD_VAULT_KEY)).toBe(false);
    expect(await store.get()).toBeUndefined();
  });

  it("keeps the local copy when CloudStorage fails", async () => {
    const client = fakeTelegramClient({ failing: true });
    const local = memoryVaultStore();
    const record = await createVault("correct horse battery", { iterations: 1_000 });
    await cloudMirroredVaultStore(local, client.methods).put(record);
    expect(await local.get()).toEqual(record);
    expect(client.calls).toEqual(["saveStorageValue"]);
  });
});
