/**
 * The operator's node as it ships: oracle/dist, built by `npm run build:oracle` and run with plain
 * `node` (no ts-node, Hardhat or typechain-types), needing only the `dependencies` of package.json.
 */
import { spawn, spawnSync } from "node:child_process";
import { builtinModules } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { openStore } from "../../../oracle/src/store";
import { tempDir } from "../store/fixtures";
import { ROOT, type Run, cli } from "./cliRunner";

const DIST = path.join(ROOT, "oracle", "dist");

function built(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(DIST, "cli.js"), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every package the built files require (`ethers`, `@hono/node-server` from `@hono/node-server/conninfo`, …). */
function requiredPackages(): Set<string> {
  const packages = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith(".js")) {
        for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(/require\("([^".][^"]*)"\)/g)) {
          if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
          const parts = specifier.split("/");
          packages.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
        }
      }
    }
  };
  visit(DIST);
  return packages;
}

describe("the built oracle node (oracle/dist)", function () {
  let dir: string;
  let cleanup: () => void;

  before(function () {
    this.timeout(600_000);
    // `npm run oracle`'s pre-step: builds when the build is missing or older than the sources.
    const build = spawnSync(process.execPath, [path.join(ROOT, "scripts", "oracle", "ensureBuilt.js")], { cwd: ROOT, encoding: "utf8" });
    expect(build.status, build.stderr).to.equal(0);
  });

  beforeEach(function () {
    ({ dir, cleanup } = tempDir("cashkey-built-cli-"));
  });

  afterEach(function () {
    cleanup();
  });

  it("requires only node built-ins and the run-time `dependencies` of package.json", function () {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const packages = [...requiredPackages()];
    expect(packages).to.include.members(["ethers", "better-sqlite3", "hono"]);
    expect(
      packages.filter((name) => !(name in manifest.dependencies)),
      "required but not in dependencies",
    ).to.deep.equal([]);
  });

  it("needs none of the dev tooling: no Hardhat, ts-node or typechain-types", function () {
    const forbidden = ["hardhat", "ts-node", "typescript", "typechain", "@typechain/ethers-v6"];
    expect([...requiredPackages()].filter((name) => forbidden.includes(name))).to.deep.equal([]);
    const sources = fs.readdirSync(DIST, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
    for (const file of sources) expect(fs.readFileSync(path.join(DIST, file), "utf8"), file).not.to.contain("typechain-types");
  });

  it("prints its usage with --help", async function () {
    const run = await built(["--help"], dir);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^Usage: cashkey-oracle/);
    for (const command of ["start", "keygen", "status", "evaluate"]) expect(run.stdout).to.contain(command);
  });

  it("reads a node's database with status (no node answering)", async function () {
    const dbPath = path.join(dir, "oracle.sqlite");
    openStore(dbPath).close();
    const run = await built(["status", "--url", "http://127.0.0.1:1", "--json"], dir, { CASHKEY_ORACLE_DB_PATH: dbPath });
    expect(run.status, run.stderr).to.equal(0);
    const status = JSON.parse(run.stdout) as { api: { reachable: boolean }; database: { path: string; submissions: Record<string, number> } };
    expect(status.api.reachable).to.equal(false);
    expect(status.database.path).to.equal(dbPath);
    expect(status.database.submissions).to.include({ pending: 0, scored: 0 });
  });

  it("scores a local text exactly as the TypeScript sources do", async function () {
    const file = path.join(dir, "article.txt");
    fs.writeFileSync(file, "The Rhine is 1,230 km long and flows through six countries, from the Swiss Alps to the North Sea.");
    const [fromBuild, fromSources] = [await built(["evaluate", file, "--json"], dir), await cli(["evaluate", file, "--json"], { cwd: dir })];
    expect(fromBuild.status, fromBuild.stderr).to.equal(0);
    const evaluation = JSON.parse(fromBuild.stdout) as { score: number; rationale: { evaluator: string } };
    expect(evaluation.rationale.evaluator).to.match(/^0x[0-9a-f]{64}$/);
    expect(fromBuild.stdout).to.equal(fromSources.stdout);
  });
});
