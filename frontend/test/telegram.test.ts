import { describe, expect, it, vi } from "vitest";
import { applyTelegramTheme, detectTelegram, startTelegram } from "../src/lib/telegram";

const THEME = { bg_color: "#17212b", text_color: "#f5f5f5", button_color: "#5288c1", button_text_color: "#ffffff", link_color: "javascript:alert(1)" };
const LAUNCH = `#tgWebAppData=query_id%3D1&tgWebAppVersion=7.0&tgWebAppPlatform=android&tgWebAppThemeParams=${encodeURIComponent(JSON.stringify(THEME))}`;

describe("Telegram Mini App", () => {
  it("is not detected outside Telegram", () => {
    expect(detectTelegram("")).toBeNull();
    expect(detectTelegram("#/governance/3")).toBeNull();
  });

  it("reads the platform, version and theme from Telegram's launch parameters", () => {
    expect(detectTelegram(LAUNCH)).toEqual({ platform: "android", version: "7.0", theme: THEME });
  });

  it("applies only well-formed theme colours as CSS variables", () => {
    const root = document.createElement("div");
    expect(applyTelegramTheme(root, THEME)).toEqual(["--bg", "--text", "--accent", "--accent-text"]);
    expect(root.style.getPropertyValue("--bg")).toBe("#17212b");
    expect(root.style.getPropertyValue("--link")).toBe("");
  });

  it("changes nothing and posts nothing outside Telegram", () => {
    const post = vi.fn();
    window.location.hash = "#/submit";
    expect(startTelegram(window, () => undefined, post)).toBeNull();
    expect(post).not.toHaveBeenCalled();
    expect(document.documentElement.classList.contains("telegram")).toBe(false);
    expect(document.documentElement.style.getPropertyValue("--bg")).toBe("");
  });

  it("inside Telegram: themes the app, signals ready, expands, and wires the back button", () => {
    const post = vi.fn();
    const onBack = vi.fn();
    window.location.hash = LAUNCH;
    const session = startTelegram(window, onBack, post)!;
    expect(session.launch.platform).toBe("android");
    expect(document.documentElement.style.getPropertyValue("--accent")).toBe("#5288c1");
    expect(post.mock.calls.map(([type]) => type)).toEqual(["web_app_ready", "web_app_expand", "web_app_request_viewport"]);
    session.setBackButton(true);
    expect(post).toHaveBeenLastCalledWith("web_app_setup_back_button", { is_visible: true });
    (window as unknown as { Telegram: { WebView: { receiveEvent(t: string, d: unknown): void } } }).Telegram.WebView.receiveEvent("back_button_pressed", {});
    expect(onBack).toHaveBeenCalledOnce();
    window.dispatchEvent(new MessageEvent("message", { data: JSON.stringify({ eventType: "viewport_changed", eventData: { height: 612.4, is_expanded: true } }) }));
    expect(document.documentElement.style.getPropertyValue("--tg-viewport-height")).toBe("612px");
    session.dispose();
    document.documentElement.removeAttribute("style");
    document.documentElement.classList.remove("telegram");
  });
});
