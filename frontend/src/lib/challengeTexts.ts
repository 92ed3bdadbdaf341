/**
 * A challenge's reason and answer texts, and the appeal evaluation, read from the operator nodes
 * (`GET /v1/challenges/{id}`, docs/OPERATORS.md "Challenges"). The chain commits only each text's
 * keccak256 (`reasonHash` of `ChallengeOpened`, `answerHash` of `ChallengeAnswered`): a node's text is
 * shown only when it hashes to the committed value, so a node cannot put words in either side's mouth.
 * Any node that has the right text will do; one that serves another text is passed over.
 */
import { keccak256, stringToBytes } from "viem";

/** A text whose hash matched the chain's, with the node it came from; or none that did. */
export type VerifiedText = { status: "verified"; text: string; node: string } | { status: "unavailable" };

/** The appeal evaluation as one node serves it (not checked against the verdict's rationale root). */
export interface AppealSummary {
  node: string;
  /** true: the rationales of the posted verdict; false: this node's own, before a verdict. */
  committed: boolean;
  upheld: boolean;
  grounds: string;
  detail: string;
  score: number | null;
  points: number | null;
  flags: string[];
  summary: string;
}

export interface ChallengeTexts {
  reason: VerifiedText;
  /** null while no answer is committed on-chain. */
  answer: VerifiedText | null;
  appeal: AppealSummary | null;
}

export interface CommittedHashes {
  id: string;
  reasonHash: string;
  answerHash: string | null;
}

/** Whether `text` is what `hash` commits: keccak256 of its UTF-8 bytes, exactly. */
export function textMatches(text: unknown, hash: string | null): text is string {
  return typeof text === "string" && hash !== null && keccak256(stringToBytes(text)) === hash.toLowerCase();
}

const UNAVAILABLE: VerifiedText = { status: "unavailable" };

/** Asks every node at once (each within `timeoutMs`); never throws: a node that fails counts as not having the texts. */
export async function fetchChallengeTexts(
  nodeUrls: readonly string[],
  committed: CommittedHashes,
  fetchImpl: typeof fetch = (...args) => fetch(...args),
  timeoutMs = 5_000,
): Promise<ChallengeTexts> {
  const views = await Promise.all(nodeUrls.map((node) => readView(fetchImpl, node, committed.id, timeoutMs)));
  const pick = (hash: string | null, textOf: (view: NodeView) => unknown): VerifiedText => {
    for (const { node, view } of views) {
      const text = textOf(view);
      if (textMatches(text, hash)) return { status: "verified", text, node };
    }
    return UNAVAILABLE;
  };
  const appeals = views.map(({ node, view }) => appealOf(node, view)).filter((a): a is AppealSummary => a !== null);
  return {
    reason: pick(committed.reasonHash, (v) => field(field(v, "reason"), "text")),
    answer: committed.answerHash === null ? null : pick(committed.answerHash, (v) => field(field(v, "answer"), "text")),
    appeal: appeals.find((a) => a.committed) ?? appeals[0] ?? null,
  };
}

type NodeView = unknown;

async function readView(fetchImpl: typeof fetch, node: string, id: string, timeoutMs: number): Promise<{ node: string; view: NodeView }> {
  try {
    const response = await fetchImpl(`${node.replace(/\/+$/, "")}/v1/challenges/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(timeoutMs) });
    return { node, view: response.ok ? ((await response.json()) as unknown) : null };
  } catch {
    return { node, view: null };
  }
}

/** `value[key]` for a plain object, undefined otherwise (a node's JSON is not trusted to have any shape). */
function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

const numberOrNull = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);
const stringOr = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);

function appealOf(node: string, view: NodeView): AppealSummary | null {
  const evaluations = field(view, "evaluations");
  const rationale = field(field(evaluations, "appeal"), "rationale");
  const upheld = field(evaluations, "upheld");
  if (typeof upheld !== "boolean" || rationale === undefined) return null;
  const appeal = field(rationale, "appeal");
  const flags = field(appeal, "flags");
  return {
    node,
    committed: field(evaluations, "committed") === true,
    upheld,
    grounds: stringOr(field(rationale, "grounds"), "unknown"),
    detail: stringOr(field(rationale, "detail"), ""),
    score: numberOrNull(field(appeal, "score")),
    points: numberOrNull(field(appeal, "points")),
    flags: Array.isArray(flags) ? flags.map((f) => field(f, "code")).filter((c): c is string => typeof c === "string") : [],
    summary: stringOr(field(appeal, "summary"), ""),
  };
}

/** The verdict rule's grounds (oracle/src/challenges/verdictRule.ts) in words. */
export const GROUNDS: Record<string, string> = {
  facts_not_scored: "the item has no score on-chain",
  facts_points: "the challenge misstates the item's points",
  facts_epoch: "the challenge misstates the item's epoch",
  blocking_flag: "the appeal evaluation raises a blocking flag",
  reason_confirmed: "the appeal evaluation confirms the reason",
  points_below_threshold: "the appeal evaluation pays well under the credited points",
  score_confirmed: "the appeal evaluation confirms the score",
};
