/**
 * Relayer gas benchmark: `npx hardhat run scripts/bench/relayGas.ts`.
 *
 * Deploys CashKey through `deployCashKey` on the in-process Hardhat network and compares, from
 * receipts, what an author pays for `submit` and `claim` directly with what a relayer pays for the
 * same call through `CashKeyForwarder.execute` (an ERC-2771 request signed by the author). Prints a
 * markdown table for docs/BENCHMARKS.md ("Relayed submissions").
 */
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, parseEther, toUtf8Bytes } from "ethers";
import { deployCashKey } from "../deploy";
import { forwarderDomain, signForwardRequest } from "../../oracle/src/protocol/forwardRequest";

async function main() {
  const { ethers } = hre;
  const [deployer, author, relayer, other] = await ethers.getSigners();
  const d = await deployCashKey(hre, { deployer, operators: [deployer.address], threshold: 1, minOperatorStake: 0n, writeDeployment: false, baseQuota: 0 });
  for (const who of [author, other]) {
    await d.token.connect(deployer).transfer(who.address, parseEther("2000"));
    await d.token.connect(who).stake(parseEther("1000"));
  }
  await time.increase(Number(await d.rewards.epochLength()));
  const { chainId } = await ethers.provider.getNetwork();
  const domain = forwarderDomain(chainId, await d.forwarder.getAddress());
  const rewardsAddress = await d.rewards.getAddress();
  const relayed = async (data: string) => {
    const request = await signForwardRequest(author, domain, {
      from: author.address,
      to: rewardsAddress,
      value: 0n,
      gas: 200_000n,
      nonce: await d.forwarder.nonces(author.address),
      deadline: BigInt(await time.latest()) + 3600n,
      data,
    });
    return (await (await d.forwarder.connect(relayer).execute(request)).wait())!.gasUsed;
  };
  const direct = async (label: string) => (await (await d.rewards.connect(other).submit(keccak256(toUtf8Bytes(label)), 1)).wait())!.gasUsed;
  const submitData = (label: string) => d.rewards.interface.encodeFunctionData("submit", [keccak256(toUtf8Bytes(label)), 1]);

  const rows: [string, bigint, bigint][] = [
    ["submit, first in the epoch", await direct("d1"), await relayed(submitData("r1"))],
    ["submit, later in the epoch", await direct("d2"), await relayed(submitData("r2"))],
  ];
  console.log("| call | direct (author pays) | relayed (relayer pays, `execute`) | overhead |");
  console.log("|---|---:|---:|---:|");
  for (const [name, a, b] of rows) console.log(`| ${name} | ${a} | ${b} | ${b - a} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
