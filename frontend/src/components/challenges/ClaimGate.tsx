import { challengesAbi, rewardsAbi } from "../../generated/abis";
import { useChainQuery, useChainTime, useEpoch } from "../../hooks/useChain";
import { useChallengeParams, useChallengesAddress, useEpochGates, useIndexedChallenges } from "../../hooks/useChallenges";
import { type IndexedChallenge, describeGate } from "../../lib/challenges";

/** At most this many of the account's unfinal epochs are shown. */
const MAX_EPOCHS = 8;

/**
 * When each of the account's epochs becomes claimable and why: `Challenges.claimableAt(epoch)` (the
 * epoch's end and its challenge window), or the open challenges holding it. Claims pay only from final
 * epochs, and the final mark advances in order, so every epoch from the mark up to the account's last
 * credited one is listed.
 */
export function ClaimGate({ address }: { address: `0x${string}` }) {
  const contract = useChallengesAddress();
  const epoch = useEpoch().data;
  const now = useChainTime().data;
  const params = useChallengeParams().data;
  const range = useChainQuery(
    ["claim-gate-range", contract, address],
    async (client, { contracts }) => {
      const [account, finalized] = await Promise.all([
        client.readContract({ address: contracts.rewards, abi: rewardsAbi, functionName: "accountOf", args: [address] }),
        client.readContract({ address: contract!, abi: challengesAbi, functionName: "finalizedEpochs" }),
      ]);
      return { lastEpoch: Number(account.lastEpoch), owed: account.lastEpochPoints > 0n || account.settledTokens > 0n, finalized: Number(finalized) };
    },
    contract !== undefined,
  ).data;
  const epochs: number[] = [];
  if (range && range.owed && epoch) {
    const last = Math.min(range.lastEpoch, epoch.current);
    for (let e = Math.max(range.finalized, last - MAX_EPOCHS + 1); e <= last; e += 1) epochs.push(e);
  }
  const gates = useEpochGates(epochs).data;
  const active = useIndexedChallenges<{ items: IndexedChallenge[] }>(
    epochs.length > 0 && gates?.some((g) => g.openCount > 0n) ? "/v1/challenges?status=active&limit=100" : undefined,
  ).data;
  if (contract === undefined || gates === undefined || now === undefined || epochs.length === 0) return null;
  return (
    <section className="card" aria-labelledby="claim-gate-title">
      <h2 id="claim-gate-title">When your epochs become claimable</h2>
      <ul className="list" data-testid="claim-gate">
        {gates.map((gate) => {
          const holding = (active?.items ?? []).filter((c) => c.epoch === gate.epoch).map((c) => ({ id: c.id, status: c.status, deadline: BigInt(c.deadline) }));
          return (
            <li key={gate.epoch} data-testid={`claim-gate-${gate.epoch}`}>
              {describeGate(gate, now, holding, params)}
              {holding.length > 0 && (
                <>
                  {" "}
                  <a href="#/challenges">See the challenges</a>
                </>
              )}
            </li>
          );
        })}
      </ul>
      <p className="muted small">
        An epoch's tokens become claimable once it has ended, its challenge window (after its last batch) has closed and no challenge on it is open. Claims pay from final
        epochs only, oldest first.
      </p>
    </section>
  );
}
