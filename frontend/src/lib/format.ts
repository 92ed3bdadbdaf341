import { formatUnits } from "viem";

/** CKEY amounts: up to 4 decimals, thousands separated. */
export function formatTokens(value: bigint | undefined, decimals = 18): string {
  if (value === undefined) return "…";
  const [whole, fraction = ""] = formatUnits(value, decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const trimmed = fraction.slice(0, 4).replace(/0+$/, "");
  return trimmed ? `${grouped}.${trimmed}` : grouped;
}

export function shortAddress(address: string | undefined): string {
  if (!address) return "";
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

export function shortHash(hash: string | undefined | null): string {
  if (!hash) return "";
  return `${hash.slice(0, 10)}…${hash.slice(-6)}`;
}

/** "2 d 3 h", "5 min 2 s"… for a number of seconds (chain time, not the browser's clock). */
export function formatDuration(seconds: bigint | number): string {
  let s = Math.max(0, Number(seconds));
  if (s === 0) return "0 s";
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
    ["s", 1],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)} ${unit}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

export function formatTimestamp(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

/** An ETH fee: "0.0021", or "< 0.0001" for dust. */
export function formatEth(wei: bigint): string {
  if (wei > 0n && wei < 10n ** 14n) return "< 0.0001";
  return formatTokens(wei);
}
