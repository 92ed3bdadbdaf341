import { useState } from "react";
import { getAddress, isAddress } from "viem";
import { HistoryNotice } from "../components/HistoryNotice";
import { RequireWallet } from "../components/RequireWallet";
import { TxStatus } from "../components/TxStatus";
import { useRuntimeConfig } from "../config/context";
import { ProposalDescription, VoteBar } from "../components/ProposalBits";
import { contractsOf, useAccountState, useChainQuery, useChainTime, useTokenBalances } from "../hooks/useChain";
import { useGovernorSettings, useProposals } from "../hooks/useGovernor";
import { preflightProposal } from "../lib/governancePreflight";
import { useTransaction } from "../hooks/useTransaction";
import { formatDuration, formatTokens, shortAddress } from "../lib/format";
import { PARAMETER_KINDS, type ParameterChange, type ProposalCall, buildProposalCall, describeCall } from "../lib/proposalActions";

function Delegation() {
  const runtime = useRuntimeConfig();
  const { address } = useAccountState();
  const balances = useTokenBalances(address);
  const tx = useTransaction();
  const [delegatee, setDelegatee] = useState("");
  const current = balances.data?.delegate;
  const undelegated = current === undefined || /^0x0+$/.test(current);
  const delegate = async (to: string) => {
    const self = to.toLowerCase() === address?.toLowerCase();
    const receipt = await tx.send(
      "Delegate",
      { ...contractsOf(runtime).token, functionName: "delegate", args: [getAddress(to)] },
      {
        summary: `Give your ${formatTokens(balances.data?.balance)} CKEY of voting power to ${self ? "yourself" : shortAddress(to)}. No tokens move; you can change it at any time.`,
      },
    );
    if (receipt) setDelegatee("");
  };
  return (
    <section className="card" aria-labelledby="delegation-title">
      <h2 id="delegation-title">Your voting power</h2>
      <p>
        Votes: <strong data-testid="votes">{formatTokens(balances.data?.votes)}</strong> CKEY · delegated to{" "}
        <span className="mono" data-testid="delegate">
          {undelegated ? "nobody" : current === address ? "yourself" : shortAddress(current)}
        </span>
      </p>
      <p className="muted">
        CKEY counts as votes only once delegated, to yourself or to someone you trust: delegation checkpoints your balance, so proposals can read voting power at their
        snapshot. It moves no tokens.
      </p>
      <button type="button" disabled={tx.busy || !address} onClick={() => address && void delegate(address)}>
        Delegate to myself
      </button>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (isAddress(delegatee.trim())) void delegate(delegatee.trim());
        }}
      >
        <label htmlFor="delegatee">Or delegate to</label>
        <input id="delegatee" className="mono" value={delegatee} onChange={(e) => setDelegatee(e.target.value)} placeholder="0x…" />
        <button type="submit" disabled={tx.busy || !isAddress(delegatee.trim())}>
          Delegate
        </button>
      </form>
      <TxStatus tx={tx} />
    </section>
  );
}

