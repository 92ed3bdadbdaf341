import { useQuery } from "@tanstack/react-query";
import type { Hex } from "viem";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { RequireWallet } from "../components/RequireWallet";
import { SubmissionChallenge } from "../components/challenges/SubmissionChallenge";
import { HowScoring, SUB_SCORES, explainPoints, useMaxPoints } from "../components/Scoring";
import { TxLink } from "../components/TxLink";
import { HistoryNotice } from "../components/HistoryNotice";
import { useRuntimeConfig } from "../config/context";
import { rewardsAbi } from "../generated/abis";
import { useAccountState, useChainQuery } from "../hooks/useChain";
import { useHistory } from "../hooks/useHistory";
import { batchRootFromTx } from "../lib/batchRoot";
import { formatTimestamp, shortHash } from "../lib/format";
import type { IndexedItem } from "../lib/indexer";
import { CATEGORIES } from "./SubmitPage";
import { type OracleSubmission, fetchSubmission } from "../lib/oracle";

interface MySubmission {
  id: bigint;
  contentHash: string;
  category: number;
  /** Seconds; absent when read from the chain's logs (no block time fetched for them). */
  submittedAt?: bigint;
  score?: number;
  points?: number;
  /** The text's opening (the indexer's snippet); absent without the indexer or before the text is fetched. */
  snippet?: string;
}

/** Submissions listed on the page (the newest). */
const LISTED = 50;

/** The author's submissions and their scores: from the indexer, else the chain's latest blocks. */
function useMySubmissions() {
  const { address } = useAccountState();
  return useHistory(
    ["my-submissions", address],
    {
      indexerPath: `/v1/authors/${address}/submissions?limit=${LISTED}`,
      fromIndexer: (body: { items: IndexedItem[] }) =>
        body.items.map((item): MySubmission => ({
          id: BigInt(item.id),
          contentHash: item.contentHash,
          category: item.category,
          submittedAt: BigInt(item.submittedAt),
          score: item.score ?? undefined,
          points: item.points === null ? undefined : Number(item.points),
          snippet: item.snippet ?? undefined,
        })),
      fromChain: async (client, range, { contracts }) => {
        const [submitted, scored] = await Promise.all([
          client.getContractEvents({ address: contracts.rewards, abi: rewardsAbi, eventName: "Submitted", args: { author: address }, ...range }),
          client.getContractEvents({ address: contracts.rewards, abi: rewardsAbi, eventName: "Scored", args: { author: address }, ...range }),
        ]);
        const scores = new Map(scored.map((log) => [log.args.id!, log.args]));
        return submitted
          .map((log): MySubmission => {
            const score = scores.get(log.args.id!);
            return { id: log.args.id!, contentHash: log.args.contentHash!, category: log.args.category!, score: score?.score, points: score?.points };
          })
          .reverse()
          .slice(0, LISTED);
      },
    },
    address !== undefined,
  );
}

/** The text's first lines, for the list (the whole text is on its Explore page). */
function firstLines(text: string, lines = 3): string {
  const kept = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .slice(0, lines);
  return kept.join("\n");
}

/**
 * The batch's rationale root as posted on-chain (never the oracle's word for it): read from the receipt
 * of the transaction the node names, accepted only from Rewards' own `BatchPosted` with this nonce.
 */
function useBatchRoot(nonce: string | undefined, txHash: Hex | null | undefined) {
  return useChainQuery(
    ["batch-root", nonce],
    async (client, { contracts }) => {
      const root = await batchRootFromTx(client, contracts.rewards, BigInt(nonce!), txHash!);
      return root === null ? null : { root, txHash: txHash! };
    },
    nonce !== undefined && !!txHash,
  );
}

function categoryName(category: number): string {
  return CATEGORIES.find(([value]) => value === category)?.[1] ?? `Category ${category}`;
}

