/**
 * Worst-case shapes for the evaluator's text processing, each exactly `bytes` long: the inputs that
 * make backtracking regular expressions or quadratic loops blow up. Compared with ordinary prose of
 * the same size.
 */
export type AdversarialShape =
  | "digit_run"
  | "digits_with_separators"
  | "repeated_separators"
  | "nested_brackets"
  | "long_word"
  | "whitespace_run"
  | "number_unit_chain"
  | "url_like"
  | "repeated_punctuation"
  | "citation_markers"
  | "mixed_script";

export const ADVERSARIAL_SHAPES: readonly AdversarialShape[] = [
  "digit_run",
  "digits_with_separators",
  "repeated_separators",
  "nested_brackets",
  "long_word",
  "whitespace_run",
  "number_unit_chain",
  "url_like",
  "repeated_punctuation",
  "citation_markers",
  "mixed_script",
];

function fill(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit))).slice(0, bytes);
}

export function adversarialText(shape: AdversarialShape, bytes: number): string {
  switch (shape) {
    case "digit_run":
      return fill("1234567890", bytes);
    case "digits_with_separators":
      return fill("1,234.5", bytes);
    case "repeated_separators":
      return `word ${fill("-.,;:/ ", bytes - 9)} end`;
    case "nested_brackets": {
      const half = Math.floor((bytes - 4) / 2);
      return `${"([{".repeat(Math.ceil(half / 3)).slice(0, half)}word${"}])".repeat(Math.ceil(half / 3)).slice(0, half)}`;
    }
    case "long_word":
      return fill("abcdefghij", bytes);
    case "whitespace_run":
      return `start${" ".repeat(bytes - 8)}end`;
    case "number_unit_chain":
      return fill("12 km 3.4 kg 56% ", bytes);
    case "url_like":
      return `https://${fill("a.b/", bytes - 8)}`;
    case "repeated_punctuation":
      return fill("!?", bytes);
    case "citation_markers":
      return fill("[1][", bytes);
    case "mixed_script":
      return fill("aа", bytes);
  }
}
