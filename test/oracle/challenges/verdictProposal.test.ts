import { expect } from "chai";
import { Wallet } from "ethers";
import { keccak256 as viemKeccak, stringToBytes } from "viem";
import { HEURISTIC_APPEAL_EVALUATOR_HASH } from "../../../oracle/src/challenges/appealEvaluator";
import { verdictRoot } from "../../../oracle/src/challenges/judge";
import {
  type VerdictProposalJson,
  VerdictProposalError,
  type VerdictRefusal,
  decodeVerdictProposal,
  encodeVerdictProposal,
  textHash,
} from "../../../oracle/src/challenges/verdictProposal";
import { type ChallengeVerdictMessage, challengeVerdictDigest, challengesDomain, signChallengeVerdict } from "../../../oracle/src/protocol/challengeVerdict";

const CHAIN_ID = 31337n;
const CHALLENGES = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";
const LEADER = new Wallet("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const OTHER = new Wallet("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const ORIGINAL = '{"evaluator":"0x01","score":81}';
const APPEAL = '{"kind":"cashkey-challenge-appeal","upheld":true}';

async function proposal(signer = LEADER, over: Partial<ChallengeVerdictMessage> = {}): Promise<VerdictProposalJson> {
  const message: ChallengeVerdictMessage = {
    challengeId: 4n,
    submissionId: 17n,
    epoch: 2,
    points: 640,
    reason: 2,
    upheld: true,
    evaluator: HEURISTIC_APPEAL_EVALUATOR_HASH,
    rationaleRoot: verdictRoot(ORIGINAL, APPEAL),
    deadline: 1_900_000_000n,
    ...over,
  };
  const domain = challengesDomain(CHAIN_ID, CHALLENGES);
  return encodeVerdictProposal({
    chainId: CHAIN_ID,
    challenges: CHALLENGES,
    leader: LEADER.address,
    message,
    originalRationale: ORIGINAL,
    appealRationale: APPEAL,
    reasonText: "decorated filler",
    answerText: null,
    digest: challengeVerdictDigest(domain, message),
    signature: await signChallengeVerdict(signer, domain, message),
  });
}

function refusal(json: unknown, expected = { chainId: CHAIN_ID, challenges: CHALLENGES }): VerdictRefusal | undefined {
  try {
    decodeVerdictProposal(json, expected);
    return undefined;
  } catch (error) {
    if (error instanceof VerdictProposalError) return error.code;
    throw error;
  }
}

describe("challenge verdict proposals", function () {
  it("round-trips and names its leader", async function () {
    const json = await proposal();
    const decoded = decodeVerdictProposal(JSON.parse(JSON.stringify(json)), { chainId: CHAIN_ID, challenges: CHALLENGES });
    expect(decoded.leader).to.equal(LEADER.address);
    expect(decoded.message.upheld).to.equal(true);
    expect(decoded.reasonText).to.equal("decorated filler");
  });

  it("refuses a flipped verdict, another chain or contract, a stranger's signature, an unknown field", async function () {
    const json = await proposal();
    expect(refusal({ ...json, verdict: { ...json.verdict, upheld: false } })).to.equal("digest");
    expect(refusal({ ...json, verdict: { ...json.verdict, points: 641 } })).to.equal("digest");
    expect(refusal(json, { chainId: 1n, challenges: CHALLENGES })).to.equal("wrong_chain");
    expect(refusal(json, { chainId: CHAIN_ID, challenges: OTHER.address })).to.equal("wrong_chain");
    expect(refusal(await proposal(OTHER))).to.equal("leader_signature");
    expect(refusal({ ...json, extra: 1 })).to.equal("malformed");
    expect(refusal({ ...json, verdict: { ...json.verdict, reason: 6 } })).to.equal("malformed");
  });

  it("refuses rationales that are not the ones the signed root commits to", async function () {
    const json = await proposal();
    expect(refusal({ ...json, appealRationale: '{"kind":"cashkey-challenge-appeal","upheld":false}' })).to.equal("rationale_root");
    expect(refusal({ ...json, originalRationale: APPEAL, appealRationale: ORIGINAL })).to.equal("rationale_root");
  });

  it("hashes texts as the contract's reasonHash: keccak256 of the UTF-8 bytes", function () {
    // viem's keccak256 over the UTF-8 bytes, an independent implementation; "é" is two bytes, not one.
    expect(textHash("é")).to.equal(viemKeccak(stringToBytes("é")));
    expect(textHash("é")).to.not.equal(viemKeccak(new Uint8Array([0xe9])));
  });
});
