/**
 * The gasless relayer: takes a user's signed ERC-2771 forward request and pays its gas from a key of
 * its own (never the operator key). It relays only `Rewards.submit` and `Rewards.claim`, checks the
 * signature, deadline and nonce (the forwarder's `verify`), simulates before sending and never sends
 * what would revert, rate-limits per signer (the route limits per client), and spends at most a gas
 * budget per signer and in total per Rewards epoch, recorded in the node's store.
 */
import { type BaseWallet, type FunctionFragment, type Interface, type Provider, TypedDataEncoder, getAddress, recoverAddress } from "ethers";
import type { Logger } from "pino";
import { CashKeyForwarder__factory, Rewards__factory } from "../bindings";
import type { CashKeyForwarder, Rewards } from "../bindings";
import { ApiError } from "../http/errors";
import { TokenBuckets } from "../http/tokenBuckets";
import { decodeRevertData, revertDataOf } from "../chain/contracts";
import { FORWARD_REQUEST_TYPES, type ForwardRequestData, forwarderDomain } from "../protocol/forwardRequest";
import type { Store } from "../store";
import type { RelayMetrics } from "./metrics";

/** The functions a relayed request may call, by name. */
export const RELAYABLE_FUNCTIONS = ["submit", "claim"] as const;

export interface RelayerLimits {
  /** Largest `gas` a request may ask the forwarder to forward. */
  maxGasPerRequest: bigint;
  /** Gas the relayer pays for one signer per Rewards epoch. */
  signerGasPerEpoch: bigint;
  /** Gas the relayer pays for everyone per Rewards epoch. */
  totalGasPerEpoch: bigint;
  /** Relayer balance under which the low-balance alert is raised (wei). */
  lowBalanceWei: bigint;
  /** Relayed requests one signer may make in a burst, refilled over `signerWindowMs`. */
  signerBurst: number;
  signerWindowMs: number;
}

export const DEFAULT_RELAYER_LIMITS: RelayerLimits = {
  maxGasPerRequest: 300_000n,
  signerGasPerEpoch: 3_000_000n,
  totalGasPerEpoch: 300_000_000n,
  lowBalanceWei: 50_000_000_000_000_000n,
  signerBurst: 10,
  signerWindowMs: 60 * 60 * 1000,
};

/** Checks the identity of a relayed request's signer (Telegram); throws ApiError to refuse. */
export interface RelayIdentity {
  /** Called before anything touches the chain: refuses missing or invalid identity. Returns the user to bind. */
  check(signer: string, proof: string | undefined): number | undefined;
  /** Called just before sending: ties the signer to the user for good. */
  bind(signer: string, userId: number): void;
}

export interface RelayerDeps {
  provider: Provider;
  /** The relayer's own key, connected or not; never the operator key. */
  relayerKey: BaseWallet;
  forwarder: string;
  rewards: string;
  store: Store;
  metrics: RelayMetrics;
  limits?: Partial<RelayerLimits>;
  identity?: RelayIdentity;
  logger?: Logger;
  /** Clock for the per-signer rate limit (ms). */
  now?: () => number;
}

export interface RelayResult {
  txHash: string;
  /** Who signed the request (credited by Rewards). */
  signer: string;
  /** Who paid the gas. */
  relayer: string;
  function: (typeof RELAYABLE_FUNCTIONS)[number];
  gasUsed: string;
  blockNumber: number;
}

const REWARDS_INTERFACE: Interface = Rewards__factory.createInterface();

