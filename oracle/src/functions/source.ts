/**
 * The verification source (`oracle/functions/verify-batch.js`) as the verifier contract pins it: its
 * exact UTF-8 text and the keccak256 the Timelock configures as `sourceHash`.
 */
import fs from "node:fs";
import path from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";

export const VERIFY_BATCH_SOURCE_PATH = path.join(__dirname, "..", "..", "functions", "verify-batch.js");

export function readVerifyBatchSource(file: string = VERIFY_BATCH_SOURCE_PATH): string {
  return fs.readFileSync(file, "utf8");
}

export function sourceHashOf(source: string): string {
  return keccak256(toUtf8Bytes(source));
}

/** The source's reason codes (its response when a check fails; the digest when all pass). */
export const REASON_CODES = ["FETCH", "MALFORMED", "DIGEST", "CHAIN", "ORDER", "SCORE", "POINTS", "RATIONALE", "CONTENT", "UNKNOWN", "HASH", "DUPLICATE"] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/** Reads a verifier response: the approved digest, or the reason code it refused with. */
export function readResponse(responseHex: string): { digest: string } | { reason: string } {
  const bytes = Buffer.from(responseHex.replace(/^0x/, ""), "hex");
  if (bytes.length === 32) return { digest: `0x${bytes.toString("hex")}` };
  return { reason: bytes.toString("utf8") };
}
