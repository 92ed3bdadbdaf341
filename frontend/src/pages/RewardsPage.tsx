import { useState } from "react";
import { getAddress, isAddress } from "viem";
import { HistoryNotice } from "../components/HistoryNotice";
import { RequireWallet } from "../components/RequireWallet";
import { TxStatus } from "../components/TxStatus";
import { useRuntimeConfig } from "../config/context";
import { challengesAbi, rewardsAbi } from "../generated/abis";
import { type EpochState, contractsOf, useAccountState, useChainQuery, useChainTime, useEpoch } from "../hooks/useChain";
import { useChallengesAddress, useEpochGates, useIndexedChallenges } from "../hooks/useChallenges";
import { useHistory } from "../hooks/useHistory";
import { useTransaction } from "../hooks/useTransaction";
import { blockTimes } from "../lib/history";
import { TxLink } from "../components/TxLink";
import { ClaimGate } from "../components/challenges/ClaimGate";
import { type IndexedChallenge } from "../lib/challenges";
import { type GateView, claimNow, gateMark, claimThrough, earningNote, thisEpochNote } from "../lib/claimStatus";
import { formatDuration, formatTimestamp, formatTokens, shortAddress } from "../lib/format";

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
      const through = claimThrough({ lastEpoch: Number(account.lastEpoch), lastEpochPoints: account.lastEpochPoints, settledTokens: account.settledTokens }, epoch!);
      return { lifetime, claimable, epochPoints, epochInfo: info, through };
    },
    address !== undefined && epoch !== undefined,
  );
}

/** Epochs shown in the earnings history. */
const EARNING_EPOCHS = 8;

export interface EpochEarning {
  epoch: number;
  points: bigint;
  totalPoints: bigint;
  budget: bigint;
  /** Your share: points × budget ÷ all points of the epoch. */
  tokens: bigint;
  closed: boolean;
}

interface IndexedEarning {
  epoch: number;
  points: string;
  budget: string | null;
  totalPoints: string | null;
  tokens: string | null;
}

/**
 * Points and CKEY per epoch, newest first: the indexer's per-epoch rows; from the chain, the account's
 * `Scored` points in the latest blocks grouped by the epoch of the block that credited them (the
 * batch's), each epoch's share from `epochInfo`.
 */
function useEarnings(address: `0x${string}` | undefined, epoch: EpochState | undefined) {
  return useHistory(
    ["earnings", address, epoch?.current],
    {
      indexerPath: `/v1/authors/${address}/earnings?limit=${EARNING_EPOCHS}`,
      fromIndexer: (body: { items: IndexedEarning[] }) =>
        body.items.map((row): EpochEarning => ({
          epoch: row.epoch,
          points: BigInt(row.points),
          totalPoints: BigInt(row.totalPoints ?? 0),
          budget: BigInt(row.budget ?? 0),
          tokens: BigInt(row.tokens ?? 0),
          closed: row.epoch < epoch!.current,
        })),
      fromChain: async (client, range, { contracts }): Promise<EpochEarning[]> => {
        const rewards = { address: contracts.rewards, abi: rewardsAbi } as const;
        const scored = await client.getContractEvents({ ...rewards, eventName: "Scored", args: { author: address }, ...range });
        const times = await blockTimes(
          client,
          scored.map((l) => l.blockNumber),
        );
        const byEpoch = new Map<number, bigint>();
        for (const log of scored) {
          const e = Number((times.get(log.blockNumber)! - epoch!.genesis) / epoch!.length);
          byEpoch.set(e, (byEpoch.get(e) ?? 0n) + BigInt(log.args.points ?? 0));
        }
        const epochs = [...byEpoch.keys()].sort((a, b) => b - a).slice(0, EARNING_EPOCHS);
        const infos = await Promise.all(epochs.map((e) => client.readContract({ ...rewards, functionName: "epochInfo", args: [e] })));
        return epochs.map((e, i) => {
          const points = byEpoch.get(e)!;
          const { budget, totalPoints } = infos[i];
          return { epoch: e, points, totalPoints, budget, tokens: totalPoints > 0n ? (points * budget) / totalPoints : 0n, closed: e < epoch!.current };
        });
      },
    },
    address !== undefined && epoch !== undefined,
  );
}

