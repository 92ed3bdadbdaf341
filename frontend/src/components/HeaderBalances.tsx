import { rewardsAbi } from "../generated/abis";
import { useAccountState, useChainQuery, useTokenBalances } from "../hooks/useChain";
import { formatTokens } from "../lib/format";

/** The connected account's CKEY, stake, points and claimable tokens, always in view. */
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
        <dt>Claimable</dt>
        <dd>
          <a href="#/rewards">{formatTokens(rewards?.claimable)}</a>
        </dd>
      </div>
    </dl>
  );
}
