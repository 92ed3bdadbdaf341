/**
 * Telegram Mini App support. Inside Telegram, the client injects `window.Telegram.WebApp` only when the
 * page itself loads telegram-web-app.js; we never load remote scripts, so we detect Telegram by its
 * launch parameters (`tgWebAppData` / `tgWebAppPlatform` in the URL hash, as Telegram opens Mini Apps)
 * and talk to the client through its documented `postEvent` bridge. Outside Telegram nothing changes.
 */
import { withContrast } from "./contrast";
import { telegramInitData } from "./telegramInitData";

export interface TelegramThemeParams {
  bg_color?: string;
  text_color?: string;
  hint_color?: string;
  link_color?: string;
  button_color?: string;
  button_text_color?: string;
  secondary_bg_color?: string;
}

export interface TelegramLaunch {
  platform: string;
  version: string;
  theme: TelegramThemeParams;
}

/** Reads Telegram's launch parameters from a location hash; null outside Telegram. */
export function detectTelegram(hash: string): TelegramLaunch | null {
  const params = new URLSearchParams(hash.replace(/^#/, "").split("?").pop() ?? "");
  const raw = new URLSearchParams(hash.replace(/^#/, ""));
  const get = (key: string) => raw.get(key) ?? params.get(key);
  const platform = get("tgWebAppPlatform");
  if (!platform && !get("tgWebAppData")) return null;
  let theme: TelegramThemeParams = {};
  const themeJson = get("tgWebAppThemeParams");
  if (themeJson) {
    try {
      theme = JSON.parse(themeJson) as TelegramThemeParams;
    } catch {
      theme = {};
    }
  }
  return { platform: platform ?? "unknown", version: get("tgWebAppVersion") ?? "6.0", theme };
}

const CSS_VARIABLES: Record<keyof TelegramThemeParams, string> = {
  bg_color: "--bg",
  text_color: "--text",
  hint_color: "--muted",
  link_color: "--link",
  button_color: "--accent",
  button_text_color: "--accent-text",
  secondary_bg_color: "--surface",
};

const COLOR = /^#[0-9a-fA-F]{3,8}$/;

/** The app's own colours (styles.css `:root`), for the ones a Telegram theme leaves out. */
const DEFAULT_COLORS: Record<string, string> = {
  "--bg": "#ffffff",
  "--surface": "#f3f6f6",
  "--text": "#14201f",
  "--muted": "#4a5857",
  "--link": "#0b5c5e",
  "--accent": "#0f3d3e",
  "--accent-text": "#ffffff",
};

/**
 * Applies Telegram's theme colours as the app's CSS variables; returns the variables set. Telegram's
 * own palettes do not always reach WCAG AA (its light theme's white on #2481cc is 4.1:1, the hint
 * grey on white 2.8:1): text, hint and link colours are moved toward black or white until they read
 * at 4.5:1 on the page and on cards, and the button colour until its text does; nothing else changes.
 */
export function applyTelegramTheme(root: HTMLElement, theme: TelegramThemeParams): string[] {
  const colors = { ...DEFAULT_COLORS };
  const given = new Set<string>();
  for (const [key, variable] of Object.entries(CSS_VARIABLES) as [keyof TelegramThemeParams, string][]) {
    const value = theme[key];
    if (value && COLOR.test(value)) {
      colors[variable] = value;
      given.add(variable);
    }
  }
  if (given.size === 0) return [];
  // Cards sit on the page: without Telegram's secondary colour they take its background, not ours.
  if (given.has("--bg") && !given.has("--surface")) {
    colors["--surface"] = colors["--bg"]!;
    given.add("--surface");
  }
  const readable = (variable: string) => withContrast(withContrast(colors[variable]!, colors["--bg"]!), colors["--surface"]!);
  const adjusted: Record<string, string> = {
    "--text": readable("--text"),
    "--muted": readable("--muted"),
    "--link": readable("--link"),
    "--accent": withContrast(colors["--accent"]!, colors["--accent-text"]!),
  };
  const set: string[] = [];
  for (const variable of Object.values(CSS_VARIABLES)) {
    const value = adjusted[variable] ?? colors[variable]!;
    if (!given.has(variable) && value === DEFAULT_COLORS[variable]) continue;
    root.style.setProperty(variable, value);
    set.push(variable);
  }
  return set;
}

/** Telegram's visible height (its header and keyboard excluded), for layouts that fill the screen. */
function setViewport(root: HTMLElement, height: unknown): void {
  if (typeof height === "number" && Number.isFinite(height) && height > 0) root.style.setProperty("--tg-viewport-height", `${Math.round(height)}px`);
}

export type PostEvent = (eventType: string, eventData?: unknown) => void;

/** Telegram's bridge: a native proxy on mobile, postMessage to the parent frame on Telegram Web. */
export function telegramBridge(win: Window): PostEvent {
  const proxy = (win as unknown as { TelegramWebviewProxy?: { postEvent(type: string, data: string): void } }).TelegramWebviewProxy;
  if (proxy) return (type, data) => proxy.postEvent(type, JSON.stringify(data ?? {}));
  const external = (win as unknown as { external?: { notify?(message: string): void } }).external;
  if (external && typeof external.notify === "function") {
    return (type, data) => external.notify!(JSON.stringify({ eventType: type, eventData: data ?? {} }));
  }
  return (type, data) => win.parent.postMessage(JSON.stringify({ eventType: type, eventData: data ?? {} }), "*");
}

export interface TelegramSession {
  launch: TelegramLaunch;
  setBackButton(visible: boolean): void;
  dispose(): void;
}

/**
 * Inside Telegram: theme, full viewport, ready signal, and the back button wired to `onBack`.
 * Outside Telegram: returns null and touches nothing.
 */
export function startTelegram(win: Window, onBack: () => void, post: PostEvent = telegramBridge(win)): TelegramSession | null {
  const launch = detectTelegram(win.location.hash);
  if (!launch) return null;
  // Kept for the relayer before the first navigation replaces the launch hash.
  telegramInitData(win);
  const root = win.document.documentElement;
  applyTelegramTheme(root, launch.theme);
  root.classList.add("telegram");
  post("web_app_ready");
  post("web_app_expand");
  post("web_app_request_viewport");
  const onMessage = (event: MessageEvent) => {
    if (typeof event.data !== "string") return;
    try {
      const message = JSON.parse(event.data) as { eventType?: string; eventData?: { theme_params?: TelegramThemeParams } };
      if (message.eventType === "back_button_pressed") onBack();
      if (message.eventType === "theme_changed" && message.eventData?.theme_params) applyTelegramTheme(root, message.eventData.theme_params);
      if (message.eventType === "viewport_changed") setViewport(root, (message.eventData as { height?: unknown } | undefined)?.height);
    } catch {
      // not a Telegram message
    }
  };
  win.addEventListener("message", onMessage);
  // Native clients deliver events through window.Telegram.WebView.receiveEvent.
  const telegram = ((win as unknown as { Telegram?: Record<string, unknown> }).Telegram ??= {});
  // Others may listen too (the wallet's CloudStorage calls): keep their receiver.
  const previous = (telegram.WebView as { receiveEvent?: (type: string, data: unknown) => void } | undefined)?.receiveEvent;
  telegram.WebView = {
    receiveEvent(eventType: string, eventData: unknown) {
      previous?.(eventType, eventData);
      onMessage(new MessageEvent("message", { data: JSON.stringify({ eventType, eventData }) }));
    },
  };
  return {
    launch,
    setBackButton(visible) {
      post("web_app_setup_back_button", { is_visible: visible });
    },
    dispose() {
      win.removeEventListener("message", onMessage);
    },
  };
}
