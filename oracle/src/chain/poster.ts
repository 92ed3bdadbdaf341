/**
 * Relays signed score batches with `Rewards.postScores`.
 *
 * One signer, one send at a time: the account nonce is fetched from the node's pending count, kept
 * locally while sends succeed and refetched after a nonce error. Every send is preceded by a
 * `staticCall` preflight whose custom error is decoded, so a batch the contract would refuse costs no
 * gas. The signed transaction is recorded in the ledger before it is broadcast, so a node restarted
 * after a crash waits for (or rebroadcasts) that transaction instead of sending another.
 *
 * A batch can land without this poster: any relayer may post it. Whenever its nonce is found
 * consumed, the `BatchPosted` event of that nonce decides: the same items, evaluator and rationale
 * root mean the batch landed; anything else means it was superseded and its items go back to the queue.
 */
import { type Log, type Provider, type Signer, type TransactionReceipt, Transaction, getAddress, zeroPadValue, toBeHex } from "ethers";
import type { Rewards } from "../bindings";
import type { NonPayableOverrides } from "../bindings/common";
import { type BatchHeader, itemsHash, rewardsDomain, scoreBatchDigest } from "../protocol/eip712";
import { packScoreItem } from "../protocol/scoreItem";
import { CashKeyError } from "../errors";
import { type BatchLedger, BatchPostError, type PostOutcome, type SentTransaction } from "../ports/batchLedger";
import type { ChainLogger } from "../ports/runtime";
import { silentLogger } from "../ports/runtime";
import { type BackoffOptions, backoffDelay } from "../backoff";
import { Semaphore } from "../eval/semaphore";
import { ContractRevertError, decodeContractError } from "./contracts";
import { type Sleep, isAlreadyKnownError, isNonceError, isTransientRpcError, sleep as defaultSleep } from "./rpc";

/** A batch with its operators' signatures, in ascending signer order, ready to relay. */
export interface SignedBatch {
  header: BatchHeader;
  items: readonly bigint[];
  signatures: readonly string[];
}

export interface PosterOptions {
  /** The relaying account, connected to the provider (a Wallet: it must sign raw transactions). */
  signer: Signer;
  /** Rewards, connected to anything; the poster reconnects it to `signer`. */
  rewards: Rewards;
  ledger: BatchLedger;
  /** Where to start looking for `BatchPosted` events: the deployment's `deployBlock`. */
  fromBlock: number;
  /** Most blocks per `eth_getLogs` when looking for a `BatchPosted` event. Default 10,000. */
  maxBlockRange?: number;
  /** Confirmations of the receipt before a post counts as landed. Default 1. */
  confirmations?: number;
  /** Tries of each RPC call before a transient failure fails the post. Default 6. */
  rpcAttempts?: number;
  backoff?: BackoffOptions;
  /** Gas limit above the estimate, in basis points. Default 2,000 (20 %). */
  gasMarginBps?: number;
  /** Between receipt polls. Default 1 s. */
  receiptPollMs?: number;
  /** How long to wait for a receipt (or for another relayer's pending post) before reporting. Default 3 min. */
  receiptTimeoutMs?: number;
  onRetry?: (info: { error: unknown; attempt: number; delayMs: number; operation: string }) => void;
  now?: () => number;
  sleep?: Sleep;
  logger?: ChainLogger;
}

/** Nonce conflicts (another transaction of the same account in between) tolerated per send. */
const MAX_NONCE_CONFLICTS = 3;

/** Result of the guarded send section: a transaction to wait for, or an outcome reached without one. */
type SendResult = { kind: "sent"; tx: SentTransaction } | { kind: "done"; outcome: PostOutcome };

export class BatchPoster {
  private readonly signer: Signer;
  private readonly provider: Provider;
  private readonly rewards: Rewards;
  private readonly ledger: BatchLedger;
  private readonly logger: ChainLogger;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  /** One send at a time: the account nonce is kept locally between sends. */
  private readonly sendLock = new Semaphore(1);
  private address: string | undefined;
  private rewardsAddress: string | undefined;
  private chainId: bigint | undefined;
  /** The next account nonce to use; undefined means "ask the node". Only touched under `sendLock`. */
  private nextAccountNonce: number | undefined;

