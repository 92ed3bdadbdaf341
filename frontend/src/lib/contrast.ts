/**
 * WCAG 2 contrast for theme colours the app does not choose itself (Telegram's): relative luminance,
 * contrast ratio, and the least change to a colour that makes it readable against another.
 */

type Rgb = readonly [number, number, number];

/** `#rgb`, `#rrggbb` or `#rrggbbaa` (alpha ignored) as 0..255 channels; undefined otherwise. */
export function parseHex(color: string): Rgb | undefined {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color.trim())?.[1];
  if (hex === undefined) return undefined;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex.slice(0, 6);
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as unknown as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

/** WCAG 2 relative luminance, 0 (black) to 1 (white). */
export function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const la = luminance(parseHex(a) ?? [0, 0, 0]);
  const lb = luminance(parseHex(b) ?? [0, 0, 0]);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * `color`, or the nearest mix of it with black or white (whichever moves it away from `against`)
 * that reaches `min` (WCAG AA: 4.5 for text). The hue is kept as far as the contrast allows.
 */
export function withContrast(color: string, against: string, min = 4.5): string {
  const rgb = parseHex(color);
  const other = parseHex(against);
  if (rgb === undefined || other === undefined || contrastRatio(color, against) >= min) return color;
  const target = luminance(rgb) >= luminance(other) ? 255 : 0;
  for (let step = 1; step <= 20; step++) {
    const t = step / 20;
    const mixed = toHex(rgb.map((c) => c * (1 - t) + target * t) as unknown as Rgb);
    if (contrastRatio(mixed, against) >= min) return mixed;
  }
  return target === 255 ? "#ffffff" : "#000000";
}
