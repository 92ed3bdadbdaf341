/**
 * The node's configuration: defaults, overridden by an optional JSON file (`--config` or
 * CASHKEY_ORACLE_CONFIG), overridden by CASHKEY_ORACLE_* environment variables. Everything is
 * validated at start; each problem is reported on its own line, named the way the operator set it:
 *
 *   CASHKEY_ORACLE_PORT: expected an integer 1..65535, got "abc"
 *   /etc/cashkey/oracle.json: batch.maxItems: expected an integer 1..1024, got 0
 *
 * Secrets (the keystore password, the LLM API key) come only from the environment or a file
 * named in it, never from the config file, and are never echoed in errors.
 * docs/OPERATORS.md has the reference table; keep the two in step.
 */
import fs from "node:fs";
import path from "node:path";
import { getAddress, isAddress } from "ethers";
import { z } from "zod";
import { ConfigError } from "./configError";
import { DeploymentRecordSchema, deploymentIssues } from "./protocol/deployment";
import { RELAY_ENV } from "./relay/env";
import { TELEGRAM_ENV } from "./telegram/env";
import { DEFAULT_ENSEMBLE } from "./eval/scorers/ensemble";

/** In its own module so that relay/ and telegram/, whose settings this file reads, need not import it. */
export { ConfigError };

type Env = Readonly<Record<string, string | undefined>>;

export const ENV_PREFIX = "CASHKEY_ORACLE_";
export const CONFIG_FILE_ENV = "CASHKEY_ORACLE_CONFIG";

