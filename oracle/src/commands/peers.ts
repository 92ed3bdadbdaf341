/** `peers`: the operator network as one node sees it — who is reachable and how often each agrees. */
import { CashKeyError } from "../errors";
import { fetchJsonWithDeadline } from "./fetchWithDeadline";
import type { NetworkOverview } from "../network/api";

export async function fetchNetwork(url: string): Promise<NetworkOverview> {
  let answer: { response: Response; body: unknown };
  try {
    answer = await fetchJsonWithDeadline(new URL("/v1/network?fresh=1", url), 10_000);
  } catch (cause) {
    throw new CashKeyError(`No node answers at ${url}.`, { cause });
  }
  if (!answer.response.ok) throw new CashKeyError(`The node at ${url} answered /v1/network with HTTP ${answer.response.status}.`);
  return answer.body as NetworkOverview;
}

function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "-" : `${(rate * 100).toFixed(1)}%`;
}

export function formatNetwork(network: NetworkOverview): string {
  const lines = [
    `this node  ${network.operator}`,
    `operators  ${network.operators.length}, threshold ${network.threshold}, next batch nonce ${network.nextBatchNonce}`,
    "",
    "peer                                       operator                                    reachable  latency  signed-mine  agreed-mine  agreed-theirs",
  ];
  for (const peer of network.peers) {
    const mine = peer.agreement.asLeader;
    lines.push(
      [
        peer.url.padEnd(42),
        (peer.operator ?? "?").padEnd(43),
        (peer.reachable ? "yes" : `no (${peer.error ?? "?"})`).padEnd(10),
        (peer.latencyMs === null ? "-" : `${peer.latencyMs} ms`).padEnd(8),
        (mine ? `${mine.signed}/${mine.proposals}` : "-").padEnd(12),
        percent(mine?.rate).padEnd(12),
        percent(peer.agreement.asFollower?.rate),
      ].join(" "),
    );
  }
  const missing = network.operators.filter((op) => op !== network.operator && !network.peers.some((p) => p.operator === op));
  if (missing.length > 0) lines.push("", `operators with no configured peer URL: ${missing.join(", ")}`);
  lines.push(
    "",
    network.held.length === 0 ? "held for review: none" : `held for review: ${network.held.map((h) => `#${h.submissionId} (${h.disputes}x ${h.lastReason})`).join(", ")}`,
  );
  return lines.join("\n");
}
