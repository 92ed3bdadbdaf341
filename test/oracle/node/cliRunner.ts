/** Runs the oracle CLI as `npm run oracle` does, in a child process, for CLI tests. */
import { spawn } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../../..");
const CLI = path.join(ROOT, "oracle/src/cli.ts");
const TS_NODE = require.resolve("ts-node/dist/bin.js");

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run oracle` does (ts-node, transpile only) in `cwd`, with only `env` set besides PATH. */
export function cli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TS_NODE, "-T", "--project", path.join(ROOT, "tsconfig.json"), CLI, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
