import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { verifyRationale } from "../../../oracle/src/protocol/rationaleTree";
import { useRuntimeConfig } from "../config/context";
import type { Hex } from "viem";
import { HistoryNotice } from "../components/HistoryNotice";
import { rewardsAbi } from "../generated/abis";
import { useChainQuery } from "../hooks/useChain";
import { useHistory } from "../hooks/useHistory";
import { batchRootFromTx } from "../lib/batchRoot";
import { type IndexedBatch, type IndexedItem, useIndexer } from "../lib/indexer";
import { fetchSubmission } from "../lib/oracle";
import { formatTimestamp, shortAddress, shortHash } from "../lib/format";
import { ChallengePanel } from "../components/challenges/ChallengePanel";
import type { IndexedChallenge } from "../lib/challenges";

/** Explore: recent information, full-text search with filters, and an item with its whole text. */
export default function ExplorePage({ id }: { id?: string }) {
  return id ? <ItemView id={id} /> : <Browse />;
}

/** Items listed before any search. */
const RECENT = 20;

/**
 * The latest scored information: the indexer's, or the `Scored` events of the chain's latest blocks
 * with each submission's category and time read from Rewards (no text: only the indexer keeps it).
 */
function useRecentItems(enabled: boolean) {
  return useHistory(
    ["explore-recent"],
    {
      indexerPath: `/v1/items?sort=recent&limit=${RECENT}`,
      fromIndexer: (body: { items: IndexedItem[] }) => body.items,
      fromChain: async (client, range, { contracts }) => {
        const rewards = { address: contracts.rewards, abi: rewardsAbi } as const;
        const scored = (await client.getContractEvents({ ...rewards, eventName: "Scored", ...range })).slice(-RECENT).reverse();
        return Promise.all(
          scored.map(async (log): Promise<IndexedItem> => {
            const record = await client.readContract({ ...rewards, functionName: "submission", args: [log.args.id!] });
            return {
              id: log.args.id!.toString(),
              author: log.args.author!,
              contentHash: "",
              category: record.category,
              submittedAt: record.submittedAt.toString(),
              score: log.args.score!,
              points: log.args.points!.toString(),
              scoredEpoch: null,
              batchNonce: null,
              contentStatus: "pending",
              title: null,
              snippet: null,
            };
          }),
        );
      },
    },
    enabled,
  );
}

