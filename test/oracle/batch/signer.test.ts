import { expect } from "chai";
import { Signature, type Signer, ZeroHash, getAddress, toBeHex, concat } from "ethers";
import { buildBatch } from "../../../oracle/src/batch/builder";
import { BatchSignatureError, BatchSigner, recoverBatchSigner, verifyBatchSignature } from "../../../oracle/src/batch/signer";
import { EVALUATOR, evaluated, randomWallet } from "../chain/oracleFixture";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function sampleBatch(nonce = 0n) {
  return buildBatch(evaluated([1n, 2n, 3n]), {
    chainId: 31337n,
    rewardsAddress: getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"),
    nonce,
    evaluator: EVALUATOR,
    nowMs: 1_700_000_000_000,
    deadlineSeconds: 600,
  });
}

describe("batch signer", function () {
  it("signs as the operator, and the signature recovers to it", async function () {
    const operator = randomWallet();
    const batch = sampleBatch();

    const signed = await new BatchSigner(operator).sign(batch);

    expect(signed.signer).to.equal(operator.address);
    expect(recoverBatchSigner(batch, signed.signature)).to.equal(operator.address);
    expect(verifyBatchSignature(batch, signed.signature, operator.address.toLowerCase())).to.equal(true);
  });

  it("does not verify for another address, another header or other items", async function () {
    const operator = randomWallet();
    const batch = sampleBatch();
    const { signature } = await new BatchSigner(operator).sign(batch);

    expect(verifyBatchSignature(batch, signature, randomWallet().address)).to.equal(false);
    expect(verifyBatchSignature(sampleBatch(1n), signature, operator.address)).to.equal(false);
    expect(verifyBatchSignature({ ...batch, header: { ...batch.header, rationaleRoot: ZeroHash } }, signature, operator.address)).to.equal(false);
    expect(verifyBatchSignature({ ...batch, items: batch.items.slice(1) }, signature, operator.address)).to.equal(false);
  });

  it("recovers nothing from a malformed or malleable (high-s) signature", async function () {
    const operator = randomWallet();
    const batch = sampleBatch();
    const { signature } = await new BatchSigner(operator).sign(batch);
    const sig = Signature.from(signature);
    const highS = concat([sig.r, toBeHex(SECP256K1_N - BigInt(sig.s), 32), toBeHex(sig.v === 27 ? 28 : 27, 1)]);

    expect(recoverBatchSigner(batch, "0x1234")).to.equal(undefined);
    expect(recoverBatchSigner(batch, highS)).to.equal(undefined);
  });

  it("refuses a key that signs as someone else", async function () {
    const operator = randomWallet();
    const impostor = randomWallet();
    const lying = new Proxy(operator, {
      get(target, property, receiver) {
        if (property === "getAddress") return async () => impostor.address;
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Signer;

    let error: unknown;
    await new BatchSigner(lying).sign(sampleBatch()).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(BatchSignatureError);
  });
});
