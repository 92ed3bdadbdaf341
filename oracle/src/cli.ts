/**
 * The operator's command line: `npm run oracle -- <command>` (docs/OPERATORS.md, "CLI").
 *
 *   start            run the node until SIGINT/SIGTERM
 *   keygen           create the encrypted operator keystore; prints the address only
 *   status           the node's health (its API) and its database: submissions, cursor, last batch
 *   evaluate <file>  score a local text with the configured scorer; no chain needed
 *   evaluate --batch IN.jsonl --out OUT.jsonl
 *                    score a JSON-lines corpus as consecutive submissions with a fresh history (a dry run)
 *
 * Every failure is one line on stderr and a non-zero exit status; nothing secret is ever printed.
 */
import fs from "node:fs";
import path from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ZeroAddress } from "ethers";
import { CONFIG_FILE_ENV, ConfigError, type OracleConfig, loadConfig, unknownEnvSettings } from "./config";
import { CashKeyError } from "./errors";
import { createKeystore, loadOperatorKey, readKeystorePassword } from "./keys";

const NAME = "cashkey-oracle";

/** A usage problem the CLI found itself (exit status 2, like commander's own). */
class UsageError extends CashKeyError {
  override name = "UsageError";
}

export function buildProgram(): Command & { exitStatus(): number } {
  // A command that finishes but must still exit non-zero (the batch dry run) sets this.
  let exitStatus = 0;
  const program = new Command()
    .name(NAME)
    .usage("[--config <file>] <command> [options]")
    .description("CashKey oracle node: evaluates submissions and posts signed score batches (docs/OPERATORS.md)")
    .option("-c, --config <file>", `JSON config file (default: ${CONFIG_FILE_ENV}); settings in docs/OPERATORS.md`)
    .showSuggestionAfterError(true)
    .exitOverride()
    // Errors are printed by main() as one line.
    .configureOutput({ outputError: () => undefined });

  const config = (): OracleConfig => {
    const { config: configFile } = program.opts<{ config?: string }>();
    return loadConfig(configFile === undefined ? {} : { configFile });
  };

  program
    .command("start")
    .description("run the node: watch the chain, evaluate submissions, post batches, serve the API (until SIGINT/SIGTERM)")
    .action(async () => {
      const settings = config();
      for (const name of unknownEnvSettings()) process.stderr.write(`${NAME}: warning: ${name} is not a setting (ignored)\n`);
      const operatorKey = await loadOperatorKey(settings.keystore.path, readKeystorePassword(settings.keystore));
      // Loaded here so that the other commands start fast.
      const { OracleNode } = await import("./node");
      const { relaySettingsFromEnv } = await import("./relay/config");
      const relay = relaySettingsFromEnv(process.env, operatorKey.address);
      const { telegramBotSettingsFromEnv } = await import("./telegram/config");
      const telegram = telegramBotSettingsFromEnv(process.env);
      const node = new OracleNode({
        config: settings,
        operatorKey,
        ...(relay === undefined ? {} : { relay }),
        ...(telegram === undefined ? {} : { telegram }),
      });
      await node.start();
      process.stderr.write(`CashKey oracle node listening on ${node.url} (operator ${node.operatorAddress}); logs are JSON lines on stdout\n`);
      await untilSignal();
      await node.stop();
    });

  program
    .command("keygen")
    .description("create an encrypted operator keystore (never overwritten) and print its address")
    .option("--keystore <file>", "where to write it (default: the configured keystore path)")
    .option("--password-file <file>", "read the password from this file (default: CASHKEY_ORACLE_KEYSTORE_PASSWORD or CASHKEY_ORACLE_KEYSTORE_PASSWORD_FILE)")
    .action(async (options: { keystore?: string; passwordFile?: string }) => {
      const settings = config();
      const password = readKeystorePassword(options.passwordFile === undefined ? settings.keystore : { passwordFile: path.resolve(options.passwordFile) });
      const { address } = await createKeystore(options.keystore ?? settings.keystore.path, password);
      console.log(address);
    });

  program
    .command("status")
    .description("the node's health (from its API) and its database: submissions by status, chain cursor, last batch")
    .option("--url <url>", "the node's API (default: http://<host>:<port> from the configuration)")
    .option("--json", "print JSON")
    .action(async (options: { url?: string; json?: boolean }) => {
      const settings = config();
      const url = options.url ?? `http://${urlHost(settings.host)}:${settings.port}`;
      const { nodeStatus, formatStatus } = await import("./commands/status");
      const status = await nodeStatus(url, settings.dbPath);
      console.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status));
    });

  program
    .command("peers")
    .description("the operator network as the node sees it: peers, reachability, agreement rates, submissions held for review")
    .option("--url <url>", "the node's API (default: http://<host>:<port> from the configuration)")
    .option("--json", "print JSON")
    .action(async (options: { url?: string; json?: boolean }) => {
      const settings = config();
      const url = options.url ?? `http://${urlHost(settings.host)}:${settings.port}`;
      const { fetchNetwork, formatNetwork } = await import("./commands/peers");
      const network = await fetchNetwork(url);
      console.log(options.json ? JSON.stringify(network, null, 2) : formatNetwork(network));
    });

  program
    .command("register")
    .description("print the governance proposal that adds this operator (Rewards.addOperator) and the stake it must hold")
    .option("--address <address>", "the operator address (default: the configured keystore's address)")
    .option("--threshold <k>", "also set the threshold to k in the same proposal", positiveInteger)
    .option("--offline", "do not read the chain (no stake requirement or checks)")
    .option("--json", "print JSON")
    .action(async (options: { address?: string; threshold?: number; offline?: boolean; json?: boolean }) => {
      const settings = config();
      const { operatorAddress, registerProposal, formatRegister } = await import("./commands/register");
      const proposal = await registerProposal(settings, operatorAddress(options.address, settings.keystore.path), options);
      console.log(options.json ? JSON.stringify(proposal, null, 2) : formatRegister(proposal));
    });

  program
    .command("release")
    .argument("<id>", "a submission id held for review")
    .description("return a submission held for review (after repeated disputes) to the batch queue, once you have reviewed it")
    .action(async (id: string) => {
      if (!/^[1-9][0-9]{0,19}$/.test(id)) throw new UsageError(`"${id}" is not a submission id.`);
      const settings = config();
      const { openStore } = await import("./store");
      if (!fs.existsSync(settings.dbPath)) throw new CashKeyError(`There is no database at ${settings.dbPath}.`);
      const store = openStore(settings.dbPath);
      try {
        if (!store.network.release(BigInt(id))) throw new CashKeyError(`Submission ${id} is not held for review.`);
      } finally {
        store.close();
      }
      console.log(`submission ${id} released: it goes into the next batch this node leads`);
    });

  program
    .command("evaluate")
    .argument("[file]", "a UTF-8 text file")
    .description(
      "score a local text with the configured scorer and print the score, sub-scores, flags and rationale (no chain needed); " +
        'with --batch, score a JSON-lines corpus as consecutive submissions (docs/OPERATORS.md, "Batch dry run")',
    )
    .option("--max-points <n>", "points for a perfect score, as Rewards.maxPointsPerSubmission", positiveInteger, 1000)
    .option("--json", "print the evaluation as JSON")
    .option("--batch <in.jsonl>", 'one submission per line: {"text", "author"?, "category"?, "submittedAt"?}')
    .option("--out <out.jsonl>", "with --batch: where to write one evaluation per input line (default: standard output)")
    .action(async (file: string | undefined, options: { maxPoints: number; json?: boolean; batch?: string; out?: string }) => {
      if (options.batch !== undefined) {
        if (file !== undefined) throw new UsageError(`Give either a file or --batch, not both.`);
        if (options.json) throw new UsageError("--batch always writes JSON lines; --json is for a single file.");
        exitStatus = await runBatch(options.batch, options.out, options.maxPoints);
        return;
      }
      if (options.out !== undefined) throw new UsageError("--out goes with --batch.");
      if (file === undefined) throw new UsageError("Name a text file, or a JSON-lines corpus with --batch.");
      const text = readText(file);
      const settings = config();
      const { evaluateText, formatEvaluation } = await import("./commands/evaluate");
      const evaluation = await evaluateText(text, settings, { maxPoints: options.maxPoints, author: ZeroAddress });
      console.log(options.json ? JSON.stringify(evaluation, null, 2) : formatEvaluation(evaluation));
    });

  /** The batch dry run; resolves to the exit status (2 if a line was malformed, 1 if an evaluation failed). */
  async function runBatch(input: string, output: string | undefined, maxPoints: number): Promise<number> {
    const settings = config();
    if (!fs.existsSync(input) || !fs.statSync(input).isFile()) throw new UsageError(`Cannot read ${input} (not a file).`);
    if (output !== undefined && fs.existsSync(output) && fs.realpathSync(output) === fs.realpathSync(input)) {
      throw new UsageError("--out must not be the --batch input.");
    }
    const { createConfiguredScorer } = await import("./pipeline/scorer");
    const { evaluateBatch, fileLines, openOutput } = await import("./commands/evaluateBatch");
    const scorer = createConfiguredScorer(settings);
    let out: Writable;
    try {
      out = output === undefined ? process.stdout : await openOutput(output);
    } catch (error) {
      throw new UsageError(`Cannot write ${output} (${(error as NodeJS.ErrnoException).code ?? "unwritable"}).`);
    }
    const summary = await evaluateBatch(fileLines(input), out, {
      scorer,
      maxPoints,
      concurrency: settings.scorer === "llm" ? settings.llm.concurrency : 1,
      onLineError: (line, message) => process.stderr.write(`${NAME}: ${input}:${line}: ${message}\n`),
    });
    if (output !== undefined) await finished(out.end());
    const rate = summary.seconds > 0 ? Math.round(summary.evaluated / summary.seconds) : summary.evaluated;
    process.stderr.write(
      `${NAME}: ${summary.lines} lines: ${summary.evaluated} evaluated, ${summary.malformed} malformed, ${summary.failed} failed ` +
        `(${rate}/s, evaluator ${summary.evaluator}, ${scorer.descriptor.name})${output === undefined ? "" : `; wrote ${output}`}\n`,
    );
    if (summary.malformed > 0) return 2;
    return summary.failed > 0 ? 1 : 0;
  }

  return Object.assign(program, { exitStatus: () => exitStatus });
}

