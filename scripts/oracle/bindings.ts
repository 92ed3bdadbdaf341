/** `npm run bindings:oracle`: rewrites oracle/src/bindings/ from the artifacts (scripts/lib/oracleBindings.ts). */
import hre from "hardhat";
import { bindingsDir, generateOracleBindings } from "../lib/oracleBindings";

async function main(): Promise<void> {
  await hre.run("compile", { quiet: true });
  const dir = bindingsDir(hre.config.paths.root);
  await generateOracleBindings(hre, dir);
  console.log(`wrote ${dir}`);
}

main().catch((error: unknown) => {
  console.error(`bindings:oracle: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
