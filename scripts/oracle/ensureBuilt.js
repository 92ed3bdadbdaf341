#!/usr/bin/env node
// `npm run oracle`'s pre-step: builds the oracle node to JavaScript (oracle/dist, `npm run build:oracle`)
// when the build is missing or older than its sources. On a production install (`npm ci --omit=dev`)
// there is no TypeScript: the built node is used as it is, and a missing build is one line and exit 1.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..", "..");
const dist = path.join(root, "oracle", "dist");
const entry = path.join(dist, "cli.js");
const inputs = [path.join(root, "oracle", "src"), path.join(root, "oracle", "tsconfig.build.json"), path.join(root, "tsconfig.json")];

/** The newest modification time under `file` (a file or a folder), in ms. */
function newest(file) {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(file).reduce((latest, name) => Math.max(latest, newest(path.join(file, name))), stat.mtimeMs);
}

let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
} catch {
  tsc = undefined;
}

const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
if (tsc === undefined) {
  if (built === 0) {
    process.stderr.write(
      "cashkey-oracle: oracle/dist is missing: build it with `npm run build:oracle` where the dev dependencies are installed (docs/OPERATORS.md, Production install).\n",
    );
    process.exit(1);
  }
  process.exit(0);
}
if (built > 0 && newest(inputs[0]) < built && inputs.slice(1).every((file) => fs.statSync(file).mtimeMs < built)) process.exit(0);

const status = spawnSync(process.execPath, [tsc, "-p", path.join(root, "oracle", "tsconfig.build.json")], { cwd: root, stdio: "inherit" }).status;
if (status !== 0) {
  process.stderr.write("cashkey-oracle: the oracle build failed (see above).\n");
  process.exit(1);
}
// tsc leaves an unchanged output file's time alone: mark the build as newer than its sources.
const now = new Date();
fs.utimesSync(entry, now, now);
