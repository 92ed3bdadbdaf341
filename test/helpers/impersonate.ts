/**
 * Acting as a contract in unit tests: impersonate its address with gas money, so a test can call
 * what only the Timelock (admin) or Rewards (minter) may call without running a full proposal.
 */
import hre from "hardhat";
import { impersonateAccount, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseEther } from "ethers";

export async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await impersonateAccount(address);
  await setBalance(address, parseEther("100"));
  return hre.ethers.getSigner(address);
}
