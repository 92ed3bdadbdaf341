import { rewardsAbi } from "../generated/abis";
import { useAccountState, useChainQuery, useTokenBalances } from "../hooks/useChain";
import { formatTokens } from "../lib/format";

/**
 * The connected account's CKEY, stake, points and the tokens its closed epochs owe it, always in view.
 * "Owed", not "claimable": a claim also waits for the epochs' challenge windows and open challenges
 * (Challenges.claimableAt); the Rewards page says when and why.
 */
export function HeaderBalances() {
  const { address, ready } = useAccountState();
  const balances = useTokenBalances(ready ? address : undefined).data;
  const rewards = useChainQuery(
    ["header-rewards", address],
    async (client, { contracts }) => {
      const r = { address: contracts.rewards, abi: rewardsAbi } as const;
      const [points, claimable] = await Promise.all([
        client.readContract({ ...r, functionName: "pointsOf", args: [address!] }),
        client.readContract({ ...r, functionName: "claimable", args: [address!] }),
      ]);
      return { points, claimable };
    },
    ready && address !== undefined,
  ).data;
  if (!ready) return null;
  return (
    <dl className="balances" data-testid="header-balances" aria-label="Your balances">
      <div>
        <dt>CKEY</dt>
        <dd data-testid="header-ckey">{formatTokens(balances?.balance)}</dd>
      </div>
      <div>
        <dt>Staked</dt>
        <dd>{formatTokens(balances?.stake.staked)}</dd>
      </div>
      <div>
        <dt>Points</dt>
        <dd data-testid="header-points">{rewards ? rewards.points.toLocaleString("en-US") : "…"}</dd>
      </div>
      <div>
        <dt>Owed</dt>
        <dd>
          <a href="#/rewards" title="Tokens your closed epochs owe you; the Rewards page says when you can claim them">
            {formatTokens(rewards?.claimable)}
          </a>
        </dd>
      </div>
    </dl>
  );
}
