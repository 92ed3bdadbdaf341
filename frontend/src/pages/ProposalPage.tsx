import { useState } from "react";
import { HistoryNotice } from "../components/HistoryNotice";
import { RequireWallet } from "../components/RequireWallet";
import { TxStatus } from "../components/TxStatus";
import { useRuntimeConfig } from "../config/context";
import { contractsOf, useAccountState, useChainTime } from "../hooks/useChain";
import { ProposalDescription, VoteBar } from "../components/ProposalBits";
import { type ProposalDetail, type Vote, useProposal, useProposalRecord } from "../hooks/useGovernor";
import { useTransaction } from "../hooks/useTransaction";
import { formatDuration, formatTimestamp, formatTokens, shortAddress } from "../lib/format";
import { describeCall } from "../lib/proposalActions";

const SUPPORT = [
  [1, "For"],
  [0, "Against"],
  [2, "Abstain"],
] as const;

function Timeline({ proposal, now }: { proposal: ProposalDetail; now: bigint | undefined }) {
  const rel = (t: bigint) => (now === undefined ? "" : t > now ? ` (in ${formatDuration(t - now)})` : ` (${formatDuration(now - t)} ago)`);
  return (
    <ol className="timeline">
      <li>
        Voting opens {formatTimestamp(proposal.snapshot)}
        {rel(proposal.snapshot)}
      </li>
      <li>
        Voting closes {formatTimestamp(proposal.deadline)}
        {rel(proposal.deadline)}
      </li>
      {proposal.eta > 0n && (
        <li>
          Executable from {formatTimestamp(proposal.eta)}
          {rel(proposal.eta)}
        </li>
      )}
    </ol>
  );
}

const SUPPORT_NAME: Record<number, string> = { 0: "Against", 1: "For", 2: "Abstain" };

/** Who voted, how, with how much and why. */
function Voters({ votes, me }: { votes: readonly Vote[] | undefined; me: string | undefined }) {
  if (!votes) return null;
  if (votes.length === 0) return <p className="muted">No votes yet.</p>;
  return (
    <ul className="list voters" data-testid="voters">
      {votes.map((v) => (
        <li key={v.voter}>
          <span className="mono">{shortAddress(v.voter)}</span>
          {me && v.voter.toLowerCase() === me.toLowerCase() && <span className="badge">you</span>} voted <strong>{SUPPORT_NAME[v.support] ?? v.support}</strong> with{" "}
          {formatTokens(v.weight)} CKEY
          {v.reason && <q className="reason">{v.reason}</q>}
        </li>
      ))}
    </ul>
  );
}

function Votes({ proposal }: { proposal: ProposalDetail }) {
  const counted = proposal.votes.for + proposal.votes.abstain;
  const percent = proposal.quorum === 0n ? 100 : Math.min(100, Number((counted * 100n) / proposal.quorum));
  return (
    <div>
      <dl className="votes">
        <div>
          <dt>For</dt>
          <dd data-testid="votes-for">{formatTokens(proposal.votes.for)}</dd>
        </div>
        <div>
          <dt>Against</dt>
          <dd data-testid="votes-against">{formatTokens(proposal.votes.against)}</dd>
        </div>
        <div>
          <dt>Abstain</dt>
          <dd>{formatTokens(proposal.votes.abstain)}</dd>
        </div>
      </dl>
      <VoteBar votes={proposal.votes} />
      <label htmlFor="quorum">
        Quorum: {formatTokens(counted)} of {formatTokens(proposal.quorum)} CKEY (for + abstain)
      </label>
      <progress id="quorum" max={100} value={percent}>
        {percent}%
      </progress>
    </div>
  );
}

