import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ConfigError, SETTINGS, loadConfig, redactConfig, resolveContracts, unknownEnvSettings } from "../../../oracle/src/config";
import { tempDir } from "../store/fixtures";

const REWARDS = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";
const TOKEN = "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9";

/** The ConfigError's issue lines, or a failure if loading succeeds. */
function issuesOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  expect.fail("expected a ConfigError");
}

describe("config", function () {
  let dir: string;
  let cleanup: () => void;

  beforeEach(function () {
    ({ dir, cleanup } = tempDir("cashkey-config-"));
  });

  afterEach(function () {
    cleanup();
  });

  function writeJson(name: string, value: unknown): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  }

  describe("with no settings", function () {
    it("uses the documented defaults, paths under the working directory", function () {
      const config = loadConfig({ env: {}, cwd: dir });
      expect(config).to.deep.include({
        host: "127.0.0.1",
        port: 8701,
        rpcUrl: "http://127.0.0.1:8545",
        confirmations: 1,
        rpcTimeoutMs: 10_000,
        scorer: "heuristic",
        corsOrigins: ["http://127.0.0.1:5173", "http://localhost:5173"],
        maxContentBytes: 16384,
        trustProxy: false,
        peers: [],
        logLevel: "info",
      });
      expect(config.batch).to.deep.equal({ maxItems: 64, maxAgeMs: 5000, deadlineSeconds: 600 });
      expect(config.rateLimit).to.deep.equal({ windowMs: 60_000, max: 120, peerMax: 60_000 });
      expect(config.deploymentFile).to.equal(path.join(dir, "deployments", "31337.json"));
      expect(config.dataDir).to.equal(path.join(dir, "data", "oracle-8701"));
      expect(config.dbPath).to.equal(path.join(dir, "data", "oracle-8701", "oracle.sqlite"));
      expect(config.keystore.path).to.equal(path.join(dir, "data", "oracle-8701", "operator-keystore.json"));
    });
  });

  describe("from the environment", function () {
    it("reads and converts every kind of value", function () {
      const config = loadConfig({
        cwd: dir,
        env: {
          CASHKEY_ORACLE_PORT: "8702",
          CASHKEY_ORACLE_CORS_ORIGINS: "https://app.example, http://localhost:3000",
          CASHKEY_ORACLE_TRUST_PROXY: "true",
          CASHKEY_ORACLE_PEERS: "http://127.0.0.1:8701,http://127.0.0.1:8703",
          CASHKEY_ORACLE_BATCH_MAX_ITEMS: "32",
          CASHKEY_ORACLE_REWARDS_ADDRESS: REWARDS.toLowerCase(),
          CASHKEY_ORACLE_SCORER: "llm",
          CASHKEY_ORACLE_LLM_BASE_URL: "http://127.0.0.1:8000/v1",
          CASHKEY_ORACLE_LLM_MODEL: "qwen2.5-7b-instruct",
          CASHKEY_ORACLE_DB_PATH: "db/node.sqlite",
        },
      });
      expect(config.port).to.equal(8702);
      expect(config.corsOrigins).to.deep.equal(["https://app.example", "http://localhost:3000"]);
      expect(config.trustProxy).to.equal(true);
      expect(config.peers).to.deep.equal(["http://127.0.0.1:8701", "http://127.0.0.1:8703"]);
      expect(config.batch.maxItems).to.equal(32);
      expect(config.contracts.rewards).to.equal(REWARDS);
      expect(config.llm).to.deep.include({ model: "qwen2.5-7b-instruct", concurrency: 4, maxRetries: 3 });
      expect(config.dataDir).to.equal(path.join(dir, "data", "oracle-8702"));
      expect(config.dbPath).to.equal(path.join(dir, "db", "node.sqlite"));
    });

    it("treats an empty variable as unset", function () {
      expect(loadConfig({ env: { CASHKEY_ORACLE_PORT: "" }, cwd: dir }).port).to.equal(8701);
    });

    it("names the variable, the rule and the value", function () {
      expect(issuesOf(() => loadConfig({ env: { CASHKEY_ORACLE_PORT: "abc" }, cwd: dir }))).to.deep.equal([
        'CASHKEY_ORACLE_PORT: expected an integer 1..65535, got "abc"',
      ]);
    });

    it("reports every bad setting at once", function () {
      const issues = issuesOf(() =>
        loadConfig({
          cwd: dir,
          env: {
            CASHKEY_ORACLE_PORT: "70000",
            CASHKEY_ORACLE_RPC_URL: "localhost:8545",
            CASHKEY_ORACLE_CORS_ORIGINS: "http://localhost:5173/",
            CASHKEY_ORACLE_SCORER: "gpt",
            CASHKEY_ORACLE_TRUST_PROXY: "maybe",
            CASHKEY_ORACLE_REWARDS_ADDRESS: "0x1234",
          },
        }),
      );
      expect(issues).to.have.members([
        'CASHKEY_ORACLE_PORT: expected an integer 1..65535, got "70000"',
        'CASHKEY_ORACLE_RPC_URL: expected a URL starting with http:// or https:// or ws:// or wss://, got "localhost:8545"',
        'CASHKEY_ORACLE_CORS_ORIGINS: expected an origin such as http://localhost:5173 (scheme, host, optional port; no path or trailing slash), got "http://localhost:5173/"',
        'CASHKEY_ORACLE_SCORER: expected one of "heuristic", "llm", got "gpt"',
        'CASHKEY_ORACLE_TRUST_PROXY: expected true or false, got "maybe"',
        'CASHKEY_ORACLE_REWARDS_ADDRESS: expected a 0x-prefixed 20-byte address, got "0x1234"',
      ]);
    });

    it("requires the model and server of the LLM scorer", function () {
      expect(issuesOf(() => loadConfig({ env: { CASHKEY_ORACLE_SCORER: "llm" }, cwd: dir }))).to.have.members([
        'CASHKEY_ORACLE_LLM_BASE_URL: required when the scorer is "llm"',
        'CASHKEY_ORACLE_LLM_MODEL: required when the scorer is "llm"',
      ]);
    });

    it("never echoes a secret", function () {
      const issues = issuesOf(() =>
        loadConfig({
          cwd: dir,
          env: { CASHKEY_ORACLE_KEYSTORE_PASSWORD: "hunter2-secret", CASHKEY_ORACLE_KEYSTORE_PASSWORD_FILE: "/run/secrets/pw" },
        }),
      );
      expect(issues).to.deep.equal(["CASHKEY_ORACLE_KEYSTORE_PASSWORD: set the password or a password file, not both"]);
    });
  });

  describe("from a config file", function () {
    it("reads it, with the environment taking precedence", function () {
      const file = writeJson("oracle.json", { port: 9100, batch: { maxItems: 16 }, peers: ["http://10.0.0.2:8701"] });
      const config = loadConfig({ configFile: file, env: { CASHKEY_ORACLE_PORT: "9200" }, cwd: dir });
      expect(config).to.deep.include({ port: 9200, configFile: file, peers: ["http://10.0.0.2:8701"] });
      expect(config.batch.maxItems).to.equal(16);
    });

    it("is found through CASHKEY_ORACLE_CONFIG", function () {
      const file = writeJson("oracle.json", { port: 9300 });
      expect(loadConfig({ env: { CASHKEY_ORACLE_CONFIG: file }, cwd: dir }).port).to.equal(9300);
    });

    it("names the file and the setting", function () {
      const file = writeJson("oracle.json", { batch: { maxItems: 0 }, corsOrigins: ["http://ok.example", "nope"], prot: 1 });
      expect(issuesOf(() => loadConfig({ configFile: file, env: {}, cwd: dir }))).to.have.members([
        `${file}: batch.maxItems: expected an integer 1..1024, got 0`,
        `${file}: corsOrigins.1: expected an origin such as http://localhost:5173 (scheme, host, optional port; no path or trailing slash), got "nope"`,
        `${file}: prot: unknown setting`,
      ]);
    });

    it("refuses secrets in the file", function () {
      const file = writeJson("oracle.json", { keystore: { password: "in-the-file" }, llm: { apiKey: "sk-file" } });
      const issues = issuesOf(() => loadConfig({ configFile: file, env: {}, cwd: dir }));
      expect(issues).to.deep.equal([
        `${file}: keystore.password: secrets are not read from the config file; set CASHKEY_ORACLE_KEYSTORE_PASSWORD instead`,
        `${file}: llm.apiKey: secrets are not read from the config file; set CASHKEY_ORACLE_LLM_API_KEY instead`,
      ]);
      expect(issues.join("\n")).not.to.contain("in-the-file");
    });

    it("names --config when the file cannot be read", function () {
      const missing = path.join(dir, "missing.json");
      expect(issuesOf(() => loadConfig({ configFile: missing, env: {}, cwd: dir }))).to.deep.equal([`--config: cannot read ${missing} as JSON (ENOENT)`]);
      const notJson = path.join(dir, "bad.json");
      fs.writeFileSync(notJson, "{ port: 1 }");
      expect(issuesOf(() => loadConfig({ env: { CASHKEY_ORACLE_CONFIG: notJson }, cwd: dir }))[0]).to.match(/^CASHKEY_ORACLE_CONFIG: cannot read .*bad\.json as JSON/);
    });
  });

  describe("resolveContracts", function () {
    it("reads the deployment file deployCashKey writes", function () {
      const file = writeJson("31337.json", { chainId: 31337, token: TOKEN, rewards: REWARDS, governor: TOKEN, timelock: TOKEN, deployBlock: 5 });
      const config = loadConfig({ env: { CASHKEY_ORACLE_DEPLOYMENT_FILE: file }, cwd: dir });
      expect(resolveContracts(config)).to.deep.equal({ chainId: 31337, rewards: REWARDS, token: TOKEN, startBlock: 5 });
    });

    it("reads the forwarder of a Rewards 1.2.0 deployment, and refuses one that is not an address", function () {
      const file = writeJson("fwd.json", { chainId: 31337, token: TOKEN, rewards: REWARDS, governor: TOKEN, timelock: TOKEN, forwarder: TOKEN, deployBlock: 5 });
      const config = loadConfig({ env: { CASHKEY_ORACLE_DEPLOYMENT_FILE: file }, cwd: dir });
      expect(resolveContracts(config)).to.deep.equal({ chainId: 31337, rewards: REWARDS, token: TOKEN, forwarder: TOKEN, startBlock: 5 });
      const bad = writeJson("badfwd.json", { chainId: 31337, token: TOKEN, rewards: REWARDS, governor: TOKEN, timelock: TOKEN, forwarder: "0x12", deployBlock: 5 });
      const badConfig = loadConfig({ env: { CASHKEY_ORACLE_DEPLOYMENT_FILE: bad }, cwd: dir });
      expect(issuesOf(() => resolveContracts(badConfig))).to.include(
        `CASHKEY_ORACLE_DEPLOYMENT_FILE: ${bad}: "forwarder" must be an address (0x and 40 hex digits, EIP-55 checksummed if mixed-case), got "0x12"`,
      );
    });

    it("prefers explicit addresses and the configured start block", function () {
      const config = loadConfig({ env: { CASHKEY_ORACLE_REWARDS_ADDRESS: REWARDS, CASHKEY_ORACLE_START_BLOCK: "12" }, cwd: dir });
      expect(resolveContracts(config)).to.deep.equal({ rewards: REWARDS, token: undefined, startBlock: 12 });
    });

    it("names the setting when the deployment file is missing or malformed", function () {
      const config = loadConfig({ env: {}, cwd: dir });
      expect(issuesOf(() => resolveContracts(config))[0]).to.match(/^CASHKEY_ORACLE_DEPLOYMENT_FILE: cannot read the deployment file .* \(ENOENT\)$/);
      const file = writeJson("bad.json", { chainId: 31337, rewards: "0x12" });
      const bad = loadConfig({ env: { CASHKEY_ORACLE_DEPLOYMENT_FILE: file }, cwd: dir });
      expect(issuesOf(() => resolveContracts(bad))).to.include(
        `CASHKEY_ORACLE_DEPLOYMENT_FILE: ${file}: "rewards" must be an address (0x and 40 hex digits, EIP-55 checksummed if mixed-case), got "0x12"`,
      );
    });
  });

  describe("helpers", function () {
    it("lists CASHKEY_ORACLE_* variables that set nothing", function () {
      expect(unknownEnvSettings({ CASHKEY_ORACLE_PROT: "1", CASHKEY_ORACLE_PORT: "1", CASHKEY_ORACLE_CONFIG: "x", OTHER: "y" })).to.deep.equal(["CASHKEY_ORACLE_PROT"]);
    });

    it("redacts secrets for logs", function () {
      const config = loadConfig({ env: { CASHKEY_ORACLE_KEYSTORE_PASSWORD: "pw-123456", CASHKEY_ORACLE_LLM_API_KEY: "sk-1" }, cwd: dir });
      const redacted = redactConfig(config);
      expect(redacted.keystore.password).to.equal("[redacted]");
      expect(redacted.llm.apiKey).to.equal("[redacted]");
      expect(config.keystore.password).to.equal("pw-123456");
    });

    it("documents every environment variable in docs/OPERATORS.md", function () {
      const docs = fs.readFileSync(path.resolve(__dirname, "../../../docs/OPERATORS.md"), "utf8");
      for (const { env } of SETTINGS) expect(docs, env).to.contain(`\`${env}\``);
    });
  });
});
