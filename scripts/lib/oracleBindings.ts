/**
 * The oracle node's contract bindings, `oracle/src/bindings/`: typechain (ethers v6) factories and
 * types generated from the ABIs of the contracts the node calls, and committed, so that an operator's
 * node builds and runs without Hardhat or a contract compile. `npm run bindings:oracle` rewrites them
 * after a contract change; test/oracle/bindings.test.ts fails while they differ from the artifacts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { glob, runTypeChain } from "typechain";

/** The contracts whose ABIs the node uses (chain adapters, relayer, Functions verifier client). */
export const ORACLE_CONTRACTS = ["Rewards", "CashKeyToken", "CashKeyForwarder", "FunctionsBatchVerifier", "Challenges"] as const;

export function bindingsDir(root: string): string {
  return path.join(root, "oracle", "src", "bindings");
}

/** Generates the bindings into `outDir` (emptied first) from the compiled artifacts. Call after compiling. */
export async function generateOracleBindings(hre: HardhatRuntimeEnvironment, outDir: string): Promise<void> {
  const abiDir = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-abi-"));
  try {
    for (const name of ORACLE_CONTRACTS) {
      const { abi } = await hre.artifacts.readArtifact(name);
      fs.writeFileSync(path.join(abiDir, `${name}.json`), JSON.stringify(abi, null, 2));
    }
    fs.rmSync(outDir, { recursive: true, force: true });
    const files = glob(abiDir, [`${abiDir}/*.json`]);
    await runTypeChain({ cwd: abiDir, filesToProcess: files, allFiles: files, outDir, target: "ethers-v6" });
  } finally {
    fs.rmSync(abiDir, { recursive: true, force: true });
  }
}

/** Every file under `dir`, relative path → contents. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relative = path.join(sub, entry.name);
      if (entry.isDirectory()) visit(relative);
      else files.set(relative, fs.readFileSync(path.join(dir, relative), "utf8"));
    }
  };
  if (fs.existsSync(dir)) visit("");
  return files;
}
