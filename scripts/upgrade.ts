/**
 * Prepares the governance proposal that upgrades one of CashKey's proxies. It proposes nothing
 * itself: every upgrade is a proposal that token holders vote on and the Timelock executes.
 *
 *   CONTRACT=Rewards NEW_IMPL=RewardsV2 [CALL=initializeV3] [ARGS='["motto"]'] \
 *     npx hardhat run scripts/upgrade.ts --network <name>
 *
 * Environment:
 *   CONTRACT         The proxy to upgrade: Rewards, CashKeyToken, CashKeyGovernor or CashKeyTimelock
 *                    (also Token, Governor, Timelock, or the lower-case keys of the deployment record).
 *   NEW_IMPL         The contract name of the new implementation (a compiled artifact).
 *   CALL             Optional. A function of the new implementation to run in the upgrade
 *                    (`upgradeToAndCall`), typically its `reinitializer`.
 *   ARGS             Optional. CALL's arguments as a JSON array (default `[]`). Integers may be given
 *                    as decimal strings.
 *   DESCRIPTION      Optional. The proposal description (default: names the contract, the new
 *                    implementation, its address and the call). It is part of the proposal id.
 *   CURRENT_IMPL     Optional. The contract name of the implementation deployed now (default: the
 *                    contract's own name). Used only to import the proxy into the OpenZeppelin
 *                    network manifest when that manifest does not know it (a fresh checkout).
 *   DEPLOYMENTS_DIR  Optional. Where `<chainId>.json` is read (default: <project>/deployments).
 *   CONSTRUCTOR_ARGS Optional. The new implementation's constructor arguments as a JSON array. Default
 *                    for an implementation whose constructor takes the ERC-2771 forwarder (Rewards
 *                    1.2.0 on): the record's `forwarder`; when the record has none (deployed before
 *                    1.2.0), a `CashKeyForwarder` is deployed and written into the record.
 *
 * Steps: read deployments/<chainId>.json; import the proxy into the plugin's manifest if missing;
 * validate the new implementation against the deployed one (upgrade safety and storage layout);
 * deploy it (`upgrades.prepareUpgrade`, a no-op when the same bytecode is already deployed); print the
 * proposal (targets, values, calldatas, description and the proposal id as the Governor computes
 * it with `hashProposal`) as JSON. Submit it with `governor.propose(targets, values, calldatas,
 * description)` from an account above the proposal threshold.
 */
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Interface, getAddress, keccak256, toUtf8Bytes } from "ethers";
import { Manifest } from "@openzeppelin/upgrades-core";
import { type DeploymentRecord, readDeploymentRecord, writeDeploymentRecord } from "./deploy";

/** Bad input: the message is one line, fit to print as is. */
export class UpgradeInputError extends Error {
  override name = "UpgradeInputError";
}

type RecordKey = "token" | "rewards" | "governor" | "timelock";

/** The upgradeable contracts, by their contract name, with the deployment record key of their proxy. */
const CONTRACTS: Record<string, RecordKey> = {
  Rewards: "rewards",
  CashKeyToken: "token",
  CashKeyGovernor: "governor",
  CashKeyTimelock: "timelock",
};

const ALIASES: Record<string, string> = {
  rewards: "Rewards",
  token: "CashKeyToken",
  Token: "CashKeyToken",
  governor: "CashKeyGovernor",
  Governor: "CashKeyGovernor",
  timelock: "CashKeyTimelock",
  Timelock: "CashKeyTimelock",
};

const UUPS = new Interface(["function upgradeToAndCall(address newImplementation, bytes data) payable"]);

export interface UpgradeRequest {
  /** Contract name (or alias) of the proxy to upgrade. */
  contract: string;
  /** Contract name of the new implementation. */
  newImplementation: string;
  /** Function of the new implementation to call during the upgrade. */
  call?: string;
  /** Arguments of `call`. */
  args?: unknown[];
  /** Proposal description; a default names the upgrade. */
  description?: string;
  /** Contract name of the implementation deployed now, for importing an unknown proxy. */
  currentImplementation?: string;
  /** Where `<chainId>.json` lives. Default: <project>/deployments. */
  deploymentsDir?: string;
  /** Constructor arguments of the new implementation (immutables). Default: see CONSTRUCTOR_ARGS. */
  constructorArgs?: unknown[];
}

export interface UpgradeProposal {
  chainId: number;
  /** Canonical contract name of the upgraded proxy. */
  contract: string;
  proxy: string;
  governor: string;
  currentImplementation: string;
  newImplementation: { name: string; address: string };
  /** Whether the proxy had to be imported into the plugin's network manifest first. */
  imported: boolean;
  /** The constructor arguments the new implementation was deployed with. */
  constructorArgs: unknown[];
  /** The forwarder deployed (and recorded) for this upgrade, when the record had none. */
  deployedForwarder?: string;
  proposal: {
    targets: string[];
    values: bigint[];
    calldatas: string[];
    description: string;
    descriptionHash: string;
    proposalId: bigint;
  };
}

