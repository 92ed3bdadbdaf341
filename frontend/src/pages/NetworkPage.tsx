import { type Address, decodeFunctionData, getAddress } from "viem";
import { HEURISTIC_EVALUATOR_HASH } from "../../../oracle/src/protocol/evaluatorHash";
import { rewardsAbi, tokenAbi } from "../generated/abis";
import { HistoryNotice } from "../components/HistoryNotice";
import { OperatorScorecard } from "../components/network/OperatorScorecard";
import { TxLink } from "../components/TxLink";
import { useChainQuery, useEpoch } from "../hooks/useChain";
import { useHistory } from "../hooks/useHistory";
import { signersOf } from "../lib/batchSigners";
import { blockTimes } from "../lib/history";
import { formatDuration, formatTokens, shortAddress, shortHash } from "../lib/format";

function useOperators() {
  return useChainQuery(["operators"], async (client, { contracts }) => {
    const rewards = { address: contracts.rewards, abi: rewardsAbi } as const;
    const [operators, threshold, minStake, maxPoints] = await Promise.all([
      client.readContract({ ...rewards, functionName: "operators" }),
      client.readContract({ ...rewards, functionName: "threshold" }),
      client.readContract({ ...rewards, functionName: "minOperatorStake" }),
      client.readContract({ ...rewards, functionName: "maxPointsPerSubmission" }),
    ]);
    const stakes = await Promise.all(
      operators.map((operator) => client.readContract({ address: contracts.token, abi: tokenAbi, functionName: "stakedBalanceOf", args: [operator] })),
    );
    return { operators: operators.map((address, i) => ({ address, stake: stakes[i] })), threshold, minStake, maxPoints };
  });
}

/** Batches shown, newest first. */
const BATCHES_LISTED = 10;
/** Authors shown on the leaderboard. */
const LEADERS_LISTED = 20;

interface BatchRow {
  nonce: bigint;
  evaluator: string;
  count: bigint;
  txHash: `0x${string}`;
  /** Who signed (the indexer recovers them from a direct `postScores` call); undefined when relayed through another contract. */
  signers?: string[];
}

/**
 * The last batches with their signers: the indexer's, or from the chain's latest blocks, each batch's
 * signers recovered from the `postScores` call data that posted it.
 */
function useBatches() {
  return useHistory(["batches"], {
    indexerPath: `/v1/batches?limit=${BATCHES_LISTED}`,
    fromIndexer: (body: { items: { nonce: string; evaluator: string; count: number; signers: string[]; txHash: `0x${string}` }[] }) =>
      body.items.map((row): BatchRow => ({
        nonce: BigInt(row.nonce),
        evaluator: row.evaluator,
        count: BigInt(row.count),
        txHash: row.txHash,
        signers: row.signers.length > 0 ? row.signers : undefined,
      })),
    fromChain: async (client, range, { contracts }) => {
      const posted = (await client.getContractEvents({ address: contracts.rewards, abi: rewardsAbi, eventName: "BatchPosted", ...range }))
        .slice(-BATCHES_LISTED)
        .reverse();
      return Promise.all(
        posted.map(async (log): Promise<BatchRow> => {
          const tx = await client.getTransaction({ hash: log.transactionHash });
          let signers: string[] | undefined;
          try {
            const { functionName, args } = decodeFunctionData({ abi: rewardsAbi, data: tx.input });
            if (functionName === "postScores") signers = await signersOf(client, contracts.rewards, args);
          } catch {
            // relayed through another contract: the signatures are not in the call data
          }
          return { nonce: log.args.nonce!, evaluator: log.args.evaluator!, count: log.args.count!, txHash: log.transactionHash, signers };
        }),
      );
    },
  });
}

