import { canonicalEvaluatorJson as protocolCanonicalJson, evaluatorHash as protocolEvaluatorHash, type EvaluatorDescriptor } from "../protocol/evaluatorHash";
import { InvalidEvaluationInputError } from "./errors";

/**
 * Names a scoring method exactly enough for governance to approve it on-chain: `name` (the scorer
 * kind: "heuristic", "llm"), `model` (the model id as the inference server knows it),
 * `quantization` ("bf16", "fp8", "awq-int4"; "none" where it does not apply), `promptVersion`,
 * `rubricVersion`. The type and the hash live in `oracle/src/protocol/evaluatorHash.ts`, the one
 * source of truth that the contracts' deployment, the batch signer and this module share.
 */
export type { EvaluatorDescriptor };

const DESCRIPTOR_KEYS = ["model", "name", "promptVersion", "quantization", "rubricVersion"] as const;

/**
 * The evaluator's on-chain id: keccak256 of the UTF-8 bytes of the descriptor's canonical JSON,
 * i.e. exactly the five string fields, keys in code-unit order, no whitespace:
 * `{"model":"…","name":"…","promptVersion":"…","quantization":"…","rubricVersion":"…"}`.
 * The descriptor is validated first: extra fields are refused rather than silently left out of
 * the hash, and every field must be a non-empty NFC string.
 */
export function evaluatorHash(descriptor: EvaluatorDescriptor): string {
  return protocolEvaluatorHash(validated(descriptor));
}

export function canonicalEvaluatorJson(descriptor: EvaluatorDescriptor): string {
  return protocolCanonicalJson(validated(descriptor));
}

function validated(descriptor: EvaluatorDescriptor): EvaluatorDescriptor {
  const keys = Object.keys(descriptor).sort();
  if (keys.length !== DESCRIPTOR_KEYS.length || keys.some((key, i) => key !== DESCRIPTOR_KEYS[i])) {
    throw new InvalidEvaluationInputError("An evaluator descriptor has exactly five fields.", {
      details: `got ${keys.join(", ")}`,
    });
  }
  for (const key of DESCRIPTOR_KEYS) {
    const value: unknown = descriptor[key];
    if (typeof value !== "string" || value.trim() === "" || value !== value.normalize("NFC")) {
      throw new InvalidEvaluationInputError("Evaluator descriptor fields are non-empty NFC strings.", {
        details: `${key}=${JSON.stringify(value)}`,
      });
    }
  }
  return descriptor;
}
