import { AmountForm } from "../components/AmountForm";
import { RequireWallet } from "../components/RequireWallet";
import { TxStatus } from "../components/TxStatus";
import { useRuntimeConfig } from "../config/context";
import { contractsOf, useAccountState, useChainTime, useQuota, useTokenBalances } from "../hooks/useChain";
import { useTransaction } from "../hooks/useTransaction";
import { formatDuration, formatTimestamp, formatTokens } from "../lib/format";

function StakingPanel() {
  const runtime = useRuntimeConfig();
  const { token } = contractsOf(runtime);
  const { address } = useAccountState();
  const balances = useTokenBalances(address);
  const quota = useQuota(address);
  const now = useChainTime();
  const tx = useTransaction();
  const b = balances.data;
  const pending = b?.stake.pendingUnstake ?? 0n;
  const unlockAt = b?.stake.unlockAt ?? 0n;
  const withdrawable = pending > 0n && now.data !== undefined && now.data >= unlockAt;

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
                : `Withdrawable in ${formatDuration(unlockAt - (now.data ?? unlockAt))} (${formatTimestamp(unlockAt)})`}
          </p>
        </div>
      </section>
      <section className="card" aria-labelledby="stake-actions">
        <h2 id="stake-actions">Stake and unstake</h2>
        <AmountForm label="Amount to stake" action="Stake" disabled={tx.busy} onSubmit={(amount) => void tx.send("Stake", { ...token, functionName: "stake", args: [amount] })} />
        <AmountForm
          label="Amount to unstake"
          action="Request unstake"
          disabled={tx.busy}
          onSubmit={(amount) => void tx.send("Request unstake", { ...token, functionName: "requestUnstake", args: [amount] })}
        />
        <button type="button" disabled={!withdrawable || tx.busy} onClick={() => void tx.send("Withdraw", { ...token, functionName: "withdrawUnstaked" })}>
          Withdraw unstaked
        </button>
        <TxStatus state={tx.state} />
      </section>
      <section className="card" aria-labelledby="stake-buys">
        <h2 id="stake-buys">What stake buys</h2>
        <ul>
          <li>More submissions per epoch (anti-spam: a sybil must lock CKEY for each identity):</li>
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
