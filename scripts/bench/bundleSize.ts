/**
 * `npx hardhat run scripts/bench/bundleSize.ts`: the dApp build's JavaScript, gzip -9 per file: what
 * `index.html` loads before the app starts (its script and modulepreloads), every script of the build,
 * and the largest chunks. No browser; `npm run bench:frontend` measures what Chromium actually loads.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import hre from "hardhat";
import { buildFrontend } from "../lib/frontendServer";

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main() {
  const dist = await buildFrontend(hre, { force: process.env.CASHKEY_FRONTEND_FORCE_BUILD === "1" });
  const gzip = (file: string) => zlib.gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length;
  const html = fs.readFileSync(path.join(dist, "index.html"), "utf8");
  const initial = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]);
  const all = fs
    .readdirSync(path.join(dist, "assets"))
    .filter((name) => name.endsWith(".js"))
    .map((name) => ({ name, size: gzip(path.join("assets", name)) }))
    .sort((a, b) => b.size - a.size);
  const sum = (sizes: number[]) => sizes.reduce((a, b) => a + b, 0);
  console.log(`loaded by index.html: ${kb(sum(initial.map(gzip)))} in ${initial.length} files`);
  console.log(`all JavaScript: ${kb(sum(all.map((f) => f.size)))} in ${all.length} files`);
  for (const { name, size } of all.slice(0, 8)) console.log(`  ${kb(size).padStart(9)}  ${name}`);
}

main().catch((error: unknown) => {
  console.error(`bundleSize: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
