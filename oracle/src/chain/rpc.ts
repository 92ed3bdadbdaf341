/**
 * What the chain adapters share about talking to a JSON-RPC node: the provider they expect,
 * which failures are worth retrying, and a capped exponential backoff that a stop can interrupt.
 */
import { FetchRequest, JsonRpcProvider, Network, isError } from "ethers";

/**
 * A provider fit for the watcher and the poster: the chain id is fixed (no network detection that
 * loops while the node is down), responses are never cached (the watcher compares a block's hash
 * before and after reading its logs, which a cache would defeat), one request per HTTP call, and each
 * request given up after `timeoutMs` (ethers' own default is 300 s: an endpoint that accepts
 * connections and never answers would stall the node that long).
 */
export function createRpcProvider(url: string, chainId: number | bigint, options: { timeoutMs?: number } = {}): JsonRpcProvider {
  const request = new FetchRequest(url);
  request.timeout = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  return new JsonRpcProvider(request, Network.from(BigInt(chainId)), {
    staticNetwork: true,
    cacheTimeout: -1,
    batchMaxCount: 1,
  });
}

/** Each JSON-RPC request, unless configured (`rpcTimeoutMs`). */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

/** Waits `ms`; resolves early (without error) when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

const TRANSIENT_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** JSON-RPC codes nodes use for overload and internal trouble (not for a revert or a bad request). */
const TRANSIENT_RPC_CODES = new Set([-32603, -32005, -32002, 429]);

/**
 * Whether retrying the same request later may succeed: the node is unreachable, overloaded,
 * timed out or failed internally. A revert, a bad argument or a nonce conflict is not transient.
 */
export function isTransientRpcError(error: unknown): boolean {
  if (isNonceError(error)) return false;
  if (isError(error, "NETWORK_ERROR") || isError(error, "SERVER_ERROR") || isError(error, "TIMEOUT")) return true;
  if (isError(error, "CALL_EXCEPTION")) {
    // eth_call failures all become CALL_EXCEPTION; one without revert data whose node error does
    // not mention a revert is the node failing, not the contract.
    if (error.data) return false;
    const nodeMessage = messageOf(rpcErrorOf(error));
    return nodeMessage !== "" && !/revert/i.test(nodeMessage);
  }
  if (isError(error, "UNKNOWN_ERROR")) {
    const rpc = rpcErrorOf(error);
    const code = typeof rpc === "object" && rpc !== null ? (rpc as { code?: unknown }).code : undefined;
    return typeof code === "number" && TRANSIENT_RPC_CODES.has(code);
  }
  const errno = (error as { code?: unknown } | null)?.code;
  if (typeof errno === "string" && TRANSIENT_ERRNO.has(errno)) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isTransientRpcError(cause);
}

/** The account nonce the transaction carried is no longer (or not yet) usable. */
export function isNonceError(error: unknown): boolean {
  if (isError(error, "CALL_EXCEPTION")) return false;
  if (isError(error, "NONCE_EXPIRED") || isError(error, "REPLACEMENT_UNDERPRICED")) return true;
  const message = `${messageOf(error)} ${messageOf(rpcErrorOf(error))}`;
  return /nonce/i.test(message) && /too low|too high|already (been )?used|expected nonce/i.test(message);
}

/** The node said it already has this exact transaction. */
export function isAlreadyKnownError(error: unknown): boolean {
  const message = `${messageOf(error)} ${messageOf(rpcErrorOf(error))}`;
  return /already known|known transaction|already imported|already in (the )?(mem)?pool/i.test(message);
}

/** The JSON-RPC error object ethers keeps under `info.error` or `error`. */
function rpcErrorOf(error: unknown): unknown {
  if (typeof error !== "object" || error === null) return undefined;
  const withInfo = error as { info?: { error?: unknown }; error?: unknown };
  return withInfo.info?.error ?? withInfo.error;
}

function messageOf(error: unknown): string {
  if (typeof error !== "object" || error === null) return "";
  const { message } = error as { message?: unknown };
  return typeof message === "string" ? message : "";
}
