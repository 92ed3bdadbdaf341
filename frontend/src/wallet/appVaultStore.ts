/** The app's one vault store: IndexedDB, mirrored to Telegram's CloudStorage when opened inside Telegram. */
import { detectTelegram } from "../lib/telegram";
import { type VaultStore, indexedDbVaultStore } from "./store";
import { cloudMirroredVaultStore, telegramMethods } from "./telegramCloud";

let store: VaultStore | undefined;

export function appVaultStore(): VaultStore {
  if (store === undefined) {
    const local = indexedDbVaultStore();
    const inTelegram = typeof window !== "undefined" && detectTelegram(window.location.hash) !== null;
    store = inTelegram ? cloudMirroredVaultStore(local, telegramMethods(window)) : local;
  }
  return store;
}