  constructor(private readonly options: PosterOptions) {
    if (!options.signer.provider) throw new CashKeyError("The poster's signer must be connected to a provider.");
    this.signer = options.signer;
    this.provider = options.signer.provider;
    this.rewards = options.rewards.connect(options.signer);
    this.ledger = options.ledger;
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
  }

  /** The batch id the ledger uses: the EIP-712 digest the operators signed. */
  async batchIdOf(batch: SignedBatch): Promise<string> {
    const { chainId, rewardsAddress } = await this.identity();
    return scoreBatchDigest(rewardsDomain(chainId, rewardsAddress), batch.header, batch.items);
  }

  /**
   * Posts `batch` and waits for the outcome. Safe to call again with the same batch (after a crash,
   * a timeout or concurrently): it never sends a second transaction for a batch already on-chain.
   */
  async post(batch: SignedBatch): Promise<PostOutcome> {
    const batchId = await this.batchIdOf(batch);
    const known = await this.ledger.get(batchId);
    if (known?.outcome && known.outcome.status !== "failed") return known.outcome;

    let outcome: PostOutcome;
    try {
      outcome = await this.attempt(batch, batchId);
    } catch (error) {
      outcome = { status: "failed", error: this.unexpected(error) };
    }
    await this.ledger.recordOutcome(batchId, batch.header.nonce, outcome);
    const log = { batchNonce: batch.header.nonce.toString(), status: outcome.status, txHash: "txHash" in outcome ? outcome.txHash : undefined };
    if (outcome.status === "failed") this.logger.warn({ ...log, err: outcome.error }, "batch not posted");
    else this.logger.info(log, `batch ${outcome.status}`);
    return outcome;
  }

  private async attempt(batch: SignedBatch, batchId: string): Promise<PostOutcome> {
    const sent = await this.sendLock.run(async (): Promise<SendResult> => {
      // Read under the lock: a concurrent post of the same batch may have just recorded its transaction.
      const known = await this.ledger.get(batchId);
      if (known?.outcome && known.outcome.status !== "failed") return { kind: "done", outcome: known.outcome };
      return known?.sent ? this.resume(batch, batchId, known.sent) : this.send(batch, batchId);
    });
    if (sent.kind === "done") return sent.outcome;
    return this.settle(batch, sent.tx);
  }

  /** Checks that the batch is still to be posted and that the contract accepts it, then sends it. Under `sendLock`. */
  private async send(batch: SignedBatch, batchId: string): Promise<SendResult> {
    const consumed = await this.consumedOutcome(batch);
    if (consumed) return { kind: "done", outcome: consumed };
    const refused = await this.preflight(batch);
    if (refused) return { kind: "done", outcome: refused };
    return this.signAndBroadcast(batch, batchId);
  }

  /**
   * After a restart or an earlier failure: the recorded transaction is waited for if it was mined
   * or is still known to the node, rebroadcast if it was lost and is still wanted, and replaced by a
   * new one if it reverted or its account nonce went to another transaction. Under `sendLock`.
   */
  private async resume(batch: SignedBatch, batchId: string, tx: SentTransaction): Promise<SendResult> {
    const receipt = await this.rpc("getTransactionReceipt", () => this.provider.getTransactionReceipt(tx.hash));
    if (receipt?.status === 1) return { kind: "sent", tx };
    const consumed = await this.consumedOutcome(batch);
    if (consumed) return { kind: "done", outcome: consumed };
    if (!receipt && (await this.rpc("getTransaction", () => this.provider.getTransaction(tx.hash)))) return { kind: "sent", tx };
    const refused = await this.preflight(batch);
    if (refused) return { kind: "done", outcome: refused };
    if (receipt) return this.signAndBroadcast(batch, batchId);
    try {
      await this.broadcast(tx);
      return { kind: "sent", tx };
    } catch (error) {
      if (!isNonceError(error)) throw error;
      this.nextAccountNonce = undefined;
      return this.signAndBroadcast(batch, batchId);
    }
  }

