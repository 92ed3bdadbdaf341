/**
 * `deployments/<chainId>.json` (binding: written by `scripts/deploy.ts` and `scripts/upgrade.ts`, read
 * by the deploy and upgrade scripts, the `cashkey:status` task, the oracle's configuration, the
 * oracle's chain adapter and the dApp's static server). One schema, so that every reader accepts and
 * refuses the same files, with the same one-line reason.
 *
 * Pure (no file system): readers parse the text themselves and hand the value to
 * `parseDeploymentRecord`, or use `DeploymentRecordSchema` to report issues their own way.
 */
import { z } from "zod";
import { getAddress, isAddress } from "viem";
import { CashKeyError } from "../errors";

/** A 20-byte address, refused when mixed-case with a wrong EIP-55 checksum; comes back checksummed. */
const ADDRESS = "must be an address (0x and 40 hex digits, EIP-55 checksummed if mixed-case)";
const address = z
  .string({ invalid_type_error: ADDRESS, required_error: ADDRESS })
  .refine((value) => isAddress(value), ADDRESS)
  .transform((value): string => getAddress(value));

const blockNumber = z
  .number({ invalid_type_error: "must be a non-negative integer", required_error: "must be a non-negative integer" })
  .int("must be a non-negative integer")
  .nonnegative("must be a non-negative integer")
  .refine(Number.isSafeInteger, "must be a non-negative integer");

export const DeploymentRecordSchema = z.object(
  {
    chainId: z
      .number({ invalid_type_error: "must be a positive integer", required_error: "must be a positive integer" })
      .int("must be a positive integer")
      .positive("must be a positive integer")
      .refine(Number.isSafeInteger, "must be a positive integer"),
    token: address,
    rewards: address,
    governor: address,
    timelock: address,
    /** The ERC-2771 forwarder `Rewards` trusts. Absent in records written before Rewards 1.2.0. */
    forwarder: address.optional(),
    /** The bonded-challenges contract Rewards' claims pass. Absent in records written before Rewards 1.3.0. */
    challenges: address.optional(),
    /** The block of the first deployment transaction: where log scans start. */
    deployBlock: blockNumber,
  },
  { invalid_type_error: "is not a JSON object", required_error: "is not a JSON object" },
);

/** A deployment record as every reader sees it: validated, addresses checksummed, unknown keys dropped. */
export type DeploymentRecord = z.output<typeof DeploymentRecordSchema>;

export class DeploymentRecordError extends CashKeyError {
  override name = "DeploymentRecordError";
}

/** The issues of a failed parse as `"field" reason` phrases (`"rewards" must be an address …, got "0x12"`). */
export function deploymentIssues(error: z.ZodError, value: unknown): string[] {
  const phrases = error.issues.map((issue) => {
    if (issue.path.length === 0) return issue.message;
    const key = issue.path.join(".");
    const got = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[String(issue.path[0])] : undefined;
    return `"${key}" ${issue.message}, got ${got === undefined ? "nothing" : JSON.stringify(got)}`;
  });
  return [...new Set(phrases)];
}

/** Validates a parsed deployment record; throws one line naming `source` and every bad field. */
export function parseDeploymentRecord(value: unknown, source = "deployment record"): DeploymentRecord {
  const parsed = DeploymentRecordSchema.safeParse(value);
  if (!parsed.success) throw new DeploymentRecordError(`${source}: ${deploymentIssues(parsed.error, value).join("; ")}.`);
  return parsed.data;
}

/** Parses the text of a deployment file (`source` names it in errors). */
export function parseDeploymentJson(text: string, source = "deployment record"): DeploymentRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DeploymentRecordError(`${source} is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}).`, { cause, details: "" });
  }
  return parseDeploymentRecord(value, source);
}
