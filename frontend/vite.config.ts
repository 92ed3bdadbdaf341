/// <reference types="vitest/config" />
import path from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const frontend = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  root: frontend,
  base: "./",
  plugins: [react()],
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
});
