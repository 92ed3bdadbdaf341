/**
 * One write: preflight (`simulateContract`, so a revert is decoded before the wallet is asked), sign,
 * wait for the receipt, refresh every chain read. Refuses to start on a wrong network or without a wallet.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Abi, Address, Hash, TransactionReceipt } from "viem";
import { useConfig } from "wagmi";
import { simulateContract, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import { useRuntimeConfig } from "../config/context";
import { describeError } from "../lib/errors";
import { CHAIN_QUERY, useAccountState } from "./useChain";

export type TransactionPhase = "idle" | "signing" | "pending" | "confirmed" | "failed";

export interface TransactionState {
  phase: TransactionPhase;
  label?: string;
  hash?: Hash;
  message?: string;
}

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

  return { state, send, busy: state.phase === "signing" || state.phase === "pending", reset: () => setState({ phase: "idle" }) };
}