  /** Estimates gas, takes the next account nonce, signs, records and broadcasts. Under `sendLock`. */
  private async signAndBroadcast(batch: SignedBatch, batchId: string): Promise<SendResult> {
    const { rewardsAddress } = await this.identity();
    const data = this.rewards.interface.encodeFunctionData("postScores", [batch.header, [...batch.items], [...batch.signatures]]);
    const from = await this.signerAddress();
    const margin = BigInt(this.options.gasMarginBps ?? 2_000);

    for (let nonceConflicts = 0; ; nonceConflicts++) {
      let estimate: bigint;
      try {
        estimate = await this.rpc("estimateGas", () => this.provider.estimateGas({ from, to: rewardsAddress, data }));
      } catch (error) {
        if (isTransientRpcError(error)) throw error;
        return { kind: "done", outcome: await this.refusal(batch, error) };
      }
      const accountNonce = await this.takeAccountNonce(from);
      const request = await this.rpc("populateTransaction", () =>
        this.signer.populateTransaction({ to: rewardsAddress, data, nonce: accountNonce, gasLimit: (estimate * (10_000n + margin)) / 10_000n }),
      );
      const raw = await this.signer.signTransaction(request);
      const tx: SentTransaction = { hash: Transaction.from(raw).hash as string, accountNonce, raw };
      await this.ledger.recordSent(batchId, batch.header.nonce, tx);

      try {
        await this.broadcast(tx);
        this.nextAccountNonce = accountNonce + 1;
        this.logger.info({ batchNonce: batch.header.nonce.toString(), txHash: tx.hash, accountNonce }, "batch sent");
        return { kind: "sent", tx };
      } catch (error) {
        this.nextAccountNonce = undefined;
        if (!isNonceError(error) || nonceConflicts >= MAX_NONCE_CONFLICTS) throw error;
        this.logger.warn({ accountNonce, err: error }, "account nonce conflict; refetching");
      }
    }
  }

  /** Broadcasts; a node that already has the transaction (e.g. after a lost response) counts as success. */
  private async broadcast(tx: SentTransaction): Promise<void> {
    try {
      await this.rpc("broadcastTransaction", () => this.provider.broadcastTransaction(tx.raw));
    } catch (error) {
      if (isAlreadyKnownError(error)) return;
      if (isNonceError(error) && (await this.rpc("getTransaction", () => this.provider.getTransaction(tx.hash)))) return;
      throw error;
    }
  }

  /** Waits for the receipt, then decides what happened to the batch. */
  private async settle(batch: SignedBatch, tx: SentTransaction): Promise<PostOutcome> {
    const receipt = await this.waitForReceipt(tx.hash);
    if (receipt?.status === 1) {
      return { status: "landed", txHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, postedBySelf: true };
    }
    const consumed = await this.consumedOutcome(batch);
    if (consumed) return consumed;
    if (receipt === null) {
      return {
        status: "failed",
        txHash: tx.hash,
        error: new BatchPostError(`No receipt for ${tx.hash} in time.`, { reason: "unconfirmed", retriable: true }),
      };
    }
    const rejection = await this.simulate(batch);
    const revert = rejection === undefined ? undefined : decodeContractError(rejection);
    return {
      status: "failed",
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
      gasUsed: receipt.gasUsed,
      error: new BatchPostError(`The batch transaction ${receipt.hash} reverted${revert ? `; the contract now says ${revert.message}` : ""}.`, {
        reason: "reverted",
        revert,
        retriable: revert === undefined,
      }),
    };
  }

  /** Undefined when the contract would accept the batch; otherwise the outcome it leads to. */
  private async preflight(batch: SignedBatch): Promise<PostOutcome | undefined> {
    const rejection = await this.simulate(batch);
    return rejection === undefined ? undefined : this.refusal(batch, rejection);
  }

  /** `postScores.staticCall` against the pending state; returns the revert error, or undefined when it passes. */
  private async simulate(batch: SignedBatch): Promise<unknown> {
    try {
      // "pending" so that a batch queued right behind one of ours (not yet mined) passes.
      const pending = { blockTag: "pending" } as NonPayableOverrides;
      await this.rpc("preflight", () => this.rewards.postScores.staticCall(batch.header, [...batch.items], [...batch.signatures], pending));
      return undefined;
    } catch (error) {
      if (isTransientRpcError(error)) throw error;
      return error;
    }
  }

