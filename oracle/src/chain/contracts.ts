/**
 * The CashKey contracts as the oracle sees them: found through `deployments/<chainId>.json`,
 * connected as typed (typechain) contracts, and their custom errors decoded from revert data.
 */
import fs from "node:fs";
import path from "node:path";
import { type ContractRunner, type ErrorDescription, type Interface, isHexString } from "ethers";
import { CashKeyToken__factory, Rewards__factory } from "../bindings";
import type { CashKeyToken, Rewards } from "../bindings";
import { CashKeyError } from "../errors";
import { type DeploymentRecord, DeploymentRecordError, parseDeploymentJson, parseDeploymentRecord } from "../protocol/deployment";
import type { DecodedRevert } from "../ports/batchLedger";

export { type DeploymentRecord, DeploymentRecordError, parseDeploymentRecord };

/** Reads `<dir>/<chainId>.json`. */
export function readDeploymentRecord(dir: string, chainId: number): DeploymentRecord {
  const file = path.join(dir, `${chainId}.json`);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (cause) {
    throw new DeploymentRecordError(`No deployment for chain ${chainId}.`, { cause, details: `cannot read ${file}` });
  }
  const record = parseDeploymentJson(text, file);
  if (record.chainId !== chainId) {
    throw new DeploymentRecordError(`${file} describes chain ${record.chainId}, not ${chainId}.`);
  }
  return record;
}

export interface CashKeyContracts {
  record: DeploymentRecord;
  rewards: Rewards;
  token: CashKeyToken;
}

/** Typed contracts at the recorded addresses, bound to `runner` (a provider to read, a signer to write). */
export function connectCashKey(record: DeploymentRecord, runner: ContractRunner): CashKeyContracts {
  return {
    record,
    rewards: Rewards__factory.connect(record.rewards, runner),
    token: CashKeyToken__factory.connect(record.token, runner),
  };
}

/**
 * Connects and checks that the node serves the recorded chain and that Rewards has code there,
 * so a wrong RPC URL or a stale record fails at start with a clear message.
 */
export async function openCashKey(record: DeploymentRecord, runner: ContractRunner): Promise<CashKeyContracts> {
  const provider = runner.provider;
  if (!provider) throw new DeploymentRecordError("The contract runner has no provider.");
  const { chainId } = await provider.getNetwork();
  if (chainId !== BigInt(record.chainId)) {
    throw new DeploymentRecordError(`The RPC node serves chain ${chainId}, the deployment record chain ${record.chainId}.`);
  }
  if ((await provider.getCode(record.rewards)) === "0x") {
    throw new DeploymentRecordError(`No contract at the recorded Rewards address ${record.rewards} on chain ${chainId}.`);
  }
  return connectCashKey(record, runner);
}

/** Rewards first, then the token (whose errors a Rewards call can bubble up, e.g. from `mint`). */
const ERROR_INTERFACES: readonly Interface[] = [Rewards__factory.createInterface(), CashKeyToken__factory.createInterface()];

/** Decodes revert data against the CashKey ABIs; undefined when no known error matches. */
export function decodeRevertData(data: string): DecodedRevert | undefined {
  if (!isHexString(data) || data.length < 10) return undefined;
  for (const iface of ERROR_INTERFACES) {
    let description: ErrorDescription | null;
    try {
      description = iface.parseError(data);
    } catch {
      continue;
    }
    if (description) return describe(description, data);
  }
  return undefined;
}

function describe(description: ErrorDescription, data: string): DecodedRevert {
  const args: Record<string, unknown> = {};
  const parts: string[] = [];
  description.fragment.inputs.forEach((input, i) => {
    const key = input.name || String(i);
    const value: unknown = description.args[i];
    args[key] = value;
    parts.push(input.name ? `${input.name}: ${formatValue(value)}` : formatValue(value));
  });
  return {
    name: description.name,
    signature: description.signature,
    args,
    message: `${description.name}(${parts.join(", ")})`,
    data,
  };
}

function formatValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return String(value);
}

/**
 * The revert data carried by an error from ethers, wherever the provider put it
 * (`data`, `info.error.data`, `error.data`, or nested further as some nodes do).
 */
export function revertDataOf(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || typeof error !== "object" || error === null) return undefined;
  const candidate = error as { data?: unknown; info?: unknown; error?: unknown; cause?: unknown };
  if (typeof candidate.data === "string" && isHexString(candidate.data) && candidate.data.length >= 10) return candidate.data;
  if (typeof candidate.data === "object" && candidate.data !== null) {
    const nested = revertDataOf(candidate.data, depth + 1);
    if (nested) return nested;
  }
  for (const next of [candidate.info, candidate.error, candidate.cause]) {
    const nested = revertDataOf(next, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

/** Decodes the custom error of a failed call or transaction, if the error carries revert data. */
export function decodeContractError(error: unknown): DecodedRevert | undefined {
  const data = revertDataOf(error);
  return data === undefined ? undefined : decodeRevertData(data);
}

/** A CashKey contract refused a call: the short message names the custom error and its arguments. */
export class ContractRevertError extends CashKeyError {
  override name = "ContractRevertError";
  /** The custom error's name, e.g. "RewardsBatchExpired"; undefined when the revert data is unknown. */
  readonly errorName: string | undefined;
  readonly errorArgs: Record<string, unknown>;
  readonly revertData: string | undefined;

  constructor(action: string, revert: DecodedRevert | undefined, cause?: unknown) {
    super(revert ? `${action} reverted with ${revert.message}.` : `${action} reverted.`, { cause });
    this.errorName = revert?.name;
    this.errorArgs = revert?.args ?? {};
    this.revertData = revert?.data ?? revertDataOf(cause);
  }

  /** Wraps any error of `action`, decoding its revert data when there is some. */
  static from(action: string, error: unknown): ContractRevertError {
    return new ContractRevertError(action, decodeContractError(error), error);
  }
}
