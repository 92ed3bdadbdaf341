import { useMemo, useState } from "react";
import { parseEventLogs } from "viem";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { RequireWallet } from "../components/RequireWallet";
import { TxStatus } from "../components/TxStatus";
import { useRuntimeConfig } from "../config/context";
import { rewardsAbi } from "../generated/abis";
import { contractsOf, useAccountState, useQuota } from "../hooks/useChain";
import { useTransaction } from "../hooks/useTransaction";
import { formatTokens } from "../lib/format";
import { OracleError, uploadContent } from "../lib/oracle";

export const CATEGORIES = [
  [1, "General"],
  [2, "News"],
  [3, "Research"],
  [4, "Guide"],
] as const;

function QuotaInfo() {
  const { address } = useAccountState();
  const quota = useQuota(address);
  if (!quota.data) return null;
  const { baseQuota, tiers, left } = quota.data;
  return (
    <section aria-labelledby="quota-title" className="card">
      <h2 id="quota-title">Quota this epoch</h2>
      {left !== undefined && (
        <p data-testid="quota-left">
          <strong>{left.toString()}</strong> submissions left this epoch (of {quota.data.quota?.toString()}).
        </p>
      )}
      <p className="muted">
        Everyone may submit {baseQuota} times per epoch; staking CKEY raises the quota:{" "}
        {tiers.map((t) => `${formatTokens(t.minStake)} CKEY staked → ${t.quota}`).join(", ")}. <a href="#/staking">Stake</a>
      </p>
    </section>
  );
}

export default function SubmitPage() {
  const runtime = useRuntimeConfig();
  const { rewards } = contractsOf(runtime);
  const [text, setText] = useState("");
  const [category, setCategory] = useState<number>(1);
  const [uploadError, setUploadError] = useState<string>();
  const [submittedId, setSubmittedId] = useState<bigint>();
  const tx = useTransaction();
  const hash = useMemo(() => (text.trim() ? contentHash({ text }) : undefined), [text]);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setUploadError(undefined);
    setSubmittedId(undefined);
    if (!hash) return;
    let uploaded: string;
    try {
      uploaded = await uploadContent(runtime.oracleUrl, text);
    } catch (error) {
      setUploadError(error instanceof OracleError ? error.message : "The oracle node did not answer: is it running?");
      return;
    }
    if (uploaded.toLowerCase() !== hash.toLowerCase()) {
      setUploadError(`The node stored the content under ${uploaded}, not ${hash}: refusing to submit.`);
      return;
    }
    const receipt = await tx.send("Submit", { ...rewards, functionName: "submit", args: [hash, category] });
    if (!receipt) return;
    const [submitted] = parseEventLogs({ abi: rewardsAbi, logs: receipt.logs, eventName: "Submitted" });
    setSubmittedId(submitted?.args.id);
  }

  return (
    <>
      <h1>Submit information</h1>
      <p className="lead">Write or paste something useful. The oracle scores it; points turn into CKEY when the epoch closes.</p>
      <RequireWallet what="submit content">
        <form onSubmit={submit} className="card">
          <label htmlFor="content">Content</label>
          <textarea id="content" rows={8} value={text} onChange={(e) => setText(e.target.value)} required maxLength={60_000} />
          <label htmlFor="category">Category</label>
          <select id="category" value={category} onChange={(e) => setCategory(Number(e.target.value))}>
            {CATEGORIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <p className="hash">
            Content hash: <output className="mono" data-testid="content-hash">{hash ?? "—"}</output>
          </p>
          <button type="submit" disabled={!hash || tx.busy}>
            Upload and submit
          </button>
          {uploadError && (
            <p className="banner warn" role="alert">
              {uploadError}
            </p>
          )}
          <TxStatus state={tx.state} />
          {submittedId !== undefined && (
            <p className="banner ok" role="status" data-testid="submitted">
              Submitted as #{submittedId.toString()}. <a href="#/submissions">Watch it get scored</a>.
            </p>
          )}
        </form>
        <QuotaInfo />
      </RequireWallet>
    </>
  );
}