function Browse() {
  const [draft, setDraft] = useState({ q: "", category: "", minScore: "" });
  const [search, setSearch] = useState<typeof draft | undefined>();
  const params = new URLSearchParams();
  if (search) {
    params.set("q", search.q);
    if (search.category !== "") params.set("category", search.category);
    if (search.minScore !== "") params.set("minScore", search.minScore);
  }
  const found = useIndexer<{ items: IndexedItem[]; next: string | null }>(search ? `/v1/search?${params}` : undefined);
  const recent = useRecentItems(search === undefined);
  const shown = search ? { error: found.error, items: found.data?.items } : { error: recent.error, items: recent.data?.data };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch(draft.q.trim() === "" ? undefined : { ...draft, q: draft.q.trim() });
  };

  return (
    <section aria-labelledby="explore-title">
      <h2 id="explore-title">Explore</h2>
      <form role="search" onSubmit={submit}>
        <label>
          Search
          <input type="search" value={draft.q} maxLength={200} onChange={(event) => setDraft({ ...draft, q: event.target.value })} />
        </label>
        <label>
          Category
          <input inputMode="numeric" pattern="\d*" value={draft.category} onChange={(event) => setDraft({ ...draft, category: event.target.value })} />
        </label>
        <label>
          Minimum score
          <input inputMode="numeric" pattern="\d*" value={draft.minScore} onChange={(event) => setDraft({ ...draft, minScore: event.target.value })} />
        </label>
        <button type="submit">Search</button>
      </form>
      {search === undefined && <HistoryNotice histories={[recent.data]} />}
      {search !== undefined && !found.configured ? (
        <p className="notice" role="alert">
          Search needs the indexer, and this app has no indexer configured.
        </p>
      ) : shown.error ? (
        <p className="notice" role="alert">
          {shown.error.message}
        </p>
      ) : shown.items === undefined ? (
        <p>Loading…</p>
      ) : shown.items.length === 0 ? (
        <p>{search ? "Nothing matches." : "Nothing scored yet."}</p>
      ) : (
        <ol className="explore-results">
          {shown.items.map((item) => (
            <li key={item.id} data-testid="explore-item">
              <a href={`#/explore/${item.id}`}>{item.title ?? `Submission ${item.id}`}</a> · score {item.score ?? "pending"} · category {item.category} ·{" "}
              {shortAddress(item.author)}
              <p>{item.highlights ? <Highlights segments={item.highlights} /> : (item.snippet ?? <em>Text not available.</em>)}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Search highlights come as segments, rendered as text: nothing in a submission is ever markup. */
function Highlights({ segments }: { segments: { text: string; match: boolean }[] }) {
  return <>{segments.map((segment, i) => (segment.match ? <mark key={i}>{segment.text}</mark> : <span key={i}>{segment.text}</span>))}</>;
}

function ItemView({ id }: { id: string }) {
  const detail = useIndexer<{ item: IndexedItem; batch: IndexedBatch | null; challenges?: IndexedChallenge[] }>(/^\d{1,20}$/.test(id) ? `/v1/items/${id}` : undefined);
  if (!/^\d{1,20}$/.test(id)) return <p role="alert">No submission {id}.</p>;
  if (!detail.configured) return <p role="alert">This app has no indexer configured.</p>;
  if (detail.error) return <p role="alert">{detail.error.message}</p>;
  if (detail.data === undefined) return <p>Loading…</p>;
  const { item, batch } = detail.data;
  return (
    <article aria-labelledby="item-title">
      <p>
        <a href="#/explore">← Explore</a>
      </p>
      <h2 id="item-title">{item.title ?? `Submission ${item.id}`}</h2>
      {item.text ? (
        <div data-testid="item-text" className="item-text">
          {item.text}
        </div>
      ) : (
        <p role="status">{item.contentStatus === "mismatch" ? "No node served text matching this submission's hash." : "The text is not available yet."}</p>
      )}
      <dl>
        <dt>Score</dt>
        <dd data-testid="item-score">{item.score ?? "pending"}</dd>
        <dt>Points</dt>
        <dd>{item.points ?? "—"}</dd>
        <dt>Author</dt>
        <dd>{item.author}</dd>
        <dt>Category</dt>
        <dd>{item.category}</dd>
        <dt>Submitted</dt>
        <dd>{formatTimestamp(BigInt(item.submittedAt))}</dd>
        <dt>Content hash</dt>
        <dd title={item.contentHash}>{shortHash(item.contentHash)}</dd>
        {batch && (
          <>
            <dt>Batch</dt>
            <dd>
              #{batch.nonce}, rationale root <span title={batch.rationaleRoot}>{shortHash(batch.rationaleRoot)}</span>, signed by{" "}
              {batch.signers.length > 0 ? batch.signers.map(shortAddress).join(", ") : "a relaying contract"}
            </dd>
          </>
        )}
      </dl>
      {batch && <Rationale id={item.id} batch={batch} />}
      <ChallengePanel item={item} challenges={detail.data.challenges} />
    </article>
  );
}

/**
 * The node's rationale, verified against the root the chain holds: read from the receipt of the
 * transaction the indexer names (never a scan), so neither the indexer nor the node can vouch for a
 * rationale alone.
 */
function Rationale({ id, batch }: { id: string; batch: IndexedBatch }) {
  const { oracleUrl } = useRuntimeConfig();
  const view = useQuery({ queryKey: ["oracle-submission", oracleUrl, id], queryFn: () => fetchSubmission(oracleUrl, BigInt(id)), retry: false });
  const chainRoot = useChainQuery(["batch-root-of", batch.nonce, batch.txHash], (client, { contracts }) =>
    batchRootFromTx(client, contracts.rewards, BigInt(batch.nonce), batch.txHash as Hex),
  );
  const rationaleJson = view.data?.rationaleJson;
  const proof = view.data?.batch?.proof;
  if (view.error) return <p className="muted">The oracle node did not answer: no rationale to show.</p>;
  if (!rationaleJson) return <p className="muted">No rationale yet.</p>;
  const verified =
    chainRoot.data === undefined
      ? undefined
      : chainRoot.data !== null && proof != null && verifyRationale(chainRoot.data, { submissionId: BigInt(id), rationaleJson }, proof);
  return (
    <div className="rationale">
      <h3>Rationale</h3>
      {verified === true && (
        <span className="badge ok" data-testid="rationale-verified">
          ✓ Verified against the on-chain root
        </span>
      )}
      {verified === false && <span className="badge warn">Not verified: the proof does not match the chain</span>}
      {verified === undefined && <span className="badge">Checking against the chain…</span>}
      <pre className="rationale-json">{rationaleJson}</pre>
    </div>
  );
}