function Actions({ proposal, now, myVote }: { proposal: ProposalDetail; now: bigint | undefined; myVote: Vote | undefined }) {
  const runtime = useRuntimeConfig();
  const { governor } = contractsOf(runtime);
  const tx = useTransaction();
  const [support, setSupport] = useState<number>(1);
  const [reason, setReason] = useState("");
  return (
    <section className="card" aria-labelledby="act-title">
      <h2 id="act-title">Act</h2>
      {proposal.state === "Active" && !proposal.hasVoted && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const label = SUPPORT.find(([value]) => value === support)?.[1];
            const receipt = await tx.send(
              "Vote",
              { ...governor, functionName: "castVoteWithReason", args: [proposal.id, support, reason] },
              { summary: `Vote ${label} on this proposal${reason.trim() ? ", with your reason stored on-chain" : ""}. A vote cannot be changed afterwards.` },
            );
            if (receipt) setReason("");
          }}
        >
          <fieldset>
            <legend>Your vote</legend>
            {SUPPORT.map(([value, label]) => (
              <label key={value} className="check">
                <input type="radio" name="support" value={value} checked={support === value} onChange={() => setSupport(value)} /> {label}
              </label>
            ))}
          </fieldset>
          <label htmlFor="reason">Reason (optional, stored on-chain)</label>
          <textarea id="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="submit" disabled={tx.busy}>
            Cast vote
          </button>
        </form>
      )}
      {proposal.hasVoted && (
        <p data-testid="voted">
          {myVote
            ? `You voted ${SUPPORT_NAME[myVote.support]} with ${formatTokens(myVote.weight)} CKEY${myVote.reason ? `: “${myVote.reason}”` : ""}.`
            : "You voted on this proposal."}
        </p>
      )}
      {proposal.state === "Pending" && <p>Voting has not opened yet.</p>}
      {proposal.state === "Succeeded" && (
        <button
          type="button"
          disabled={tx.busy}
          onClick={() =>
            void tx.send(
              "Queue",
              { ...governor, functionName: "queue", args: [proposal.id] },
              { summary: "Schedule the passed proposal in the Timelock; it becomes executable once the Timelock delay has passed." },
            )
          }
        >
          Queue in the Timelock
        </button>
      )}
      {proposal.state === "Queued" && (
        <>
          {now !== undefined && now < proposal.eta && <p>The Timelock delay runs until {formatTimestamp(proposal.eta)}.</p>}
          <button
            type="button"
            disabled={tx.busy || now === undefined || now < proposal.eta}
            onClick={() =>
              void tx.send(
                "Execute",
                { ...governor, functionName: "execute", args: [proposal.id] },
                { summary: `Have the Timelock run: ${proposal.targets.map((t, i) => describeCall(t, proposal.calldatas[i], runtime.contracts)).join("; ")}.` },
              )
            }
          >
            Execute
          </button>
        </>
      )}
      {proposal.state === "Executed" && <p>Executed: the change is live.</p>}
      <TxStatus tx={tx} />
    </section>
  );
}

export default function ProposalPage({ id }: { id: string }) {
  const runtime = useRuntimeConfig();
  const { address } = useAccountState();
  const proposal = useProposal(id, address);
  const now = useChainTime();
  const p = proposal.data;
  const record = useProposalRecord(p?.id);
  const votes = record.data?.data.votes;
  const description = record.data?.data.description ?? "";
  const myVote = votes?.find((v) => v.voter.toLowerCase() === address?.toLowerCase());
  return (
    <>
      <p>
        <a href="#/governance">← All proposals</a>
      </p>
      {proposal.isError && (
        <p className="notice warn" role="alert">
          Proposal {id} does not exist on this deployment.
        </p>
      )}
      {p && (
        <>
          <HistoryNotice histories={[record.data]} />
          <h1>
            {p.number > 0 && <span className="muted">#{p.number} </span>}
            {description.split("\n")[0] || "Untitled proposal"}
          </h1>
          <p>
            <span className={`badge state-${p.state.toLowerCase()}`} data-testid="proposal-state">
              {p.state}
            </span>{" "}
            {record.data?.data.proposer && <span className="muted">by {shortAddress(record.data.data.proposer)}</span>}
          </p>
          <section className="card" aria-labelledby="calls-title">
            <h2 id="calls-title">What it does</h2>
            <ul>
              {p.targets.map((t, i) => (
                <li key={i}>{describeCall(t, p.calldatas[i], runtime.contracts)}</li>
              ))}
            </ul>
            {description.includes("\n") && <ProposalDescription body={description.split("\n").slice(1).join("\n").trim()} />}
          </section>
          <section className="card" aria-labelledby="votes-title">
            <h2 id="votes-title">Votes</h2>
            <Votes proposal={p} />
            <Timeline proposal={p} now={now.data} />
            <h3>Voters</h3>
            <Voters votes={votes} me={address} />
          </section>
          <RequireWallet what="vote, queue or execute">
            <Actions proposal={p} now={now.data} myVote={myVote} />
          </RequireWallet>
        </>
      )}
    </>
  );
}
