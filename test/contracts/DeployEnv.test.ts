import { expect } from "chai";
import { getAddress, id as keccakText, parseEther } from "ethers";
import { DeployEnvError, deployOptionsFromEnv } from "../../scripts/lib/deployEnv";

const A = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const B = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const HASH_1 = keccakText("evaluator one");
const HASH_2 = keccakText("evaluator two");

/** Asserts that `env` is refused with a DeployEnvError whose message starts with the variable's name. */
function expectRefused(env: Record<string, string>, variable: string, detail?: string) {
  let error: unknown;
  try {
    deployOptionsFromEnv(env);
  } catch (e) {
    error = e;
  }
  expect(error, `${variable}=${JSON.stringify(env[variable])} was not refused with a DeployEnvError`).to.be.instanceOf(DeployEnvError);
  const message = (error as DeployEnvError).message;
  expect(message.startsWith(`${variable}: `), message).to.equal(true);
  if (detail) expect(message).to.contain(detail);
  expect((error as DeployEnvError).name).to.equal("DeployEnvError");
}

describe("deployOptionsFromEnv", function () {
  describe("with nothing set", function () {
    it("returns no options, so every default applies", function () {
      expect(deployOptionsFromEnv({})).to.deep.equal({});
    });

    it("ignores blank values and unrelated variables", function () {
      expect(deployOptionsFromEnv({ CASHKEY_THRESHOLD: "", CASHKEY_OPERATORS: "  ", PATH: "/usr/bin", THRESHOLD: "3" })).to.deep.equal({});
    });
  });

  describe("address variables", function () {
    it("parses CASHKEY_OPERATORS as a comma-separated list, trimmed", function () {
      expect(deployOptionsFromEnv({ CASHKEY_OPERATORS: ` ${A} ,${B}` })).to.deep.equal({ operators: [A, B] });
    });

    it("accepts lower-case addresses", function () {
      const options = deployOptionsFromEnv({ CASHKEY_OPERATORS: A.toLowerCase() });
      expect(getAddress(options.operators![0])).to.equal(A);
    });

    it("parses CASHKEY_GUARDIAN, CASHKEY_INITIAL_HOLDER and CASHKEY_TREASURY", function () {
      expect(deployOptionsFromEnv({ CASHKEY_GUARDIAN: A, CASHKEY_INITIAL_HOLDER: B, CASHKEY_TREASURY: A })).to.deep.equal({
        guardian: A,
        initialHolder: B,
        treasury: A,
      });
    });

    for (const variable of ["CASHKEY_OPERATORS", "CASHKEY_GUARDIAN", "CASHKEY_INITIAL_HOLDER", "CASHKEY_TREASURY"]) {
      it(`refuses a malformed ${variable}`, function () {
        expectRefused({ [variable]: "0x1234" }, variable, '"0x1234" is not an address');
        expectRefused({ [variable]: `${A},nope` }, variable, '"nope" is not an address');
      });
    }

    for (const variable of ["CASHKEY_GUARDIAN", "CASHKEY_INITIAL_HOLDER", "CASHKEY_TREASURY"]) {
      it(`refuses a list where ${variable} takes one address`, function () {
        expectRefused({ [variable]: `${A},${B}` }, variable);
      });
    }
  });

  describe("integer variables", function () {
    const integers: [string, string][] = [
      ["CASHKEY_THRESHOLD", "threshold"],
      ["CASHKEY_EPOCH_LENGTH", "epochLength"],
      ["CASHKEY_MAX_POINTS", "maxPointsPerSubmission"],
      ["CASHKEY_BASE_QUOTA", "baseQuota"],
      ["CASHKEY_UNSTAKE_COOLDOWN", "unstakeCooldown"],
      ["CASHKEY_TIMELOCK_DELAY", "timelockDelay"],
      ["CASHKEY_VOTING_DELAY", "votingDelay"],
      ["CASHKEY_VOTING_PERIOD", "votingPeriod"],
      ["CASHKEY_QUORUM_PERCENT", "quorumPercent"],
      ["CASHKEY_VOTE_EXTENSION", "voteExtension"],
      ["CASHKEY_BOND_RELEASE_MARGIN", "bondReleaseMargin"],
    ];
    for (const [variable, option] of integers) {
      it(`parses ${variable} into ${option}`, function () {
        expect(deployOptionsFromEnv({ [variable]: " 42 " })).to.deep.equal({ [option]: 42 });
      });

      it(`refuses a malformed ${variable}`, function () {
        for (const bad of ["-1", "1.5", "ten", "0x10", "1e3"]) {
          expectRefused({ [variable]: bad }, variable, "is not a non-negative integer");
        }
      });
    }

    it("refuses a zero CASHKEY_EPOCH_LENGTH", function () {
      expectRefused({ CASHKEY_EPOCH_LENGTH: "0" }, "CASHKEY_EPOCH_LENGTH", "must be positive");
    });

    it("refuses a CASHKEY_QUORUM_PERCENT above 100, and accepts 100", function () {
      expectRefused({ CASHKEY_QUORUM_PERCENT: "101" }, "CASHKEY_QUORUM_PERCENT", "must be at most 100");
      expect(deployOptionsFromEnv({ CASHKEY_QUORUM_PERCENT: "100" })).to.deep.equal({ quorumPercent: 100 });
    });
  });

  describe("CKEY amount variables", function () {
    const amounts: [string, string][] = [
      ["CASHKEY_EPOCH_BUDGET", "epochBudget"],
      ["CASHKEY_MIN_OPERATOR_STAKE", "minOperatorStake"],
      ["CASHKEY_CAP", "cap"],
      ["CASHKEY_INITIAL_SUPPLY", "initialSupply"],
      ["CASHKEY_PROPOSAL_THRESHOLD", "proposalThreshold"],
    ];
    for (const [variable, option] of amounts) {
      it(`parses ${variable} into ${option}, in whole CKEY with decimals`, function () {
        expect(deployOptionsFromEnv({ [variable]: "1500" })).to.deep.equal({ [option]: parseEther("1500") });
        expect(deployOptionsFromEnv({ [variable]: "0.25" })).to.deep.equal({ [option]: parseEther("0.25") });
        expect(deployOptionsFromEnv({ [variable]: "0.000000000000000001" })).to.deep.equal({ [option]: 1n });
      });

      it(`refuses a malformed ${variable}`, function () {
        for (const bad of ["-5", "1e21", "1,000", "lots", ".5"]) {
          expectRefused({ [variable]: bad }, variable, "is not an amount of CKEY");
        }
      });

      it(`refuses a ${variable} finer than 18 decimals, naming it`, function () {
        expectRefused({ [variable]: "1.0000000000000000001" }, variable);
      });
    }
  });

  describe("CASHKEY_EVALUATORS", function () {
    it("parses a comma-separated list of bytes32 hashes", function () {
      expect(deployOptionsFromEnv({ CASHKEY_EVALUATORS: `${HASH_1}, ${HASH_2}` })).to.deep.equal({ evaluators: [HASH_1, HASH_2] });
    });

    it("refuses anything that is not a bytes32 hash", function () {
      expectRefused({ CASHKEY_EVALUATORS: "0x1234" }, "CASHKEY_EVALUATORS", '"0x1234" is not a bytes32 hash');
      expectRefused({ CASHKEY_EVALUATORS: `${HASH_1},heuristic` }, "CASHKEY_EVALUATORS", '"heuristic" is not a bytes32 hash');
    });
  });

  describe("CASHKEY_APPEAL_EVALUATORS", function () {
    it("parses a comma-separated list of bytes32 hashes and refuses anything else", function () {
      expect(deployOptionsFromEnv({ CASHKEY_APPEAL_EVALUATORS: `${HASH_2},${HASH_1}` })).to.deep.equal({ appealEvaluators: [HASH_2, HASH_1] });
      expectRefused({ CASHKEY_APPEAL_EVALUATORS: "heuristic-appeal" }, "CASHKEY_APPEAL_EVALUATORS", '"heuristic-appeal" is not a bytes32 hash');
    });
  });

  describe("CASHKEY_QUOTA_TIERS", function () {
    it("parses STAKE:QUOTA pairs, stake in CKEY", function () {
      expect(deployOptionsFromEnv({ CASHKEY_QUOTA_TIERS: "1000:20, 2500.5 : 100" })).to.deep.equal({
        quotaTiers: [
          { minStake: parseEther("1000"), quota: 20 },
          { minStake: parseEther("2500.5"), quota: 100 },
        ],
      });
    });

    it("refuses a pair that is not STAKE:QUOTA", function () {
      for (const bad of ["1000-20", "1000:", ":20", "1000:20,", "1000:2.5"]) {
        expectRefused({ CASHKEY_QUOTA_TIERS: bad }, "CASHKEY_QUOTA_TIERS", "is not STAKE:QUOTA");
      }
    });

    it("refuses a stake finer than 18 decimals, naming the variable", function () {
      expectRefused({ CASHKEY_QUOTA_TIERS: "1.0000000000000000001:20" }, "CASHKEY_QUOTA_TIERS");
    });
  });

  describe("genesis placement (issue 11, finding 9)", function () {
    it("parses CASHKEY_LOCK_GENESIS as a flag", function () {
      for (const [raw, value] of [
        ["1", true],
        ["true", true],
        ["yes", true],
        ["0", false],
        ["false", false],
        ["NO", false],
      ] as const) {
        expect(deployOptionsFromEnv({ CASHKEY_LOCK_GENESIS: raw })).to.deep.equal({ lockGenesis: value });
      }
      expectRefused({ CASHKEY_LOCK_GENESIS: "maybe" }, "CASHKEY_LOCK_GENESIS", "is not true or false");
    });

    it("parses CASHKEY_GENESIS_VESTING as BENEFICIARY:CKEY:SECONDS entries", function () {
      expect(deployOptionsFromEnv({ CASHKEY_GENESIS_VESTING: `${A}:1000.5:3600, ${B}:7:1` })).to.deep.equal({
        genesisVesting: [
          { beneficiary: A, amount: parseEther("1000.5"), durationSeconds: 3600 },
          { beneficiary: B, amount: parseEther("7"), durationSeconds: 1 },
        ],
      });
    });

    it("refuses an entry that is not BENEFICIARY:CKEY:SECONDS, or zero seconds", function () {
      for (const bad of [`${A}:10`, `0x1234:10:60`, `${A}:ten:60`, `${A}:10:0`]) {
        expectRefused({ CASHKEY_GENESIS_VESTING: bad }, "CASHKEY_GENESIS_VESTING", "is not BENEFICIARY:CKEY:SECONDS");
      }
    });
  });

  it("reads every variable at once", function () {
    const options = deployOptionsFromEnv({
      CASHKEY_OPERATORS: `${A},${B}`,
      CASHKEY_THRESHOLD: "2",
      CASHKEY_EVALUATORS: HASH_1,
      CASHKEY_GUARDIAN: A,
      CASHKEY_EPOCH_LENGTH: "3600",
      CASHKEY_EPOCH_BUDGET: "500",
      CASHKEY_MIN_OPERATOR_STAKE: "10",
      CASHKEY_MAX_POINTS: "77",
      CASHKEY_BASE_QUOTA: "2",
      CASHKEY_QUOTA_TIERS: "5:4",
      CASHKEY_CAP: "1000000",
      CASHKEY_INITIAL_SUPPLY: "1000",
      CASHKEY_INITIAL_HOLDER: B,
      CASHKEY_UNSTAKE_COOLDOWN: "60",
      CASHKEY_TREASURY: B,
      CASHKEY_TIMELOCK_DELAY: "120",
      CASHKEY_VOTING_DELAY: "1",
      CASHKEY_VOTING_PERIOD: "300",
      CASHKEY_PROPOSAL_THRESHOLD: "1",
      CASHKEY_QUORUM_PERCENT: "10",
      CASHKEY_VOTE_EXTENSION: "30",
    });
    expect(options).to.deep.equal({
      operators: [A, B],
      threshold: 2,
      evaluators: [HASH_1],
      guardian: A,
      epochLength: 3600,
      epochBudget: parseEther("500"),
      minOperatorStake: parseEther("10"),
      maxPointsPerSubmission: 77,
      baseQuota: 2,
      quotaTiers: [{ minStake: parseEther("5"), quota: 4 }],
      cap: parseEther("1000000"),
      initialSupply: parseEther("1000"),
      initialHolder: B,
      unstakeCooldown: 60,
      treasury: B,
      timelockDelay: 120,
      votingDelay: 1,
      votingPeriod: 300,
      proposalThreshold: parseEther("1"),
      quorumPercent: 10,
      voteExtension: 30,
    });
  });
});
