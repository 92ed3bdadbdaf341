import { formatTimestamp, formatTokens, shortAddress, shortHash } from "../../lib/format";
import { type IndexedChallenge, REASONS, describeOutcome } from "../../lib/challenges";
import { ChallengeActions } from "./ChallengeActions";
import { ChallengeTexts } from "./ChallengeTexts";

/** One challenge: who, why (the reason and answer texts from the nodes, checked against their hashes), the bond, where it stands or how it ended and who was paid; the actions it allows now. */
export function ChallengeSummary({ challenge, showItem = true }: { challenge: IndexedChallenge; showItem?: boolean }) {
  const reason = REASONS[challenge.reason];
  return (
    <li className="card" data-testid={`challenge-${challenge.id}`}>
      <h3>
        Challenge #{challenge.id} <span className={`badge challenge-${challenge.status}`}>{challenge.status}</span>
      </h3>
      <p>
        {showItem && (
          <>
            On <a href={`#/explore/${challenge.submissionId}`}>{challenge.title ?? `submission #${challenge.submissionId}`}</a> ·{" "}
          </>
        )}
        {reason?.label ?? challenge.reasonName}
        {challenge.duplicateOf !== null && (
          <>
            {" "}
            of <a href={`#/explore/${challenge.duplicateOf}`}>#{challenge.duplicateOf}</a>
          </>
        )}{" "}
        · {challenge.points} points of epoch {challenge.epoch} · bond {formatTokens(BigInt(challenge.bond))} CKEY
      </p>
      <p className="muted small">
        By <span className="mono">{shortAddress(challenge.challenger)}</span> against <span className="mono">{shortAddress(challenge.author)}</span>, opened{" "}
        {formatTimestamp(BigInt(challenge.openedAt))} · reason hash <span title={challenge.reasonHash}>{shortHash(challenge.reasonHash)}</span>
        {challenge.answerHash ? " · the author answered" : ""}
      </p>
      <ChallengeTexts challenge={challenge} />
      <p data-testid="challenge-outcome">{describeOutcome(challenge)}</p>
      <ChallengeActions challenge={challenge} />
    </li>
  );
}
