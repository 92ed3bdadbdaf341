/**
 * CashKeyToken staking against a reference model: random sequences of stake, requestUnstake,
 * withdrawUnstaked, transfer, slash and waiting. After every step the contract must agree with the
 * model on success or the exact error, on every stake record, balance and totalStaked, and must keep
 * staked + pending <= balance for every account.
 */
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseEther } from "ethers";
import { DAY, deployStandard } from "../helpers/cashkey";
import { impersonate } from "../helpers/impersonate";
import type { CashKeyToken } from "../../typechain-types";

const COOLDOWN = 7 * DAY;
// Two actors keep most steps on the same account, where stake, unstake and slash interact.
const ACTORS = 2;
// An explicit gas limit skips estimateGas, so every step mines exactly one block at the timestamp
// the model chose, whether it succeeds or reverts.
const TX = { gasLimit: 1_000_000 };

/**
 * An amount relative to what the step acts on (the unlocked balance for stake and transfer, the
 * active stake for requestUnstake, active + pending for slash), so that random sequences keep hitting
 * the boundaries: quarters of it, all of it, one wei more, or an absolute amount (zero among them).
 */
type Amount = { quarters: number; plusOne: boolean } | { absolute: bigint };

type Command =
  | { kind: "stake"; who: number; amount: Amount }
  | { kind: "requestUnstake"; who: number; amount: Amount }
  | { kind: "withdraw"; who: number }
  | { kind: "transfer"; who: number; to: number; amount: Amount }
  | { kind: "slash"; who: number; amount: Amount }
  | { kind: "wait"; seconds: number };

interface AccountModel {
  balance: bigint;
  staked: bigint;
  pending: bigint;
  unlockAt: bigint;
}

const amountArb: fc.Arbitrary<Amount> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      quarters: fc.integer({ min: 1, max: 4 }),
      plusOne: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      absolute: fc.oneof(fc.constantFrom(0n, 1n), fc.bigInt({ min: 0n, max: parseEther("60000") })),
    }),
  },
);

function resolve(amount: Amount, base: bigint): bigint {
  if ("absolute" in amount) return amount.absolute;
  return (base * BigInt(amount.quarters)) / 4n + (amount.plusOne ? 1n : 0n);
}
const whoArb = fc.integer({ min: 0, max: ACTORS - 1 });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("stake" as const), who: whoArb, amount: amountArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("requestUnstake" as const), who: whoArb, amount: amountArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), who: whoArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("transfer" as const), who: whoArb, to: whoArb, amount: amountArb }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("slash" as const), who: whoArb, amount: amountArb }) },
  {
    weight: 2,
    // Each step also advances one second, so COOLDOWN - 1 lands a withdrawal exactly on unlockAt.
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      seconds: fc.constantFrom(1, DAY, COOLDOWN - 2, COOLDOWN - 1),
    }),
  },
);

/** Alice starts with active and pending stake, Bob with none. */
async function fixture() {
  const deployment = await deployStandard({ unstakeCooldown: COOLDOWN });
  const { token, alice, bob } = deployment;
  await token.connect(alice).stake(parseEther("20000"));
  await token.connect(alice).requestUnstake(parseEther("5000"));
  const timelockAsSigner = await impersonate(await deployment.timelock.getAddress());
  return { ...deployment, timelockAsSigner, actors: [alice, bob] };
}

/** Runs `send` in a block at `timestamp` and checks it reverts with `error`, or succeeds when `error` is undefined. */
async function step(token: CashKeyToken, timestamp: number, send: () => Promise<unknown>, error?: string) {
  await time.setNextBlockTimestamp(timestamp);
  if (error) await expect(send()).to.be.revertedWithCustomError(token, error);
  else await expect(send()).to.not.be.reverted;
}

