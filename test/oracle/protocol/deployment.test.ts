import { expect } from "chai";
import fc from "fast-check";
import { DeploymentRecordError, DeploymentRecordSchema, parseDeploymentJson, parseDeploymentRecord } from "../../../oracle/src/protocol/deployment";

/** A record as `scripts/deploy.ts` writes it today (Rewards 1.2.0 on: with the forwarder). */
const WRITTEN = `{
  "chainId": 31337,
  "token": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  "rewards": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  "governor": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  "timelock": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
  "forwarder": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
  "deployBlock": 1
}
`;
const RECORD = JSON.parse(WRITTEN) as Record<string, unknown>;

describe("deployment record (deployments/<chainId>.json)", function () {
  it("accepts the file deploy.ts writes, unchanged", function () {
    expect(parseDeploymentJson(WRITTEN, "31337.json")).to.deep.equal(RECORD);
  });

  it("accepts a record written before Rewards 1.2.0, without the forwarder", function () {
    const { forwarder: _forwarder, ...older } = RECORD;
    expect(parseDeploymentRecord(older)).to.deep.equal(older);
    expect(parseDeploymentRecord(older)).to.not.have.property("forwarder");
  });

  it("checksums lowercase addresses and drops keys it does not know", function () {
    const lower = Object.fromEntries(Object.entries(RECORD).map(([k, v]) => [k, typeof v === "string" ? v.toLowerCase() : v]));
    expect(parseDeploymentRecord({ ...lower, note: "written by hand" })).to.deep.equal(RECORD);
  });

  describe("refuses a malformed record with one line naming the file and every bad field", function () {
    const cases: [string, unknown, string][] = [
      ["a bad address", { ...RECORD, rewards: "0x12" }, 'f.json: "rewards" must be an address (0x and 40 hex digits, EIP-55 checksummed if mixed-case), got "0x12".'],
      ["a wrong checksum", { ...RECORD, token: "0x5FbDB2315678afecb367f032d93F642f64180aA3" }, 'f.json: "token" must be an address'],
      [
        "a missing field",
        { ...RECORD, timelock: undefined },
        'f.json: "timelock" must be an address (0x and 40 hex digits, EIP-55 checksummed if mixed-case), got nothing.',
      ],
      ["a bad forwarder", { ...RECORD, forwarder: 42 }, 'f.json: "forwarder" must be an address (0x and 40 hex digits, EIP-55 checksummed if mixed-case), got 42.'],
      ["a chain id of 0", { ...RECORD, chainId: 0 }, 'f.json: "chainId" must be a positive integer, got 0.'],
      ["a chain id as text", { ...RECORD, chainId: "31337" }, 'f.json: "chainId" must be a positive integer, got "31337".'],
      ["a negative deploy block", { ...RECORD, deployBlock: -1 }, 'f.json: "deployBlock" must be a non-negative integer, got -1.'],
      ["a fractional deploy block", { ...RECORD, deployBlock: 1.5 }, 'f.json: "deployBlock" must be a non-negative integer, got 1.5.'],
      ["an unsafe deploy block", { ...RECORD, deployBlock: 2 ** 60 }, 'f.json: "deployBlock" must be a non-negative integer'],
      ["an array", [RECORD], "f.json: is not a JSON object."],
      ["null", null, "f.json: is not a JSON object."],
      [
        "two bad fields",
        { ...RECORD, rewards: "0x12", deployBlock: -1 },
        'f.json: "rewards" must be an address (0x and 40 hex digits, EIP-55 checksummed if mixed-case), got "0x12"; "deployBlock" must be a non-negative integer, got -1.',
      ],
    ];
    for (const [name, value, message] of cases) {
      it(`with ${name}`, function () {
        let caught: unknown;
        try {
          parseDeploymentRecord(value, "f.json");
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(DeploymentRecordError);
        const error = caught as DeploymentRecordError;
        expect(error.message.startsWith(message), error.message).to.equal(true);
        expect(error.message).to.not.include("\n");
      });
    }

    it("with text that is not JSON", function () {
      expect(() => parseDeploymentJson("{", "f.json")).to.throw(DeploymentRecordError, /^f\.json is not valid JSON \(.+\)\.$/);
    });
  });

  it("never lets through a record whose addresses are not 20 bytes (fuzzed)", function () {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^0x[0-9a-fA-F]{0,44}$/)), (rewards) => {
        const parsed = DeploymentRecordSchema.safeParse({ ...RECORD, rewards });
        if (parsed.success)
          expect(parsed.data.rewards.toLowerCase())
            .to.equal(rewards.toLowerCase())
            .and.to.match(/^0x[0-9a-f]{40}$/);
      }),
    );
  });
});
