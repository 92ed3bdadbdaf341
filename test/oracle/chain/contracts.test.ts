import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { JsonRpcProvider, Network } from "ethers";
import {
  ContractRevertError,
  DeploymentRecordError,
  decodeContractError,
  decodeRevertData,
  openCashKey,
  parseDeploymentRecord,
  readDeploymentRecord,
} from "../../../oracle/src/chain/contracts";
import { Rewards__factory } from "../../../typechain-types";
import { oracleFixture, randomWallet, signedBatchOf, submit } from "./oracleFixture";
import { serveHardhat } from "./rpcProxy";

describe("chain contracts", function () {
  describe("deployment records", function () {
    const valid = {
      chainId: 31337,
      token: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      rewards: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
      governor: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0",
      timelock: "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9",
      deployBlock: 1,
    };

    it("reads deployments/<chainId>.json with checksummed addresses", function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-deployments-"));
      fs.writeFileSync(path.join(dir, "31337.json"), JSON.stringify(valid));

      const record = readDeploymentRecord(dir, 31337);

      expect(record).to.deep.equal({
        ...valid,
        token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        rewards: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        governor: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
        timelock: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
      });
    });

    it("explains a missing file, a wrong chain and a malformed field", function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-deployments-"));
      expect(() => readDeploymentRecord(dir, 31337)).to.throw(DeploymentRecordError, "No deployment for chain 31337");
      fs.writeFileSync(path.join(dir, "1.json"), JSON.stringify(valid));
      expect(() => readDeploymentRecord(dir, 1)).to.throw(DeploymentRecordError, "describes chain 31337, not 1");
      expect(() => parseDeploymentRecord({ ...valid, rewards: "0x12" })).to.throw(
        DeploymentRecordError,
        '"rewards" must be an address (0x and 40 hex digits, EIP-55 checksummed if mixed-case), got "0x12"',
      );
      expect(() => parseDeploymentRecord({ ...valid, deployBlock: -1 })).to.throw(DeploymentRecordError, '"deployBlock" must be a non-negative integer, got -1');
    });
  });

  describe("openCashKey", function () {
    let chain: { url: string; close(): Promise<void> };

    before(async function () {
      chain = await serveHardhat();
    });

    after(async function () {
      await chain.close();
    });

    it("connects typed contracts after checking the chain and the code", async function () {
      const { record } = await loadFixture(oracleFixture);
      const provider = new JsonRpcProvider(chain.url, Network.from(31337), { staticNetwork: true });

      const { rewards, token } = await openCashKey(record, provider);

      expect(await rewards.getAddress()).to.equal(record.rewards);
      expect(await rewards.token()).to.equal(record.token);
      expect(await token.getAddress()).to.equal(record.token);
      provider.destroy();
    });

    it("refuses a record of another chain or without code at the Rewards address", async function () {
      const { record } = await loadFixture(oracleFixture);
      const provider = new JsonRpcProvider(chain.url, Network.from(31337), { staticNetwork: true });

      let wrongChain: unknown;
      await openCashKey({ ...record, chainId: 1 }, provider).catch((e: unknown) => (wrongChain = e));
      let noCode: unknown;
      await openCashKey({ ...record, rewards: randomWallet().address }, provider).catch((e: unknown) => (noCode = e));

      expect(wrongChain).to.be.instanceOf(DeploymentRecordError);
      expect((wrongChain as Error).message).to.contain("serves chain 31337");
      expect(noCode).to.be.instanceOf(DeploymentRecordError);
      expect((noCode as Error).message).to.contain("No contract");
      provider.destroy();
    });
  });

  describe("custom errors", function () {
    const iface = Rewards__factory.createInterface();

    it("decodes revert data into the error's name and named arguments", function () {
      const data = iface.encodeErrorResult("RewardsBatchExpired", [10n, 12n]);

      expect(decodeRevertData(data)).to.deep.equal({
        name: "RewardsBatchExpired",
        signature: "RewardsBatchExpired(uint64,uint256)",
        args: { deadline: 10n, timestamp: 12n },
        message: "RewardsBatchExpired(deadline: 10, timestamp: 12)",
        data,
      });
      expect(decodeRevertData("0xdeadbeef")).to.equal(undefined);
    });

    it("decodes the error of a reverted call wherever ethers put the data", async function () {
      const { rewards, alice, operator } = await loadFixture(oracleFixture);
      const { batch } = await signedBatchOf(rewards, operator, await submit(rewards, alice, 1), { nonce: 3n });

      let error: unknown;
      await rewards.postScores.staticCall(batch.header, [...batch.items], [...batch.signatures]).catch((e: unknown) => (error = e));
      const wrapped = ContractRevertError.from("postScores", error);

      expect(decodeContractError(error)?.message).to.equal("RewardsInvalidNonce(expected: 0, given: 3)");
      expect(decodeContractError({ info: { error: { data: { data: (error as { data: string }).data } } } })?.name).to.equal("RewardsInvalidNonce");
      expect(wrapped.errorName).to.equal("RewardsInvalidNonce");
      expect(wrapped.shortMessage).to.equal("postScores reverted with RewardsInvalidNonce(expected: 0, given: 3).");
      expect(wrapped.cause).to.equal(error);
    });
  });
});
