import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { ConfigError, unknownEnvSettings } from "../../../oracle/src/config";
import { RELAY_ENV, relaySettingsFromEnv } from "../../../oracle/src/relay/config";
import { DEFAULT_RELAYER_LIMITS } from "../../../oracle/src/relay/relayer";
import { tempDir } from "../store/fixtures";

const operator = Wallet.createRandom();
const relayerKey = Wallet.createRandom();
const BOT_TOKEN = "123456:TEST-bot-token-for-cashkey";

function issuesOf(env: Record<string, string>): readonly string[] {
  try {
    relaySettingsFromEnv(env, operator.address);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe("relay settings from the environment", function () {
  it("leaves relaying off without a relayer key", function () {
    expect(relaySettingsFromEnv({}, operator.address)).to.equal(undefined);
  });

  it("reads the key from a file, with default limits and Telegram identity required when a bot token is given", function () {
    const { dir, cleanup } = tempDir("cashkey-relay-config-");
    try {
      const keyFile = path.join(dir, "relayer.key");
      fs.writeFileSync(keyFile, `${relayerKey.privateKey}\n`, { mode: 0o600 });
      const settings = relaySettingsFromEnv({ [RELAY_ENV.keyFile]: keyFile, [RELAY_ENV.telegramBotToken]: BOT_TOKEN }, operator.address);
      expect(settings!.relayerKey.address).to.equal(relayerKey.address);
      expect(settings!.limits).to.deep.equal(DEFAULT_RELAYER_LIMITS);
      expect(settings!.telegram).to.deep.equal({ botToken: BOT_TOKEN, maxAgeSeconds: 3600, required: true });
    } finally {
      cleanup();
    }
  });

  it("refuses the operator key as relayer key", function () {
    expect(issuesOf({ [RELAY_ENV.key]: operator.privateKey })).to.deep.equal([
      `${RELAY_ENV.key}: the relayer key is the operator key; give the relayer a key of its own`,
    ]);
  });

  it("names each bad setting", function () {
    const issues = issuesOf({
      [RELAY_ENV.key]: "0x1234",
      [RELAY_ENV.signerGasPerEpoch]: "-5",
      [RELAY_ENV.maxGasPerRequest]: "1000",
      [RELAY_ENV.requireTelegram]: "true",
    });
    expect(issues).to.have.length(4);
    expect(issues.join("\n")).to.contain(RELAY_ENV.signerGasPerEpoch).and.contain(RELAY_ENV.maxGasPerRequest).and.contain("cannot be required");
  });

  it("takes the relay settings as known settings (no unknown-setting warning)", function () {
    expect(unknownEnvSettings({ [RELAY_ENV.key]: "x", [RELAY_ENV.telegramBotToken]: "y", CASHKEY_ORACLE_RELAY_TYPO: "z" })).to.deep.equal(["CASHKEY_ORACLE_RELAY_TYPO"]);
  });
});