export function Rationale({ view, flagged }: { view: OracleSubmission; flagged: boolean }) {
  const batch = useBatchRoot(view.batch?.nonce, view.batch?.txHash as Hex | null | undefined);
  if (!view.rationaleJson) return <p className="muted">No rationale yet.</p>;
  let verified: boolean | undefined;
  if (batch.data && view.batch?.proof) {
    verified = verifyRationale(batch.data.root, { submissionId: BigInt(view.id), rationaleJson: view.rationaleJson }, view.batch.proof);
  } else if (batch.data === null || (batch.data && !view.batch?.proof)) {
    verified = false;
  }
  const rationale = (() => {
    try {
      const parsed = JSON.parse(view.rationaleJson) as { summary?: string; reasons?: string[] } & Record<string, unknown>;
      return typeof parsed.summary === "string" ? parsed.summary : view.rationaleJson;
    } catch {
      return view.rationaleJson;
    }
  })();
  return (
    <div className="rationale">
      <p>
        {verified === true && (
          // Says what is verified: the oracle's verdict as published on-chain, not the content's truth. Never green next to a flag.
          <span className={flagged ? "badge" : "badge ok"} data-testid="verified">
            ✓ Rationale verified against the on-chain root
          </span>
        )}
        {verified === false && <span className="badge warn">Not verified: the proof does not match the chain</span>}
        {verified === undefined && <span className="badge">Not on-chain yet</span>}
      </p>
      {verified === true && (
        <p className="muted small" data-testid="verified-meaning">
          {flagged ? "The flags above are the oracle's published verdict: " : ""}This proves the rationale is the one the operators signed and posted on-chain; it says
          nothing about whether the content is true.
        </p>
      )}
      <p>{rationale}</p>
      {view.batch && (
        <p className="muted">
          Batch <a href={`#/network`}>#{view.batch.nonce}</a>
          {batch.data && (
            <>
              {" "}
              · <TxLink hash={batch.data.txHash} />
            </>
          )}
        </p>
      )}
    </div>
  );
}

function SubmissionRow({ submission }: { submission: MySubmission }) {
  const { oracleUrl } = useRuntimeConfig();
  const scoredOnChain = submission.score !== undefined;
  const view = useQuery({
    queryKey: ["oracle-submission", oracleUrl, submission.id.toString()],
    queryFn: () => fetchSubmission(oracleUrl, submission.id),
    refetchInterval: (query) => (query.state.data?.batch?.proof && scoredOnChain ? false : 2_000),
  });
  const maxPoints = useMaxPoints().data;
  const flagged = view.data?.flags.some((f) => f.severity === "blocking") ?? false;
  const anyFlag = (view.data?.flags.length ?? 0) > 0;
  const status = flagged ? "flagged" : scoredOnChain ? "scored" : "pending";
  return (
    <li className="card" data-testid={`submission-${submission.id}`}>
      <h2>
        #{submission.id.toString()} <span className={`badge status-${status}`}>{status}</span>
      </h2>
      {submission.snippet && (
        <p className="snippet pre" data-testid="snippet">
          {firstLines(submission.snippet)}
        </p>
      )}
      <p className="muted small" data-testid="submission-meta">
        {categoryName(submission.category)}
        {submission.submittedAt !== undefined && <> · {formatTimestamp(submission.submittedAt)}</>} · <span className="mono">{shortHash(submission.contentHash)}</span>
        {submission.score !== undefined && (
          <>
            {" "}
            · <a href={`#/explore/${submission.id}`}>open</a>
          </>
        )}
      </p>
      {scoredOnChain && (
        <p>
          Score <strong data-testid="score">{submission.score}</strong>/100 · <strong>{submission.points}</strong> points
        </p>
      )}
      {scoredOnChain && <SubmissionChallenge submissionId={submission.id} />}
      {scoredOnChain && (
        <p className="muted small" data-testid="points-why">
          {explainPoints(submission.score!, submission.points!, view.data?.flags ?? [], maxPoints)}
        </p>
      )}
      {view.data?.subScores && (
        <dl className="subscores">
          {Object.entries(view.data.subScores).map(([name, value]) => (
            <div key={name}>
              <dt title={SUB_SCORES[name]}>{name}</dt>
              <dd>
                {value}
                {SUB_SCORES[name] && <span className="muted small sub-what"> {SUB_SCORES[name]}</span>}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {view.data && view.data.flags.length > 0 && (
        <ul className="flags">
          {view.data.flags.map((f) => (
            <li key={f.code}>
              {f.code}: {f.detail}
            </li>
          ))}
        </ul>
      )}
      {view.data && <Rationale view={view.data} flagged={anyFlag} />}
      {view.isError && <p className="muted">The oracle node does not answer; scores above come from the chain.</p>}
    </li>
  );
}

export default function SubmissionsPage() {
  const submissions = useMySubmissions();
  return (
    <>
      <h1>My submissions</h1>
      <HowScoring />
      <RequireWallet what="see your submissions">
        <HistoryNotice histories={[submissions.data]} />
        {submissions.error && (
          <p className="notice warn" role="alert">
            {submissions.error.message}
          </p>
        )}
        {submissions.data?.data.length === 0 && (
          <p className="notice">
            No submissions yet. <a href="#/submit">Submit something</a>.
          </p>
        )}
        <ul className="list">
          {submissions.data?.data.map((s) => (
            <SubmissionRow key={s.id.toString()} submission={s} />
          ))}
        </ul>
      </RequireWallet>
    </>
  );
}
