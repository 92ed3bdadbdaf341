/** `cashkey-oracle start` with a misconfigured Telegram bot: one line naming the setting, a non-zero exit, the token never printed. */
import { expect } from "chai";
import { tempDir } from "../store/fixtures";
import { cli } from "../node/cliRunner";

const BOT_TOKEN = "123456:cli-test-bot-token-cashkey";

describe("oracle CLI start with the Telegram bot", function () {
  let dir: string;
  let cleanup: () => void;

  beforeEach(function () {
    ({ dir, cleanup } = tempDir("cashkey-cli-telegram-"));
  });

  afterEach(function () {
    cleanup();
  });

  it("refuses a Mini App URL that is not HTTPS before touching the chain", async function () {
    const env = { CASHKEY_ORACLE_KEYSTORE_PASSWORD: "correct horse battery staple" };
    const keygen = await cli(["keygen"], { cwd: dir, env });
    expect(keygen.status, keygen.stderr).to.equal(0);

    const run = await cli(["start"], {
      cwd: dir,
      env: {
        ...env,
        CASHKEY_ORACLE_TELEGRAM_NOTIFY: "true",
        CASHKEY_ORACLE_TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        CASHKEY_ORACLE_TELEGRAM_MINI_APP_URL: "http://app.cashkey.test/",
      },
    });
    expect(run.status).to.not.equal(0);
    const lines = run.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^cashkey-oracle: Invalid configuration\. CASHKEY_ORACLE_TELEGRAM_MINI_APP_URL: expected an https:\/\/ URL/);
    expect(run.stderr + run.stdout).not.to.include(BOT_TOKEN.split(":")[1]);
  });
});
