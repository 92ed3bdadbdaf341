/**
 * The dApp's HTTP routes: `/config.json` (the runtime configuration, never cached), and the build in
 * `dist` with hono's static file handler and compression. Hashed assets (`/assets/*`) are immutable;
 * everything else (index.html, the service worker, the manifest, icons) is revalidated on every use,
 * so a new build reaches users at once and the service worker sees it.
 */
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { compress } from "hono/compress";
import { secureHeaders } from "hono/secure-headers";
import type { FrontendRuntimeConfig } from "../../oracle/src/protocol/frontendConfig";

export const IMMUTABLE = "public, max-age=31536000, immutable";
export const REVALIDATE = "no-cache";

export function frontendApp(dist: string, config: () => FrontendRuntimeConfig): Hono {
  const root = path.resolve(dist);
  const assets = path.join(root, "assets") + path.sep;
  const app = new Hono();
  app.use(async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    return c.body(null, 405, { allow: "GET, HEAD" });
  });
  // Browser hardening without breaking how the app is used: no frame ban (Telegram's web client shows
  // Mini Apps in a frame), no opener isolation (wallet pop-ups), HSTS left to the TLS proxy in front.
  app.use(secureHeaders({ xFrameOptions: false, crossOriginOpenerPolicy: false, strictTransportSecurity: false }));
  app.use(compress());
  app.get("/config.json", (c) => {
    c.header("cache-control", "no-store");
    return c.json(config());
  });
  app.get(
    "*",
    serveStatic({
      root,
      onFound: (file, c) => {
        c.header("cache-control", file.startsWith(assets) ? IMMUTABLE : REVALIDATE);
      },
    }),
  );
  app.notFound((c) => c.text("not found", 404));
  return app;
}
