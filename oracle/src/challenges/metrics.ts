/**
 * The challenge parts' Prometheus metrics, in the node's registry (served at `GET /metrics`):
 * challenges by status as this node follows them (open, verdict, escalated, upheld, rejected,
 * dismissed), verdict proposals answered as a follower, verdicts led and posted, and scores overturned
 * by upheld challenges (overturnedScores.ts).
 */
import { Counter, Gauge, type Registry } from "prom-client";
import { METRIC_PREFIX } from "../metrics";
import type { Store } from "../store";

export interface ChallengeMetrics {
  /** Challenges by status, read from the store at each scrape. */
  readonly challenges: Gauge<"status">;
  /** Verdict proposals this node answered as a follower, by outcome: signed | disputed | a refusal code. */
  readonly verdictVotes: Counter<"outcome">;
  /** Verdict rounds this node led, by outcome: posted | short (too few signatures) | failed (the transaction did not land). */
  readonly verdictsLed: Counter<"outcome">;
  /** Upheld challenges as they resolve, by reason and by whether this node's operator signed the item's batch. */
  readonly scoresOverturned: Counter<"reason" | "own">;
}

export function createChallengeMetrics(registry: Registry, store: Pick<Store, "challenges">): ChallengeMetrics {
  const registers = [registry];
  const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;
  return {
    challenges: new Gauge({
      name: name("challenges"),
      help: "Challenges of scores by status (open, verdict, escalated, upheld, rejected, dismissed)",
      labelNames: ["status"] as const,
      registers,
      collect() {
        for (const [status, count] of Object.entries(store.challenges.countByStatus())) this.set({ status }, count);
      },
    }),
    verdictVotes: new Counter({
      name: name("challenge_verdict_votes_total"),
      help: "Verdict proposals answered as a follower, by outcome (signed, disputed, or the refusal code)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    verdictsLed: new Counter({
      name: name("challenge_verdicts_led_total"),
      help: "Verdict rounds led, by outcome (posted, short, failed)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    scoresOverturned: new Counter({
      name: name("scores_overturned_total"),
      help: "Scores overturned by upheld challenges, by reason and own (true when this node's operator signed the item's batch)",
      labelNames: ["reason", "own"] as const,
      registers,
    }),
  };
}