/** Runs the CLI; resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "node" });
    return program.exitStatus();
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      // Help shown because no command was given: commander already printed it.
      if (error.code === "commander.help" || error.code === "commander.helpDisplayed") return error.exitCode;
      process.stderr.write(`${NAME}: ${error.message.replace(/^error: /, "")} (see --help)\n`);
      return 2;
    }
    process.stderr.write(`${NAME}: ${oneLine(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** An error as one line: configuration problems listed, a CashKeyError with its details, never a stack. */
export function oneLine(error: unknown): string {
  let text: string;
  if (error instanceof ConfigError) text = `${error.shortMessage} ${error.issues.join("; ")}`;
  else if (error instanceof CashKeyError) text = error.details ? `${error.shortMessage} (${error.details})` : error.shortMessage;
  else if (error instanceof Error) text = error.message;
  else text = String(error);
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1 || parsed > 0xffffffff) {
    throw new InvalidArgumentError("expected an integer 1..4294967295.");
  }
  return parsed;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "unreadable"}).`);
  }
}

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/** Resolves at the first SIGINT or SIGTERM; a second one exits at once. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      resolve();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
}

if (require.main === module) {
  main(process.argv).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`${NAME}: ${oneLine(error)}\n`);
      process.exitCode = 1;
    },
  );
}
