/// <reference lib="webworker" />
/**
 * CashKey's service worker (built by vite-plugin-pwa, injectManifest: `self.__WB_MANIFEST` becomes the
 * build's file list with a revision for each file whose name has no hash, so every build that changes
 * a file installs as a new worker). It opens the app offline from that precache; chain and oracle data
 * are never cached (they must be live). `/config.json` is fetched from the network first, so an
 * operator's change arrives on the next start, and the last one seen is used offline.
 *
 * A new worker waits until the page asks it to take over (the "A new version is available" prompt,
 * src/pwa/register.ts): an open page never runs against a half-updated cache.
 */
import { clientsClaim } from "workbox-core";
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { CacheFirst, NetworkFirst } from "workbox-strategies";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

/** The hand-written worker this one replaces kept the shell here; nothing reads it any more. */
const LEGACY_CACHE = "cashkey-shell-v1";

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every page of the app is index.html (the routes are in the hash).
registerRoute(new NavigationRoute(createHandlerBoundToURL("index.html")));

const CONFIG_CACHE = "cashkey-config";
registerRoute(({ url, sameOrigin }) => sameOrigin && url.pathname.endsWith("/config.json"), new NetworkFirst({ cacheName: CONFIG_CACHE }));

// The first page loaded its configuration before this worker ran: keep a copy now, so the app can
// start offline before it has been opened again (refreshed on every online start, above).
self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CONFIG_CACHE)
      .then((cache) => cache.add("config.json"))
      .catch(() => undefined),
  );
});

// Hashed files left out of the precache (WalletConnect's provider, fetched only when used): immutable.
registerRoute(({ url, sameOrigin }) => sameOrigin && url.pathname.includes("/assets/"), new CacheFirst({ cacheName: "cashkey-assets" }));

self.addEventListener("message", (event) => {
  if ((event.data as { type?: string } | null)?.type === "SKIP_WAITING") void self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.delete(LEGACY_CACHE));
});

// The first worker controls the page that installed it; later ones take over only when asked (above).
clientsClaim();
