import { useMemo, useState } from "react";
import { parseEventLogs, toHex } from "viem";
import { contentHash } from "../../../oracle/src/protocol/contentHash";
import { RequireWallet } from "../components/RequireWallet";
import { TxStatus } from "../components/TxStatus";
import { useRuntimeConfig } from "../config/context";
import { rewardsAbi } from "../generated/abis";
import { contractsOf, useAccountState, useChainTime, useEpoch, useQuota, useTokenBalances } from "../hooks/useChain";
import { useTransaction } from "../hooks/useTransaction";
import { formatDuration, formatTokens, shortHash } from "../lib/format";
import { OracleError, uploadContent } from "../lib/oracle";
import { checkSize, findPastSubmission, rememberSubmission } from "../lib/submission";
import { nextTier } from "../lib/tiers";

export const CATEGORIES = [
  [1, "General"],
  [2, "News"],
  [3, "Research"],
  [4, "Guide"],
] as const;

/** What more stake buys, in one sentence ("stake 500 more CKEY for 20 submissions per epoch"). */
function useStakeOffer(): string | undefined {
  const { address } = useAccountState();
  const quota = useQuota(address).data;
  const staked = useTokenBalances(address).data?.stake.staked;
  if (!quota || staked === undefined) return undefined;
  const next = nextTier(staked, quota.tiers);
  return next
    ? `Stake ${formatTokens(next.more)} more CKEY for ${next.quota} submissions per epoch (from the epoch after you stake).`
    : "Your stake already buys the highest quota tier.";
}

function QuotaInfo() {
  const { address } = useAccountState();
  const quota = useQuota(address);
  const offer = useStakeOffer();
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
        {tiers.map((t) => `${formatTokens(t.minStake)} CKEY staked → ${t.quota}`).join(", ")}. {offer} <a href="#/staking">Stake</a>
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
  const quota = useQuota(address).data;
  const epoch = useEpoch().data;
  const now = useChainTime().data;
  const offer = useStakeOffer();
  const [salt, setSalt] = useState(newSalt);
  const [text, setText] = useState("");
  const [category, setCategory] = useState<number>(1);
  const [resubmit, setResubmit] = useState(false);
  const [submitted, setSubmitted] = useState<{ id: bigint }>();
  const tx = useTransaction();
  // Bound to the connected account (docs/SCORING.md, "Who was first"): whoever copies the hash from
  // the mempool and submits it first gets nothing for it.
  const hash = useMemo(() => (text.trim() && address ? contentHash({ text, author: address, salt }) : undefined), [text, address, salt]);
  const size = useMemo(
    () => checkSize({ text, author: address ?? "0x0000000000000000000000000000000000000000", salt }, runtime.maxContentBytes),
    [text, address, salt, runtime.maxContentBytes],
  );
  const past = useMemo(() => (address ? findPastSubmission(runtime.chainId, address, text) : undefined), [runtime.chainId, address, text]);
  const noQuota = quota?.left === 0n;
  const blocked = !hash || size.over || noQuota || (past !== undefined && !resubmit);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setSubmitted(undefined);
    if (blocked || !hash || !address) return;
    const categoryName = CATEGORIES.find(([value]) => value === category)?.[1] ?? category;
    const receipt = await tx.send(
      "Submit",
      { ...rewards, functionName: "submit", args: [hash, category] },
      {
        summary:
          `Record the content hash ${shortHash(hash)} on-chain in category ${categoryName}, using 1 of your ${quota?.left?.toString() ?? "…"} submissions left this epoch. ` +
          "Once you confirm, the text goes to the oracle node (never on-chain), then your wallet signs.",
        // Only after the simulation passed and the user confirmed: a transaction that cannot succeed uploads nothing.
        prepare: async () => {
          let uploaded: string;
          try {
            uploaded = await uploadContent(runtime.oracleUrl, { text, author: address, salt });
          } catch (error) {
            return error instanceof OracleError ? error.message : "The oracle node did not answer: is it running?";
          }
          if (uploaded.toLowerCase() !== hash.toLowerCase()) return `The node stored the content under ${uploaded}, not ${hash}: refusing to submit.`;
          return undefined;
        },
      },
    );
    if (!receipt) return;
    const [log] = parseEventLogs({ abi: rewardsAbi, logs: receipt.logs, eventName: "Submitted" });
    if (log?.args.id !== undefined) {
      rememberSubmission(runtime.chainId, address, text, log.args.id);
      setSubmitted({ id: log.args.id });
    }
    // Ready for the next one: empty form, fresh salt.
    setText("");
    setResubmit(false);
    setSalt(newSalt());
  }

  return (
    <>
      <h1>Submit information</h1>
      <p className="lead">Write or paste something useful. The oracle scores it; points turn into CKEY when the epoch closes.</p>
      <RequireWallet what="submit content">
        <form onSubmit={submit} className="card">
          <label htmlFor="content">Content</label>
          <textarea
            id="content"
            rows={8}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setResubmit(false);
            }}
            required
            aria-describedby="content-size"
            aria-invalid={size.over}
          />
          <p id="content-size" className={size.over ? "counter over" : "counter muted small"} data-testid="content-size" role={size.over ? "alert" : undefined}>
            {size.words}
          </p>
          {past && (
            <div className="banner warn" role="alert" data-testid="duplicate-warning">
              <p>
                You already submitted this text as <a href="#/submissions">#{past.id}</a> on {new Date(past.at).toLocaleString()}. The oracle flags repeated content: a
                copy earns 0 points and still uses one submission of your quota.
              </p>
              <label className="check">
                <input type="checkbox" checked={resubmit} onChange={(e) => setResubmit(e.target.checked)} /> Submit it again anyway
              </label>
            </div>
          )}
          <label htmlFor="category">Category</label>
          <select id="category" value={category} onChange={(e) => setCategory(Number(e.target.value))}>
            {CATEGORIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <p className="hash">
            Content hash:{" "}
            <output className="mono" data-testid="content-hash">
              {hash ?? "—"}
            </output>
          </p>
          <p className="hash muted">
            Bound to your address with the random salt{" "}
            <output className="mono" data-testid="content-salt">
              {salt}
            </output>
            : the text stays private until your submission is on-chain, and no one else can claim its hash.
          </p>
          {noQuota && (
            <p className="banner warn" data-testid="no-quota">
              You have used all {quota?.quota?.toString()} submissions of this epoch
              {epoch && now !== undefined ? `; the quota renews when epoch ${epoch.current} closes, in ${formatDuration(epoch.closesAt - now)}` : ""}. {offer}{" "}
              <a href="#/staking">Stake</a>
            </p>
          )}
          <button type="submit" disabled={blocked || tx.busy}>
            Upload and submit
          </button>
          <TxStatus tx={tx} />
          {submitted !== undefined && (
            <p className="banner ok" role="status" data-testid="submitted">
              Submitted as #{submitted.id.toString()}. <a href="#/submissions">Watch it get scored</a>.
            </p>
          )}
        </form>
        <QuotaInfo />
      </RequireWallet>
    </>
  );
}
