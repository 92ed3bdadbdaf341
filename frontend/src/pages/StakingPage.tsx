import { AmountForm } from "../components/AmountForm";
import { RequireWallet } from "../components/RequireWallet";
import { TxStatus } from "../components/TxStatus";
import { useRuntimeConfig } from "../config/context";
import { contractsOf, useAccountState, useChainTime, useOperatorBond, useQuota, useTokenBalances } from "../hooks/useChain";
import { useTransaction } from "../hooks/useTransaction";
import { formatDuration, formatTimestamp, formatTokens } from "../lib/format";
import { nextTier, quotaForStake } from "../lib/tiers";

function StakingPanel() {
  const runtime = useRuntimeConfig();
  const { token } = contractsOf(runtime);
  const { address } = useAccountState();
  const balances = useTokenBalances(address);
  const quota = useQuota(address);
  const bond = useOperatorBond(address).data;
  const now = useChainTime();
  const tx = useTransaction();
  const b = balances.data;
  const pending = b?.stake.pendingUnstake ?? 0n;
  const unlockAt = b?.stake.unlockAt ?? 0n;
  const bondLockedUntil = bond?.lockedUntil ?? 0n;
  const bondHeld = now.data !== undefined && now.data < bondLockedUntil;
  const withdrawable = pending > 0n && now.data !== undefined && now.data >= unlockAt && !bondHeld;
  const isBonded = bond !== undefined && (bond.isOperator || bond.removedAt !== 0n || bond.frozenUntil !== 0n);
  const staked = b?.stake.staked;
  const tiers = quota.data?.tiers ?? [];
  const baseQuota = quota.data?.baseQuota ?? 0;
  const stakeQuota = staked === undefined ? undefined : quotaForStake(staked, baseQuota, tiers);
  const next = staked === undefined ? undefined : nextTier(staked, tiers);
  /** Warns when an unstake would drop the quota tier its remaining stake buys. */
  const unstakeWarning = (amount: bigint) => {
    if (staked === undefined || stakeQuota === undefined || amount > staked) return undefined;
    const after = quotaForStake(staked - amount, baseQuota, tiers);
    return after < stakeQuota
      ? `Unstaking ${formatTokens(amount)} CKEY leaves ${formatTokens(staked - amount)} staked: your quota drops from ${stakeQuota} to ${after} submissions per epoch from the next epoch.`
      : undefined;
  };

  return (
    <>
      <section className="card grid" aria-label="Your CKEY">
        <div>
          <h2>Balance</h2>
          <p className="big" data-testid="balance">
            {formatTokens(b?.balance)} CKEY
          </p>
          <p className="muted">{formatTokens(b?.unlocked)} CKEY transferable</p>
        </div>
        <div>
          <h2>Staked</h2>
          <p className="big" data-testid="staked">
            {formatTokens(b?.stake.staked)} CKEY
          </p>
          <p className="muted">Submission quota: {quota.data?.quota?.toString() ?? "…"} per epoch</p>
        </div>
        <div>
          <h2>Unstaking</h2>
          <p className="big" data-testid="pending-unstake">
            {formatTokens(pending)} CKEY
          </p>
          <p className="muted" data-testid="cooldown">
            {pending === 0n
              ? `Cooldown after a request: ${formatDuration(b?.cooldown ?? 0n)}`
              : withdrawable
                ? "Withdrawable now"
                : bondHeld && now.data !== undefined && now.data >= unlockAt
                  ? "Cooldown over; held as your operator bond (below)"
                  : `Withdrawable in ${formatDuration(unlockAt - (now.data ?? unlockAt))} (${formatTimestamp(unlockAt)})`}
          </p>
        </div>
      </section>
      {isBonded && bond && (
        <section className="card" aria-labelledby="operator-bond" data-testid="operator-bond">
          <h2 id="operator-bond">Operator bond</h2>
          <p>
            Your stake is your bond as an oracle operator: it stays slashable for every batch you signed, so it cannot be withdrawn while you operate nor for{" "}
            {formatDuration(bond.releaseDelay)} after your removal (the slowest governance path plus a margin).
          </p>
          <p data-testid="bond-state">
            {bond.isOperator
              ? "Locked: you are an operator."
              : bondHeld
                ? `Released at ${formatTimestamp(bondLockedUntil)} (in ${formatDuration(bondLockedUntil - (now.data ?? bondLockedUntil))}).`
                : "Released: withdraw once the cooldown has passed."}
          </p>
          {bond.frozenUntil !== 0n && now.data !== undefined && now.data < bond.frozenUntil && (
            <p className="warning" data-testid="bond-frozen">
              Frozen by the guardian until {formatTimestamp(bond.frozenUntil)}, pending a slash proposal.
            </p>
          )}
        </section>
      )}
      <section className="card" aria-labelledby="stake-actions">
        <h2 id="stake-actions">Stake and unstake</h2>
        {staked !== undefined && stakeQuota !== undefined && (
          <div className="tier-progress" data-testid="tier-progress">
            {next ? (
              <>
                <p>
                  Your {formatTokens(staked)} CKEY staked buy {stakeQuota} submissions per epoch.{" "}
                  <strong>
                    Stake {formatTokens(next.more)} more for {next.quota}/epoch.
                  </strong>
                </p>
                <progress max={100} value={Number((staked * 100n) / (staked + next.more))} aria-label={`Progress to the ${next.quota}/epoch tier`} />
              </>
            ) : (
              <p>
                Your {formatTokens(staked)} CKEY staked buy the top tier: {stakeQuota} submissions per epoch.
              </p>
            )}
          </div>
        )}
        <AmountForm
          label="Amount to stake"
          action="Stake"
          disabled={tx.busy}
          max={b?.unlocked}
          maxLabel="unstaked in your balance"
          onSubmit={(amount) => {
            const after = staked === undefined ? undefined : quotaForStake(staked + amount, baseQuota, tiers);
            return tx.send(
              "Stake",
              { ...token, functionName: "stake", args: [amount] },
              {
                summary: `Lock ${formatTokens(amount)} CKEY as stake${after !== undefined && stakeQuota !== undefined && after > stakeQuota ? `: your quota rises from ${stakeQuota} to ${after} submissions per epoch from the next epoch` : ""}. Staked CKEY still counts as votes but cannot be transferred until you unstake and wait ${formatDuration(b?.cooldown ?? 0n)}.`,
              },
            );
          }}
        />
        <AmountForm
          label="Amount to unstake"
          action="Request unstake"
          disabled={tx.busy}
          max={staked}
          maxLabel="staked"
          warn={unstakeWarning}
          onSubmit={(amount) =>
            tx.send(
              "Request unstake",
              { ...token, functionName: "requestUnstake", args: [amount] },
              {
                summary:
                  `Start the ${formatDuration(b?.cooldown ?? 0n)} cooldown for ${formatTokens(amount)} CKEY; withdraw them once it has passed. ${unstakeWarning(amount) ?? ""}`.trim(),
              },
            )
          }
        />
        <button
          type="button"
          disabled={!withdrawable || tx.busy}
          onClick={() =>
            void tx.send(
              "Withdraw",
              { ...token, functionName: "withdrawUnstaked" },
              { summary: `Move ${formatTokens(pending)} CKEY from unstaking back to your transferable balance.` },
            )
          }
        >
          Withdraw unstaked
        </button>
        <TxStatus tx={tx} />
      </section>
      <section className="card" aria-labelledby="stake-buys">
        <h2 id="stake-buys">What stake buys</h2>
        <ul>
          <li>
            More submissions per epoch (anti-spam: a sybil must lock CKEY for each identity). An epoch&apos;s quota follows the stake you held when it started, so new
            stake counts from the next epoch:
          </li>
          {quota.data && (
            <li>
              <table>
                <caption className="sr-only">Quota tiers</caption>
                <thead>
                  <tr>
                    <th scope="col">Staked</th>
                    <th scope="col">Submissions per epoch</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <td>0 CKEY</td>
                    <td>{quota.data.baseQuota}</td>
                  </tr>
                  {quota.data.tiers.map((t) => (
                    <tr key={t.minStake.toString()}>
                      <td>≥ {formatTokens(t.minStake)} CKEY</td>
                      <td>{t.quota}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </li>
          )}
          <li>Voting power stays: staked tokens remain in your balance and count for governance; they just cannot be transferred.</li>
          <li>Unstaking waits for the cooldown set by governance, then you withdraw.</li>
        </ul>
      </section>
    </>
  );
}

export default function StakingPage() {
  return (
    <>
      <h1>Staking</h1>
      <RequireWallet what="stake CKEY">
        <StakingPanel />
      </RequireWallet>
    </>
  );
}
