/// <reference types="vitest/config" />
import path from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { VitePWA } from "vite-plugin-pwa";

const frontend = path.dirname(new URL(import.meta.url).pathname);

/**
 * The app runs on Preact's React-compatible core (about 45 KB gzipped less than react-dom, which
 * matters on a phone: see docs/BENCHMARKS.md), in the production build and in the component tests
 * alike, so the tests test what ships. The dev server keeps React (its fast refresh needs it).
 */
const preactCompat = {
  react: "preact/compat",
  "react-dom/client": "preact/compat/client",
  "react-dom": "preact/compat",
  "react/jsx-runtime": "preact/jsx-runtime",
  "react/jsx-dev-runtime": "preact/jsx-dev-runtime",
};

/**
 * The tests' renderer, on the same core: Testing Library's ES module build (its CommonJS one would
 * `require` react-dom past the alias), Preact's `act`, and wagmi's store selector as an ES module.
 */
const withSelector = path.join(frontend, "test", "withSelector.ts");
const testingOnPreact = {
  "use-sync-external-store/shim/with-selector.js": withSelector,
  "use-sync-external-store/shim/with-selector": withSelector,
  "@testing-library/react": path.join(frontend, "..", "node_modules", "@testing-library", "react", "dist", "@testing-library", "react.esm.js"),
  "react-dom/test-utils": "preact/test-utils",
};

/** WalletConnect's QR modal, never loaded (the app shows the pairing link: src/wallet/noQrModal.ts). */
const noQrModal = { "@reown/appkit/core": path.join(frontend, "src", "wallet", "noQrModal.ts") };

export default defineConfig(({ command, mode }) => ({
  root: frontend,
  base: "./",
  plugins: [
    react(),
    // The service worker (src/sw.ts), with the build's file list and revisions injected. The page
    // registers it itself (src/pwa/register.ts); the web manifest is public/manifest.webmanifest.
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.ts",
      injectRegister: false,
      manifest: false,
      injectManifest: {
        globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
        // WalletConnect's provider is fetched only when a user connects a phone wallet (online anyway).
        globIgnores: ["assets/walletconnect-*.js"],
      },
    }),
  ],
  resolve: { alias: command === "build" ? { ...preactCompat, ...noQrModal } : mode === "test" ? { ...testingOnPreact, ...preactCompat, ...noQrModal } : noQrModal },
  build: {
    outDir: path.join(frontend, "dist"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        // Named, so the service worker's precache can leave it out (above).
        chunkFileNames: (chunk) =>
          chunk.moduleIds.some((id) => id.includes("@walletconnect/ethereum-provider")) ? "assets/walletconnect-[hash].js" : "assets/[name]-[hash].js",
      },
    },
  },
  server: { host: "127.0.0.1", port: 5173, fs: { allow: [path.join(frontend, "..")] } },
  test: {
    root: frontend,
    environment: "jsdom",
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: [path.join(frontend, "test", "setup.ts")],
    // Libraries that import React go through the alias too (Node would load React itself for them).
    server: { deps: { inline: [/@testing-library[\\/]react/, /@tanstack[\\/]react-query/, /[\\/]wagmi[\\/]/] } },
  },
}));
