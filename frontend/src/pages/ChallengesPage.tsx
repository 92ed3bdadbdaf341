import { useState } from "react";
import { ChallengeSummary } from "../components/challenges/ChallengeSummary";
import { useAccountState } from "../hooks/useChain";
import { useChallengeParams, useChallengesAddress, useIndexedChallenges } from "../hooks/useChallenges";
import { type IndexedChallenge, atRisk } from "../lib/challenges";
import { formatDuration } from "../lib/format";

const VIEWS = [
  ["active", "In progress"],
  ["open", "Open"],
  ["escalated", "Escalated"],
  ["resolved", "Resolved"],
] as const;

/** Every challenge from the indexer: in progress (open, verdict, escalated) or resolved with its outcome and payouts; optionally only yours. */
export default function ChallengesPage() {
  const [view, setView] = useState<(typeof VIEWS)[number][0]>("active");
  const [mine, setMine] = useState<"" | "challenger" | "author">("");
  const [cursors, setCursors] = useState<string[]>([]);
  const { address } = useAccountState();
  const params = useChallengeParams().data;
  const contract = useChallengesAddress();
  const query = new URLSearchParams({ status: view, limit: "20" });
  if (mine !== "" && address) query.set(mine, address);
  const cursor = cursors[cursors.length - 1];
  if (cursor) query.set("cursor", cursor);
  const list = useIndexedChallenges<{ items: IndexedChallenge[]; next: string | null }>(`/v1/challenges?${query}`);

  return (
    <>
      <h1>Challenges</h1>
      <p className="lead">
        Anyone may contest a score with a CKEY bond before its epoch's tokens are claimable. The operators judge first; the side a verdict goes against may escalate to
        the token holders.
      </p>
      {contract === undefined && <p className="notice">This deployment has no Challenges contract.</p>}
      {params && (
        <p className="muted" data-testid="challenge-rules">
          {atRisk(params)} Window: {formatDuration(params.window)} after an epoch's last batch; verdict within {formatDuration(params.verdictTimeout)}; escalation within{" "}
          {formatDuration(params.escalationWindow)}; governance decides within {formatDuration(params.escalationTimeout)}. Challenge from an item's page in{" "}
          <a href="#/explore">Explore</a>.
        </p>
      )}
      <div className="filters" role="group" aria-label="Which challenges">
        {VIEWS.map(([key, label]) => (
          <button
            key={key}
            type="button"
            className={view === key ? "" : "secondary"}
            aria-pressed={view === key}
            onClick={() => {
              setView(key);
              setCursors([]);
            }}
          >
            {label}
          </button>
        ))}
        {address && (
          <label>
            Show{" "}
            <select
              value={mine}
              onChange={(e) => {
                setMine(e.target.value as typeof mine);
                setCursors([]);
              }}
            >
              <option value="">everyone's</option>
              <option value="challenger">mine as challenger</option>
              <option value="author">on my submissions</option>
            </select>
          </label>
        )}
      </div>
      {!list.configured ? (
        <p className="notice" role="alert">
          This app has no indexer configured, so there is no challenge history to list.
        </p>
      ) : list.error ? (
        <p className="notice" role="alert">
          {list.error.message}
        </p>
      ) : list.data === undefined ? (
        <p>Loading…</p>
      ) : list.data.items.length === 0 ? (
        <p data-testid="challenges-empty">No challenges here.</p>
      ) : (
        <ul className="list" data-testid="challenges">
          {list.data.items.map((c) => (
            <ChallengeSummary key={c.id} challenge={c} />
          ))}
        </ul>
      )}
      <div className="actions">
        {cursors.length > 0 && (
          <button type="button" className="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
        )}
        {list.data?.next && (
          <button type="button" className="secondary" onClick={() => setCursors([...cursors, list.data!.next!])}>
            Older
          </button>
        )}
      </div>
    </>
  );
}
