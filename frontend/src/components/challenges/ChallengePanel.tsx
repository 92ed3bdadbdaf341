import { useId, useState } from "react";
import { parseEventLogs } from "viem";
import { useRuntimeConfig } from "../../config/context";
import { challengesAbi, tokenAbi } from "../../generated/abis";
import { useAccountState, useChainTime } from "../../hooks/useChain";
import { useChallengeAllowance, useChallengeParams, useChallengesAddress, useItemChallengeState } from "../../hooks/useChallenges";
import { useTransaction } from "../../hooks/useTransaction";
import {
  DUPLICATE,
  type IndexedChallenge,
  MAX_REASON_CHARS,
  REASONS,
  atRisk,
  draftProblem,
  duplicateOfArg,
  groundsRejected,
  openingTimeline,
  reasonHash,
  sendChallengeText,
} from "../../lib/challenges";
import { formatTimestamp, formatTokens } from "../../lib/format";
import type { IndexedItem } from "../../lib/indexer";
import { TxStatus } from "../TxStatus";
import { ChallengeSummary } from "./ChallengeSummary";

/**
 * The item page's challenge panel: the item's challenges (from the indexer) and, while its epoch's window
 * is open, a form to contest the score with a bond: reason code (a duplicate names the earlier #id), a
 * short reason text (its hash goes on-chain, the text to the nodes), the governance-set bond, what is at
 * risk and the timeline; approve CKEY, then open.
 */
export function ChallengePanel({ item, challenges }: { item: IndexedItem; challenges: IndexedChallenge[] | undefined }) {
  const contract = useChallengesAddress();
  return (
    <section className="card challenge-panel" aria-labelledby="challenge-title" data-testid="challenge-panel">
      <h3 id="challenge-title">Challenges</h3>
      {challenges !== undefined && challenges.length > 0 && (
        <ul className="list" data-testid="item-challenges">
          {challenges.map((c) => (
            <ChallengeSummary key={c.id} challenge={c} showItem={false} />
          ))}
        </ul>
      )}
      {contract === undefined ? (
        <p className="muted">This deployment has no Challenges contract: scores cannot be contested here.</p>
      ) : item.score === null || item.scoredEpoch === null || item.points === null ? (
        <p className="muted">Only a scored item can be challenged.</p>
      ) : (
        <ChallengeForm item={item} epoch={item.scoredEpoch} points={BigInt(item.points)} />
      )}
    </section>
  );
}