/** Every environment variable, the setting it sets, and whether its value is secret. */
export const SETTINGS: readonly { env: string; path: string; secret?: boolean }[] = [
  { env: "CASHKEY_ORACLE_HOST", path: "host" },
  { env: "CASHKEY_ORACLE_PORT", path: "port" },
  { env: "CASHKEY_ORACLE_RPC_URL", path: "rpcUrl" },
  { env: "CASHKEY_ORACLE_DEPLOYMENT_FILE", path: "deploymentFile" },
  { env: "CASHKEY_ORACLE_REWARDS_ADDRESS", path: "contracts.rewards" },
  { env: "CASHKEY_ORACLE_TOKEN_ADDRESS", path: "contracts.token" },
  { env: "CASHKEY_ORACLE_START_BLOCK", path: "startBlock" },
  { env: "CASHKEY_ORACLE_CONFIRMATIONS", path: "confirmations" },
  { env: "CASHKEY_ORACLE_POLL_INTERVAL_MS", path: "pollIntervalMs" },
  { env: "CASHKEY_ORACLE_RPC_TIMEOUT_MS", path: "rpcTimeoutMs" },
  { env: "CASHKEY_ORACLE_DATA_DIR", path: "dataDir" },
  { env: "CASHKEY_ORACLE_DB_PATH", path: "dbPath" },
  { env: "CASHKEY_ORACLE_KEYSTORE", path: "keystore.path" },
  { env: "CASHKEY_ORACLE_KEYSTORE_PASSWORD", path: "keystore.password", secret: true },
  { env: "CASHKEY_ORACLE_KEYSTORE_PASSWORD_FILE", path: "keystore.passwordFile" },
  { env: "CASHKEY_ORACLE_SCORER", path: "scorer" },
  { env: "CASHKEY_ORACLE_LLM_BASE_URL", path: "llm.baseUrl" },
  { env: "CASHKEY_ORACLE_LLM_MODEL", path: "llm.model" },
  { env: "CASHKEY_ORACLE_LLM_API_KEY", path: "llm.apiKey", secret: true },
  { env: "CASHKEY_ORACLE_LLM_QUANTIZATION", path: "llm.quantization" },
  { env: "CASHKEY_ORACLE_LLM_PROMPT_VERSION", path: "llm.promptVersion" },
  { env: "CASHKEY_ORACLE_LLM_CONCURRENCY", path: "llm.concurrency" },
  { env: "CASHKEY_ORACLE_LLM_TIMEOUT_MS", path: "llm.timeoutMs" },
  { env: "CASHKEY_ORACLE_LLM_MAX_RETRIES", path: "llm.maxRetries" },
  { env: "CASHKEY_ORACLE_LLM_ENSEMBLE_MARGIN", path: "llm.ensembleMargin" },
  { env: "CASHKEY_ORACLE_LLM_ENSEMBLE_TOLERANCE", path: "llm.ensembleTolerance" },
  { env: "CASHKEY_ORACLE_BATCH_MAX_ITEMS", path: "batch.maxItems" },
  { env: "CASHKEY_ORACLE_BATCH_MAX_AGE_MS", path: "batch.maxAgeMs" },
  { env: "CASHKEY_ORACLE_BATCH_DEADLINE_SECONDS", path: "batch.deadlineSeconds" },
  { env: "CASHKEY_ORACLE_CORS_ORIGINS", path: "corsOrigins" },
  { env: "CASHKEY_ORACLE_RATE_LIMIT_WINDOW_MS", path: "rateLimit.windowMs" },
  { env: "CASHKEY_ORACLE_RATE_LIMIT_MAX", path: "rateLimit.max" },
  { env: "CASHKEY_ORACLE_RATE_LIMIT_PEER_MAX", path: "rateLimit.peerMax" },
  { env: "CASHKEY_ORACLE_TRUST_PROXY", path: "trustProxy" },
  { env: "CASHKEY_ORACLE_MAX_CONNECTIONS_PER_CLIENT", path: "http.maxPerClient" },
  { env: "CASHKEY_ORACLE_MAX_CONNECTIONS", path: "http.maxTotal" },
  { env: "CASHKEY_ORACLE_IDLE_TIMEOUT_MS", path: "http.idleTimeoutMs" },
  { env: "CASHKEY_ORACLE_HEADERS_TIMEOUT_MS", path: "http.headersTimeoutMs" },
  { env: "CASHKEY_ORACLE_REQUEST_TIMEOUT_MS", path: "http.requestTimeoutMs" },
  { env: "CASHKEY_ORACLE_MAX_CONTENT_BYTES", path: "maxContentBytes" },
  { env: "CASHKEY_ORACLE_PEERS", path: "peers" },
  { env: "CASHKEY_ORACLE_CONTENT_GRACE_MS", path: "contentGraceMs" },
  { env: "CASHKEY_ORACLE_EVALUATION_ORDER_WAIT_MS", path: "evaluationOrderWaitMs" },
  { env: "CASHKEY_ORACLE_FAILOVER_TIMEOUT_MS", path: "network.failoverTimeoutMs" },
  { env: "CASHKEY_ORACLE_PEER_TIMEOUT_MS", path: "network.peerTimeoutMs" },
  { env: "CASHKEY_ORACLE_SCORE_TOLERANCE", path: "network.scoreTolerance" },
  { env: "CASHKEY_ORACLE_MAX_DISPUTES", path: "network.maxDisputes" },
  { env: "CASHKEY_ORACLE_DISPUTE_RETRY_MS", path: "network.disputeRetryMs" },
  { env: "CASHKEY_ORACLE_MAX_PROPOSAL_BYTES", path: "network.maxProposalBytes" },
  { env: "CASHKEY_ORACLE_FUNCTIONS_VERIFIER", path: "functions.verifier" },
  { env: "CASHKEY_ORACLE_PUBLIC_URL", path: "functions.publicUrl" },
  { env: "CASHKEY_ORACLE_CHALLENGES", path: "challenges.enabled" },
  { env: "CASHKEY_ORACLE_CHALLENGE_POLL_INTERVAL_MS", path: "challenges.pollIntervalMs" },
  { env: "CASHKEY_ORACLE_CHALLENGE_VERDICT_DEADLINE_SECONDS", path: "challenges.verdictDeadlineSeconds" },
  { env: "CASHKEY_ORACLE_CHALLENGE_ANSWER_GRACE_SECONDS", path: "challenges.answerGraceSeconds" },
  { env: "CASHKEY_ORACLE_LOG_LEVEL", path: "logLevel" },
];