function ProposalList() {
  const runtime = useRuntimeConfig();
  const proposals = useProposals();
  const now = useChainTime().data;
  return (
    <section className="card" aria-labelledby="proposals-title">
      <h2 id="proposals-title">Proposals</h2>
      <HistoryNotice histories={[proposals.history]} />
      {proposals.data?.length === 0 && <p className="muted">No proposals yet: delegate your votes, then propose a change below.</p>}
      <ul className="list" data-testid="proposals">
        {proposals.data?.map((p) => (
          <li key={p.id.toString()}>
            <a href={`#/governance/${p.number}`}>{p.description.split("\n")[0] || `Proposal ${p.number}`}</a>{" "}
            <span className={`badge state-${p.state.toLowerCase()}`}>{p.state}</span> <span className="muted small">#{p.number}</span>
            {(p.state === "Active" || p.state === "Pending") && now !== undefined && p.deadline > now && (
              <span className="muted small" data-testid="time-left">
                {" "}
                · voting ends in {formatDuration(p.deadline - now)}
              </span>
            )}
            <div className="muted small">{p.targets.map((t, i) => describeCall(t, p.calldatas[i], runtime.contracts)).join("; ")}</div>
            <VoteBar votes={p.votes} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The title a proposal gets from its action until the proposer writes their own. */
export function titleFor(change: ParameterChange): string {
  switch (change.kind) {
    case "epochBudget":
      return `Set the epoch budget to ${change.budget.trim() || "…"} CKEY`;
    case "quota":
      return `Set the submission quota: ${change.baseQuota.trim() || "…"} per epoch, tiers ${change.tiers.trim() || "…"}`;
    case "threshold":
      return `Require ${change.threshold.trim() || "…"} operator signatures per batch`;
    case "addOperator":
      return `Add operator ${change.operator.trim() ? shortAddress(change.operator.trim()) : "…"}`;
    case "removeOperator":
      return `Remove operator ${change.operator.trim() ? shortAddress(change.operator.trim()) : "…"}`;
    case "evaluator":
      return `${change.approved ? "Approve" : "Revoke"} evaluator ${change.evaluator.trim() ? change.evaluator.trim().slice(0, 10) + "…" : "…"}`;
  }
}

function ChangeFields({ change, onChange }: { change: ParameterChange; onChange(change: ParameterChange): void }) {
  switch (change.kind) {
    case "epochBudget":
      return (
        <>
          <label htmlFor="p-budget">New epoch budget (CKEY)</label>
          <input id="p-budget" inputMode="decimal" value={change.budget} onChange={(e) => onChange({ ...change, budget: e.target.value })} />
        </>
      );
    case "quota":
      return (
        <>
          <label htmlFor="p-base">Base quota (submissions per epoch without stake)</label>
          <input id="p-base" inputMode="numeric" value={change.baseQuota} onChange={(e) => onChange({ ...change, baseQuota: e.target.value })} />
          <label htmlFor="p-tiers">Tiers, as "stake:quota" pairs separated by commas</label>
          <input id="p-tiers" value={change.tiers} placeholder="1000:20, 10000:100" onChange={(e) => onChange({ ...change, tiers: e.target.value })} />
        </>
      );
    case "threshold":
      return (
        <>
          <label htmlFor="p-threshold">Signatures required per batch</label>
          <input id="p-threshold" inputMode="numeric" value={change.threshold} onChange={(e) => onChange({ ...change, threshold: e.target.value })} />
        </>
      );
    case "addOperator":
    case "removeOperator":
      return (
        <>
          <label htmlFor="p-operator">Operator address</label>
          <input id="p-operator" className="mono" value={change.operator} onChange={(e) => onChange({ ...change, operator: e.target.value })} />
        </>
      );
    case "evaluator":
      return (
        <>
          <label htmlFor="p-evaluator">Evaluator hash</label>
          <input id="p-evaluator" className="mono" value={change.evaluator} onChange={(e) => onChange({ ...change, evaluator: e.target.value })} />
          <label className="check">
            <input type="checkbox" checked={change.approved} onChange={(e) => onChange({ ...change, approved: e.target.checked })} /> Approved
          </label>
        </>
      );
  }
}

const EMPTY: Record<ParameterChange["kind"], ParameterChange> = {
  epochBudget: { kind: "epochBudget", budget: "" },
  quota: { kind: "quota", baseQuota: "", tiers: "" },
  threshold: { kind: "threshold", threshold: "" },
  addOperator: { kind: "addOperator", operator: "" },
  removeOperator: { kind: "removeOperator", operator: "" },
  evaluator: { kind: "evaluator", evaluator: "", approved: true },
};

function ProposeForm() {
  const runtime = useRuntimeConfig();
  const settings = useGovernorSettings();
  const proposals = useProposals();
  const tx = useTransaction();
  const [change, setChange] = useState<ParameterChange>(EMPTY.epochBudget);
  // Undefined until the proposer types a title: until then the title follows the chosen action.
  const [ownTitle, setOwnTitle] = useState<string>();
  const [body, setBody] = useState("");
  const title = ownTitle ?? titleFor(change);
  const description = body.trim() ? `${title.trim()}\n\n${body.trim()}` : title.trim();
  let call: ProposalCall | undefined;
  let inputError: string | undefined;
  const touched = Object.entries(change).some(([key, value]) => key !== "kind" && typeof value === "string" && value.trim() !== "");
  try {
    call = buildProposalCall(change, runtime.contracts);
  } catch (error) {
    inputError = (error as Error).message;
  }
  const preflight = useChainQuery(
    ["preflight", call?.target, call?.calldata, description],
    (client, config) => preflightProposal(client, config.contracts, { targets: [call!.target], values: [call!.value], calldatas: [call!.calldata], description }),
    call !== undefined && title.trim() !== "",
  );
  const existing = preflight.data && !preflight.data.ok && preflight.data.existing ? proposals.data?.find((p) => p.id === preflight.data!.proposalId) : undefined;
  return (
    <form
      className="card"
      aria-labelledby="propose-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!call || !title.trim() || !preflight.data?.ok) return;
        const receipt = await tx.send(
          "Propose",
          { ...contractsOf(runtime).governor, functionName: "propose", args: [[call.target], [call.value], [call.calldata], description] },
          {
            summary: `Open a vote on ${describeCall(call.target, call.calldata, runtime.contracts)}, titled "${title.trim()}". If it passes, anyone can queue it in the Timelock and execute it after the delay.`,
          },
        );
        if (receipt) {
          setChange(EMPTY[change.kind]);
          setOwnTitle(undefined);
          setBody("");
        }
      }}
    >
      <h2 id="propose-title">Propose a parameter change</h2>
      {settings.data && (
        <p className="muted">
          Proposing needs {formatTokens(settings.data.threshold)} CKEY of votes. Voting opens {formatDuration(settings.data.delay)} after the proposal and lasts{" "}
          {formatDuration(settings.data.period)}; a passed proposal waits in the Timelock before anyone can execute it.
        </p>
      )}
      <label htmlFor="p-kind">Parameter</label>
      <select id="p-kind" value={change.kind} onChange={(e) => setChange(EMPTY[e.target.value as ParameterChange["kind"]])}>
        {PARAMETER_KINDS.map(({ kind, label }) => (
          <option key={kind} value={kind}>
            {label}
          </option>
        ))}
      </select>
      <ChangeFields change={change} onChange={setChange} />
      <label htmlFor="p-title">Title</label>
      <input id="p-title" value={title} onChange={(e) => setOwnTitle(e.target.value)} aria-describedby="p-title-help" />
      <p id="p-title-help" className="muted small">
        {ownTitle === undefined ? "Follows the chosen change until you edit it." : "Your own title."}
      </p>
      <label htmlFor="p-description">Description (optional: why; blank lines, "- " bullets and links are rendered)</label>
      <textarea id="p-description" rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
      {call ? (
        <p className="muted small" data-testid="calldata">
          {describeCall(call.target, call.calldata, runtime.contracts)} → <span className="mono break">{call.calldata}</span>
        </p>
      ) : (
        touched && <p className="muted small">{inputError}</p>
      )}
      {call && preflight.data?.ok && (
        <p className="small preflight-ok" data-testid="preflight">
          ✓ Preflight: simulated as the Timelock would execute it, the change succeeds on today&apos;s chain.
        </p>
      )}
      {call && preflight.data && !preflight.data.ok && (
        <p className="banner warn" role="alert" data-testid="preflight">
          {preflight.data.reason}
          {existing && (
            <>
              {" "}
              <a href={`#/governance/${existing.number}`}>See proposal #{existing.number}</a>.
            </>
          )}
        </p>
      )}
      {call && preflight.isError && (
        <p className="muted small" data-testid="preflight">
          The preflight could not reach the chain; try again.
        </p>
      )}
      <button type="submit" disabled={!call || !title.trim() || !preflight.data?.ok || tx.busy}>
        Propose
      </button>
      <TxStatus tx={tx} />
      {tx.state.phase === "confirmed" && <p className="muted small">Your proposal is in the list above; voting opens after the voting delay.</p>}
      {body.trim() && (
        <details>
          <summary>Preview the description</summary>
          <ProposalDescription body={body} />
        </details>
      )}
    </form>
  );
}

export default function GovernancePage() {
  return (
    <>
      <h1>Governance</h1>
      <p className="lead">CKEY holders change every parameter by proposal; passed proposals execute through the Timelock.</p>
      <ProposalList />
      <RequireWallet what="delegate, vote and propose">
        <Delegation />
        <ProposeForm />
      </RequireWallet>
    </>
  );
}
