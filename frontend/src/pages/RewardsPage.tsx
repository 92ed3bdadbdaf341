import { useState } from "react";
import { isAddress } from "viem";
import { RequireWallet } from "../components/RequireWallet";
import { TxStatus } from "../components/TxStatus";
import { useRuntimeConfig } from "../config/context";
import { rewardsAbi } from "../generated/abis";
import { contractsOf, useAccountState, useChainQuery, useChainTime, useEpoch } from "../hooks/useChain";
import { useTransaction } from "../hooks/useTransaction";
import { formatDuration, formatTokens, shortAddress, shortHash } from "../lib/format";

function useRewardsOf(address: `0x${string}` | undefined, epoch: number | undefined) {
  return useChainQuery(
    ["rewards", address, epoch],
    async (client, { contracts }) => {
      const rewards = { address: contracts.rewards, abi: rewardsAbi } as const;
      const [lifetime, claimable, account, info] = await Promise.all([
        client.readContract({ ...rewards, functionName: "pointsOf", args: [address!] }),
        client.readContract({ ...rewards, functionName: "claimable", args: [address!] }),
        client.readContract({ ...rewards, functionName: "accountOf", args: [address!] }),
        client.readContract({ ...rewards, functionName: "epochInfo", args: [epoch!] }),
      ]);
      const epochPoints = account.lastEpoch === epoch ? account.lastEpochPoints : 0n;
      return { lifetime, claimable, epochPoints, epochInfo: info };
    },
    address !== undefined && epoch !== undefined,
  );
}

function useClaims(address: `0x${string}` | undefined) {
  return useChainQuery(
    ["claims", address],
    async (client, { contracts, deployBlock }) =>
      (
        await client.getContractEvents({ address: contracts.rewards, abi: rewardsAbi, eventName: "Claimed", args: { user: address }, fromBlock: deployBlock })
      ).reverse(),
    address !== undefined,
  );
}

function RewardsPanel() {
  const runtime = useRuntimeConfig();
  const { address } = useAccountState();
  const epoch = useEpoch();
  const now = useChainTime();
  const rewards = useRewardsOf(address, epoch.data?.current);
  const claims = useClaims(address);
  const tx = useTransaction();
  const [to, setTo] = useState("");
  const recipient = to.trim() === "" ? address : to.trim();
  const validRecipient = recipient !== undefined && isAddress(recipient);

  const data = rewards.data;
  // Before the epoch's first credit its budget is not snapshotted yet: the current budget applies.
  const budget = data && data.epochInfo.budget > 0n ? data.epochInfo.budget : epoch.data?.budget;
  const total = data?.epochInfo.totalPoints ?? 0n;
  const estimate = data && budget !== undefined && total > 0n ? (data.epochPoints * budget) / total : 0n;

  return (
    <>
      <section className="card grid" aria-label="Your points">
        <div>
          <h2>Lifetime points</h2>
          <p className="big" data-testid="lifetime-points">
            {data?.lifetime.toString() ?? "…"}
          </p>
        </div>
        <div>
          <h2>This epoch</h2>
          <p className="big" data-testid="epoch-points">
            {data?.epochPoints.toString() ?? "…"}
          </p>
          <p className="muted">
            Epoch {epoch.data?.current} of budget {formatTokens(budget)} CKEY; your estimated share: <strong>{formatTokens(estimate)} CKEY</strong>
            {epoch.data && now.data !== undefined && <> · closes in {formatDuration(epoch.data.closesAt - now.data)}</>}
          </p>
        </div>
        <div>
          <h2>Claimable now</h2>
          <p className="big" data-testid="claimable">
            {formatTokens(data?.claimable)} CKEY
          </p>
          <p className="muted">Tokens from closed epochs: each epoch's budget shared by points.</p>
        </div>
      </section>
      <form
        className="card"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!validRecipient) return;
          const receipt = await tx.send(
            "Claim",
            { ...contractsOf(runtime).rewards, functionName: "claim", args: [recipient] },
            { summary: `Send your ${formatTokens(data?.claimable)} CKEY from closed epochs to ${recipient.toLowerCase() === address?.toLowerCase() ? "your own address" : shortAddress(recipient)}.` },
          );
          if (receipt) setTo("");
        }}
      >
        <label htmlFor="claim-to">Send the tokens to</label>
        <input id="claim-to" className="mono" placeholder={address} value={to} onChange={(e) => setTo(e.target.value)} aria-describedby="claim-to-help" />
        <p id="claim-to-help" className="muted">
          Leave empty to claim to your own address.
        </p>
        {!validRecipient && <p role="alert">That is not an address.</p>}
        <button type="submit" disabled={!validRecipient || tx.busy}>
          Claim
        </button>
        <TxStatus tx={tx} />
      </form>
      <section className="card" aria-labelledby="claims-title">
        <h2 id="claims-title">Claim history</h2>
        {claims.data?.length === 0 && <p className="muted">No claims yet.</p>}
        <ul className="list" data-testid="claims">
          {claims.data?.map((log) => (
            <li key={`${log.transactionHash}-${log.logIndex}`}>
              {formatTokens(log.args.tokens)} CKEY to <span className="mono">{shortAddress(log.args.to)}</span>{" "}
              <span className="mono muted">tx {shortHash(log.transactionHash)}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export default function RewardsPage() {
  return (
    <>
      <h1>Rewards</h1>
      <p className="lead">Points are the record of merit; when an epoch closes its CKEY budget is shared by the points earned in it.</p>
      <RequireWallet what="see and claim your rewards">
        <RewardsPanel />
      </RequireWallet>
    </>
  );
}
