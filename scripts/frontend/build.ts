/** `npm run build:frontend`: compile, generate the ABIs from the artifacts, and build `frontend/dist`. */
import hre from "hardhat";
import { buildFrontend } from "../lib/frontendServer";

buildFrontend(hre, { force: process.argv.includes("--force") || process.env.CASHKEY_FRONTEND_FORCE_BUILD === "1" })
  .then((dist) => console.log(`frontend built in ${dist}`))
  .catch((error: unknown) => {
    console.error(`build:frontend: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
