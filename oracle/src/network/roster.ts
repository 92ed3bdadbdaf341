/**
 * The operator set as the chain says it is, and where each operator's node answers.
 *
 * Chain facts (operators, threshold, next nonce) are read fresh when asked: they decide what a node
 * signs and posts. Peer URLs come from configuration; which operator answers at each URL is learned
 * from the peer's `/v1/health` and refreshed periodically. That mapping is only used for routing —
 * a peer that lies about its operator gains nothing, since every vote is checked by its signature.
 */
import { getAddress } from "ethers";
import type { Rewards } from "../bindings";
import { CashKeyError } from "../errors";
import type { PeerClient } from "./peerClient";

export interface ChainView {
  operators: string[];
  threshold: number;
  nextNonce: bigint;
}

export interface PeerStatus {
  url: string;
  operator: string | null;
  reachable: boolean;
  /** Unix ms of the last answer, or null. */
  lastSeenAt: number | null;
  latencyMs: number | null;
  error: string | null;
}

export interface RosterOptions {
  rewards: Rewards;
  peers: readonly string[];
  client: PeerClient;
  /** How long a peer's operator address is trusted before asking again. Default 30 s. */
  refreshMs?: number;
  now?: () => number;
}

export class OperatorRoster {
  private readonly statuses = new Map<string, PeerStatus & { checkedAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: RosterOptions) {
    this.now = options.now ?? Date.now;
  }

  async chain(): Promise<ChainView> {
    const { rewards } = this.options;
    const [operators, threshold, nextNonce] = await Promise.all([rewards.operators(), rewards.threshold(), rewards.nextBatchNonce()]);
    return { operators: operators.map((a) => getAddress(a)), threshold: Number(threshold), nextNonce };
  }

  /** Peer URL of each operator that answers, refreshing entries older than `refreshMs` (in parallel). */
  async peerUrls(): Promise<Map<string, string>> {
    await this.refresh(false);
    const urls = new Map<string, string>();
    for (const status of this.statuses.values()) {
      if (status.operator !== null && !urls.has(status.operator)) urls.set(status.operator, status.url);
    }
    return urls;
  }

  /** Every configured peer's last known state; `fresh` asks each of them now. */
  async peerStatuses(fresh = false): Promise<PeerStatus[]> {
    await this.refresh(fresh);
    return this.options.peers.map((url) => {
      const status = this.statuses.get(url);
      if (!status) return { url, operator: null, reachable: false, lastSeenAt: null, latencyMs: null, error: "not asked yet" };
      const { checkedAt: _checkedAt, ...rest } = status;
      return rest;
    });
  }

  /** A peer failed a request: ask it again before routing to it next time. */
  markStale(url: string): void {
    const status = this.statuses.get(url);
    if (status) status.checkedAt = -Infinity;
  }

  private async refresh(force: boolean): Promise<void> {
    const refreshMs = this.options.refreshMs ?? 30_000;
    const now = this.now();
    await Promise.all(
      this.options.peers.map(async (url) => {
        const known = this.statuses.get(url);
        if (!force && known && now - known.checkedAt < refreshMs) return;
        const started = performance.now();
        try {
          const operator = await this.options.client.operatorOf(url);
          this.statuses.set(url, {
            url,
            operator,
            reachable: true,
            lastSeenAt: this.now(),
            latencyMs: Math.round(performance.now() - started),
            error: null,
            checkedAt: now,
          });
        } catch (error) {
          this.statuses.set(url, {
            url,
            operator: known?.operator ?? null,
            reachable: false,
            lastSeenAt: known?.lastSeenAt ?? null,
            latencyMs: null,
            error: error instanceof CashKeyError ? error.shortMessage : String(error),
            checkedAt: now,
          });
        }
      }),
    );
  }
}
