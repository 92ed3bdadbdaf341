/**
 * Scores overturned by upheld challenges, as this node sees them resolve: counted in
 * `cashkey_oracle_scores_overturned_total{reason, own}`, `own="true"` when this node's operator signed
 * the item's landed score batch (docs/OPERATORS.md, "Challenges"). That is known from the node's own
 * records: a batch it built carries its signature; a batch it signed as a follower is the landed batch
 * whose digest it answered `signed` (proposals pruned long ago count as not own).
 */
import type { Counter } from "prom-client";
import { CHALLENGE_REASONS } from "../protocol/challengeVerdict";
import type { Store } from "../store";

/** Whether `operator` signed the landed batch that scored `submissionId`, by this node's records. */
export function signedOriginalBatch(store: Pick<Store, "batches" | "network">, operator: string, submissionId: bigint): boolean {
  const batch = store.batches.liveBatchOf(submissionId);
  if (batch === undefined || batch.state !== "landed") return false;
  const self = operator.toLowerCase();
  if (batch.signatures.some((entry) => entry.signer.toLowerCase() === self)) return true;
  return store.network.proposal(batch.digest, "follower")?.decision === "signed";
}

/** Counts each upheld challenge among `ids` (just resolved) by reason and by whether the score was this node's. */
export function countOverturnedScores(
  store: Pick<Store, "batches" | "network" | "challenges">,
  operator: string,
  counter: Counter<"reason" | "own">,
  ids: readonly bigint[],
): void {
  for (const id of ids) {
    const record = store.challenges.get(id);
    if (record === undefined || record.status !== "upheld") continue;
    const reason = CHALLENGE_REASONS[record.reason] ?? "other";
    counter.inc({ reason, own: String(signedOriginalBatch(store, operator, record.submissionId)) });
  }
}
