import { expect } from "chai";
import { makeError } from "ethers";
import { backoffDelay } from "../../../oracle/src/backoff";
import { isAlreadyKnownError, isNonceError, isTransientRpcError, sleep } from "../../../oracle/src/chain/rpc";

describe("chain rpc helpers", function () {
  describe("backoffDelay", function () {
    it("doubles from the initial delay up to the cap", function () {
      const options = { initialMs: 100, maxMs: 1_000, random: () => 0 };
      expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n, options))).to.deep.equal([100, 200, 400, 800, 1_000, 1_000, 1_000]);
    });

    it("takes at most the jitter fraction off", function () {
      const options = { initialMs: 100, maxMs: 1_000, jitter: 0.25 };
      expect(backoffDelay(3, { ...options, random: () => 0.999999 })).to.equal(300);
      expect(backoffDelay(3, { ...options, random: () => 0.5 })).to.equal(350);
    });
  });

  describe("error classification", function () {
    it("retries unreachable, overloaded and failing nodes", function () {
      const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
      expect(isTransientRpcError(refused)).to.equal(true);
      expect(isTransientRpcError(makeError("server response 503", "SERVER_ERROR"))).to.equal(true);
      expect(isTransientRpcError(makeError("timeout", "TIMEOUT"))).to.equal(true);
      expect(isTransientRpcError(makeError("x", "UNKNOWN_ERROR", { error: { code: -32005, message: "limit exceeded" } }))).to.equal(true);
      expect(isTransientRpcError(new Error("wrapped", { cause: refused }))).to.equal(true);
    });

    it("does not retry reverts, bad requests or nonce conflicts", function () {
      const revert = makeError("execution reverted", "CALL_EXCEPTION", {
        data: "0x12345678",
        action: "call",
        reason: null,
        transaction: { to: null, data: "0x" },
        invocation: null,
        revert: null,
      });
      expect(isTransientRpcError(revert)).to.equal(false);
      expect(isTransientRpcError(makeError("bad", "INVALID_ARGUMENT", { argument: "x", value: 1 }))).to.equal(false);
      expect(isTransientRpcError(makeError("x", "UNKNOWN_ERROR", { error: { code: -32602, message: "invalid params" } }))).to.equal(false);
      const nonce = makeError("nonce has already been used", "NONCE_EXPIRED", { transaction: {} });
      expect(isTransientRpcError(nonce)).to.equal(false);
      expect(isNonceError(nonce)).to.equal(true);
    });

    it("recognizes nonce and already-known answers of common nodes", function () {
      expect(isNonceError(new Error("Nonce too high. Expected nonce to be 2 but got 4."))).to.equal(true);
      expect(isNonceError(makeError("replacement fee too low", "REPLACEMENT_UNDERPRICED", { transaction: {} }))).to.equal(true);
      expect(isAlreadyKnownError(makeError("x", "UNKNOWN_ERROR", { error: { code: -32000, message: "already known" } }))).to.equal(true);
      expect(isAlreadyKnownError(new Error("insufficient funds"))).to.equal(false);
    });
  });

  describe("sleep", function () {
    it("ends early when its signal aborts", async function () {
      const controller = new AbortController();
      const waiting = sleep(60_000, controller.signal);
      controller.abort();
      await waiting;
    });
  });
});
