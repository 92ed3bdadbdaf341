/**
 * Registers the service worker (src/sw.ts) through vite-plugin-pwa's helper (workbox-window): when a
 * new build's worker is installed and waiting, the app offers to reload onto it (UpdatePrompt). An
 * open app (a Telegram Mini App may stay open for hours) also checks for a new build every hour.
 */
import { registerSW } from "virtual:pwa-register";
import { setPendingUpdate } from "./updateStore";

const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function registerServiceWorker(): void {
  const updateServiceWorker = registerSW({
    onNeedRefresh: () => setPendingUpdate({ apply: () => updateServiceWorker(true) }),
    onRegisteredSW: (_url, registration) => {
      if (registration) setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
    },
  });
}
