#!/usr/bin/env node
// `npm test`: builds the frontend (ABIs generated from the artifacts), runs the mocha suites through
// `hardhat test` (contracts, oracle, and the dApp end to end in Chromium) and the frontend's Vitest suites,
// then prints the one closing line CI reads, with the counts of all of them: `tests: N passed, N failed`
// (and those of CASHKEY_TEST_PRIOR_SUMMARY, a `{ passed, failed }` file of an earlier pass, e.g. on Node 22).
// Arguments (`npm test -- test/e2e/dapp.test.ts`) go to `hardhat test` alone.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..");
const bin = (pkg, name) => {
  const manifest = require(path.join(pkg, "package.json"));
  const entry = typeof manifest.bin === "string" ? manifest.bin : manifest.bin[name];
  return path.join(path.dirname(require.resolve(path.join(pkg, "package.json"))), entry);
};
const run = (args, env = {}) => spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }).status;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-test-"));
const files = process.argv.slice(2);
const totals = { passed: 0, failed: 0 };
const read = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined);

const hardhat = bin("hardhat", "hardhat");
if (run([hardhat, "run", "scripts/frontend/build.ts"]) !== 0) {
  // Without ABIs and a build, the frontend suites cannot run: count that as a failure and go on.
  totals.failed += 1;
}

const mochaSummary = path.join(work, "mocha.json");
const mochaStatus = run([hardhat, "test", ...files], { CASHKEY_TEST_SUMMARY_FILE: mochaSummary });
const mocha = read(mochaSummary);
if (mocha) {
  totals.passed += mocha.passed;
  totals.failed += mocha.failed;
}
if (!mocha || (mochaStatus !== 0 && mocha.failed === 0)) totals.failed += 1;

if (files.length === 0) {
  const vitestSummary = path.join(work, "vitest.json");
  const vitestStatus = run([
    bin("vitest", "vitest"),
    "run",
    "--config",
    "frontend/vite.config.mts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${vitestSummary}`,
  ]);
  const vitest = read(vitestSummary);
  if (vitest) {
    totals.passed += vitest.numPassedTests;
    totals.failed += vitest.numFailedTests;
  }
  if (!vitest || (vitestStatus !== 0 && vitest.numFailedTests === 0)) totals.failed += 1;
}

// Earlier passes of the same run (.ci/run's Node 22 pass) count in the closing line too.
const prior = process.env.CASHKEY_TEST_PRIOR_SUMMARY;
if (prior) {
  const summary = read(prior);
  totals.passed += summary?.passed ?? 0;
  totals.failed += summary?.failed ?? 1;
}

fs.rmSync(work, { recursive: true, force: true });
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed\n`);
process.exit(totals.failed === 0 ? 0 : 1);
