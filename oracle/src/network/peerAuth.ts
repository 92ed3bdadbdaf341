/**
 * Operators authenticate to each other: every request a node makes to a peer carries its operator
 * key's signature (EIP-191) of the request — method, path and query, the target host, the SHA-256 of
 * the body, a timestamp and a random nonce. A node that receives such a request recovers the signer,
 * checks that it is a current operator, that the timestamp is within `maxSkewSeconds` of its clock and
 * that the nonce was not used before (replay), and then counts the request against that operator's
 * own budget instead of the public per-client limit. A request without the headers is public; one
 * with headers that do not check out is refused (401/403) — it is never served as public either.
 */
import { createHash, randomBytes } from "node:crypto";
import { type Wallet, getAddress, verifyMessage } from "ethers";

export const PEER_HEADERS = {
  operator: "x-cashkey-peer",
  at: "x-cashkey-peer-at",
  nonce: "x-cashkey-peer-nonce",
  bodySha256: "x-cashkey-peer-body-sha256",
  signature: "x-cashkey-peer-signature",
} as const;

const EMPTY_SHA256 = sha256Hex(new Uint8Array());

export interface SignedRequestParts {
  method: string;
  /** Path and query, as sent (`/v1/content/0x…?x=1`). */
  path: string;
  /** The target's host (and port), as in the Host header. */
  host: string;
  bodySha256: string;
  /** Unix seconds. */
  at: number;
  nonce: string;
}

/** The text an operator signs for one request. */
export function peerRequestMessage(parts: SignedRequestParts): string {
  return ["cashkey-peer-request:v1", parts.method.toUpperCase(), parts.path, parts.host.toLowerCase(), parts.bodySha256, String(parts.at), parts.nonce].join("\n");
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * A fetch that signs every request with `key` before handing it to `inner`. Bodies must be strings
 * or bytes (the node's peer requests are JSON text or empty).
 */
export function signedPeerFetch(key: Pick<Wallet, "address" | "signMessageSync">, inner: typeof fetch = fetch, now: () => number = Date.now): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const body = init.body;
    let bodySha256 = EMPTY_SHA256;
    if (typeof body === "string" || body instanceof Uint8Array) bodySha256 = sha256Hex(body);
    else if (body !== undefined && body !== null) throw new TypeError("signedPeerFetch: a peer request body must be a string or bytes");
    const parts: SignedRequestParts = {
      method,
      path: `${url.pathname}${url.search}`,
      host: url.host,
      bodySha256,
      at: Math.floor(now() / 1000),
      nonce: randomBytes(16).toString("hex"),
    };
    const headers = new Headers(init.headers);
    headers.set(PEER_HEADERS.operator, getAddress(key.address));
    headers.set(PEER_HEADERS.at, String(parts.at));
    headers.set(PEER_HEADERS.nonce, parts.nonce);
    headers.set(PEER_HEADERS.bodySha256, bodySha256);
    headers.set(PEER_HEADERS.signature, key.signMessageSync(peerRequestMessage(parts)));
    return inner(input, { ...init, headers });
  };
}

export type PeerAuthRefusal = "peer_auth_malformed" | "peer_auth_stale" | "peer_auth_replayed" | "peer_auth_signature" | "peer_not_operator";

export type PeerAuthResult = { ok: true; operator: string; bodySha256: string } | { ok: false; status: 401 | 403; code: PeerAuthRefusal; message: string };

export interface PeerVerifierOptions {
  /** Whether `address` (checksummed) is a current operator; may be cached by the caller. */
  isOperator: (address: string) => boolean | Promise<boolean>;
  /** Largest difference between a request's timestamp and this node's clock. Default 60 s. */
  maxSkewSeconds?: number;
  now?: () => number;
}

/** Checks signed peer requests; remembers nonces for twice the allowed skew (replay protection). */
export class PeerRequestVerifier {
  private readonly seen = new Map<string, number>();
  private readonly maxSkewSeconds: number;
  private readonly now: () => number;

  constructor(private readonly options: PeerVerifierOptions) {
    this.maxSkewSeconds = options.maxSkewSeconds ?? 60;
    this.now = options.now ?? Date.now;
  }

  /** Whether a request claims to come from a peer (it carries a signature header). */
  static claims(header: (name: string) => string | undefined): boolean {
    return header(PEER_HEADERS.signature) !== undefined;
  }

  async verify(request: { method: string; path: string; host: string | undefined; header: (name: string) => string | undefined }): Promise<PeerAuthResult> {
    const refuse = (status: 401 | 403, code: PeerAuthRefusal, message: string): PeerAuthResult => ({ ok: false, status, code, message });
    const claimed = request.header(PEER_HEADERS.operator);
    const atText = request.header(PEER_HEADERS.at);
    const nonce = request.header(PEER_HEADERS.nonce);
    const bodySha256 = request.header(PEER_HEADERS.bodySha256);
    const signature = request.header(PEER_HEADERS.signature);
    if (
      claimed === undefined ||
      !/^0x[0-9a-fA-F]{40}$/.test(claimed) ||
      atText === undefined ||
      !/^\d{1,12}$/.test(atText) ||
      nonce === undefined ||
      !/^[0-9a-f]{32}$/.test(nonce) ||
      bodySha256 === undefined ||
      !/^[0-9a-f]{64}$/.test(bodySha256) ||
      signature === undefined ||
      !/^0x[0-9a-fA-F]{130}$/.test(signature) ||
      request.host === undefined
    ) {
      return refuse(401, "peer_auth_malformed", "The peer authentication headers are incomplete or malformed.");
    }
    const operator = getAddress(claimed);
    const nowSeconds = Math.floor(this.now() / 1000);
    const at = Number(atText);
    if (Math.abs(nowSeconds - at) > this.maxSkewSeconds) return refuse(401, "peer_auth_stale", "The peer request's timestamp is too far from this node's clock.");
    // Cheap before expensive: the claimed signer must be an operator before its signature is recovered.
    if (!(await this.options.isOperator(operator))) return refuse(403, "peer_not_operator", "The peer request's signer is not a current operator.");
    if (this.seen.has(`${operator}:${nonce}`)) return refuse(401, "peer_auth_replayed", "The peer request was sent before (its nonce is used).");
    const message = peerRequestMessage({ method: request.method, path: request.path, host: request.host, bodySha256, at, nonce });
    let recovered: string;
    try {
      recovered = getAddress(verifyMessage(message, signature));
    } catch {
      return refuse(401, "peer_auth_signature", "The peer request's signature does not recover.");
    }
    if (recovered !== operator) return refuse(401, "peer_auth_signature", "The peer request is not signed by the operator it names.");
    this.remember(`${operator}:${nonce}`, nowSeconds);
    return { ok: true, operator, bodySha256 };
  }

  private remember(key: string, nowSeconds: number): void {
    this.seen.set(key, nowSeconds);
    if (this.seen.size % 1024 !== 0) return;
    for (const [entry, at] of this.seen) if (nowSeconds - at > 2 * this.maxSkewSeconds) this.seen.delete(entry);
  }
}
