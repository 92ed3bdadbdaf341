/**
 * The one module that touches `@chainlink/functions-toolkit` and the ethers v5 it is built on; the
 * rest of the project stays on ethers v6 and sees only strings, bigints and plain ABIs here.
 *
 * What it offers: the Functions router and coordinator deployed on any chain reachable through an
 * EIP-1193 provider (the toolkit's `deployFunctionsOracle`, the way its local testnet works, but on
 * our Hardhat chain), subscription management, cost estimates, request decoding and the
 * `simulateScript` runner (Deno from the npm `deno` package).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { SubscriptionManager, deployFunctionsOracle, simulateScript, simulatedDonId, simulatedRouterConfig } from "@chainlink/functions-toolkit";
import { FunctionsCoordinatorTestHelperSource, FunctionsRouterSource } from "@chainlink/functions-toolkit/dist/v1_contract_sources";

/** The ethers v5 the toolkit resolves (npm keeps it nested under the toolkit; ours is v6). */
const requireFromToolkit = createRequire(require.resolve("@chainlink/functions-toolkit"));
const ethersV5 = requireFromToolkit("ethers") as typeof import("@chainlink/functions-toolkit/node_modules/ethers");
const cbor = requireFromToolkit("cbor") as { decodeAllSync(input: Buffer): unknown[] };

/** Anything that answers JSON-RPC requests: `hre.network.provider`, or an HTTP endpoint wrapped. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** A Functions deployment: what a consumer and a fulfiller need to know. */
export interface FunctionsDeployment {
  router: string;
  coordinator: string;
  linkToken: string;
  /** The DON id as text (the toolkit's) and as the bytes32 the router takes. */
  donId: string;
  donIdBytes32: string;
  /** The largest callback gas limit the router allows. */
  maxCallbackGasLimit: number;
}

/** The local coordinator's ABI (its `OracleRequest` event and the test helper's `callReport`). */
export const COORDINATOR_ABI = FunctionsCoordinatorTestHelperSource.abi as readonly object[];

/** The router's ABI (its `RequestProcessed` event carries each fulfilment's cost). */
export const ROUTER_ABI = FunctionsRouterSource.abi as readonly object[];

function signerOf(provider: Eip1193Provider, account: string) {
  return new ethersV5.providers.Web3Provider(provider as never).getSigner(account);
}

/** Deploys LINK, price feeds, the Functions router, a coordinator and an allowlist, as `account`. */
export async function deployLocalFunctions(provider: Eip1193Provider, account: string): Promise<FunctionsDeployment> {
  const contracts = await deployFunctionsOracle(signerOf(provider, account) as never);
  return {
    router: contracts.functionsRouterContract.address,
    coordinator: contracts.functionsMockCoordinatorContract.address,
    linkToken: contracts.linkTokenContract.address,
    donId: contracts.donId,
    donIdBytes32: ethersV5.utils.formatBytes32String(contracts.donId),
    maxCallbackGasLimit: Math.max(...simulatedRouterConfig.maxCallbackGasLimits),
  };
}

/** The DON id of the toolkit's local deployment, as bytes32. */
export const LOCAL_DON_ID_BYTES32 = ethersV5.utils.formatBytes32String(simulatedDonId);

function subscriptionManager(provider: Eip1193Provider, account: string, functions: FunctionsDeployment) {
  return new SubscriptionManager({
    signer: signerOf(provider, account) as never,
    linkTokenAddress: functions.linkToken,
    functionsRouterAddress: functions.router,
  });
}

/** Creates a subscription owned by `account`, adds `consumer` and funds it with `juels` of LINK. */
export async function createFundedSubscription(
  provider: Eip1193Provider,
  account: string,
  functions: FunctionsDeployment,
  consumer: string,
  juels: bigint,
): Promise<bigint> {
  const manager = subscriptionManager(provider, account, functions);
  await manager.initialize();
  const subscriptionId = await manager.createSubscription({ consumerAddress: consumer });
  if (juels > 0n) await manager.fundSubscription({ subscriptionId, juelsAmount: juels });
  return BigInt(subscriptionId);
}

/** The subscription's LINK balance, in juels. */
export async function subscriptionBalance(provider: Eip1193Provider, account: string, functions: FunctionsDeployment, subscriptionId: bigint): Promise<bigint> {
  const manager = subscriptionManager(provider, account, functions);
  await manager.initialize();
  const info = await manager.getSubscriptionInfo(subscriptionId);
  return BigInt(info.balance.toString());
}

/** The coordinator's estimate of one request's cost, in juels, at `gasPriceWei`. */
export async function estimateRequestCost(
  provider: Eip1193Provider,
  account: string,
  functions: FunctionsDeployment,
  subscriptionId: bigint,
  callbackGasLimit: number,
  gasPriceWei: bigint,
): Promise<bigint> {
  const manager = subscriptionManager(provider, account, functions);
  await manager.initialize();
  return manager.estimateFunctionsRequestCost({ donId: functions.donId, subscriptionId, callbackGasLimit, gasPriceWei });
}

/** A Functions request as the DON sees it. */
export interface DecodedRequest {
  source: string;
  args: string[];
}

/** Decodes the CBOR request data of an `OracleRequest` event (inline JavaScript, string args). */
export function decodeRequestData(dataHex: string): DecodedRequest {
  const fields = cbor.decodeAllSync(Buffer.from(dataHex.replace(/^0x/, ""), "hex"));
  const request: DecodedRequest = { source: "", args: [] };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "source") request.source = String(fields[i + 1]);
    if (fields[i] === "args") request.args = (fields[i + 1] as unknown[]).map(String);
  }
  return request;
}

/** Functions' limits, as the toolkit simulates them (its defaults are the DON's). */
export interface SimulationLimits {
  maxOnChainResponseBytes?: number;
  maxExecutionTimeMs?: number;
  numAllowedQueries?: number;
  maxQueryRequestBytes?: number;
  maxQueryResponseBytes?: number;
}

/** What a simulated DON node answered: the response bytes, or an error string. */
export interface SimulationResult {
  response?: string;
  error?: string;
  log: string;
}

/** Makes the npm package's Deno binary the `deno` that `simulateScript` spawns. */
function ensureDenoOnPath(): void {
  // The native binary sits in the package folder once its postinstall ran (allowScripts); else the
  // npm bin shim starts it.

  const packageDir = path.dirname(require.resolve("deno/package.json"));
  const denoBin = fs.existsSync(path.join(packageDir, "deno")) ? packageDir : path.join(packageDir, "..", ".bin");
  const entries = (process.env.PATH ?? "").split(path.delimiter);
  if (!entries.includes(denoBin)) process.env.PATH = [denoBin, ...entries].join(path.delimiter);
}

/** Runs a Functions source once under Deno with the DON's limits (or `limits`). */
export async function simulateSource(source: string, args: string[], limits: SimulationLimits = {}): Promise<SimulationResult> {
  ensureDenoOnPath();
  const result = await simulateScript({ source, args, ...limits });
  return { response: result.responseBytesHexstring, error: result.errorString, log: result.capturedTerminalOutput ?? "" };
}
