import { expect } from "chai";
import { createHmac } from "node:crypto";
import { TelegramAuthError, dataCheckString, signInitData, verifyInitData, webAppSecret } from "../../../oracle/src/telegram/initData";

const BOT_TOKEN = "123456:TEST-bot-token-for-cashkey";
const NOW = 1_800_000_000;
const user = (id: number) => JSON.stringify({ id, first_name: "Ada", username: "ada" });

function launchData(fields: Record<string, string> = {}, token = BOT_TOKEN): string {
  return signInitData({ auth_date: String(NOW - 60), query_id: "AAE1", user: user(42), ...fields }, token);
}

function failure(initData: string, nowSeconds = NOW, maxAgeSeconds = 3600): string {
  try {
    verifyInitData(initData, BOT_TOKEN, { nowSeconds, maxAgeSeconds });
  } catch (error) {
    if (error instanceof TelegramAuthError) return error.reason;
    throw error;
  }
  return "accepted";
}

describe("Telegram initData", function () {
  it("derives the secret and hash exactly as Telegram specifies (independent computation)", function () {
    const initData = launchData();
    const params = new URLSearchParams(initData);
    const secret = createHmac("sha256", "WebAppData").update(BOT_TOKEN).digest();
    expect(secret.equals(webAppSecret(BOT_TOKEN))).to.equal(true);
    const checkString = `auth_date=${NOW - 60}\nquery_id=AAE1\nuser=${user(42)}`;
    expect(dataCheckString(params)).to.equal(checkString);
    expect(params.get("hash")).to.equal(createHmac("sha256", secret).update(checkString).digest("hex"));
  });

  it("accepts valid launch data and returns the signed user", function () {
    const verified = verifyInitData(launchData({ start_param: "ref1" }), BOT_TOKEN, { nowSeconds: NOW, maxAgeSeconds: 3600 });
    expect(verified).to.deep.equal({ user: { id: 42, firstName: "Ada", username: "ada" }, authDate: NOW - 60, queryId: "AAE1", startParam: "ref1" });
  });

  it("refuses tampered data: another user id, an added field, a removed field, a changed auth_date", function () {
    const params = new URLSearchParams(launchData());
    const tamper = (edit: (p: URLSearchParams) => void) => {
      const copy = new URLSearchParams(params);
      edit(copy);
      return copy.toString();
    };
    expect(failure(tamper((p) => p.set("user", user(43))))).to.equal("bad_hash");
    expect(failure(tamper((p) => p.set("chat_type", "private")))).to.equal("bad_hash");
    expect(failure(tamper((p) => p.delete("query_id")))).to.equal("bad_hash");
    expect(failure(tamper((p) => p.set("auth_date", String(NOW))))).to.equal("bad_hash");
  });

  it("refuses data signed by another bot", function () {
    expect(failure(launchData({}, "999:another-bot"))).to.equal("bad_hash");
  });

  it("refuses stale data at one second past the window, accepts it at the window, refuses data from the future", function () {
    const at = (authDate: number) => launchData({ auth_date: String(authDate) });
    expect(failure(at(NOW - 3600))).to.equal("accepted");
    expect(failure(at(NOW - 3601))).to.equal("stale");
    expect(failure(at(NOW + 3600))).to.equal("stale");
  });

  it("refuses malformed data: no hash, two hashes, a repeated field, no user, a user without an id", function () {
    const valid = launchData();
    expect(failure(valid.replace(/&?hash=[0-9a-f]+/, ""))).to.equal("malformed");
    expect(failure(`${valid}&hash=${"0".repeat(64)}`)).to.equal("malformed");
    expect(failure(`${valid}&user=${encodeURIComponent(user(1))}`)).to.equal("malformed");
    expect(failure(signInitData({ auth_date: String(NOW) }, BOT_TOKEN))).to.equal("no_user");
    expect(failure(signInitData({ auth_date: String(NOW), user: JSON.stringify({ first_name: "x" }) }, BOT_TOKEN))).to.equal("no_user");
    expect(failure("")).to.equal("malformed");
  });
});
