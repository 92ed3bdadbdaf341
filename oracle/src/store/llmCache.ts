import type { Database, Statement } from "better-sqlite3";
import { StoreError } from "./errors";
import { hexValue } from "./values";

/** Scorer results by content hash and evaluator hash, stored as JSON. */
export class LlmCacheRepository {
  private readonly select: Statement;
  private readonly upsert: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.select = db.prepare("SELECT result FROM llm_cache WHERE content_hash = ? AND evaluator = ?").pluck();
    this.upsert = db.prepare(
      `INSERT INTO llm_cache (content_hash, evaluator, result, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (content_hash, evaluator) DO UPDATE SET result = excluded.result, created_at = excluded.created_at`,
    );
  }

  /** The cached result, parsed; the caller validates it with its own schema. */
  get(contentHash: string, evaluator: string): unknown {
    const text = this.select.get(hexValue("contentHash", contentHash, 32), hexValue("evaluator", evaluator, 32)) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  }

  put(contentHash: string, evaluator: string, result: unknown): void {
    const text = JSON.stringify(result);
    if (text === undefined) throw new StoreError("An LLM cache entry must be JSON-serializable.");
    this.upsert.run(hexValue("contentHash", contentHash, 32), hexValue("evaluator", evaluator, 32), text, this.now());
  }
}