function ChallengeForm({ item, epoch, points }: { item: IndexedItem; epoch: number; points: bigint }) {
  const runtime = useRuntimeConfig();
  const contract = useChallengesAddress()!;
  const id = BigInt(item.id);
  const { address, ready } = useAccountState();
  const params = useChallengeParams().data;
  const state = useItemChallengeState(id, epoch).data;
  const now = useChainTime().data;
  const funds = useChallengeAllowance(address).data;
  const tx = useTransaction();
  const fieldId = useId();
  const [reason, setReason] = useState<number>(3);
  const [duplicateOf, setDuplicateOf] = useState("");
  const [text, setText] = useState("");
  const [opened, setOpened] = useState<{ id: bigint; sentTo: number | undefined; of: number } | undefined>();

  if (params === undefined || state === undefined || now === undefined) return <p className="muted">Loading the challenge rules…</p>;
  const closesAt = state.lastScoredAt + params.window;
  const nodes = runtime.challengeNodeUrls ?? [runtime.oracleUrl];
  const rules = (
    <p className="muted small" data-testid="challenge-bond">
      Bond: <strong>{formatTokens(params.bond)} CKEY</strong>, set by governance (at least {formatTokens(params.minBond)} CKEY).
    </p>
  );
  if (opened) {
    return (
      <p role="status" data-testid="challenge-opened">
        Challenge #{opened.id.toString()} is open.{" "}
        {opened.of === 0
          ? ""
          : opened.sentTo === undefined
            ? "Sending your reason text to the nodes (each takes it once it has seen the challenge on the chain)…"
            : `Your reason text went to ${opened.sentTo} of ${opened.of} node${opened.of === 1 ? "" : "s"}${opened.sentTo < opened.of ? " (the others did not take it; the chain holds its hash either way)" : ""}.`}{" "}
        <a href="#/challenges">See all challenges</a>.
      </p>
    );
  }
  if (state.openId !== 0n) return <p className="muted">Challenge #{state.openId.toString()} is in progress on this item: one at a time.</p>;
  if (epoch < state.finalizedEpochs) return <p className="muted">Epoch {epoch} is final: its scores can no longer be challenged.</p>;
  if (state.lastScoredAt === 0n || now > closesAt)
    return (
      <p className="muted">
        The challenge window of epoch {epoch} closed at {formatTimestamp(closesAt)}.{rules}
      </p>
    );
  if (points === 0n || points > BigInt(state.maxPoints)) return <p className="muted">This score credited no points: there is nothing to challenge.</p>;
  if (address !== undefined && address.toLowerCase() === item.author.toLowerCase()) {
    return <p className="muted">This is your submission: others may challenge it until {formatTimestamp(closesAt)}; you can answer on My submissions.</p>;
  }

  const draft = { submissionId: id, reason, duplicateOf, text };
  const problem = draftProblem(draft);
  const rejected = groundsRejected(state.rejectedGrounds, reason);
  const enough = funds !== undefined && funds.unlocked >= params.bond;
  const approved = funds !== undefined && funds.allowance >= params.bond;

  const open = async () => {
    const receipt = await tx.send(
      "Open challenge",
      { address: contract, abi: challengesAbi, functionName: "open", args: [id, epoch, Number(points), reason, duplicateOfArg(draft), reasonHash(text)] },
      { summary: `Challenge submission #${item.id} (${REASONS[reason]!.label.toLowerCase()}) with a bond of ${formatTokens(params.bond)} CKEY.` },
    );
    if (!receipt) return;
    const [log] = parseEventLogs({ abi: challengesAbi, logs: receipt.logs, eventName: "ChallengeOpened" });
    if (!log) return;
    setOpened({ id: log.args.id, sentTo: undefined, of: nodes.length });
    const sent = await sendChallengeText(nodes, log.args.id, "reason", text);
    setOpened({ id: log.args.id, sentTo: sent.length, of: nodes.length });
  };

  return (
    <form
      className="challenge-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem && !rejected && approved) void open();
      }}
    >
      <p>
        Think this score is wrong? Contest it with a bond before epoch {epoch}'s window closes ({formatTimestamp(closesAt)}).
      </p>
      <label htmlFor={`${fieldId}-reason`}>Reason</label>
      <select id={`${fieldId}-reason`} value={reason} onChange={(e) => setReason(Number(e.target.value))}>
        {REASONS.map((r) => (
          <option key={r.code} value={r.code} disabled={groundsRejected(state.rejectedGrounds, r.code)}>
            {r.label}
            {groundsRejected(state.rejectedGrounds, r.code) ? " (already rejected for this item)" : ""}
          </option>
        ))}
      </select>
      <p className="muted small">{REASONS[reason]?.help}</p>
      {reason === DUPLICATE && (
        <>
          <label htmlFor={`${fieldId}-dup`}>Duplicate of (#id)</label>
          <input id={`${fieldId}-dup`} inputMode="numeric" placeholder="#12" value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)} />
        </>
      )}
      <label htmlFor={`${fieldId}-text`}>Why, in a few words</label>
      <textarea
        id={`${fieldId}-text`}
        rows={3}
        maxLength={MAX_REASON_CHARS}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-describedby={`${fieldId}-text-help`}
      />
      <p id={`${fieldId}-text-help`} className="muted small">
        Public. The chain keeps its hash; the operator nodes keep the text and judge by it.
      </p>
      {rules}
      <p className="small" data-testid="challenge-risk">
        {atRisk(params)}
      </p>
      <dl className="challenge-timeline" data-testid="challenge-timeline">
        {openingTimeline(params, now, state.lastScoredAt).map((step) => (
          <div key={step.label}>
            <dt>{step.label}</dt>
            <dd>{formatTimestamp(step.at)}</dd>
          </div>
        ))}
      </dl>
      {text.trim() !== "" && problem && <p role="alert">{problem}</p>}
      {rejected && <p role="alert">This reason was already rejected for this item: pick another.</p>}
      {!ready ? (
        <p className="notice" role="status">
          Connect a wallet (top of the page) to challenge.
        </p>
      ) : !enough ? (
        <p role="alert">
          You need {formatTokens(params.bond)} unstaked CKEY for the bond; you have {formatTokens(funds?.unlocked)}.
        </p>
      ) : !approved ? (
        <button
          type="button"
          disabled={tx.busy || problem !== undefined || rejected}
          onClick={() =>
            tx.send(
              "Approve bond",
              { address: runtime.contracts.token, abi: tokenAbi, functionName: "approve", args: [contract, params.bond] },
              { summary: `Allow the Challenges contract to take the ${formatTokens(params.bond)} CKEY bond when you open the challenge.` },
            )
          }
        >
          Approve {formatTokens(params.bond)} CKEY
        </button>
      ) : (
        <button type="submit" disabled={tx.busy || problem !== undefined || rejected}>
          Open challenge
        </button>
      )}
      <TxStatus tx={tx} />
    </form>
  );
}
