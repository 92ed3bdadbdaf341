import { useChallengeTexts } from "../../hooks/useChallenges";
import type { IndexedChallenge } from "../../lib/challenges";
import { type AppealSummary, GROUNDS, type VerifiedText } from "../../lib/challengeTexts";

/**
 * The challenger's reason and the author's answer in words, as the operator nodes hold them, each shown
 * only when it hashes to what the chain committed ("text not available" otherwise), and the appeal
 * evaluation's summary when a node serves it.
 */
export function ChallengeTexts({ challenge }: { challenge: IndexedChallenge }) {
  const texts = useChallengeTexts(challenge);
  if (texts.data === undefined) {
    return (
      <p className="muted small" data-testid="challenge-texts-loading">
        Reading the reason from the operator nodes…
      </p>
    );
  }
  const { reason, answer, appeal } = texts.data;
  return (
    <div className="challenge-texts" data-testid="challenge-texts">
      <Quote label="Reason" text={reason} testId="challenge-reason-text" />
      {answer !== null && <Quote label="Author's answer" text={answer} testId="challenge-answer-text" />}
      {appeal !== null && <Appeal appeal={appeal} />}
    </div>
  );
}

function Quote({ label, text, testId }: { label: string; text: VerifiedText; testId: string }) {
  return (
    <p data-testid={testId}>
      <strong>{label}:</strong>{" "}
      {text.status === "verified" ? (
        <q title={`From ${text.node}; matches the hash committed on-chain`}>{text.text}</q>
      ) : (
        <span className="muted">text not available (no node serves a text matching the hash committed on-chain)</span>
      )}
    </p>
  );
}

function Appeal({ appeal }: { appeal: AppealSummary }) {
  return (
    <div className="small" data-testid="challenge-appeal">
      <strong>Appeal evaluation{appeal.committed ? "" : " (this node's, before a verdict)"}:</strong> {appeal.score !== null && <>score {appeal.score}/100 · </>}
      {appeal.points !== null && <>{appeal.points} points · </>}
      flags {appeal.flags.length > 0 ? appeal.flags.join(", ") : "none"} · {appeal.upheld ? "upholds" : "rejects"} the challenge:{" "}
      {GROUNDS[appeal.grounds] ?? appeal.grounds}.<span className="muted"> (as served by {appeal.node})</span>
      {appeal.summary && (
        <details>
          <summary>The appeal evaluation's reasons</summary>
          <span className="muted">{appeal.summary}</span>
        </details>
      )}
    </div>
  );
}