  /** Turns a revert into an outcome: a consumed nonce is resolved from the chain, anything else fails. */
  private async refusal(batch: SignedBatch, error: unknown): Promise<PostOutcome> {
    const revert = decodeContractError(error);
    if (revert?.name === "RewardsInvalidNonce") {
      const expected = revert.args.expected as bigint;
      if (expected > batch.header.nonce) {
        // Consumed, possibly by a transaction still pending: wait for it to be mined to see which batch it was.
        const consumed = await this.consumedOutcome(batch, true);
        if (consumed) return consumed;
      }
      return {
        status: "failed",
        error: new BatchPostError(`Preflight refused batch ${batch.header.nonce}: ${revert.message}.`, {
          reason: "preflight",
          revert,
          // A nonce ahead of the chain lands once the batches before it have.
          retriable: expected < batch.header.nonce,
          cause: error,
        }),
      };
    }
    const contractError = ContractRevertError.from("postScores", error);
    return {
      status: "failed",
      error: new BatchPostError(`Preflight refused batch ${batch.header.nonce}: ${revert?.message ?? contractError.shortMessage}.`, {
        reason: "preflight",
        revert,
        retriable: false,
        cause: contractError,
      }),
    };
  }

  /**
   * When `nextBatchNonce()` is past the batch's nonce, the outcome according to the `BatchPosted`
   * event of that nonce; undefined while the nonce is free. With `wait`, keeps polling until the
   * receipt timeout (for a consuming transaction seen pending).
   */
  private async consumedOutcome(batch: SignedBatch, wait = false): Promise<PostOutcome | undefined> {
    const deadline = this.now() + (this.options.receiptTimeoutMs ?? 180_000);
    for (;;) {
      const next = await this.rpc("nextBatchNonce", () => this.rewards.nextBatchNonce());
      if (next > batch.header.nonce) return this.outcomeFromChain(batch);
      if (!wait || this.now() >= deadline) return undefined;
      await this.sleep(this.options.receiptPollMs ?? 1_000);
    }
  }

  private async outcomeFromChain(batch: SignedBatch): Promise<PostOutcome> {
    const found = await this.findBatchPosted(batch.header.nonce);
    if (!found) {
      throw new CashKeyError(`Batch nonce ${batch.header.nonce} is consumed but its BatchPosted event was not found.`, {
        details: `searched from block ${this.options.fromBlock}`,
      });
    }
    const { log, receipt } = found;
    const posted = this.rewards.interface.decodeEventLog("BatchPosted", log.data, log.topics);
    const landedItems = this.itemsBefore(receipt, log);
    const same =
      (posted.evaluator as string).toLowerCase() === batch.header.evaluator.toLowerCase() &&
      (posted.rationaleRoot as string).toLowerCase() === batch.header.rationaleRoot.toLowerCase() &&
      itemsHash(landedItems) === itemsHash(batch.items);
    const where = { txHash: log.transactionHash, blockNumber: log.blockNumber, gasUsed: receipt.gasUsed };
    if (!same) return { status: "superseded", ...where };
    return { status: "landed", ...where, postedBySelf: getAddress(receipt.from) === (await this.signerAddress()) };
  }

  /** The newest `BatchPosted(nonce)` log and its receipt, scanning back from the head in bounded windows. */
  private async findBatchPosted(nonce: bigint): Promise<{ log: Log; receipt: TransactionReceipt } | undefined> {
    const { rewardsAddress } = await this.identity();
    const topics = [this.rewards.interface.getEvent("BatchPosted").topicHash, zeroPadValue(toBeHex(nonce), 32)];
    const range = this.options.maxBlockRange ?? 10_000;
    let to = await this.rpc("getBlockNumber", () => this.provider.getBlockNumber());
    while (to >= this.options.fromBlock) {
      const from = Math.max(this.options.fromBlock, to - range + 1);
      const logs = await this.rpc("getLogs", () => this.provider.getLogs({ address: rewardsAddress, topics, fromBlock: from, toBlock: to }));
      const log = logs.filter((l) => !l.removed).at(-1);
      if (log) {
        const receipt = await this.rpc("getTransactionReceipt", () => this.provider.getTransactionReceipt(log.transactionHash));
        if (!receipt) throw new CashKeyError(`No receipt for ${log.transactionHash}, which holds BatchPosted(${nonce}).`);
        return { log, receipt };
      }
      to = from - 1;
    }
    return undefined;
  }

