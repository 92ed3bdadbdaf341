/**
 * `npm run build:frontend`: compile, generate the ABIs from the artifacts, and build `frontend/dist`
 * (skipped when the build is newer than every source; CASHKEY_FRONTEND_FORCE_BUILD=1 rebuilds).
 */
import hre from "hardhat";
import { buildFrontend } from "../lib/frontendServer";

buildFrontend(hre, { force: process.env.CASHKEY_FRONTEND_FORCE_BUILD === "1" })
  .then((dist) => console.log(`frontend built in ${dist}`))
  .catch((error: unknown) => {
    console.error(`build:frontend: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
