import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, parseEther } from "ethers";
import type { ForwardRequestData } from "../../../oracle/src/protocol/forwardRequest";
import { contentHash } from "../../helpers/rewardsTesting";
import { EPOCH_BUDGET, item, nextEpoch, postBatch } from "../../helpers/cashkey";
import { signInitData } from "../../../oracle/src/telegram/initData";
import { telegramIdentity } from "../../../oracle/src/telegram/identity";
import { type RelayChain, forwardRequest, relayChainFixture, startRelayNode } from "./relayHarness";

const { ethers } = hre;

function submitData(chain: RelayChain, label: string): string {
  return chain.rewards.interface.encodeFunctionData("submit", [contentHash(label), 1]);
}

describe("oracle relayer: POST /v1/relay", function () {
  let node: Awaited<ReturnType<typeof startRelayNode>> | undefined;

  afterEach(async function () {
    await node?.stop();
    node = undefined;
  });

  /** The relayer's sent transactions so far (nothing sent means this does not move). */
  async function sentBy(chain: RelayChain): Promise<number> {
    return ethers.provider.getTransactionCount(chain.relayerKey.address);
  }

  describe("a valid request", function () {
    it("relays a submit: Rewards credits the signer, the relayer pays, the answer says who paid, the ledger records the gas", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain);
      const aliceEth = await ethers.provider.getBalance(chain.alice.address);
      const request = await forwardRequest(chain, chain.alice, submitData(chain, "gasless"));
      const { status, json } = await node.post({ request });
      expect(status, JSON.stringify(json)).to.equal(200);
      expect(json).to.include({ signer: chain.alice.address, relayer: chain.relayerKey.address, function: "submit" });
      expect((await chain.rewards.submission(1n)).author).to.equal(chain.alice.address);
      expect(await ethers.provider.getBalance(chain.alice.address)).to.equal(aliceEth);
      const receipt = await ethers.provider.getTransactionReceipt(json.txHash);
      expect(receipt!.from).to.equal(chain.relayerKey.address);
      expect(json.gasUsed).to.equal(receipt!.gasUsed.toString());
      const epoch = Number(await chain.rewards.currentEpoch());
      expect(node.store.relayGas.spentBy(epoch, chain.alice.address)).to.deep.equal({ gas: receipt!.gasUsed, requests: 1 });
      expect(await node.metric("cashkey_oracle_relayed_total")).to.contain('function="submit"} 1');
    });

    it("relays a claim to the address the signer chose", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain);
      await chain.rewards.connect(chain.alice).submit(contentHash("scored"), 1);
      await (await postBatch(chain, [item(1n, 80, 400)])).wait();
      await nextEpoch(chain.rewards);
      const payee = Wallet.createRandom().address;
      const request = await forwardRequest(chain, chain.alice, chain.rewards.interface.encodeFunctionData("claim", [payee]));
      const { status, json } = await node.post({ request });
      expect(status, JSON.stringify(json)).to.equal(200);
      expect(json.function).to.equal("claim");
      expect(await chain.token.balanceOf(payee)).to.equal(EPOCH_BUDGET);
    });

    it("relays a burst of submissions from many signers within the rate limits", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain);
      const signers = [chain.alice, chain.bob, chain.carol];
      const requests: ForwardRequestData[] = [];
      for (const signer of signers) {
        for (let n = 0; n < 3; n++) {
          requests.push(await forwardRequest(chain, signer, submitData(chain, `${signer.address} ${n}`), { nonce: BigInt(n) }));
        }
      }
      // Each signer's requests go in nonce order; the signers interleave.
      const answers = await Promise.all(
        signers.map(async (_s, i) => {
          const mine = [];
          for (const request of requests.slice(i * 3, i * 3 + 3)) mine.push(await node!.post({ request }));
          return mine;
        }),
      );
      expect(answers.flat().map((a) => a.status)).to.deep.equal(Array(9).fill(200));
      expect(await chain.rewards.submissionCount()).to.equal(9n);
      for (const signer of signers) expect(await chain.rewards.submissionsLeft(signer.address)).to.equal(17n);
    });
  });

  describe("refusals (4xx JSON, nothing sent)", function () {
    it("refuses a forged signature with 401 relay_invalid_signature", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain);
      const bobSigned = await forwardRequest(chain, chain.bob, submitData(chain, "forged"));
      const before = await sentBy(chain);
      const forged = await node.post({ request: { ...bobSigned, from: chain.alice.address } });
      expect(forged.status).to.equal(401);
      expect(forged.json.error.code).to.equal("relay_invalid_signature");
      const request = await forwardRequest(chain, chain.alice, submitData(chain, "original"));
      const tampered = await node.post({ request: { ...request, data: submitData(chain, "tampered") } });
      expect(tampered.json.error.code).to.equal("relay_invalid_signature");
      expect(await sentBy(chain)).to.equal(before);
      expect(await chain.rewards.submissionCount()).to.equal(0n);
      expect(await node.metric("cashkey_oracle_relay_refused_total")).to.contain('reason="invalid_signature"} 2');
    });

    it("refuses a replayed request with 409 relay_replayed", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain);
      const request = await forwardRequest(chain, chain.alice, submitData(chain, "once"));
      expect((await node.post({ request })).status).to.equal(200);
      const before = await sentBy(chain);
      const again = await node.post({ request });
      expect(again.status).to.equal(409);
      expect(again.json.error.code).to.equal("relay_replayed");
      expect(await sentBy(chain)).to.equal(before);
      expect(await chain.rewards.submissionCount()).to.equal(1n);
    });

    it("refuses an expired request with 400 relay_expired", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain);
      const deadline = BigInt(await time.latest()) + 10n;
      const request = await forwardRequest(chain, chain.alice, submitData(chain, "late"), { deadline });
      await time.increase(20);
      const before = await sentBy(chain);
      const { status, json } = await node.post({ request });
      expect(status).to.equal(400);
      expect(json.error.code).to.equal("relay_expired");
      expect(await sentBy(chain)).to.equal(before);
    });

    it("refuses other targets, other functions, ETH value, non-canonical call data and excessive gas", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain);
      const tokenAddress = await chain.token.getAddress();
      const cases: [Promise<unknown>, number, string][] = [
        [
          forwardRequest(chain, chain.alice, chain.token.interface.encodeFunctionData("transfer", [chain.bob.address, 1n]), { to: tokenAddress }),
          403,
          "relay_target_not_allowed",
        ],
        [forwardRequest(chain, chain.alice, chain.rewards.interface.encodeFunctionData("warmScoredBitmap", [1n])), 403, "relay_function_not_allowed"],
        [forwardRequest(chain, chain.alice, chain.rewards.interface.encodeFunctionData("pause")), 403, "relay_function_not_allowed"],
        [forwardRequest(chain, chain.alice, "0x"), 403, "relay_function_not_allowed"],
        [forwardRequest(chain, chain.alice, submitData(chain, "v"), { value: 1n }), 400, "relay_value_not_allowed"],
        [forwardRequest(chain, chain.alice, submitData(chain, "x") + chain.bob.address.slice(2)), 400, "relay_malformed_calldata"],
        [forwardRequest(chain, chain.alice, submitData(chain, "g"), { gas: 5_000_000n }), 400, "relay_gas_out_of_range"],
      ];
      const before = await sentBy(chain);
      for (const [pending, status, code] of cases) {
        const answer = await node.post({ request: await pending });
        expect([answer.status, answer.json.error.code], code).to.deep.equal([status, code]);
      }
      expect(await sentBy(chain)).to.equal(before);
    });

    it("refuses what would revert with 422 relay_would_revert and names the reason (a signer with no quota)", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain);
      const dave = Wallet.createRandom();
      const request = await forwardRequest(chain, dave, submitData(chain, "sybil"));
      const before = await sentBy(chain);
      const { status, json } = await node.post({ request });
      expect(status).to.equal(422);
      expect(json.error.code).to.equal("relay_would_revert");
      expect(json.error.details.error).to.equal("RewardsQuotaExceeded");
      const claim = await node.post({ request: await forwardRequest(chain, dave, chain.rewards.interface.encodeFunctionData("claim", [dave.address])) });
      expect(claim.json.error.details.error).to.equal("RewardsNothingToClaim");
      expect(await sentBy(chain)).to.equal(before);
    });

    it("refuses malformed bodies with 400 invalid_body, and answers 503 relay_disabled when the node does not relay", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain);
      const request = await forwardRequest(chain, chain.alice, submitData(chain, "shape"));
      for (const body of [{}, { request: { ...request, signature: "0x12" } }, { request, extra: 1 }, { request: { ...request, deadline: "2e9" } }]) {
        const answer = await node.post(body);
        expect([answer.status, answer.json.error.code]).to.deep.equal([400, "invalid_body"]);
      }
      await node.stop();
      node = await startRelayNode(chain, { disabled: true });
      const disabled = await node.post({ request });
      expect([disabled.status, disabled.json.error.code]).to.deep.equal([503, "relay_disabled"]);
    });
  });

  describe("budgets, rate limits and alerts", function () {
    it("stops relaying for a signer whose epoch budget is spent (429, scope signer), and starts again next epoch", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain, { limits: { signerGasPerEpoch: 200_000n } });
      expect((await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "1")) })).status).to.equal(200);
      const before = await sentBy(chain);
      const spent = await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "2")) });
      expect(spent.status).to.equal(429);
      expect(spent.json.error).to.deep.include({ code: "relay_budget_exhausted" });
      expect(spent.json.error.details.scope).to.equal("signer");
      expect(await sentBy(chain)).to.equal(before);
      expect((await node.post({ request: await forwardRequest(chain, chain.bob, submitData(chain, "bob")) })).status).to.equal(200);
      await nextEpoch(chain.rewards);
      expect((await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "3")) })).status).to.equal(200);
    });

    it("reports the total budget spent (503, scope total) and raises the budget alert", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain, { limits: { totalGasPerEpoch: 250_000n } });
      expect((await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "1")) })).status).to.equal(200);
      const spent = await node.post({ request: await forwardRequest(chain, chain.bob, submitData(chain, "2")) });
      expect(spent.status).to.equal(503);
      expect(spent.json.error.details.scope).to.equal("total");
      expect(await node.metric("cashkey_oracle_relay_budget_spent")).to.match(/cashkey_oracle_relay_budget_spent 1$/m);
    });

    it("rate-limits per signer (429 relay_signer_rate_limited) and per client (429 relay_client_rate_limited)", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain, { limits: { signerBurst: 2 } });
      for (let n = 0; n < 2; n++) {
        expect((await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, `a${n}`)) })).status).to.equal(200);
      }
      const limited = await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "a2")) });
      expect([limited.status, limited.json.error.code]).to.deep.equal([429, "relay_signer_rate_limited"]);
      expect((await node.post({ request: await forwardRequest(chain, chain.bob, submitData(chain, "b")) })).status).to.equal(200);
      await node.stop();

      node = await startRelayNode(chain, { relayClientLimit: { clientBurst: 1, clientWindowMs: 3_600_000 } });
      expect((await node.post({ request: await forwardRequest(chain, chain.carol, submitData(chain, "c1")) })).status).to.equal(200);
      const client = await node.post({ request: await forwardRequest(chain, chain.bob, submitData(chain, "b2")) });
      expect([client.status, client.json.error.code]).to.deep.equal([429, "relay_client_rate_limited"]);
    });

    it("does not let forgeries in a victim's name spend the victim's allowance; accepts a badly checksummed address", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain, { limits: { signerBurst: 1 } });
      const forged = await forwardRequest(chain, chain.bob, submitData(chain, "forged"));
      for (let n = 0; n < 3; n++) {
        expect((await node.post({ request: { ...forged, from: chain.alice.address } })).json.error.code).to.equal("relay_invalid_signature");
      }
      const request = await forwardRequest(chain, chain.alice, submitData(chain, "mine"));
      // Flip the case of the address's letters: a wrong checksum, the same account.
      const flipped = `0x${request.from.slice(2).replace(/[a-fA-F]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))}`;
      const answer = await node.post({ request: { ...request, from: flipped } });
      expect(answer.status, JSON.stringify(answer.json)).to.equal(200);
      expect(answer.json.signer).to.equal(chain.alice.address);
    });

    it("raises the low-balance alert when the relayer's balance falls under the threshold", async function () {
      const chain = await loadFixture(relayChainFixture);
      node = await startRelayNode(chain, { limits: { lowBalanceWei: parseEther("100") } });
      expect((await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "1")) })).status).to.equal(200);
      expect(await node.metric("cashkey_oracle_relayer_balance_low")).to.match(/cashkey_oracle_relayer_balance_low 1$/m);
    });
  });
});

