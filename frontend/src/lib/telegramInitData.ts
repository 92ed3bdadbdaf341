/**
 * The Mini App's signed launch data (`initData`), forwarded to the node's relayer, which checks its
 * HMAC against the bot token (the app itself trusts none of it). Telegram passes it in the launch URL's
 * hash (`tgWebAppData`), which the app's own hash routes replace on the first navigation, so it is kept
 * for the session; `window.Telegram.WebApp.initData` (set when telegram-web-app.js runs) comes first.
 */
const SESSION_KEY = "cashkey.telegram.initData";

function fromHash(hash: string): string | undefined {
  const raw = hash.replace(/^#/, "");
  for (const part of [raw, raw.split("?").pop() ?? ""]) {
    const value = new URLSearchParams(part).get("tgWebAppData");
    if (value) return value;
  }
  return undefined;
}

/** The launch data of this session, or undefined outside Telegram; remembers what it finds. */
export function telegramInitData(win: Window | undefined = globalThis.window): string | undefined {
  if (win === undefined) return undefined;
  const webApp = (win as unknown as { Telegram?: { WebApp?: { initData?: unknown } } }).Telegram?.WebApp;
  const found = (typeof webApp?.initData === "string" && webApp.initData !== "" ? webApp.initData : undefined) ?? fromHash(win.location.hash);
  try {
    if (found) win.sessionStorage.setItem(SESSION_KEY, found);
    else return win.sessionStorage.getItem(SESSION_KEY) ?? undefined;
  } catch {
    // storage blocked: the launch URL's copy is all there is
  }
  return found;
}
