import { describe, expect, it } from "vitest";
import { telegramInitData } from "../src/lib/telegramInitData";

const INIT_DATA = "query_id=AAH&user=%7B%22id%22%3A4242%7D&auth_date=1796250000&hash=" + "ab".repeat(32);

describe("telegramInitData", () => {
  it("is undefined outside Telegram", () => {
    sessionStorage.clear();
    window.location.hash = "#/submit";
    expect(telegramInitData(window)).toBeUndefined();
  });

  it("reads the launch hash and keeps it once the app's routes replace the hash", () => {
    sessionStorage.clear();
    window.location.hash = `#tgWebAppData=${encodeURIComponent(INIT_DATA)}&tgWebAppVersion=7.0&tgWebAppPlatform=android`;
    expect(telegramInitData(window)).toBe(INIT_DATA);
    window.location.hash = "#/rewards";
    expect(telegramInitData(window)).toBe(INIT_DATA);
    sessionStorage.clear();
  });

  it("prefers window.Telegram.WebApp.initData when telegram-web-app.js set it", () => {
    sessionStorage.clear();
    const telegram = window as unknown as { Telegram?: { WebApp?: { initData: string } } };
    telegram.Telegram = { WebApp: { initData: "from=webapp&hash=" + "cd".repeat(32) } };
    try {
      window.location.hash = `#tgWebAppData=${encodeURIComponent(INIT_DATA)}`;
      expect(telegramInitData(window)).toBe("from=webapp&hash=" + "cd".repeat(32));
    } finally {
      delete telegram.Telegram;
      sessionStorage.clear();
    }
  });
});