describe("oracle relayer with Telegram identity", function () {
  const BOT_TOKEN = "123456:TEST-bot-token-for-cashkey";
  let node: Awaited<ReturnType<typeof startRelayNode>> | undefined;

  afterEach(async function () {
    await node?.stop();
    node = undefined;
  });

  async function launchData(userId: number): Promise<string> {
    return signInitData({ auth_date: String(await time.latest()), user: JSON.stringify({ id: userId, first_name: "U" }) }, BOT_TOKEN);
  }

  async function start(chain: RelayChain, required = true) {
    return startRelayNode(chain, {
      identity: (store) => telegramIdentity({ botToken: BOT_TOKEN, maxAgeSeconds: 3600, required, store, nowSeconds: () => nowSeconds }),
    });
  }

  let nowSeconds = 0;

  it("relays only with valid launch data when identity is required, and ties the account to the user", async function () {
    const chain = await loadFixture(relayChainFixture);
    nowSeconds = await time.latest();
    node = await start(chain);
    const without = await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "1")) });
    expect([without.status, without.json.error.code]).to.deep.equal([401, "relay_identity_required"]);
    const forged = (await launchData(7)).replace(/user=[^&]+/, `user=${encodeURIComponent(JSON.stringify({ id: 8 }))}`);
    const tampered = await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "1")), telegramInitData: forged });
    expect([tampered.status, tampered.json.error.code, tampered.json.error.details.reason]).to.deep.equal([401, "relay_identity_invalid", "bad_hash"]);

    const ok = await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "1")), telegramInitData: await launchData(7) });
    expect(ok.status, JSON.stringify(ok.json)).to.equal(200);
    expect(node.store.telegramAccounts.userOf(chain.alice.address)).to.equal(7);
  });

  it("refuses a second account for the same Telegram user, and another user for a bound account (403 relay_identity_taken)", async function () {
    const chain = await loadFixture(relayChainFixture);
    nowSeconds = await time.latest();
    node = await start(chain);
    const seven = await launchData(7);
    expect((await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "a")), telegramInitData: seven })).status).to.equal(200);
    // The same launch data replayed for another account is the sybil the binding stops.
    const sybil = await node.post({ request: await forwardRequest(chain, chain.bob, submitData(chain, "b")), telegramInitData: seven });
    expect([sybil.status, sybil.json.error.code]).to.deep.equal([403, "relay_identity_taken"]);
    expect(sybil.json.error.message).to.match(/another CashKey wallet: the relayer pays for one wallet per Telegram user/);
    const other = await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "c")), telegramInitData: await launchData(8) });
    expect([other.status, other.json.error.code]).to.deep.equal([403, "relay_identity_taken"]);
    expect(other.json.error.message).to.match(/paid for another Telegram user/);
    expect(node.store.telegramAccounts.accountOf(8)).to.equal(undefined);
    expect(await chain.rewards.submissionCount()).to.equal(1n);
  });

  it("refuses stale launch data, and binds nothing when the call would revert", async function () {
    const chain = await loadFixture(relayChainFixture);
    nowSeconds = (await time.latest()) + 3601;
    node = await start(chain);
    const stale = await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "s")), telegramInitData: await launchData(7) });
    expect([stale.status, stale.json.error.details.reason]).to.deep.equal([401, "stale"]);
    nowSeconds = await time.latest();
    const dave = Wallet.createRandom();
    const reverts = await node.post({ request: await forwardRequest(chain, dave, submitData(chain, "d")), telegramInitData: await launchData(9) });
    expect(reverts.status).to.equal(422);
    expect(node.store.telegramAccounts.accountOf(9)).to.equal(undefined);
  });

  it("relays without launch data when identity is optional", async function () {
    const chain = await loadFixture(relayChainFixture);
    nowSeconds = await time.latest();
    node = await start(chain, false);
    expect((await node.post({ request: await forwardRequest(chain, chain.alice, submitData(chain, "1")) })).status).to.equal(200);
    expect(node.store.telegramAccounts.userOf(chain.alice.address)).to.equal(undefined);
  });
});
