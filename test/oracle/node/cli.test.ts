import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { isAddress } from "ethers";
import { loadOperatorKey } from "../../../oracle/src/keys";
import fixtures from "../../fixtures/submissions.json";
import { oracleFixture } from "../chain/oracleFixture";
import { tempDir } from "../store/fixtures";
import { createTestNode, eventually, nodeConfig, startTestChain, submitHash, upload } from "./nodeHarness";

import { startOnLoopback } from "../api/harness";
import { cli } from "./cliRunner";

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

describe("oracle CLI", function () {
  let dir: string;
  let cleanup: () => void;

  beforeEach(function () {
    ({ dir, cleanup } = tempDir("cashkey-cli-"));
  });

  afterEach(function () {
    cleanup();
  });

  describe("--help", function () {
    it("lists the commands and exits 0", async function () {
      const run = await cli(["--help"], { cwd: dir });
      expect(run.status).to.equal(0);
      for (const command of ["start", "keygen", "status", "evaluate"]) expect(run.stdout).to.match(new RegExp(`^  ${command}\\b`, "m"));
      expect(run.stderr).to.equal("");
    });
  });

  describe("keygen", function () {
    it("creates an encrypted keystore the password unlocks and prints only its address", async function () {
      const password = "correct horse battery staple";
      const run = await cli(["keygen"], { cwd: dir, env: { CASHKEY_ORACLE_KEYSTORE_PASSWORD: password } });

      expect(run.status, run.stderr).to.equal(0);
      const [address, ...rest] = lines(run.stdout);
      expect(isAddress(address)).to.equal(true);
      expect(rest).to.deep.equal([]);
      const keystore = path.join(dir, "data", "oracle-8701", "operator-keystore.json");
      expect(fs.statSync(keystore).mode & 0o777).to.equal(0o600);
      const wallet = await loadOperatorKey(keystore, password);
      expect(wallet.address).to.equal(address);
      expect(run.stdout + run.stderr).to.not.include(wallet.privateKey.slice(2));
      expect(run.stdout + run.stderr).to.not.include(password);
    });

    it("reads the password from --password-file and never overwrites a keystore", async function () {
      const passwordFile = path.join(dir, "password.txt");
      fs.writeFileSync(passwordFile, "another good password\n");
      const keystore = path.join(dir, "keys", "operator.json");
      const first = await cli(["keygen", "--keystore", keystore, "--password-file", passwordFile], { cwd: dir });
      expect(first.status, first.stderr).to.equal(0);
      const before = fs.readFileSync(keystore, "utf8");

      const second = await cli(["keygen", "--keystore", keystore, "--password-file", passwordFile], { cwd: dir });

      expect(second.status).to.equal(1);
      expect(lines(second.stderr)).to.have.length(1);
      expect(second.stderr).to.include("already exists");
      expect(fs.readFileSync(keystore, "utf8")).to.equal(before);
    });

    it("refuses to run without a password, in one line", async function () {
      const run = await cli(["keygen"], { cwd: dir });
      expect(run.status).to.equal(1);
      expect(lines(run.stderr)).to.deep.equal(["cashkey-oracle: No keystore password. (set CASHKEY_ORACLE_KEYSTORE_PASSWORD or CASHKEY_ORACLE_KEYSTORE_PASSWORD_FILE)"]);
    });
  });

  describe("evaluate <file>", function () {
    it("prints the score, sub-scores, flags and rationale of a local text", async function () {
      const file = path.join(dir, "article.txt");
      fs.writeFileSync(file, fixtures.items.find((item) => item.label === "useful")!.text);

      const run = await cli(["evaluate", file], { cwd: dir });

      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^score +\d+\/100$/m);
      expect(run.stdout).to.match(/^points +\d+ \(of 1000 for a perfect score\)$/m);
      expect(run.stdout).to.match(/^sub-scores substance \d+, originality \d+, clarity \d+, evidence \d+$/m);
      expect(run.stdout).to.match(/^flags +none$/m);
      expect(run.stdout).to.match(/^evaluator +0x[0-9a-f]{64} \(heuristic\)$/m);
      expect(run.stdout).to.match(/^rationale +Substance \d+: /m);
    });

    it("names the flags in --json output, the same evaluation each time", async function () {
      const file = path.join(dir, "injection.txt");
      fs.writeFileSync(file, fixtures.items.find((item) => item.label === "injection")!.text);

      const [first, second] = [await cli(["evaluate", "--json", file], { cwd: dir }), await cli(["evaluate", "--json", file], { cwd: dir })];

      expect(first.status, first.stderr).to.equal(0);
      const evaluation = JSON.parse(first.stdout) as { score: number; points: number; flags: { code: string }[]; rationaleJson: string };
      expect(evaluation.flags.map((f) => f.code)).to.include("prompt_injection");
      expect([evaluation.score, evaluation.points]).to.deep.equal([0, 0]);
      expect(second.stdout).to.equal(first.stdout);
    });

    it("fails with one line when the file cannot be read", async function () {
      const run = await cli(["evaluate", path.join(dir, "missing.txt")], { cwd: dir });
      expect(run.status).to.equal(2);
      expect(lines(run.stderr)).to.deep.equal([`cashkey-oracle: Cannot read ${path.join(dir, "missing.txt")} (ENOENT).`]);
    });
  });

  describe("status", function () {
    it("reports a running node's health and what its database holds", async function () {
      const chain = await startTestChain();
      const { rewards, alice, operator, record } = await loadFixture(oracleFixture);
      const config = nodeConfig(dir, record, chain.proxy.url);
      const { node } = createTestNode(config, operator);
      await node.start();
      try {
        const id = await submitHash(rewards, alice, await upload(node.url, fixtures.items[0].text));
        await eventually(() => node.store.submissions.get(id)?.status === "scored", "scored");

        const run = await cli(["status", "--url", node.url, "--json"], { cwd: dir, env: { CASHKEY_ORACLE_DB_PATH: config.dbPath } });

        expect(run.status, run.stderr).to.equal(0);
        const status = JSON.parse(run.stdout) as {
          api: { reachable: boolean; health: { status: string; operator: string } };
          database: { submissions: Record<string, number>; content: number; cursor: { blockNumber: number }; lastBatch: { nonce: string; state: string; items: number } };
        };
        expect(status.api.reachable).to.equal(true);
        expect(status.api.health).to.include({ status: "ok", operator: operator.address });
        expect(status.database.submissions).to.include({ scored: 1, pending: 0 });
        expect(status.database.content).to.equal(1);
        expect(status.database.lastBatch).to.deep.include({ nonce: "0", state: "landed", items: 1 });
        expect(status.database.cursor.blockNumber).to.be.at.least(record.deployBlock);
      } finally {
        await node.stop();
        await chain.close();
      }
    });
  });

  describe("status without the node's database", function () {
    it("says where it looked, in a line of its own, when the node answers but its database is elsewhere", async function () {
      const api = await startOnLoopback();
      try {
        const run = await cli(["status", "--url", api.server.url], { cwd: dir });
        expect(run.status, run.stderr).to.equal(0);
        const output = lines(run.stdout);
        expect(output[0]).to.match(new RegExp(`^node +${api.server.url}: ok`));
        expect(output[1]).to.equal(
          `database   none at ${path.join(fs.realpathSync(dir), "data", "oracle-8701", "oracle.sqlite")}: run status with the node's settings (CASHKEY_ORACLE_DATA_DIR, CASHKEY_ORACLE_DB_PATH or --config) to see its submissions`,
        );
      } finally {
        await api.stop();
      }
    });
  });

  describe("bad input", function () {
    it("answers an unknown command with one line and a non-zero status", async function () {
      const run = await cli(["frobnicate"], { cwd: dir });
      expect(run.status).to.equal(2);
      expect(lines(run.stderr)).to.deep.equal(["cashkey-oracle: unknown command 'frobnicate' (see --help)"]);
      expect(run.stdout).to.equal("");
    });

    it("names a bad setting in one line", async function () {
      const file = path.join(dir, "t.txt");
      fs.writeFileSync(file, "text");
      const run = await cli(["evaluate", file], { cwd: dir, env: { CASHKEY_ORACLE_PORT: "eighty" } });
      expect(run.status).to.equal(1);
      expect(lines(run.stderr)).to.deep.equal(['cashkey-oracle: Invalid configuration. CASHKEY_ORACLE_PORT: expected an integer 1..65535, got "eighty"']);
    });

    it("says so when status finds neither a node nor a database", async function () {
      const run = await cli(["status"], { cwd: dir, env: { CASHKEY_ORACLE_PORT: "1" } });
      expect(run.status).to.equal(1);
      expect(lines(run.stderr)).to.have.length(1);
      expect(run.stderr).to.match(/No node answers at http:\/\/127\.0\.0\.1:1 and there is no database at /);
    });
  });
});