  /**
   * The items of the batch whose `BatchPosted` is `posted`, rebuilt from the `Scored` events that
   * precede it in the same transaction (after any earlier `BatchPosted`): this works however the batch
   * was relayed (directly, through a multisig or a multicall).
   */
  private itemsBefore(receipt: TransactionReceipt, posted: Log): bigint[] {
    const iface = this.rewards.interface;
    const scoredTopic = iface.getEvent("Scored").topicHash;
    const postedTopic = iface.getEvent("BatchPosted").topicHash;
    const address = posted.address.toLowerCase();
    const items: bigint[] = [];
    for (const log of receipt.logs) {
      if (log.index >= posted.index) break;
      if (log.address.toLowerCase() !== address) continue;
      if (log.topics[0] === postedTopic) items.length = 0;
      if (log.topics[0] !== scoredTopic) continue;
      const scored = iface.decodeEventLog("Scored", log.data, log.topics);
      items.push(packScoreItem({ submissionId: scored.id as bigint, score: Number(scored.score), points: Number(scored.points) }));
    }
    return items;
  }

  private async waitForReceipt(hash: string): Promise<TransactionReceipt | null> {
    const confirmations = this.options.confirmations ?? 1;
    const deadline = this.now() + (this.options.receiptTimeoutMs ?? 180_000);
    for (;;) {
      const receipt = await this.rpc("getTransactionReceipt", () => this.provider.getTransactionReceipt(hash));
      if (receipt) {
        if (confirmations <= 1) return receipt;
        const head = await this.rpc("getBlockNumber", () => this.provider.getBlockNumber());
        if (head - receipt.blockNumber + 1 >= confirmations) return receipt;
      }
      if (this.now() >= deadline) return null;
      await this.sleep(this.options.receiptPollMs ?? 1_000);
    }
  }

  private async takeAccountNonce(address: string): Promise<number> {
    if (this.nextAccountNonce === undefined) {
      this.nextAccountNonce = await this.rpc("getTransactionCount", () => this.provider.getTransactionCount(address, "pending"));
    }
    return this.nextAccountNonce;
  }

  /** Runs an RPC call, retrying transient failures with capped exponential backoff. */
  private async rpc<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const attempts = this.options.rpcAttempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= attempts || !isTransientRpcError(error)) throw error;
        const delayMs = backoffDelay(attempt, this.options.backoff);
        this.logger.warn({ operation, attempt, delayMs, err: error }, "RPC call failed; retrying");
        this.options.onRetry?.({ error, attempt, delayMs, operation });
        await this.sleep(delayMs);
      }
    }
  }

  private unexpected(error: unknown): BatchPostError {
    if (error instanceof BatchPostError) return error;
    if (isTransientRpcError(error)) {
      return new BatchPostError("The RPC node stayed unreachable.", { reason: "rpc", retriable: true, cause: error });
    }
    return new BatchPostError(error instanceof CashKeyError ? error.shortMessage : "Posting the batch failed.", {
      reason: "internal",
      revert: decodeContractError(error),
      retriable: true,
      cause: error,
    });
  }

  private async signerAddress(): Promise<string> {
    this.address ??= getAddress(await this.signer.getAddress());
    return this.address;
  }

  private async identity(): Promise<{ chainId: bigint; rewardsAddress: string }> {
    this.rewardsAddress ??= getAddress(await this.rewards.getAddress());
    this.chainId ??= (await this.rpc("getNetwork", () => this.provider.getNetwork())).chainId;
    return { chainId: this.chainId, rewardsAddress: this.rewardsAddress };
  }
}
