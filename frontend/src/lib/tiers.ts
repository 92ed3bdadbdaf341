/** The submission quota tiers (`Rewards.quota()`): what a stake buys, in the contract's rule. */
export interface QuotaTier {
  minStake: bigint;
  quota: number;
}

/** The quota a stake buys, as `Rewards._quotaOf` counts it: tiers in order (increasing), up to the first the stake misses. */
export function quotaForStake(stake: bigint, baseQuota: number, tiers: readonly QuotaTier[]): number {
  let quota = baseQuota;
  for (const tier of tiers) {
    if (stake < tier.minStake) break;
    quota = tier.quota;
  }
  return quota;
}

/** The next tier above a stake: how much more to stake and the quota it buys; undefined at the top. */
export function nextTier(stake: bigint, tiers: readonly QuotaTier[]): { more: bigint; quota: number } | undefined {
  const next = tiers.find((t) => stake < t.minStake);
  return next ? { more: next.minStake - stake, quota: next.quota } : undefined;
}
