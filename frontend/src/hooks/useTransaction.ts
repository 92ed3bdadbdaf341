/**
 * One write: preflight (`simulateContract`, so a revert is decoded before anything else happens), a
 * review step (what will happen, the network fee, who pays: the wallet or the oracle's relayer), an
 * optional preparation once confirmed (the submit's upload), sign, wait for the receipt, refresh every
 * chain read. Refuses to start on a wrong network or without a wallet, and refuses a second send while
 * one is in flight (no double submits). Every send is recorded for the toasts and the activity panel.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { type Abi, type Address, type Hash, type TransactionReceipt, encodeFunctionData, getAddress } from "viem";
import { useConfig } from "wagmi";
import { estimateGas, getBalance, getBlock, getGasPrice, readContract, signTypedData, simulateContract, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import { forwarderAbi } from "../generated/abis";
import { gasPayer, relayCall } from "../wallet/relay";
import { useRuntimeConfig } from "../config/context";
import { startActivity, updateActivity } from "../lib/activity";
import { describeError } from "../lib/errors";
import { telegramInitData } from "../lib/telegramInitData";
import { CHAIN_QUERY, useAccountState } from "./useChain";

export type TransactionPhase = "idle" | "checking" | "review" | "signing" | "pending" | "confirmed" | "failed";

/** What the review step shows before anything is signed. */
export interface TransactionReview {
  /** What will happen, in words. */
  summary: string;
  /** Who pays the network fee. */
  payer: "wallet" | "relayer";
  /** The estimated fee in wei when the wallet pays (undefined when it could not be estimated). */
  feeWei?: bigint;
}

