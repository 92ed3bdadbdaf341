/**
 * HTTP to other operators' nodes, bounded in every direction: a timeout per request, a cap on the
 * bytes read from an answer, and a schema on what is read. A slow, silent or hostile peer costs at
 * most one timeout per request and can never make this node read an unbounded body.
 */
import { z } from "zod";
import { getAddress } from "ethers";
import { CashKeyError } from "../errors";
import { type ProposalJson, type VoteJson, VoteSchema } from "./proposal";
import { readLimited } from "../http/readLimited";

/** Bytes read from a peer's answer at most. */
export const MAX_PEER_RESPONSE_BYTES = 256 * 1024;

export class PeerRequestError extends CashKeyError {
  override name = "PeerRequestError";
  constructor(
    readonly peer: string,
    readonly reason: "timeout" | "unreachable" | "refused" | "malformed" | "too_large",
    shortMessage: string,
    options: { details?: string; cause?: unknown; status?: number } = {},
  ) {
    super(shortMessage, options);
    this.status = options.status;
  }
  readonly status: number | undefined;
}

export interface PeerClientOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
}

const PeerHealthSchema = z
  .object({
    operator: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/)
      .nullable(),
  })
  .passthrough();

export class PeerClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: PeerClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The operator address a peer's node reports at `/v1/health` (null when it names none). */
  async operatorOf(peer: string): Promise<string | null> {
    const body = await this.request(peer, "v1/health", { method: "GET" }, [200, 503]);
    const parsed = PeerHealthSchema.safeParse(body);
    if (!parsed.success) throw new PeerRequestError(peer, "malformed", "The peer's health answer has no operator field.");
    return parsed.data.operator === null ? null : getAddress(parsed.data.operator);
  }

  /** Sends a proposal; resolves with the peer's vote, or rejects with why there is none. */
  async propose(peer: string, proposal: ProposalJson): Promise<VoteJson> {
    const body = await this.request(
      peer,
      "v1/peer/proposals",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(proposal) },
      [200],
    );
    const parsed = VoteSchema.safeParse(body);
    if (!parsed.success) {
      throw new PeerRequestError(peer, "malformed", "The peer answered a proposal with something else than a vote.", {
        details: parsed.error.issues[0]?.message,
      });
    }
    return parsed.data;
  }

  /** A proposal the peer made or received (`GET /v1/peer/proposals/:digest`), unchecked: decode it before use. */
  async proposal(peer: string, digest: string): Promise<unknown> {
    const body = await this.request(peer, `v1/peer/proposals/${digest}`, { method: "GET" }, [200]);
    const parsed = z.object({ proposal: z.unknown() }).passthrough().safeParse(body);
    if (!parsed.success) throw new PeerRequestError(peer, "malformed", "The peer's proposal answer has no proposal.");
    return parsed.data.proposal;
  }

  private async request(peer: string, path: string, init: RequestInit, okStatuses: readonly number[]): Promise<unknown> {
    const url = new URL(path, peer.endsWith("/") ? peer : `${peer}/`);
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await this.fetchImpl(url, { ...init, headers: { accept: "application/json", ...init.headers }, signal });
    } catch (cause) {
      const timedOut = signal.aborted;
      throw new PeerRequestError(peer, timedOut ? "timeout" : "unreachable", timedOut ? "The peer did not answer in time." : "The peer is unreachable.", { cause });
    }
    let text: string;
    try {
      text = await readLimited(
        response,
        MAX_PEER_RESPONSE_BYTES,
        (details) => new PeerRequestError(response.url, "too_large", "The peer's answer is too large.", { details }),
      );
    } catch (cause) {
      if (cause instanceof PeerRequestError) throw cause;
      const timedOut = signal.aborted;
      throw new PeerRequestError(peer, timedOut ? "timeout" : "unreachable", "The peer's answer broke off.", { cause });
    }
    if (!okStatuses.includes(response.status)) {
      throw new PeerRequestError(peer, "refused", `The peer refused with HTTP ${response.status}.`, { details: text.slice(0, 300), status: response.status });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new PeerRequestError(peer, "malformed", "The peer's answer is not JSON.", { cause });
    }
  }
}
