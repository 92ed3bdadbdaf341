import { expect } from "chai";
import { CashKeyError } from "../../../oracle/src/errors";
import { EvaluationFailedError, InvalidEvaluationInputError } from "../../../oracle/src/eval/errors";

describe("CashKeyError", function () {
  it("builds its message from the short message, meta lines and details", function () {
    const error = new CashKeyError("Something failed.", { metaMessages: ["Step: load"], details: "disk full" });
    expect(error.name).to.equal("CashKeyError");
    expect(error.shortMessage).to.equal("Something failed.");
    expect(error.message).to.equal("Something failed.\n\nStep: load\n\nDetails: disk full");
  });

  it("keeps the cause, takes its message as details, and walks the chain", function () {
    const root = new Error("ECONNRESET");
    const middle = new InvalidEvaluationInputError("Bad input.", { cause: root });
    const top = new EvaluationFailedError("Gave up.", { reason: "unavailable", attempts: 3, cause: middle });
    expect(middle.details).to.equal("ECONNRESET");
    expect(top.details).to.equal("ECONNRESET");
    expect(top.cause).to.equal(middle);
    expect(top.walk()).to.equal(root);
    expect(top.walk((e) => e instanceof InvalidEvaluationInputError)).to.equal(middle);
    expect(top.walk((e) => e instanceof RangeError)).to.equal(undefined);
    expect(top).to.be.instanceOf(CashKeyError).and.instanceOf(Error);
    expect(top.name).to.equal("EvaluationFailedError");
  });

  it("marks evaluation failures retriable unless the request was refused", function () {
    expect(new EvaluationFailedError("x", { reason: "invalid_output", attempts: 1 }).retriable).to.equal(true);
    expect(new EvaluationFailedError("x", { reason: "unavailable", attempts: 1 }).retriable).to.equal(true);
    expect(new EvaluationFailedError("x", { reason: "rejected", attempts: 1 }).retriable).to.equal(false);
    expect(new EvaluationFailedError("x", { reason: "rejected", attempts: 2 }).message).to.include("Attempts: 2");
  });
});