/** The canonical contract name for `name`, or an UpgradeInputError. */
export function resolveContract(name: string): string {
  const canonical = CONTRACTS[name] ? name : ALIASES[name];
  if (!canonical) {
    throw new UpgradeInputError(`unknown CONTRACT "${name}": expected one of ${Object.keys(CONTRACTS).join(", ")}`);
  }
  return canonical;
}

/** Reads the request from `CONTRACT`, `NEW_IMPL`, `CALL`, `ARGS`, `DESCRIPTION`, `CURRENT_IMPL`, `DEPLOYMENTS_DIR`, `CONSTRUCTOR_ARGS`. */
export function upgradeRequestFromEnv(env: Record<string, string | undefined>): UpgradeRequest {
  const contract = env.CONTRACT?.trim();
  const newImplementation = env.NEW_IMPL?.trim();
  if (!contract) throw new UpgradeInputError("CONTRACT is required (e.g. CONTRACT=Rewards)");
  if (!newImplementation) throw new UpgradeInputError("NEW_IMPL is required (e.g. NEW_IMPL=RewardsV2)");

  let args: unknown[] | undefined;
  if (env.ARGS !== undefined && env.ARGS.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.ARGS);
    } catch {
      throw new UpgradeInputError(`ARGS: ${JSON.stringify(env.ARGS)} is not JSON`);
    }
    if (!Array.isArray(parsed)) throw new UpgradeInputError(`ARGS: ${JSON.stringify(env.ARGS)} is not a JSON array`);
    args = parsed;
  }
  if (args !== undefined && !env.CALL?.trim()) throw new UpgradeInputError("ARGS given without CALL");
  let constructorArgs: unknown[] | undefined;
  if (env.CONSTRUCTOR_ARGS !== undefined && env.CONSTRUCTOR_ARGS.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.CONSTRUCTOR_ARGS);
    } catch {
      throw new UpgradeInputError(`CONSTRUCTOR_ARGS: ${JSON.stringify(env.CONSTRUCTOR_ARGS)} is not JSON`);
    }
    if (!Array.isArray(parsed)) {
      throw new UpgradeInputError(`CONSTRUCTOR_ARGS: ${JSON.stringify(env.CONSTRUCTOR_ARGS)} is not a JSON array`);
    }
    constructorArgs = parsed;
  }

  const request: UpgradeRequest = {
    contract,
    newImplementation,
    call: env.CALL?.trim() || undefined,
    args,
    description: env.DESCRIPTION || undefined,
    currentImplementation: env.CURRENT_IMPL?.trim() || undefined,
    deploymentsDir: env.DEPLOYMENTS_DIR?.trim() || undefined,
    constructorArgs,
  };
  return Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined)) as unknown as UpgradeRequest;
}

async function isInManifest(hre: HardhatRuntimeEnvironment, proxy: string, implementation: string): Promise<boolean> {
  const manifest = await Manifest.forNetwork(hre.network.provider);
  try {
    await manifest.getProxyFromAddress(proxy);
    await manifest.getDeploymentFromAddress(implementation);
    return true;
  } catch {
    return false;
  }
}

function encodeCall(factoryInterface: Interface, request: UpgradeRequest): string {
  if (!request.call) return "0x";
  const fragment = factoryInterface.getFunction(request.call);
  if (!fragment) throw new UpgradeInputError(`CALL: ${request.newImplementation} has no function "${request.call}"`);
  try {
    return factoryInterface.encodeFunctionData(fragment, request.args ?? []);
  } catch (error) {
    const reason = (error as { shortMessage?: string }).shortMessage ?? String(error);
    throw new UpgradeInputError(`ARGS: do not fit ${fragment.format("sighash")}: ${reason}`);
  }
}

/**
 * Validates and deploys the new implementation of `request.contract`, and returns the governance
 * proposal that performs the upgrade.
 */