/** Gates read back from the current epoch; older unfinal epochs are checked at once (`gateMark`). */
const GATE_EPOCHS = 32;

/**
 * The claim gate from the final mark up to the current epoch (docs/CONTRACTS.md, "The claim gate"):
 * null without a Challenges contract (before Rewards 1.3.0 an epoch's tokens are claimable once it
 * closes), undefined while it loads.
 */
function useGateView(epoch: EpochState | undefined, now: bigint | undefined): GateView | null | undefined {
  const contract = useChallengesAddress();
  const mark = useChainQuery(
    ["finalized-epochs", contract],
    async (client) => Number(await client.readContract({ address: contract!, abi: challengesAbi, functionName: "finalizedEpochs" })),
    contract !== undefined,
  ).data;
  const oldest = epoch ? Math.max(0, epoch.current - GATE_EPOCHS + 1) : undefined;
  const lagging = mark !== undefined && oldest !== undefined && mark < oldest;
  // Epochs below those read: whether a claim through them passes the gate now (an eth_call of finalizeEpochs).
  const olderPass = useChainQuery(
    ["older-epochs-pass", contract, mark, oldest],
    async (client) => {
      try {
        await client.simulateContract({ address: contract!, abi: challengesAbi, functionName: "finalizeEpochs", args: [oldest! - 1] });
        return true;
      } catch {
        return false;
      }
    },
    contract !== undefined && lagging,
  ).data;
  const epochs: number[] = [];
  if (mark !== undefined && oldest !== undefined && epoch) for (let e = Math.max(mark, oldest); e <= epoch.current; e += 1) epochs.push(e);
  const gates = useEpochGates(epochs).data;
  const active = useIndexedChallenges<{ items: IndexedChallenge[] }>(gates?.some((g) => g.openCount > 0n) ? "/v1/challenges?status=active&limit=100" : undefined).data;
  if (contract === undefined) return null;
  if (mark === undefined || oldest === undefined || gates === undefined || now === undefined || !epoch) return undefined;
  const readFrom = gateMark(mark, oldest, olderPass);
  if (readFrom === undefined) return undefined;
  const holding = new Map<number, string[]>();
  for (const c of active?.items ?? []) holding.set(c.epoch, [...(holding.get(c.epoch) ?? []), c.id]);
  return { mark: readFrom, gates: new Map(gates.map((g) => [g.epoch, g])), holding, now, current: epoch.current };
}

/** Earnings per epoch as bars (the figures are in the text). */
export function Earnings({
  earnings,
  epoch,
  view,
  through,
}: {
  earnings: EpochEarning[] | undefined;
  epoch: EpochState | undefined;
  view: GateView | null | undefined;
  through: number | undefined;
}) {
  if (!earnings) return null;
  if (earnings.length === 0) return <p className="muted">No points yet: your earnings per epoch appear here once a submission is scored.</p>;
  const most = earnings.reduce((m, e) => (e.tokens > m ? e.tokens : m), 0n);
  return (
    <ol className="list earnings" data-testid="earnings">
      {earnings.map((e) => (
        <li key={e.epoch}>
          <div className="earning-bar" aria-hidden="true">
            <span style={{ width: `${most === 0n ? 0 : Number((e.tokens * 100n) / most)}%` }} />
          </div>
          <span>
            Epoch {e.epoch}: <strong>{formatTokens(e.tokens)} CKEY</strong> for {e.points.toLocaleString("en-US")} of {e.totalPoints.toLocaleString("en-US")} points
            {earningNote(e, epoch, view, through)}
          </span>
        </li>
      ))}
    </ol>
  );
}

