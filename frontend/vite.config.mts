/// <reference types="vitest/config" />
import path from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const frontend = path.dirname(new URL(import.meta.url).pathname);

/**
 * The production build runs on Preact's React-compatible core (about 45 KB gzipped less than
 * react-dom, which matters on a phone: see docs/BENCHMARKS.md); the component tests run on React.
 * The end-to-end test drives the production build.
 */
const preactCompat = {
  react: "preact/compat",
  "react-dom/client": "preact/compat/client",
  "react-dom": "preact/compat",
  "react/jsx-runtime": "preact/jsx-runtime",
  "react/jsx-dev-runtime": "preact/jsx-dev-runtime",
};

/** WalletConnect's QR modal, never loaded (the app shows the pairing link: src/wallet/noQrModal.ts). */
const noQrModal = { "@reown/appkit/core": path.join(frontend, "src", "wallet", "noQrModal.ts") };

export default defineConfig(({ command }) => ({
  root: frontend,
  base: "./",
  plugins: [react()],
  resolve: { alias: command === "build" ? { ...preactCompat, ...noQrModal } : noQrModal },
  build: {
    outDir: path.join(frontend, "dist"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 800,
  },
  server: { host: "127.0.0.1", port: 5173, fs: { allow: [path.join(frontend, "..")] } },
  test: {
    root: frontend,
    environment: "jsdom",
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: [path.join(frontend, "test", "setup.ts")],
  },
}));
