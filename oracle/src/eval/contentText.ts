import type { Content } from "../protocol/contentHash";

/**
 * The text a submission is evaluated on: the title as a first paragraph, the text, and the source
 * URL as a last line. Every node evaluates exactly this, so their scores can agree.
 */
export function evaluationText(content: Content): string {
  const parts = [content.title, content.text, content.url === undefined ? undefined : `Source: ${content.url}`];
  return parts.filter((part): part is string => part !== undefined && part.trim() !== "").join("\n\n");
}