export interface TransactionState {
  phase: TransactionPhase;
  label?: string;
  hash?: Hash;
  message?: string;
  /** Who paid the gas when the oracle's relayer sent it (gasless submit and claim). */
  paidBy?: Address;
  review?: TransactionReview;
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

export interface SendOptions {
  /** What will happen, in words, for the review step (the label alone when absent). */
  summary?: string;
  /** Runs once the user confirms, before the wallet signs (the submit's upload); a string aborts the send with that message. */
  prepare?: () => Promise<string | undefined>;
}

export function useTransaction() {
  const wagmiConfig = useConfig();
  const runtime = useRuntimeConfig();
  const queryClient = useQueryClient();
  const account = useAccountState();
  const [state, setState] = useState<TransactionState>({ phase: "idle" });
  const inFlight = useRef(false);
  const decide = useRef<(confirmed: boolean) => void>(undefined);

  async function send(label: string, write: ContractWrite, options: SendOptions = {}): Promise<TransactionReceipt | undefined> {
    if (!account.connected || !account.address) {
      setState({ phase: "failed", label, message: "Connect a wallet first." });
      return undefined;
    }
    if (account.wrongNetwork) {
      setState({ phase: "failed", label, message: `Your wallet is on another network: switch to chain ${runtime.chainId} first.` });
      return undefined;
    }
    if (inFlight.current) return undefined;
    inFlight.current = true;
    let activity: number | undefined;
    const fail = (message: string, hash?: Hash) => {
      setState({ phase: "failed", label, message, hash });
      if (activity !== undefined) updateActivity(activity, { phase: "failed", message, hash });
      return undefined;
    };
    try {
      setState({ phase: "checking", label });
      // Simulate against the block the transaction will land in: at "latest" a vote or a proposal right
      // after a delegation would see the clock of the delegation's own block and fail where the real one passes.
      const call = { ...write, account: account.address, chainId: runtime.chainId, blockTag: "pending" } as Parameters<typeof simulateContract>[1];
      const { request } = await simulateContract(wagmiConfig, call);
      const data = encodeFunctionData({ abi: write.abi as Abi, functionName: write.functionName, args: write.args ?? [] });
      const forwarder = runtime.contracts.forwarder;
      const [balanceWei, gasPriceWei] = await Promise.all([
        getBalance(wagmiConfig, { address: account.address, chainId: runtime.chainId }).then((b) => b.value),
        getGasPrice(wagmiConfig, { chainId: runtime.chainId }),
      ]);
      let payer: TransactionReview["payer"] = "wallet";
      if (forwarder && RELAYABLE.has(write.functionName) && getAddress(write.address) === runtime.contracts.rewards) {
        const decided = gasPayer({
          balanceWei,
          maxFeePerGasWei: gasPriceWei,
          gasEstimate: RELAYABLE_GAS,
          preferRelayer: globalThis.localStorage?.getItem(PREFER_RELAYER_KEY) === "1",
          relayerAvailable: true,
        });
        if (decided === "relayer") payer = "relayer";
      }
      let feeWei: bigint | undefined;
      if (payer === "wallet") {
        feeWei = await estimateGas(wagmiConfig, { account: account.address, to: write.address, data, chainId: runtime.chainId })
          .then((gas) => gas * gasPriceWei)
          .catch(() => undefined);
      }

      const confirmed = await new Promise<boolean>((resolve) => {
        decide.current = resolve;
        setState({ phase: "review", label, review: { summary: options.summary ?? label, payer, feeWei } });
      });
      decide.current = undefined;
      if (!confirmed) {
        setState({ phase: "idle" });
        return undefined;
      }

      setState({ phase: "signing", label });
      activity = startActivity(label);
      if (options.prepare) {
        const refused = await options.prepare();
        if (refused) return fail(refused);
      }
      if (payer === "relayer" && forwarder) return await sendRelayed(label, data, account.address, forwarder, activity);
      const hash = await writeContract(wagmiConfig, request as Parameters<typeof writeContract>[1]);
      setState({ phase: "pending", label, hash });
      updateActivity(activity, { phase: "pending", hash });
      const receipt = await waitForTransactionReceipt(wagmiConfig, { hash, chainId: runtime.chainId });
      if (receipt.status !== "success") return fail("The transaction reverted on-chain.", hash);
      setState({ phase: "confirmed", label, hash });
      updateActivity(activity, { phase: "confirmed", hash });
      await queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] });
      return receipt;
    } catch (error) {
      return fail(describeError(error));
    } finally {
      inFlight.current = false;
      decide.current = undefined;
    }
  }

  /** Signs an ERC-2771 request and has the oracle's relayer send it; the state names who paid. */
  async function sendRelayed(label: string, data: `0x${string}`, from: Address, forwarder: Address, activity: number): Promise<TransactionReceipt | undefined> {
    const [nonce, block] = await Promise.all([
      readContract(wagmiConfig, { address: forwarder, abi: forwarderAbi, functionName: "nonces", args: [from], chainId: runtime.chainId }),
      getBlock(wagmiConfig, { chainId: runtime.chainId }),
    ]);
    const relayed = await relayCall({
      account: from,
      chainId: runtime.chainId,
      forwarder,
      rewards: runtime.contracts.rewards,
      data,
      nonce: nonce as bigint,
      nowSeconds: block.timestamp,
      signTypedData: (typedData) => signTypedData(wagmiConfig, { account: from, ...typedData }),
      oracleUrl: runtime.oracleUrl,
      telegramInitData: telegramInitData(),
    });
    setState({ phase: "pending", label, hash: relayed.txHash, paidBy: relayed.relayer });
    updateActivity(activity, { phase: "pending", hash: relayed.txHash, paidBy: relayed.relayer });
    const receipt = await waitForTransactionReceipt(wagmiConfig, { hash: relayed.txHash, chainId: runtime.chainId });
    if (receipt.status !== "success") {
      setState({ phase: "failed", label, hash: relayed.txHash, paidBy: relayed.relayer, message: "The transaction reverted on-chain." });
      updateActivity(activity, { phase: "failed", hash: relayed.txHash, message: "The transaction reverted on-chain." });
      return undefined;
    }
    setState({ phase: "confirmed", label, hash: relayed.txHash, paidBy: relayed.relayer });
    updateActivity(activity, { phase: "confirmed", hash: relayed.txHash, paidBy: relayed.relayer });
    await queryClient.invalidateQueries({ queryKey: [CHAIN_QUERY] });
    return receipt;
  }

  return {
    state,
    send,
    /** True from the first check until the receipt: the forms disable their buttons. */
    busy: state.phase === "checking" || state.phase === "review" || state.phase === "signing" || state.phase === "pending",
    /** The review step's answer. */
    confirm: () => decide.current?.(true),
    cancel: () => decide.current?.(false),
    reset: () => setState({ phase: "idle" }),
  };
}

export type Transaction = ReturnType<typeof useTransaction>;