const SECRET_PATHS = new Set(SETTINGS.filter((s) => s.secret).map((s) => s.path));

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function integer(min: number, max: number) {
  const message = `expected an integer ${min}..${max}`;
  return z.preprocess(
    (value) => (typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ invalid_type_error: message, required_error: message }).int(message).min(min, message).max(max, message),
  );
}

const text = (what = "a non-empty string") =>
  z
    .string({ invalid_type_error: `expected ${what}`, required_error: `expected ${what}` })
    .trim()
    .min(1, `expected ${what}`);

function url(protocols: readonly string[]) {
  const message = `expected a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`;
  return text(message).refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, message);
}

const origin = text("an origin").refine((value) => {
  try {
    const parsed = new URL(value);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.origin === value;
  } catch {
    return false;
  }
}, "expected an origin such as http://localhost:5173 (scheme, host, optional port; no path or trailing slash)");

const address = text("an address")
  .refine(isAddress, "expected a 0x-prefixed 20-byte address")
  .transform((value) => getAddress(value));

/** A JSON array, or in the environment a comma-separated list. */
function list<T extends z.ZodTypeAny>(item: T) {
  return z.preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== "")
        : value,
    z.array(item, { invalid_type_error: "expected a list (comma-separated in the environment)" }),
  );
}

const boolean = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    const lower = value.trim().toLowerCase();
    return ["true", "1", "yes"].includes(lower) ? true : ["false", "0", "no"].includes(lower) ? false : value;
  },
  z.boolean({ invalid_type_error: "expected true or false" }),
);

function oneOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { errorMap: () => ({ message: `expected one of ${values.map((v) => `"${v}"`).join(", ")}` }) });
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const ConfigSchema = z
  .object({
    host: text("a host name or IP address").default("127.0.0.1"),
    port: integer(1, 65535).default(8701),
    rpcUrl: url(["http:", "https:", "ws:", "wss:"]).default("http://127.0.0.1:8545"),
    deploymentFile: text("a file path").default("deployments/31337.json"),
    contracts: z.object({ rewards: address.optional(), token: address.optional() }).strict().default({}),
    startBlock: integer(0, MAX_SAFE).optional(),
    confirmations: integer(0, 1000).default(1),
    pollIntervalMs: integer(50, 600_000).default(2000),
    /** Each JSON-RPC request is given up after this long (then retried with backoff). */
    rpcTimeoutMs: integer(100, 300_000).default(10_000),
    dataDir: text("a directory path").optional(),
    dbPath: text("a file path").optional(),
    keystore: z
      .object({ path: text("a file path").optional(), password: z.string().optional(), passwordFile: text("a file path").optional() })
      .strict()
      .default({}),
    scorer: oneOf(["heuristic", "llm"]).default("heuristic"),
    llm: z
      .object({
        baseUrl: url(["http:", "https:"]).optional(),
        model: text().optional(),
        apiKey: z.string().optional(),
        quantization: text().default("none"),
        promptVersion: text().default("1"),
        concurrency: integer(1, 256).default(4),
        timeoutMs: integer(1000, 600_000).default(60_000),
        maxRetries: integer(0, 20).default(3),
        /** How far above the heuristic the model may lift a score; part of the evaluator hash. */
        ensembleMargin: integer(0, 100).default(DEFAULT_ENSEMBLE.margin),
        /** Model/heuristic disagreement held for review beyond this; part of the evaluator hash. */
        ensembleTolerance: integer(0, 100).default(DEFAULT_ENSEMBLE.tolerance),
      })
      .strict()
      .default({}),
    batch: z
      .object({
        maxItems: integer(1, 1024).default(64),
        maxAgeMs: integer(100, 3_600_000).default(5000),
        deadlineSeconds: integer(30, 86_400).default(600),
      })
      .strict()
      .default({}),
    corsOrigins: list(origin).default(["http://127.0.0.1:5173", "http://localhost:5173"]),
    rateLimit: z
      .object({
        windowMs: integer(1000, 3_600_000).default(60_000),
        max: integer(1, 1_000_000).default(120),
        /** Signed requests per window from each operator (its own budget, apart from the public one). */
        peerMax: integer(1, 10_000_000).default(60_000),
      })
      .strict()
      .default({}),
    trustProxy: boolean.default(false),
    /** Connection bounds of the HTTP API (oracle/src/api/connections.ts). */
    http: z
      .object({
        maxPerClient: integer(1, 1_000_000).default(256),
        maxTotal: integer(1, 1_000_000).default(4096),
        idleTimeoutMs: integer(100, 600_000).default(15_000),
        headersTimeoutMs: integer(100, 600_000).default(10_000),
        requestTimeoutMs: integer(100, 600_000).default(30_000),
      })
      .strict()
      .default({}),
    maxContentBytes: integer(256, 1_048_576).default(16_384),
    peers: list(url(["http:", "https:"])).default([]),
    contentGraceMs: integer(0, 86_400_000).default(600_000),
    evaluationOrderWaitMs: integer(0, 600_000).default(5_000),
    network: z
      .object({
        /** Without BatchPosted for a due batch this long, the next operator leads the nonce. */
        failoverTimeoutMs: integer(500, 3_600_000).default(20_000),
        /** Each request to a peer. */
        peerTimeoutMs: integer(100, 120_000).default(5_000),
        /** Largest |proposed − own| score a follower signs. */
        scoreTolerance: integer(0, 100).default(5),
        /** Disputes after which a submission is held for review. */
        maxDisputes: integer(1, 1000).default(3),
        /** How long a disputed item stays out of this node's batches. */
        disputeRetryMs: integer(0, 86_400_000).default(30_000),
        /** Largest proposal body accepted. */
        maxProposalBytes: integer(1024, 16_777_216).default(4_194_304),
      })
      .strict()
      .default({}),
    functions: z
      .object({
        /** The Chainlink Functions verifier (docs/FUNCTIONS.md): as leader, ask it to co-sign each proposal. */
        verifier: address.optional(),
        /** This node's API as the DON reaches it; default: the address it listens on. */
        publicUrl: url(["http:", "https:"]).optional(),
      })
      .strict()
      .default({}),
    /** Challenges of scores (oracle/src/challenges): follow, judge, co-sign and post verdicts. */
    challenges: z
      .object({
        enabled: boolean.default(true),
        /** How often new Challenges events are read and due verdicts led. */
        pollIntervalMs: integer(50, 600_000).default(5_000),
        /** A verdict's EIP-712 deadline: chain time plus this. */
        verdictDeadlineSeconds: integer(30, 86_400).default(600),
        /**
         * How long an unanswered challenge waits for its author's answer before this node, as leader,
         * proposes a verdict (an answer ends the wait). Keep it well below the contract's verdictTimeout.
         */
        answerGraceSeconds: integer(0, 86_400).default(300),
      })
      .strict()
      .default({}),
    logLevel: oneOf(LOG_LEVELS).default("info"),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.scorer === "llm") {
      if (config.llm.baseUrl === undefined) ctx.addIssue({ code: "custom", path: ["llm", "baseUrl"], message: 'required when the scorer is "llm"' });
      if (config.llm.model === undefined) ctx.addIssue({ code: "custom", path: ["llm", "model"], message: 'required when the scorer is "llm"' });
    }
    if (config.keystore.password !== undefined && config.keystore.passwordFile !== undefined) {
      ctx.addIssue({ code: "custom", path: ["keystore", "password"], message: "set the password or a password file, not both" });
    }
  });