async function expectAgreement(token: CashKeyToken, actors: HardhatEthersSigner[], model: AccountModel[], totalStaked: bigint) {
  for (const [i, actor] of actors.entries()) {
    const info = await token.stakeInfoOf(actor);
    const balance = await token.balanceOf(actor);
    expect({ balance, staked: info.staked, pending: info.pendingUnstake, unlockAt: info.unlockAt }).to.deep.equal(model[i]);
    expect(info.staked + info.pendingUnstake).to.be.at.most(balance);
    expect(await token.unlockedBalanceOf(actor)).to.equal(balance - info.staked - info.pendingUnstake);
  }
  expect(await token.totalStaked()).to.equal(totalStaked);
}

describe("CashKeyToken staking model", function () {
  it("agrees with the reference model on every random sequence of operations", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 4, maxLength: 20, size: "max" }), async (commands) => {
        const { token, timelockAsSigner, actors } = await loadFixture(fixture);
        const model: AccountModel[] = [];
        for (const actor of actors) {
          const info = await token.stakeInfoOf(actor);
          model.push({
            balance: await token.balanceOf(actor),
            staked: info.staked,
            pending: info.pendingUnstake,
            unlockAt: info.unlockAt,
          });
        }
        let totalStaked = await token.totalStaked();
        let now = await time.latest();
        let waited = 0;

        for (const command of commands) {
          if (command.kind === "wait") {
            waited += command.seconds;
            continue;
          }
          const timestamp = now + 1 + waited;
          now = timestamp;
          waited = 0;
          const a = model[command.who];
          const signer = actors[command.who];

          switch (command.kind) {
            case "stake": {
              const unlocked = a.balance - a.staked - a.pending;
              const amount = resolve(command.amount, unlocked);
              const error = amount === 0n ? "CashKeyTokenZeroAmount" : amount > unlocked ? "CashKeyTokenInsufficientUnlockedBalance" : undefined;
              await step(token, timestamp, () => token.connect(signer).stake(amount, TX), error);
              if (!error) {
                a.staked += amount;
                totalStaked += amount;
              }
              break;
            }
            case "requestUnstake": {
              const amount = resolve(command.amount, a.staked);
              const error = amount === 0n ? "CashKeyTokenZeroAmount" : amount > a.staked ? "CashKeyTokenInsufficientStake" : undefined;
              await step(token, timestamp, () => token.connect(signer).requestUnstake(amount, TX), error);
              if (!error) {
                a.staked -= amount;
                a.pending += amount;
                a.unlockAt = BigInt(timestamp + COOLDOWN);
                totalStaked -= amount;
              }
              break;
            }
            case "withdraw": {
              const error = a.pending === 0n ? "CashKeyTokenNothingToWithdraw" : BigInt(timestamp) < a.unlockAt ? "CashKeyTokenCooldownActive" : undefined;
              await step(token, timestamp, () => token.connect(signer).withdrawUnstaked(TX), error);
              if (!error) {
                a.pending = 0n;
                a.unlockAt = 0n;
              }
              break;
            }
            case "transfer": {
              const b = model[command.to];
              const locked = a.staked + a.pending;
              const amount = resolve(command.amount, a.balance - locked);
              const error =
                locked > 0n && amount > a.balance - locked ? "CashKeyTokenTransferExceedsUnlocked" : amount > a.balance ? "ERC20InsufficientBalance" : undefined;
              await step(token, timestamp, () => token.connect(signer).transfer(actors[command.to], amount, TX), error);
              if (!error) {
                a.balance -= amount;
                b.balance += amount;
              }
              break;
            }
            case "slash": {
              const amount = resolve(command.amount, a.staked + a.pending);
              const error = amount === 0n ? "CashKeyTokenZeroAmount" : amount > a.staked + a.pending ? "CashKeyTokenInsufficientStake" : undefined;
              await step(token, timestamp, () => token.connect(timelockAsSigner).slash(signer, amount, "model", TX), error);
              if (!error) {
                const fromActive = amount < a.staked ? amount : a.staked;
                a.staked -= fromActive;
                a.pending -= amount - fromActive;
                if (a.pending === 0n) a.unlockAt = 0n;
                a.balance -= amount;
                totalStaked -= fromActive;
              }
              break;
            }
          }
          await expectAgreement(token, actors, model, totalStaked);
        }
      }),
      { numRuns: 60 },
    );
  });
});
