/**
 * Helpers for the Rewards contract tests: acting as the Timelock or a contract, raw (unchecked) score
 * items, signature surgery, and a snapshot of the state a refused call must leave untouched.
 */
import hre from "hardhat";
import { impersonateAccount, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Signature, keccak256, parseEther, toUtf8Bytes } from "ethers";
import type { Rewards } from "../../typechain-types";

/** The secp256k1 group order. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A signer for any address (an EOA nobody holds the key of, or a contract), funded for gas. */
export async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await impersonateAccount(address);
  await setBalance(address, parseEther("100"));
  return hre.ethers.getSigner(address);
}

/** The Timelock, the admin of Rewards: every governance setter is called as it. */
export async function asTimelock(timelock: { getAddress(): Promise<string> }): Promise<HardhatEthersSigner> {
  return impersonate(await timelock.getAddress());
}

/** Packs an item without the range checks of `packScoreItem`, to build items the contract must refuse. */
export function rawItem(submissionId: bigint, score: bigint, points: bigint): bigint {
  return (submissionId << 40n) | (score << 32n) | points;
}

/** A distinct content hash per label. */
export function contentHash(label: string): string {
  return keccak256(toUtf8Bytes(label));
}

/** The malleable twin of a valid 65-byte signature: s' = n - s with the recovery bit flipped. */
export function highSTwin(signature: string): string {
  const sig = Signature.from(signature);
  const highS = SECP256K1_N - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return hre.ethers.concat([sig.r, hre.ethers.toBeHex(highS, 32), hre.ethers.toBeHex(v, 1)]);
}

/** What a refused `postScores` must leave as it was. */
export async function scoringState(rewards: Rewards, ids: readonly bigint[], accounts: readonly string[]) {
  const epoch = await rewards.currentEpoch();
  const info = await rewards.epochInfo(epoch);
  return {
    nonce: await rewards.nextBatchNonce(),
    scored: await Promise.all(ids.map((id) => rewards.isScored(id))),
    points: await Promise.all(accounts.map((a) => rewards.pointsOf(a))),
    epochTotalPoints: info.totalPoints,
  };
}
