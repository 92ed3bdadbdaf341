import { useEffect, useState } from "react";

/** Hash routes (`#/governance/12`), so the static server and the service worker need no rewrites. */
export function currentRoute(hash: string): string[] {
  const path = hash.replace(/^#\/?/, "").split("?")[0];
  // Telegram puts its launch parameters in the hash: they are not a route.
  if (path.startsWith("tgWebApp")) return [];
  return path.split("/").filter(Boolean).map(decodeURIComponent);
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(() => currentRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(currentRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