type ParsedConfig = z.infer<typeof ConfigSchema>;

export interface OracleConfig extends Omit<ParsedConfig, "dataDir" | "dbPath" | "keystore"> {
  /** Absolute. Default `data/oracle-<port>` under the working directory. */
  dataDir: string;
  /** Absolute. Default `<dataDir>/oracle.sqlite`. */
  dbPath: string;
  keystore: {
    /** Absolute. Default `<dataDir>/operator-keystore.json`. */
    path: string;
    password?: string;
    /** Absolute. */
    passwordFile?: string;
  };
  /** Absolute. */
  deploymentFile: string;
  /** The config file read, if any. */
  configFile?: string;
}

export interface LoadConfigOptions {
  /** Default `process.env`. */
  env?: Env;
  /** From `--config`; takes precedence over CASHKEY_ORACLE_CONFIG. */
  configFile?: string;
  /** Relative paths resolve against it. Default `process.cwd()`. */
  cwd?: string;
}

type Source = { kind: "env"; name: string; value: string } | { kind: "file"; file: string; value: unknown };

/** Reads and validates the configuration; throws a ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): OracleConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const sources = new Map<string, Source>();
  const issues: string[] = [];

  const fileArg = options.configFile ?? nonEmpty(env[CONFIG_FILE_ENV]);
  const configFile = fileArg === undefined ? undefined : path.resolve(cwd, fileArg);
  const raw: Record<string, unknown> = configFile === undefined ? {} : readConfigFile(configFile, options.configFile ? "--config" : CONFIG_FILE_ENV);
  if (configFile !== undefined) {
    for (const [dotted, value] of leaves(raw)) {
      sources.set(dotted, { kind: "file", file: configFile, value });
      if (SECRET_PATHS.has(dotted)) {
        const setting = SETTINGS.find((s) => s.path === dotted);
        issues.push(`${configFile}: ${dotted}: secrets are not read from the config file; set ${setting?.env} instead`);
      }
    }
  }
  for (const setting of SETTINGS) {
    const value = nonEmpty(env[setting.env]);
    if (value === undefined) continue;
    setPath(raw, setting.path, value);
    sources.set(setting.path, { kind: "env", name: setting.env, value });
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(result.error.issues.flatMap((issue) => describeIssue(issue, sources)));
  return withPaths(result.data, cwd, configFile);
}

/** CASHKEY_ORACLE_* variables that set nothing (likely typos), for a warning at start. */
export function unknownEnvSettings(env: Env = process.env): string[] {
  const known = new Set([CONFIG_FILE_ENV, ...SETTINGS.map((s) => s.env), ...Object.values(RELAY_ENV), ...Object.values(TELEGRAM_ENV)]);
  return Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && !known.has(name))
    .sort();
}

/** The configuration with secrets replaced, fit for logs. */
export function redactConfig(config: OracleConfig): OracleConfig {
  return {
    ...config,
    keystore: { ...config.keystore, ...(config.keystore.password === undefined ? {} : { password: "[redacted]" }) },
    llm: { ...config.llm, ...(config.llm.apiKey === undefined ? {} : { apiKey: "[redacted]" }) },
  };
}

export interface ContractAddresses {
  /** From the deployment file; absent when addresses were given explicitly. */
  chainId?: number;
  rewards: string;
  token?: string;
  /** The ERC-2771 forwarder Rewards trusts (deployments from Rewards 1.2.0 on); the relayer needs it. */
  forwarder?: string;
  /** The block the watcher starts from on a fresh database. */
  startBlock: number;
}

/**
 * The contracts the node talks to: explicit addresses (CASHKEY_ORACLE_REWARDS_ADDRESS) when set,
 * else the deployment file that `deployCashKey` writes (`deployments/<chainId>.json`).
 */
