import type { ReactNode } from "react";
import { formatTokens } from "../lib/format";

/** For / against / abstain as one stacked bar, with the figures in text (the bar is decoration). */
export function VoteBar({ votes }: { votes: { for: bigint; against: bigint; abstain: bigint } }) {
  const total = votes.for + votes.against + votes.abstain;
  const pct = (v: bigint) => (total === 0n ? 0 : Number((v * 1000n) / total) / 10);
  return (
    <div className="votebar" data-testid="vote-bar">
      <div className="bar-track" aria-hidden="true">
        <span className="bar-for" style={{ width: `${pct(votes.for)}%` }} />
        <span className="bar-against" style={{ width: `${pct(votes.against)}%` }} />
        <span className="bar-abstain" style={{ width: `${pct(votes.abstain)}%` }} />
      </div>
      <p className="small muted">
        {total === 0n
          ? "No votes yet"
          : `For ${formatTokens(votes.for)} (${pct(votes.for)} %) · Against ${formatTokens(votes.against)} (${pct(votes.against)} %) · Abstain ${formatTokens(votes.abstain)} (${pct(votes.abstain)} %)`}
      </p>
    </div>
  );
}

const LINK = /(https?:\/\/[^\s<>"')]+)/g;

/** Text with its http(s) URLs as links; everything else stays text (React escapes it: no HTML from a proposer reaches the page). */
function Linked({ text }: { text: string }) {
  const parts = text.split(LINK);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} target="_blank" rel="noopener noreferrer nofollow">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </>
  );
}

/**
 * A proposal's description body, rendered from a small Markdown subset: blank lines separate
 * paragraphs, "- " or "* " lines are bullets, "#" lines are headings, URLs are links. Never HTML.
 */
export function ProposalDescription({ body }: { body: string }) {
  const blocks: ReactNode[] = [];
  for (const [i, block] of body.split(/\n\s*\n/).entries()) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) continue;
    if (lines.every((l) => /^\s*[-*]\s+/.test(l))) {
      blocks.push(
        <ul key={i}>
          {lines.map((l, j) => (
            <li key={j}>
              <Linked text={l.replace(/^\s*[-*]\s+/, "")} />
            </li>
          ))}
        </ul>,
      );
    } else if (lines.length === 1 && /^#{1,6}\s+/.test(lines[0])) {
      blocks.push(
        <h3 key={i}>
          <Linked text={lines[0].replace(/^#{1,6}\s+/, "")} />
        </h3>,
      );
    } else {
      blocks.push(
        <p key={i} className="pre">
          <Linked text={lines.join("\n")} />
        </p>,
      );
    }
  }
  return (
    <div className="description" data-testid="proposal-description">
      {blocks}
    </div>
  );
}
