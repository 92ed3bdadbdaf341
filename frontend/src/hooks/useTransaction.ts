/**
 * One write: preflight (`simulateContract`, so a revert is decoded before the wallet is asked), sign,
 * wait for the receipt, refresh every chain read. Refuses to start on a wrong network or without a wallet.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type Abi, type Address, type Hash, type TransactionReceipt, encodeFunctionData, getAddress } from "viem";
import { useConfig } from "wagmi";
import { getBalance, getBlock, getGasPrice, readContract, signTypedData, simulateContract, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import { forwarderAbi } from "../generated/abis";
import { gasPayer, relayCall } from "../wallet/relay";
import { useRuntimeConfig } from "../config/context";
import { describeError } from "../lib/errors";
import { telegramInitData } from "../lib/telegramInitData";
import { CHAIN_QUERY, useAccountState } from "./useChain";

export type TransactionPhase = "idle" | "signing" | "pending" | "confirmed" | "failed";

export interface TransactionState {
  phase: TransactionPhase;
  label?: string;
  hash?: Hash;
  message?: string;
  /** Who paid the gas when the oracle's relayer sent it (gasless submit and claim). */
  paidBy?: Address;
}

/** The Rewards functions the oracle's relayer sends for free (ERC-2771). */
const RELAYABLE = new Set(["submit", "claim"]);
/** A generous gas figure for the affordability check (a first submission of an epoch uses ~107,000). */
const RELAYABLE_GAS = 150_000n;
/** Set to "1" to have the relayer pay even when the account could. */
export const PREFER_RELAYER_KEY = "cashkey.preferRelayer";

export interface ContractWrite {
  address: Address;
  abi: Abi | readonly unknown[];
  functionName: string;
  args?: readonly unknown[];
}

export function useTransaction() {
  const wagmiConfig = useConfig();
  const runtime = useRuntimeConfig();
  const queryClient = useQueryClient();
  const account = useAccountState();
  const [state, setState] = useState<TransactionState>({ phase: "idle" });

  async function send(label: string, write: ContractWrite): Promise<TransactionReceipt | undefined> {
    if (!account.connected || !account.address) {
      setState({ phase: "failed", label, message: "Connect a wallet first." });
      return undefined;
    }
    if (account.wrongNetwork) {
      setState({ phase: "failed", label, message: `Your wallet is on another network: switch to chain ${runtime.chainId} first.` });
      return undefined;
    }
    setState({ phase: "signing", label });
    try {
      // Simulate against the block the transaction will land in: at "latest" a vote or a proposal right
      // after a delegation would see the clock of the delegation's own block and fail where the real one passes.
      const call = { ...write, account: account.address, chainId: runtime.chainId, blockTag: "pending" } as Parameters<typeof simulateContract>[1];
      const { request } = await simulateContract(wagmiConfig, call);
      const forwarder = runtime.contracts.forwarder;
      if (forwarder && RELAYABLE.has(write.functionName) && getAddress(write.address) === runtime.contracts.rewards) {
        const [balanceWei, maxFeePerGasWei] = await Promise.all([
          getBalance(wagmiConfig, { address: account.address, chainId: runtime.chainId }).then((b) => b.value),
          getGasPrice(wagmiConfig, { chainId: runtime.chainId }),
        ]);
        const payer = gasPayer({
          balanceWei,
          maxFeePerGasWei,
          gasEstimate: RELAYABLE_GAS,
          preferRelayer: globalThis.localStorage?.getItem(PREFER_RELAYER_KEY) === "1",
          relayerAvailable: true,
        });
        if (payer === "relayer") return await sendRelayed(label, write, account.address, forwarder);
      }
      const hash = await writeContract(wagmiConfig, request as Parameters<typeof writeContract>[1]);
      setState({ phase: "pending", label, hash });
      const receipt = await waitForTransactionReceipt(wagmiConfig, { hash, chainId: runtime.chainId });
      if (receipt.status !== "success") {
        setState({ phase: "failed", label, hash, message: "The transaction reverted on-chain." });
        return undefined;
      }
      setState({ phase: "confirmed", label, hash });
      await queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] });
      return receipt;
    } catch (error) {
      setState({ phase: "failed", label, message: describeError(error) });
      return undefined;
    }
  }

  /** Signs an ERC-2771 request and has the oracle's relayer send it; the state names who paid. */
  async function sendRelayed(label: string, write: ContractWrite, from: Address, forwarder: Address): Promise<TransactionReceipt | undefined> {
    const [nonce, block] = await Promise.all([
      readContract(wagmiConfig, { address: forwarder, abi: forwarderAbi, functionName: "nonces", args: [from], chainId: runtime.chainId }),
      getBlock(wagmiConfig, { chainId: runtime.chainId }),
    ]);
    const relayed = await relayCall({
      account: from,
      chainId: runtime.chainId,
      forwarder,
      rewards: runtime.contracts.rewards,
      data: encodeFunctionData({ abi: write.abi as Abi, functionName: write.functionName, args: write.args ?? [] }),
      nonce: nonce as bigint,
      nowSeconds: block.timestamp,
      signTypedData: (typedData) => signTypedData(wagmiConfig, { account: from, ...typedData }),
      oracleUrl: runtime.oracleUrl,
      telegramInitData: telegramInitData(),
    });
    setState({ phase: "pending", label, hash: relayed.txHash, paidBy: relayed.relayer });
    const receipt = await waitForTransactionReceipt(wagmiConfig, { hash: relayed.txHash, chainId: runtime.chainId });
    setState({ phase: "confirmed", label, hash: relayed.txHash, paidBy: relayed.relayer });
    await queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] });
    return receipt;
  }

  return { state, send, busy: state.phase === "signing" || state.phase === "pending", reset: () => setState({ phase: "idle" }) };
}
