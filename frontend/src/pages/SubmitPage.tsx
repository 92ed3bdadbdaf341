import { useMemo, useState } from "react";
import { parseEventLogs, toHex } from "viem";
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

/** 32 random bytes: the content hash cannot be guessed from the text. */
function newSalt(): `0x${string}` {
  return toHex(crypto.getRandomValues(new Uint8Array(32)));
}

export default function SubmitPage() {
  const runtime = useRuntimeConfig();
  const { rewards } = contractsOf(runtime);
  const { address } = useAccountState();
  const [salt, setSalt] = useState(newSalt);
  const [text, setText] = useState("");
  const [category, setCategory] = useState<number>(1);
  const [uploadError, setUploadError] = useState<string>();
  const [submittedId, setSubmittedId] = useState<bigint>();
  const tx = useTransaction();
  // Bound to the connected account (docs/SCORING.md, "Who was first"): whoever copies the hash from
  // the mempool and submits it first gets nothing for it.
  const hash = useMemo(() => (text.trim() && address ? contentHash({ text, author: address, salt }) : undefined), [text, address, salt]);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setUploadError(undefined);
    setSubmittedId(undefined);
    if (!hash || !address) return;
    let uploaded: string;
    try {
      uploaded = await uploadContent(runtime.oracleUrl, { text, author: address, salt });
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
    setSalt(newSalt());
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
          <p className="hash muted">
            Bound to your address with the random salt <output className="mono" data-testid="content-salt">{salt}</output>: the
            text stays private until your submission is on-chain, and no one else can claim its hash.
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
