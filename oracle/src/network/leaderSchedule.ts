/**
 * Who leads batch nonce `n`, and when the next operator takes over.
 *
 * The leader for nonce `n` is `operators[(n + attempt) mod count]`, the operators in the order
 * `Rewards.operators()` returns them. Attempt 0 starts when the nonce became current here *and* a
 * batch was due (its oldest item waited the batch age, or the queue filled a batch): an idle
 * network does not rotate. Every `failoverTimeoutMs` without `BatchPosted(n)` moves leadership to the
 * next operator, so a leader that is down or silent costs one timeout per nonce. Nodes compute this
 * from their own clocks; if two of them disagree for a moment, both may propose for `n` — harmless,
 * as only one batch can take the nonce and the other's items return to its queue.
 */
import { getAddress } from "ethers";

export interface Leadership {
  leader: string;
  attempt: number;
  /** ms until the leader for this nonce changes (at the next failover). */
  msUntilNextAttempt: number;
}

export function leaderFor(operators: readonly string[], nonce: bigint, attempt: number): string {
  if (operators.length === 0) throw new Error("no operators");
  const index = Number((nonce + BigInt(attempt)) % BigInt(operators.length));
  return getAddress(operators[index]);
}

export class LeaderSchedule {
  private nonce: bigint | undefined;
  private nonceSeenAtMs = 0;

  constructor(private readonly failoverTimeoutMs: number) {
    if (!(failoverTimeoutMs > 0)) throw new Error("failoverTimeoutMs must be > 0");
  }

  /** Notes the chain's current `nextBatchNonce()` as seen at `nowMs`. */
  observe(nonce: bigint, nowMs: number): void {
    if (this.nonce !== nonce) {
      this.nonce = nonce;
      this.nonceSeenAtMs = nowMs;
    }
  }

  /** The leadership of the current nonce for a batch due since `dueAtMs`. */
  leadership(operators: readonly string[], dueAtMs: number, nowMs: number): Leadership {
    if (this.nonce === undefined) throw new Error("observe a nonce first");
    const start = Math.max(this.nonceSeenAtMs, dueAtMs);
    const elapsed = Math.max(0, nowMs - start);
    const attempt = Math.floor(elapsed / this.failoverTimeoutMs);
    return {
      leader: leaderFor(operators, this.nonce, attempt),
      attempt,
      msUntilNextAttempt: (attempt + 1) * this.failoverTimeoutMs - elapsed,
    };
  }
}