export function resolveContracts(config: OracleConfig): ContractAddresses {
  if (config.contracts.rewards !== undefined) {
    return { rewards: config.contracts.rewards, token: config.contracts.token, startBlock: config.startBlock ?? 0 };
  }
  const name = "CASHKEY_ORACLE_DEPLOYMENT_FILE";
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(config.deploymentFile, "utf8"));
  } catch (error) {
    throw new ConfigError([`${name}: cannot read the deployment file ${config.deploymentFile} (${reason(error)})`]);
  }
  const parsed = DeploymentRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(deploymentIssues(parsed.error, json).map((issue) => `${name}: ${config.deploymentFile}: ${issue}`));
  }
  const deployment = parsed.data;
  return {
    chainId: deployment.chainId,
    rewards: deployment.rewards,
    token: deployment.token,
    ...(deployment.forwarder === undefined ? {} : { forwarder: deployment.forwarder }),
    startBlock: config.startBlock ?? deployment.deployBlock,
  };
}

function readConfigFile(file: string, named: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError([`${named}: cannot read ${file} as JSON (${reason(error)})`]);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ConfigError([`${file}: expected a JSON object of settings`]);
  }
  return json as Record<string, unknown>;
}

function describeIssue(issue: z.ZodIssue, sources: ReadonlyMap<string, Source>): string[] {
  if (issue.code === "unrecognized_keys") {
    const prefix = issue.path.join(".");
    return issue.keys.map((key) => {
      const dotted = prefix ? `${prefix}.${key}` : key;
      const source = sources.get(dotted);
      return `${source?.kind === "file" ? `${source.file}: ` : ""}${dotted}: unknown setting`;
    });
  }
  const dotted = issue.path.join(".");
  // The value may sit deeper than the setting (a list item): name the nearest setting above it.
  let settingPath = dotted;
  let source = sources.get(settingPath);
  for (let n = issue.path.length - 1; source === undefined && n > 0; n--) {
    settingPath = issue.path.slice(0, n).join(".");
    source = sources.get(settingPath);
  }
  const secret = SECRET_PATHS.has(settingPath);
  if (source?.kind === "env") {
    return [`${source.name}: ${issue.message}${secret ? "" : `, got ${JSON.stringify(source.value)}`}`];
  }
  if (source?.kind === "file") {
    const value = valueAt(source.value, issue.path.slice(settingPath.split(".").length));
    return [`${source.file}: ${dotted}: ${issue.message}${secret || value === undefined ? "" : `, got ${JSON.stringify(value)}`}`];
  }
  const setting = SETTINGS.find((s) => s.path === dotted);
  return [`${setting?.env ?? dotted}: ${issue.message}`];
}

function withPaths(parsed: ParsedConfig, cwd: string, configFile: string | undefined): OracleConfig {
  const dataDir = path.resolve(cwd, parsed.dataDir ?? path.join("data", `oracle-${parsed.port}`));
  return {
    ...parsed,
    deploymentFile: path.resolve(cwd, parsed.deploymentFile),
    dataDir,
    dbPath: path.resolve(cwd, parsed.dbPath ?? path.join(dataDir, "oracle.sqlite")),
    keystore: {
      ...parsed.keystore,
      path: path.resolve(cwd, parsed.keystore.path ?? path.join(dataDir, "operator-keystore.json")),
      ...(parsed.keystore.passwordFile === undefined ? {} : { passwordFile: path.resolve(cwd, parsed.keystore.passwordFile) }),
    },
    ...(configFile === undefined ? {} : { configFile }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Every leaf of a JSON object by dotted path; arrays are leaves. */
function leaves(value: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(value).flatMap(([key, child]) => {
    const dotted = prefix ? `${prefix}.${key}` : key;
    return typeof child === "object" && child !== null && !Array.isArray(child)
      ? leaves(child as Record<string, unknown>, dotted)
      : [[dotted, child] as [string, unknown]];
  });
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function valueAt(value: unknown, keys: readonly (string | number)[]): unknown {
  let node = value;
  for (const key of keys) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function reason(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
