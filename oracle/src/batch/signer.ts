/**
 * The operator's side of a batch: signing the EIP-712 `ScoreBatch` with its key, and checking that a
 * signature (its own or a peer's) recovers to the address it claims.
 */
import { type Signer, getAddress, verifyTypedData } from "ethers";
import { CashKeyError } from "../errors";
import { type AttributedSignature, type BatchHeader, type Eip712Domain, SCORE_BATCH_TYPES, scoreBatchMessage, signScoreBatch } from "../protocol/eip712";

/** What a signature covers: the domain (chain and Rewards address), the header and the items. */
export interface SignableBatch {
  domain: Eip712Domain;
  header: BatchHeader;
  items: readonly bigint[];
}

export class BatchSignatureError extends CashKeyError {
  override name = "BatchSignatureError";
}

/**
 * The address an ECDSA `ScoreBatch` signature recovers to, or undefined when it is malformed or
 * malleable (high s, which the contract refuses). ERC-1271 contract signatures are checked on-chain only.
 */
export function recoverBatchSigner(batch: SignableBatch, signature: string): string | undefined {
  try {
    return getAddress(verifyTypedData(batch.domain, SCORE_BATCH_TYPES as never, scoreBatchMessage(batch.header, batch.items), signature));
  } catch {
    return undefined;
  }
}

/** Whether `signature` is `expected`'s signature of `batch`. */
export function verifyBatchSignature(batch: SignableBatch, signature: string, expected: string): boolean {
  return recoverBatchSigner(batch, signature) === getAddress(expected);
}

/** Signs batches with the operator key. */
export class BatchSigner {
  private address: string | undefined;

  constructor(private readonly signer: Signer) {}

  async getAddress(): Promise<string> {
    this.address ??= getAddress(await this.signer.getAddress());
    return this.address;
  }

  /** Signs and checks the signature recovers to this operator (a remote or hardware signer could be misconfigured). */
  async sign(batch: SignableBatch): Promise<AttributedSignature> {
    const signer = await this.getAddress();
    const signature = await signScoreBatch(this.signer, batch.domain, batch.header, batch.items);
    if (!verifyBatchSignature(batch, signature, signer)) {
      throw new BatchSignatureError(`The operator key did not produce a valid signature for ${signer}.`, {
        details: `recovered ${recoverBatchSigner(batch, signature) ?? "nothing"}`,
      });
    }
    return { signer, signature };
  }
}
