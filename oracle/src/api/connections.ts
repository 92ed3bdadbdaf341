/**
 * Bounds on the node's HTTP connections, so that one client cannot use up its file descriptors or
 * hold its sockets: at most `maxPerClient` open connections per client address (not applied behind a
 * trusted proxy, whose address every connection shares) and `maxTotal` in all — a connection over
 * either is closed at once; a socket idle for `idleTimeoutMs` is closed; a request whose headers take
 * longer than `headersTimeoutMs`, or whose whole body longer than `requestTimeoutMs`, is answered 408
 * and closed (a slow body holds a socket for seconds, not minutes).
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { normalizeAddress } from "./middleware/rateLimit";

export interface ConnectionLimits {
  maxPerClient: number;
  maxTotal: number;
  idleTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Behind a trusted reverse proxy every connection comes from it: no per-client cap. */
  trustProxy?: boolean;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxPerClient: 256,
  maxTotal: 4096,
  idleTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

/** Applies `limits` to `server`; returns the counts, for tests and metrics. */
export function guardConnections(server: Server, limits: ConnectionLimits): { open(): number; refused(): number } {
  const perClient = new Map<string, number>();
  let open = 0;
  let refused = 0;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = Math.min(server.keepAliveTimeout, limits.idleTimeoutMs);
  // Before the HTTP parser sees the socket.
  server.prependListener("connection", (socket: Socket) => {
    const client = socket.remoteAddress === undefined ? "unknown" : normalizeAddress(socket.remoteAddress);
    const fromClient = perClient.get(client) ?? 0;
    if (open >= limits.maxTotal || (!limits.trustProxy && fromClient >= limits.maxPerClient)) {
      refused += 1;
      socket.destroy();
      return;
    }
    open += 1;
    perClient.set(client, fromClient + 1);
    socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
    socket.once("close", () => {
      open -= 1;
      const left = (perClient.get(client) ?? 1) - 1;
      if (left <= 0) perClient.delete(client);
      else perClient.set(client, left);
    });
  });
  return { open: () => open, refused: () => refused };
}