interface ClaimRow {
  key: string;
  tokens: bigint;
  to: string;
  /** Seconds. */
  at: bigint;
  txHash: `0x${string}`;
}

/** Claims shown, newest first. */
const CLAIMS_LISTED = 20;

function useClaims(address: `0x${string}` | undefined) {
  return useHistory(
    ["claims", address],
    {
      indexerPath: `/v1/authors/${address}/claims?limit=${CLAIMS_LISTED}`,
      fromIndexer: (body: { items: { id: string; to: string; tokens: string; timestamp: string; txHash: `0x${string}` }[] }) =>
        body.items.map((row): ClaimRow => ({ key: row.id, tokens: BigInt(row.tokens), to: getAddress(row.to), at: BigInt(row.timestamp), txHash: row.txHash })),
      fromChain: async (client, range, { contracts }) => {
        const logs = (await client.getContractEvents({ address: contracts.rewards, abi: rewardsAbi, eventName: "Claimed", args: { user: address }, ...range }))
          .reverse()
          .slice(0, CLAIMS_LISTED);
        const times = await blockTimes(
          client,
          logs.map((l) => l.blockNumber),
        );
        return logs.map((log): ClaimRow => ({
          key: `${log.transactionHash}-${log.logIndex}`,
          tokens: log.args.tokens!,
          to: log.args.to!,
          at: times.get(log.blockNumber)!,
          txHash: log.transactionHash,
        }));
      },
    },
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
  const earnings = useEarnings(address, epoch.data);
  const view = useGateView(epoch.data, now.data);
  const tx = useTransaction();
  const [to, setTo] = useState("");
  const recipient = to.trim() === "" ? address : to.trim();
  const validRecipient = recipient !== undefined && isAddress(recipient);

  const data = rewards.data;
  // Before the epoch's first credit its budget is not snapshotted yet: the current budget applies.
  const budget = data && data.epochInfo.budget > 0n ? data.epochInfo.budget : epoch.data?.budget;
  const total = data?.epochInfo.totalPoints ?? 0n;
  const estimate = data && budget !== undefined && total > 0n ? (data.epochPoints * budget) / total : 0n;
  const payNow = claimNow(data?.claimable, data?.through, view);
  const thisEpoch = epoch.data && thisEpochNote(epoch.data, view);

  return (
    <>
      <HistoryNotice histories={[earnings.data, claims.data]} />
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
          {thisEpoch && data && data.epochPoints > 0n && (
            <p className="muted" data-testid="claimable-from">
              {thisEpoch}
            </p>
          )}
        </div>
        <div>
          <h2>Claimable now</h2>
          <p className="big" data-testid="claimable">
            {formatTokens(payNow.tokens)} CKEY
          </p>
          <p className="muted" data-testid="claim-wait">
            {payNow.note}
          </p>
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
            {
              summary: `Send your ${formatTokens(data?.claimable)} CKEY from closed epochs to ${recipient.toLowerCase() === address?.toLowerCase() ? "your own address" : shortAddress(recipient)}.`,
            },
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
      {address && <ClaimGate address={address} />}
      <section className="card" aria-labelledby="earnings-title">
        <h2 id="earnings-title">Earnings per epoch</h2>
        <Earnings earnings={earnings.data?.data} epoch={epoch.data} view={view} through={data?.through} />
      </section>
      <section className="card" aria-labelledby="claims-title">
        <h2 id="claims-title">Claim history</h2>
        {claims.data?.data.length === 0 && <p className="muted">No claims yet.</p>}
        <ul className="list" data-testid="claims">
          {claims.data?.data.map(({ key, tokens, to, at, txHash }) => (
            <li key={key}>
              {formatTokens(tokens)} CKEY to <span className="mono">{shortAddress(to)}</span> <span className="muted small">{formatTimestamp(at)}</span>{" "}
              <span className="muted small">
                <TxLink hash={txHash} />
              </span>
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
