/**
 * Inside Telegram, a copy of the encrypted vault record in Telegram's CloudStorage (Bot API 6.9+,
 * `web_app_invoke_custom_method` with saveStorageValue / getStorageValues / deleteStorageValues), so
 * the wallet follows the user to another device. Only the ciphertext goes there: reading it still
 * needs the passphrase (PBKDF2-SHA-256, 600,000 rounds), which is why the passphrase must be strong.
 */
import { type PostEvent, telegramBridge } from "../lib/telegram";
import type { VaultStore } from "./store";
import type { VaultRecord } from "./vault";

export const CLOUD_VAULT_KEY = "cashkey_vault";

export interface TelegramMethods {
  invoke(method: string, params: Record<string, unknown>): Promise<unknown>;
}

interface MethodAnswer {
  req_id?: string;
  result?: unknown;
  error?: string;
}

/** Calls Telegram client methods through the bridge and matches the `custom_method_invoked` answers. */
export function telegramMethods(win: Window, post: PostEvent = telegramBridge(win), timeoutMs = 10_000): TelegramMethods {
  const pending = new Map<string, { resolve(value: unknown): void; reject(error: Error): void }>();
  const answer = (eventType: string, data: unknown) => {
    if (eventType !== "custom_method_invoked") return;
    const { req_id: id, result, error } = (data ?? {}) as MethodAnswer;
    const waiting = id === undefined ? undefined : pending.get(id);
    if (!waiting || id === undefined) return;
    pending.delete(id);
    if (error) waiting.reject(new Error(`Telegram: ${error}`));
    else waiting.resolve(result);
  };
  win.addEventListener("message", (event: MessageEvent) => {
    if (typeof event.data !== "string") return;
    try {
      const message = JSON.parse(event.data) as { eventType?: string; eventData?: unknown };
      if (message.eventType) answer(message.eventType, message.eventData);
    } catch {
      // not a Telegram message
    }
  });
  // Native clients call window.Telegram.WebView.receiveEvent; keep whoever listened before.
  const telegram = ((win as unknown as { Telegram?: Record<string, unknown> }).Telegram ??= {});
  const previous = (telegram.WebView as { receiveEvent?: (type: string, data: unknown) => void } | undefined)?.receiveEvent;
  telegram.WebView = {
    ...(telegram.WebView as object | undefined),
    receiveEvent(eventType: string, eventData: unknown) {
      previous?.(eventType, eventData);
      answer(eventType, eventData);
    },
  };
  return {
    invoke(method, params) {
      const id = Array.from(win.crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        win.setTimeout(() => {
          if (pending.delete(id)) reject(new Error(`Telegram did not answer ${method}.`));
        }, timeoutMs);
        post("web_app_invoke_custom_method", { req_id: id, method, params });
      });
    },
  };
}

/**
 * `local` (IndexedDB) with a copy in Telegram's CloudStorage: writes go to both (a CloudStorage failure
 * never loses the local copy); a device without a local record restores it from the cloud.
 */
export function cloudMirroredVaultStore(local: VaultStore, cloud: TelegramMethods): VaultStore {
  return {
    async get() {
      const record = await local.get();
      if (record !== undefined) return record;
      const stored = (await cloud.invoke("getStorageValues", { keys: [CLOUD_VAULT_KEY] }).catch(() => undefined)) as Record<string, string> | undefined;
      const json = stored?.[CLOUD_VAULT_KEY];
      if (!json) return undefined;
      try {
        const restored = JSON.parse(json) as VaultRecord;
        await local.put(restored);
        return restored;
      } catch {
        return undefined;
      }
    },
    async put(record) {
      await local.put(record);
      await cloud.invoke("saveStorageValue", { key: CLOUD_VAULT_KEY, value: JSON.stringify(record) }).catch(() => undefined);
    },
    async delete() {
      await local.delete();
      await cloud.invoke("deleteStorageValues", { keys: [CLOUD_VAULT_KEY] }).catch(() => undefined);
    },
  };
}
