import { expect } from "chai";
import fc from "fast-check";
import { TypedDataEncoder, Wallet, getAddress, keccak256, solidityPacked, toUtf8Bytes, verifyTypedData } from "ethers";
import { SCORE_BATCH_TYPES, contractSignature, itemsHash, rewardsDomain, scoreBatchDigest, scoreBatchMessage, signScoreBatch } from "../../../oracle/src/protocol/eip712";
import { FORWARD_REQUEST_TYPES, forwarderDomain, signForwardRequest } from "../../../oracle/src/protocol/forwardRequest";
import { evaluatorHash, canonicalEvaluatorJson } from "../../../oracle/src/protocol/evaluatorHash";
import { packScoreItem } from "../../../oracle/src/protocol/scoreItem";

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(`0x${Buffer.from(b).toString("hex")}`));
const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const item = fc
  .record({ submissionId: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), score: fc.integer({ min: 0, max: 100 }), points: fc.integer({ min: 0, max: 0xffffffff }) })
  .map(packScoreItem);
const header = fc.record({ nonce: uint64, evaluator: bytes32, rationaleRoot: bytes32, deadline: uint64 });

/** The protocol hashes with viem; these hold it to ethers, the library the contracts' tests and the oracle sign with. */
describe("protocol hashing on viem agrees with ethers", function () {
  it("itemsHash is keccak256(abi.encodePacked(uint256[])) as ethers packs it", function () {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), (items) => {
        expect(itemsHash(items)).to.equal(
          keccak256(
            solidityPacked(
              items.map(() => "uint256"),
              items,
            ),
          ),
        );
      }),
    );
    expect(() => itemsHash([-1n])).to.throw();
    expect(() => itemsHash([1n << 256n])).to.throw();
  });

  it("scoreBatchDigest is ethers' TypedDataEncoder hash of the same ScoreBatch", function () {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), address, header, fc.array(item, { maxLength: 10 }), (chainId, rewards, h, items) => {
        const domain = rewardsDomain(chainId, rewards.toLowerCase());
        expect(scoreBatchDigest(domain, h, items)).to.equal(TypedDataEncoder.hash(domain, SCORE_BATCH_TYPES as never, scoreBatchMessage(h, items)));
      }),
      { numRuns: 60 },
    );
  });

  it("a batch signed with an ethers signer recovers with ethers to that signer over the viem digest's domain", async function () {
    const wallet = Wallet.createRandom();
    const domain = rewardsDomain(31337, "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
    const h = { nonce: 3n, evaluator: `0x${"11".repeat(32)}`, rationaleRoot: `0x${"22".repeat(32)}`, deadline: 99n };
    const items = [packScoreItem({ submissionId: 7n, score: 80, points: 500 })];
    const signature = await signScoreBatch(wallet, domain, h, items);
    expect(verifyTypedData(domain, SCORE_BATCH_TYPES as never, scoreBatchMessage(h, items), signature)).to.equal(wallet.address);
    expect(TypedDataEncoder.hash(domain, SCORE_BATCH_TYPES as never, scoreBatchMessage(h, items))).to.equal(scoreBatchDigest(domain, h, items));
  });

  it("a forward request signed through forwarderDomain recovers to its signer", async function () {
    const wallet = Wallet.createRandom();
    const domain = forwarderDomain(31337n, "0x5fbdb2315678afecb367f032d93f642f64180aa3");
    expect(domain.verifyingContract).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const request = { from: wallet.address, to: domain.verifyingContract, value: 0n, gas: 100_000n, nonce: 0n, deadline: 1n << 40n, data: "0x1234" };
    const signed = await signForwardRequest(wallet, domain, request);
    expect(verifyTypedData(domain, FORWARD_REQUEST_TYPES as never, request, signed.signature)).to.equal(wallet.address);
  });

  it("contractSignature packs (address, bytes) as ethers does, and refuses 45 bytes of data", function () {
    fc.assert(
      fc.property(
        address,
        fc.uint8Array({ maxLength: 100 }).filter((d) => d.length !== 45),
        (signer, data) => {
          const hex = `0x${Buffer.from(data).toString("hex")}`;
          expect(contractSignature(signer.toLowerCase(), hex)).to.equal(solidityPacked(["address", "bytes"], [signer, hex]));
        },
      ),
    );
    expect(() => contractSignature(getAddress(`0x${"ab".repeat(20)}`), `0x${"00".repeat(45)}`)).to.throw("would read as ECDSA");
  });

  it("evaluatorHash is keccak256 of the canonical descriptor's UTF-8, as ethers hashes it", function () {
    const text = fc.string({ unit: "grapheme", maxLength: 30 });
    fc.assert(
      fc.property(fc.record({ name: text, model: text, quantization: text, promptVersion: text, rubricVersion: text }), (d) => {
        expect(evaluatorHash(d)).to.equal(keccak256(toUtf8Bytes(canonicalEvaluatorJson(d))));
      }),
    );
  });
});
