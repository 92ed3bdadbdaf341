import { getAddress } from "ethers";
import type { Rewards } from "../bindings";

/** How long the operator set read for peer authentication is reused. */
export const OPERATOR_SET_TTL_MS = 15_000;

/**
 * Whether an address is a current operator, from `Rewards.operators()` read at most every `ttlMs` (one
 * read at a time). While the chain does not answer, the last set read stands: peers keep talking to
 * each other through an RPC outage (an operator removed meanwhile is refused once the chain answers).
 */
export function cachedOperatorCheck(rewards: Rewards, ttlMs: number): (address: string) => Promise<boolean> {
  let known: Set<string> | undefined;
  let readAt = 0;
  let reading: Promise<Set<string>> | undefined;
  const refresh = (): Promise<Set<string>> =>
    (reading ??= rewards
      .operators()
      .then((list) => {
        known = new Set(list.map((a) => getAddress(a)));
        readAt = Date.now();
        return known;
      })
      .finally(() => (reading = undefined)));
  return async (address) => {
    const operator = getAddress(address);
    if (known === undefined) return (await refresh()).has(operator);
    if (Date.now() - readAt > ttlMs) refresh().catch(() => undefined);
    return known.has(operator);
  };
}