/** Authors by points credited in the current epoch: the indexer's leaderboard, or the `Scored` events of the chain's latest blocks. */
function useLeaderboard(epoch: { current: number; genesis: bigint; length: bigint } | undefined) {
  return useHistory(
    ["leaderboard", epoch?.current],
    {
      indexerPath: `/v1/leaderboard?epoch=${epoch?.current}&limit=${LEADERS_LISTED}`,
      fromIndexer: (body: { items: { author: Address; points: string }[] }) => body.items.map((row): [Address, bigint] => [getAddress(row.author), BigInt(row.points)]),
      fromChain: async (client, range, { contracts }) => {
        const start = epoch!.genesis + BigInt(epoch!.current) * epoch!.length;
        const scored = await client.getContractEvents({ address: contracts.rewards, abi: rewardsAbi, eventName: "Scored", ...range });
        const times = await blockTimes(
          client,
          scored.map((l) => l.blockNumber),
        );
        const totals = new Map<Address, bigint>();
        for (const log of scored) {
          if (times.get(log.blockNumber)! < start) continue;
          totals.set(log.args.author!, (totals.get(log.args.author!) ?? 0n) + BigInt(log.args.points!));
        }
        return [...totals].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0)).slice(0, LEADERS_LISTED);
      },
    },
    epoch !== undefined,
  );
}

export default function NetworkPage() {
  const epoch = useEpoch();
  const operators = useOperators();
  const batches = useBatches();
  const leaderboard = useLeaderboard(epoch.data);
  return (
    <>
      <h1>Network</h1>
      <section className="card" aria-labelledby="params-title">
        <h2 id="params-title">Parameters</h2>
        <dl className="params">
          <div>
            <dt>Epoch</dt>
            <dd>
              {epoch.data?.current} (length {epoch.data && formatDuration(epoch.data.length)})
            </dd>
          </div>
          <div>
            <dt>Epoch budget</dt>
            <dd data-testid="epoch-budget">{formatTokens(epoch.data?.budget)} CKEY</dd>
          </div>
          <div>
            <dt>Signature threshold</dt>
            <dd data-testid="threshold">
              {operators.data?.threshold.toString()} of {operators.data?.operators.length}
            </dd>
          </div>
          <div>
            <dt>Minimum operator stake</dt>
            <dd>{formatTokens(operators.data?.minStake)} CKEY</dd>
          </div>
          <div>
            <dt>Maximum points per submission</dt>
            <dd>{operators.data?.maxPoints}</dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="operators-title">
        <h2 id="operators-title">Operators</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Operator</th>
                <th scope="col">Staked</th>
              </tr>
            </thead>
            <tbody data-testid="operators">
              {operators.data?.operators.map((o) => (
                <tr key={o.address}>
                  <td className="mono" title={o.address}>
                    {shortAddress(o.address)}
                  </td>
                  <td>
                    {formatTokens(o.stake)} CKEY{o.stake < operators.data!.minStake && <span className="badge warn"> below minimum: signatures do not count</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <OperatorScorecard />
      <HistoryNotice histories={[batches.data, leaderboard.data]} />
      <section className="card" aria-labelledby="batches-title">
        <h2 id="batches-title">Recent batches</h2>
        {batches.data?.data.length === 0 && <p className="muted">No batches yet: scores appear here once operators post their first batch.</p>}
        {batches.data !== undefined && batches.data.data.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Batch</th>
                  <th scope="col">Items</th>
                  <th scope="col">Signers</th>
                  <th scope="col">Evaluator</th>
                </tr>
              </thead>
              <tbody data-testid="batches">
                {batches.data?.data.map((b) => (
                  <tr key={b.nonce.toString()} id={`batch-${b.nonce}`}>
                    <td>
                      #{b.nonce.toString()}{" "}
                      <span className="muted small">
                        <TxLink hash={b.txHash} />
                      </span>
                    </td>
                    <td>{b.count.toString()}</td>
                    <td data-testid="batch-signers">
                      {b.signers ? (
                        <>
                          {b.signers.length} <span className="muted small mono">{b.signers.map(shortAddress).join(", ")}</span>
                        </>
                      ) : (
                        "?"
                      )}
                    </td>
                    <td className="mono">{b.evaluator === HEURISTIC_EVALUATOR_HASH ? "heuristic" : shortHash(b.evaluator)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="leaders-title">
        <h2 id="leaders-title">Leaderboard this epoch</h2>
        {leaderboard.data?.data.length === 0 && <p className="muted">No points credited this epoch yet.</p>}
        <ol data-testid="leaderboard">
          {leaderboard.data?.data.map(([author, points]) => (
            <li key={author}>
              <span className="mono">{shortAddress(author)}</span> — {points.toString()} points
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
