/** The scorer a node's configuration names, with LLM results cached in the node's store. */
import type { OracleConfig } from "../config";
import { ConfigError } from "../config";
import type { EvaluationCache } from "../eval/cache";
import { createEnsembleScorer } from "../eval/scorers/ensemble";
import { createHeuristicScorer } from "../eval/scorers/heuristic";
import { LLM_PROMPT_VERSION, LlmEvaluationSchema, createLlmScorer } from "../eval/scorers/llm";
import type { Scorer, ScorerResult } from "../eval/scorers/types";
import type { Store } from "../store";

export function createConfiguredScorer(config: Pick<OracleConfig, "scorer" | "llm">, store?: Pick<Store, "llmCache">): Scorer {
  if (config.scorer === "heuristic") return createHeuristicScorer();
  const { llm } = config;
  if (llm.baseUrl === undefined || llm.model === undefined) {
    throw new ConfigError(['CASHKEY_ORACLE_LLM_BASE_URL and CASHKEY_ORACLE_LLM_MODEL: required when the scorer is "llm"']);
  }
  if (llm.promptVersion !== LLM_PROMPT_VERSION) {
    throw new ConfigError([`CASHKEY_ORACLE_LLM_PROMPT_VERSION: this node implements prompt version ${LLM_PROMPT_VERSION}, got "${llm.promptVersion}"`]);
  }
  // The model never scores alone: the heuristic bounds it and disagreements are held (ensemble.ts).
  const model = createLlmScorer({
    baseURL: llm.baseUrl,
    apiKey: llm.apiKey,
    model: llm.model,
    quantization: llm.quantization,
    maxConcurrency: llm.concurrency,
    timeoutMs: llm.timeoutMs,
    maxTransportRetries: llm.maxRetries,
    ...(store === undefined ? {} : { cache: storeCache(store) }),
  });
  return createEnsembleScorer(model, { margin: llm.ensembleMargin, tolerance: llm.ensembleTolerance });
}

/** The LLM cache on the store's `llm_cache` table; an entry that no longer parses is a miss. */
function storeCache(store: Pick<Store, "llmCache">): EvaluationCache {
  const split = (key: string) => {
    const [contentHash, evaluator] = key.split(":");
    return { contentHash, evaluator };
  };
  return {
    get(key) {
      const { contentHash, evaluator } = split(key);
      const cached = store.llmCache.get(contentHash, evaluator) as { subScores?: unknown; score?: unknown; rationale?: unknown } | undefined;
      if (cached === undefined) return undefined;
      const parsed = LlmEvaluationSchema.safeParse({ ...(cached.subScores as object), overall: cached.score, rationale: cached.rationale });
      if (!parsed.success) return undefined;
      const { overall, rationale, ...subScores } = parsed.data;
      return { subScores, score: overall, rationale } satisfies ScorerResult;
    },
    set(key, value) {
      const { contentHash, evaluator } = split(key);
      store.llmCache.put(contentHash, evaluator, value);
    },
  };
}
