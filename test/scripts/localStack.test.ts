import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { loadConfig } from "../../oracle/src/config";
import { nodeStatusCommand, resetLocalNodeDir, statusCommand } from "../../scripts/lib/localStack";
import { tempDir } from "../oracle/store/fixtures";

describe("npm start's node folders", function () {
  let root: string;
  let cleanup: () => void;

  beforeEach(function () {
    ({ dir: root, cleanup } = tempDir("cashkey-local-"));
  });

  afterEach(function () {
    cleanup();
  });

  it("are the CLI's default data folder for the same port, so `npm run oracle -- status` reads the node's database", function () {
    const nodeDir = resetLocalNodeDir(root, 8702);
    expect(loadConfig({ env: { CASHKEY_ORACLE_PORT: "8702" }, cwd: root }).dataDir).to.equal(nodeDir);
  });

  it("are emptied at each start (the chain is new too)", function () {
    const nodeDir = resetLocalNodeDir(root, 8701);
    fs.writeFileSync(path.join(nodeDir, "oracle.sqlite"), "yesterday's chain");
    expect(resetLocalNodeDir(root, 8701)).to.equal(nodeDir);
    expect(fs.existsSync(path.join(nodeDir, "oracle.sqlite"))).to.equal(false);
  });

  it("refuse a folder holding files npm start did not create (a real node's keystore or database), and leave it as it was", function () {
    const nodeDir = path.join(root, "data", "oracle-8701");
    fs.mkdirSync(nodeDir, { recursive: true });
    fs.writeFileSync(path.join(nodeDir, "operator-keystore.json"), "{}");
    expect(() => resetLocalNodeDir(root, 8701)).to.throw(/data\/oracle-8701 holds files npm start did not create.*CASHKEY_ORACLE_PORT/);
    expect(fs.readdirSync(nodeDir)).to.deep.equal(["operator-keystore.json"]);
  });
});

describe("statusCommand", function () {
  it("targets the running chain: RPC_URL when it is not the localhost network's default", function () {
    expect(statusCommand("http://127.0.0.1:8545")).to.equal("npx hardhat cashkey:status --network localhost");
    expect(statusCommand("http://127.0.0.1:9545")).to.equal("RPC_URL=http://127.0.0.1:9545 npx hardhat cashkey:status --network localhost");
  });
});

describe("nodeStatusCommand", function () {
  it("sets CASHKEY_ORACLE_PORT when the node is not on the CLI's default port, so status reads that node's database", function () {
    expect(nodeStatusCommand("http://127.0.0.1:8701", 8701)).to.equal("npm run oracle -- status --url http://127.0.0.1:8701");
    expect(nodeStatusCommand("http://127.0.0.1:9701", 9701)).to.equal("CASHKEY_ORACLE_PORT=9701 npm run oracle -- status --url http://127.0.0.1:9701");
    expect(loadConfig({ env: {}, cwd: "/srv" }).port).to.equal(8701);
  });
});
