import type { HttpBindings } from "@hono/node-server";
import type { Logger } from "pino";
import type { OracleConfig } from "../config";
import type { OracleMetrics } from "../metrics";
import type { Content } from "../protocol/contentHash";
import type { Store } from "../store";
import type { ChainReader } from "../ports/chainReader";
import type { NetworkApi } from "../network/api";
import type { PeerRequestVerifier } from "../network/peerAuth";
import type { StorageHealth } from "../store/storageHealth";
import type { Relayer } from "../relay/relayer";
import type { ChallengesApi } from "../challenges/service";

/** Hono environment of the app: node-server bindings (absent under `app.request()`) and request variables. */
export type AppEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: {
    /** The admitted request body, set by `admitBody` on routes that take one. */
    body: AdmittedBody;
    /** Set for a request signed by a current operator (network/peerAuth.ts). */
    peer: { operator: string; bodySha256: string } | undefined;
  };
};

export interface AdmittedBody {
  /** The media type, lowercased, without parameters. */
  type: string;
  /** The body decoded as UTF-8, byte for byte (a byte order mark is kept). */
  text: string;
  /** The parsed value, for a JSON body. */
  json?: unknown;
}

/** New content was stored (not called when the same content is uploaded again). */
export interface StoredContentEvent {
  hash: string;
  content: Content;
  size: number;
  source: "upload";
}

/** The settings the API reads; a full OracleConfig fits. */
export type ApiConfig = Pick<OracleConfig, "maxContentBytes" | "corsOrigins" | "trustProxy"> & {
  rateLimit: Pick<OracleConfig["rateLimit"], "windowMs" | "max"> & { peerMax?: number };
};

export interface ApiDeps {
  store: Store;
  config: ApiConfig;
  metrics: OracleMetrics;
  chainReader: ChainReader;
  /**
   * Called after new content is committed, without awaiting it; a throw or rejection is logged
   * and does not change the response. The evaluator uses it to start on submissions waiting
   * for their content.
   */
  onContent?: (event: StoredContentEvent) => void | Promise<void>;
  logger?: Logger;
  /** The operator address, shown by /v1/health. */
  operatorAddress?: string;
  /** Clock for the rate limiter (ms). Default `Date.now`. */
  now?: () => number;
  /** Longest wait for a chain read before the API answers without it. Default 3000 ms. */
  chainTimeoutMs?: number;
  /** The operator network's endpoints (`/v1/peer/*`, `/v1/network`); absent, they answer 503. */
  network?: NetworkApi;
  /** Largest proposal body, in bytes. Default 4 MiB. */
  maxProposalBytes?: number;
  /** Whether the store takes writes; the API reports storage failures to it. Default: one of its own. */
  storageHealth?: StorageHealth;
  /** Checks operators' signed requests; absent, every request is public. */
  peerVerifier?: PeerRequestVerifier;
  /** What else makes the node unhealthy (its watcher, landed-batch sync, disk), for `/v1/health`. */
  healthIssues?: () => readonly HealthIssue[];
  /** The gasless relayer (`POST /v1/relay`); absent, it answers 503. */
  relayer?: Relayer;
  /** Relayed requests per client: burst and refill window. Default 20 per hour. */
  relayClientLimit?: { clientBurst: number; clientWindowMs: number };
  /** Challenges of scores (`/v1/challenges`, `/v1/peer/challenge-verdicts`); absent, they answer 503. */
  challenges?: ChallengesApi;
}

/** One reason the node is not fully healthy. */
export interface HealthIssue {
  /** degraded: it serves but is behind or missing data; down: it cannot do its job (e.g. store anything). */
  severity: "degraded" | "down";
  /** A short sentence an operator acts on. */
  reason: string;
}
