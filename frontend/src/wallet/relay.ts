/**
 * Gasless calls through the oracle's relayer: the account signs an ERC-2771 `ForwardRequest` (the
 * typed data shared with the node and the contracts' tests) and the node's relayer pays the gas. The
 * answer names who paid, which the app shows next to the transaction.
 */
import type { Address, Hex } from "viem";
import { FORWARDER_DOMAIN_NAME, FORWARDER_DOMAIN_VERSION, FORWARD_REQUEST_TYPES } from "../../../oracle/src/protocol/forwardRequest";

export interface RelayReceipt {
  txHash: Hex;
  signer: Address;
  /** Who paid the gas. */
  relayer: Address;
  function: "submit" | "claim";
  gasUsed: string;
  blockNumber: number;
}

export class RelayRefusedError extends Error {
  override name = "RelayRefusedError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface RelayCallParameters {
  account: Address;
  chainId: number;
  forwarder: Address;
  rewards: Address;
  /** `submit(...)` or `claim(...)` call data. */
  data: Hex;
  /** The forwarder's `nonces(account)`. */
  nonce: bigint;
  /** Chain time now (seconds), for the deadline. */
  nowSeconds: bigint;
  /** Signs EIP-712 typed data as `account` (wagmi's `signTypedData`). */
  signTypedData: (typedData: {
    domain: { name: string; version: string; chainId: number; verifyingContract: Address };
    types: typeof FORWARD_REQUEST_TYPES;
    primaryType: "ForwardRequest";
    /** `deadline` is a uint48, a number in viem's types. */
    message: { from: Address; to: Address; value: bigint; gas: bigint; nonce: bigint; deadline: number; data: Hex };
  }) => Promise<Hex>;
  oracleUrl: string;
  /** Telegram Mini App launch data, when the node checks identity. */
  telegramInitData?: string;
  gas?: bigint;
  ttlSeconds?: bigint;
  fetchImpl?: typeof fetch;
}

/** Signs the request and has the node relay it; throws RelayRefusedError with the node's code. */
export async function relayCall(p: RelayCallParameters): Promise<RelayReceipt> {
  const message = {
    from: p.account,
    to: p.rewards,
    value: 0n,
    gas: p.gas ?? 200_000n,
    nonce: p.nonce,
    deadline: Number(p.nowSeconds + (p.ttlSeconds ?? 600n)),
    data: p.data,
  };
  const signature = await p.signTypedData({
    domain: { name: FORWARDER_DOMAIN_NAME, version: FORWARDER_DOMAIN_VERSION, chainId: p.chainId, verifyingContract: p.forwarder },
    types: FORWARD_REQUEST_TYPES,
    primaryType: "ForwardRequest",
    message,
  });
  const body = {
    request: {
      from: message.from,
      to: message.to,
      value: "0",
      gas: message.gas.toString(),
      deadline: message.deadline.toString(),
      data: message.data,
      signature,
    },
    ...(p.telegramInitData ? { telegramInitData: p.telegramInitData } : {}),
  };
  const response = await (p.fetchImpl ?? fetch)(`${p.oracleUrl}/v1/relay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: unknown } } & Partial<RelayReceipt>;
  if (!response.ok || json.error) {
    throw new RelayRefusedError(
      response.status,
      json.error?.code ?? "relay_failed",
      json.error?.message ?? `The relayer answered HTTP ${response.status}.`,
      json.error?.details,
    );
  }
  return json as RelayReceipt;
}

/**
 * Who pays for a call: the account when it can afford the gas and does not prefer the relayer; the
 * relayer when there is one; else nobody (the app asks the user to fund the account).
 */
export function gasPayer(p: {
  balanceWei: bigint;
  gasEstimate: bigint;
  maxFeePerGasWei: bigint;
  preferRelayer: boolean;
  relayerAvailable: boolean;
}): "account" | "relayer" | "none" {
  const affordable = p.balanceWei >= p.gasEstimate * p.maxFeePerGasWei;
  if (p.relayerAvailable && (p.preferRelayer || !affordable)) return "relayer";
  return affordable ? "account" : "none";
}
