import { describe, expect, it, vi } from "vitest";
import { applyTelegramTheme, detectTelegram, startTelegram } from "../src/lib/telegram";
import { contrastRatio, parseHex, withContrast } from "../src/lib/contrast";

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
    // The link colour is refused; the default link (dark teal) cannot be read on this dark page, so it is lightened.
    expect(applyTelegramTheme(root, THEME)).toEqual(["--bg", "--text", "--muted", "--link", "--accent", "--accent-text", "--surface"]);
    expect(root.style.getPropertyValue("--bg")).toBe("#17212b");
    expect(root.style.getPropertyValue("--surface")).toBe("#17212b");
    expect(root.style.getPropertyValue("--link")).not.toContain("javascript");
    expect(contrastRatio(root.style.getPropertyValue("--link"), "#17212b")).toBeGreaterThanOrEqual(4.5);
  });

  it("keeps Telegram's colours where they read, and moves the rest until they reach WCAG AA", () => {
    const root = document.createElement("div");
    // Telegram's light palette: white on #2481cc is 4.1:1 and the hint grey on white 2.8:1.
    applyTelegramTheme(root, {
      bg_color: "#ffffff",
      text_color: "#000000",
      hint_color: "#999999",
      link_color: "#2481cc",
      button_color: "#2481cc",
      button_text_color: "#ffffff",
      secondary_bg_color: "#efeff3",
    });
    const get = (v: string) => root.style.getPropertyValue(v);
    expect(get("--text")).toBe("#000000");
    expect(contrastRatio(get("--accent"), get("--accent-text"))).toBeGreaterThanOrEqual(4.5);
    expect(get("--accent")).not.toBe("#2481cc");
    for (const v of ["--muted", "--link"]) {
      expect(contrastRatio(get(v), "#ffffff"), v).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(get(v), "#efeff3"), v).toBeGreaterThanOrEqual(4.5);
    }
    // A colour that already reads is left exactly as Telegram gave it.
    expect(withContrast("#000000", "#ffffff")).toBe("#000000");
    // The least change: the mix stops at the first step that reads, so it stays blue.
    const accent = parseHex(get("--accent"))!;
    expect(accent[2]).toBeGreaterThan(accent[0]);
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
    // Telegram's button colour, darkened just enough for its white text to read (3.7:1 → 4.5:1).
    expect(document.documentElement.style.getPropertyValue("--accent")).not.toBe("");
    expect(contrastRatio(document.documentElement.style.getPropertyValue("--accent"), "#ffffff")).toBeGreaterThanOrEqual(4.5);
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