export async function prepareUpgradeProposal(hre: HardhatRuntimeEnvironment, request: UpgradeRequest): Promise<UpgradeProposal> {
  const { ethers, upgrades } = hre;
  const contract = resolveContract(request.contract);
  for (const [variable, name] of [
    ["NEW_IMPL", request.newImplementation],
    ["CURRENT_IMPL", request.currentImplementation ?? contract],
  ]) {
    if (!(await hre.artifacts.artifactExists(name))) {
      throw new UpgradeInputError(`${variable}: no compiled contract named "${name}"`);
    }
  }

  const { chainId } = await ethers.provider.getNetwork();
  let record: DeploymentRecord;
  try {
    record = readDeploymentRecord(request.deploymentsDir ?? path.join(hre.config.paths.root, "deployments"), Number(chainId));
  } catch (error) {
    throw new UpgradeInputError(error instanceof Error ? error.message : String(error));
  }
  const recordKey = CONTRACTS[contract];
  if (!record[recordKey] || !record.governor) {
    throw new UpgradeInputError(`the deployment record of chain ${chainId} has no ${recordKey} or governor address`);
  }
  const proxy = getAddress(record[recordKey]);
  if ((await ethers.provider.getCode(proxy)) === "0x") {
    throw new UpgradeInputError(`no contract at the ${recordKey} address ${proxy} on chain ${chainId}`);
  }

  const newFactory = await ethers.getContractFactory(request.newImplementation);
  const callData = encodeCall(newFactory.interface, request);
  const deploymentsDir = request.deploymentsDir ?? path.join(hre.config.paths.root, "deployments");
  const { constructorArgs, deployedForwarder } = await constructorArgsFor(hre, newFactory.interface, request, record, deploymentsDir);

  const currentImplementation = await upgrades.erc1967.getImplementationAddress(proxy);
  const imported = !(await isInManifest(hre, proxy, currentImplementation));
  if (imported) {
    const currentFactory = await ethers.getContractFactory(request.currentImplementation ?? contract);
    await upgrades.forceImport(proxy, currentFactory, { kind: "uups" });
  }

  // validateUpgrade's declared options omit constructorArgs, yet it encodes the deploy data with them.
  const options = { kind: "uups" as const, constructorArgs };
  await upgrades.validateUpgrade(proxy, newFactory, options);
  const deployed = await upgrades.prepareUpgrade(proxy, newFactory, options);
  if (typeof deployed !== "string") throw new Error("prepareUpgrade returned a transaction, not an address");
  const newImplementationAddress = getAddress(deployed);

  const description =
    request.description ??
    `Upgrade ${contract} (${proxy}) to ${request.newImplementation} at ${newImplementationAddress}` +
      (request.call ? `, calling ${request.call}(${JSON.stringify(request.args ?? []).slice(1, -1)})` : "");
  const targets = [proxy];
  const values = [0n];
  const calldatas = [UUPS.encodeFunctionData("upgradeToAndCall", [newImplementationAddress, callData])];
  const descriptionHash = keccak256(toUtf8Bytes(description));
  const governor = await ethers.getContractAt("CashKeyGovernor", record.governor);
  const proposalId: bigint = await governor.hashProposal(targets, values, calldatas, descriptionHash);

  return {
    chainId: Number(chainId),
    contract,
    proxy,
    governor: getAddress(record.governor),
    currentImplementation,
    newImplementation: { name: request.newImplementation, address: newImplementationAddress },
    imported,
    constructorArgs,
    ...(deployedForwarder === undefined ? {} : { deployedForwarder }),
    proposal: { targets, values, calldatas, description, descriptionHash, proposalId },
  };
}

/**
 * The new implementation's constructor arguments: the request's, else — for a constructor that takes
 * only the ERC-2771 forwarder — the recorded forwarder, deploying and recording one when there is none.
 */
async function constructorArgsFor(
  hre: HardhatRuntimeEnvironment,
  factoryInterface: Interface,
  request: UpgradeRequest,
  record: DeploymentRecord,
  deploymentsDir: string,
): Promise<{ constructorArgs: unknown[]; deployedForwarder?: string }> {
  const inputs = factoryInterface.deploy.inputs;
  if (request.constructorArgs !== undefined) {
    if (request.constructorArgs.length !== inputs.length) {
      throw new UpgradeInputError(`CONSTRUCTOR_ARGS: ${request.newImplementation} takes ${inputs.length} constructor argument(s), got ${request.constructorArgs.length}`);
    }
    return { constructorArgs: request.constructorArgs };
  }
  if (inputs.length === 0) return { constructorArgs: [] };
  if (inputs.length !== 1 || inputs[0].name !== "trustedForwarder_") {
    throw new UpgradeInputError(`CONSTRUCTOR_ARGS is required: ${request.newImplementation}'s constructor takes ${inputs.length} argument(s)`);
  }
  if (record.forwarder) return { constructorArgs: [getAddress(record.forwarder)] };
  const forwarder = await (await hre.ethers.getContractFactory("CashKeyForwarder")).deploy();
  await forwarder.waitForDeployment();
  const deployedForwarder = await forwarder.getAddress();
  writeDeploymentRecord(deploymentsDir, { ...record, forwarder: deployedForwarder });
  return { constructorArgs: [deployedForwarder], deployedForwarder };
}

/** JSON with bigints as decimal strings. */
export function upgradeProposalJson(proposal: UpgradeProposal): string {
  return JSON.stringify(proposal, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2);
}

if (require.main === module) {
  // Only a run as a script creates the Hardhat runtime; importers (tests, tasks, other scripts) pass theirs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre: HardhatRuntimeEnvironment = require("hardhat");
  (async () => {
    const proposal = await prepareUpgradeProposal(hre, upgradeRequestFromEnv(process.env));
    console.log(upgradeProposalJson(proposal));
  })().catch((error: unknown) => {
    // Input errors are one line; a refused upgrade keeps the plugin's full report (which layout changed).
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof UpgradeInputError ? message.split("\n")[0] : message);
    process.exitCode = 1;
  });
}