export class Relayer {
  readonly limits: RelayerLimits;
  readonly address: string;
  private readonly forwarder: CashKeyForwarder;
  private readonly rewards: Rewards;
  private readonly signerBuckets: TokenBuckets;
  /** Sends one request at a time: budgets are checked and nonces taken without races. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RelayerDeps) {
    this.limits = { ...DEFAULT_RELAYER_LIMITS, ...deps.limits };
    const wallet = deps.relayerKey.connect(deps.provider);
    this.address = getAddress(wallet.address);
    this.forwarder = CashKeyForwarder__factory.connect(deps.forwarder, wallet);
    this.rewards = Rewards__factory.connect(deps.rewards, deps.provider);
    this.signerBuckets = new TokenBuckets({
      max: this.limits.signerBurst,
      windowMs: this.limits.signerWindowMs,
      now: deps.now ?? Date.now,
    });
  }

  /** Relays `request`; every refusal is an ApiError (4xx) and sends nothing. */
  async relay(received: ForwardRequestData, identityProof?: string): Promise<RelayResult> {
    // Lowercased first: a mixed-case address with a bad checksum is still the same account.
    const signer = getAddress(received.from.toLowerCase());
    const request = { ...received, from: signer, to: getAddress(received.to.toLowerCase()) };
    const fn = this.checkShape(request);
    const userId = this.deps.identity?.check(signer, identityProof);
    const run = this.queue.then(() => this.checkAndSend(request, signer, fn, userId));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Refreshes the balance gauge and the low-balance alert. */
  async refreshBalance(): Promise<bigint> {
    const balance = await this.deps.provider.getBalance(this.address);
    this.deps.metrics.balanceWei.set(Number(balance));
    const low = balance < this.limits.lowBalanceWei;
    this.deps.metrics.balanceLow.set(low ? 1 : 0);
    if (low) this.deps.logger?.warn({ relayer: this.address, balanceWei: balance.toString() }, "relayer balance low");
    return balance;
  }

  private checkShape(request: ForwardRequestData): (typeof RELAYABLE_FUNCTIONS)[number] {
    if (request.to.toLowerCase() !== this.deps.rewards.toLowerCase()) {
      this.refused("target_not_allowed");
      throw new ApiError(403, "relay_target_not_allowed", "Only calls to the Rewards contract are relayed.", { details: { to: request.to } });
    }
    if (request.value !== 0n) {
      this.refused("value_not_allowed");
      throw new ApiError(400, "relay_value_not_allowed", "A relayed request carries no ETH (value must be 0).");
    }
    let fragment: FunctionFragment | null;
    try {
      fragment = REWARDS_INTERFACE.getFunction(request.data.slice(0, 10).toLowerCase().padEnd(10, "0"));
    } catch {
      fragment = null;
    }
    const fn = RELAYABLE_FUNCTIONS.find((name) => fragment?.name === name);
    if (fragment === null || fn === undefined) {
      this.refused("function_not_allowed");
      throw new ApiError(403, "relay_function_not_allowed", `Only ${RELAYABLE_FUNCTIONS.join(" and ")} are relayed.`, {
        details: { selector: request.data.slice(0, 10) },
      });
    }
    let canonical: string;
    try {
      canonical = REWARDS_INTERFACE.encodeFunctionData(fragment, REWARDS_INTERFACE.decodeFunctionData(fragment, request.data));
    } catch {
      canonical = "";
    }
    // Extra bytes would change what Rewards reads as the sender; only the exact encoding passes.
    if (canonical.toLowerCase() !== request.data.toLowerCase()) {
      this.refused("malformed_calldata");
      throw new ApiError(400, "relay_malformed_calldata", `The call data is not a canonical ${fn} call.`);
    }
    if (request.gas > this.limits.maxGasPerRequest || request.gas === 0n) {
      this.refused("gas_out_of_range");
      throw new ApiError(400, "relay_gas_out_of_range", `A request may forward 1 to ${this.limits.maxGasPerRequest} gas.`, {
        details: { gas: request.gas.toString(), max: this.limits.maxGasPerRequest.toString() },
      });
    }
    return fn;
  }

  private async checkAndSend(request: ForwardRequestData, signer: string, fn: (typeof RELAYABLE_FUNCTIONS)[number], userId: number | undefined): Promise<RelayResult> {
    const { provider, store, metrics } = this.deps;
    const latest = await provider.getBlock("latest");
    if (latest === null) throw new ApiError(503, "chain_unavailable", "The chain is unavailable.");
    if (request.deadline < BigInt(latest.timestamp) + 1n) {
      this.refused("expired");
      throw new ApiError(400, "relay_expired", "The request's deadline has passed; sign a new one.", {
        details: { deadline: request.deadline.toString(), chainTime: latest.timestamp },
      });
    }
    if (!(await this.forwarder.verify(request))) {
      const nonce = await this.forwarder.nonces(signer);
      if (nonce > 0n && (await this.signedBy(request, nonce - 1n)) === signer) {
        this.refused("replayed");
        throw new ApiError(409, "relay_replayed", "This request was already executed (its nonce is used).");
      }
      this.refused("invalid_signature");
      throw new ApiError(401, "relay_invalid_signature", "The signature does not match the signer at its current forwarder nonce.", {
        details: { nonce: nonce.toString() },
      });
    }
    // Counted only for verified requests, so nobody can spend another signer's allowance with forgeries.
    const waitMs = this.signerBuckets.take(signer.toLowerCase());
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      this.refused("signer_rate_limited");
      throw new ApiError(429, "relay_signer_rate_limited", `Too many relayed requests from ${signer}; retry in ${seconds} s.`, {
        headers: { "Retry-After": String(seconds) },
        details: { retryAfterSeconds: seconds },
      });
    }

    let estimate: bigint;
    try {
      // Simulated as the relayer would send it; a revert anywhere (forwarder or Rewards) refuses it.
      await this.forwarder.execute.staticCall(request, { from: this.address });
      estimate = await this.forwarder.execute.estimateGas(request, { from: this.address });
    } catch (error) {
      this.refused("would_revert");
      const reason = await this.innerRevert(request, error);
      throw new ApiError(422, "relay_would_revert", `Refused: the call would revert${reason ? ` (${reason.message})` : ""}.`, {
        details: reason ? { error: reason.name, message: reason.message } : undefined,
      });
    }

    const epoch = Number(await this.rewards.currentEpoch());
    const spent = store.relayGas.spentBy(epoch, signer).gas;
    if (spent + estimate > this.limits.signerGasPerEpoch) {
      this.refused("signer_budget_spent");
      throw new ApiError(429, "relay_budget_exhausted", "This account's relaying budget for the epoch is spent; pay the gas yourself or wait for the next epoch.", {
        details: { scope: "signer", epoch, spentGas: spent.toString(), budgetGas: this.limits.signerGasPerEpoch.toString() },
      });
    }
    const total = store.relayGas.spentTotal(epoch);
    if (total + estimate > this.limits.totalGasPerEpoch) {
      this.refused("total_budget_spent");
      metrics.budgetSpent.set(1);
      throw new ApiError(503, "relay_budget_exhausted", "The relayer's budget for the epoch is spent; pay the gas yourself or wait for the next epoch.", {
        details: { scope: "total", epoch, budgetGas: this.limits.totalGasPerEpoch.toString() },
      });
    }

    if (userId !== undefined) this.deps.identity!.bind(signer, userId);
    // Headroom over the estimate: the forwarder checks that the call got the requested gas.
    const tx = await this.forwarder.execute(request, { gasLimit: (estimate * 12n) / 10n });
    const receipt = await tx.wait().catch((error: unknown) => {
      throw new ApiError(502, "relay_reverted", "The relayed transaction reverted on-chain.", { details: { txHash: tx.hash, reason: String(error) } });
    });
    const gasUsed = receipt!.gasUsed;
    store.relayGas.record(epoch, signer, gasUsed);
    metrics.relayed.inc({ function: fn });
    metrics.gasPaid.inc(Number(gasUsed));
    metrics.budgetSpent.set(total + gasUsed >= this.limits.totalGasPerEpoch ? 1 : 0);
    await this.refreshBalance();
    return { txHash: tx.hash, signer, relayer: this.address, function: fn, gasUsed: gasUsed.toString(), blockNumber: receipt!.blockNumber };
  }

  /** The address that signed `request` for `nonce`. */
  private async signedBy(request: ForwardRequestData, nonce: bigint): Promise<string> {
    const { chainId } = await this.deps.provider.getNetwork();
    const digest = TypedDataEncoder.hash(forwarderDomain(chainId, this.deps.forwarder), FORWARD_REQUEST_TYPES as never, {
      ...request,
      nonce,
    });
    try {
      return recoverAddress(digest, request.signature);
    } catch {
      return "";
    }
  }

  /** Why the inner call reverts: the call exactly as the forwarder makes it, decoded against the CashKey ABIs. */
  private async innerRevert(request: ForwardRequestData, outer: unknown) {
    // The forwarder reports a failed inner call as FailedCall; the inner call names the reason.
    try {
      await this.deps.provider.call({ from: this.deps.forwarder, to: request.to, data: request.data + request.from.slice(2).toLowerCase() });
    } catch (error) {
      const inner = decodeRevertData(revertDataOf(error) ?? "");
      if (inner) return inner;
    }
    return decodeRevertData(revertDataOf(outer) ?? "");
  }

  private refused(reason: string): void {
    this.deps.metrics.refused.inc({ reason });
  }
}
