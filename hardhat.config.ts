import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";
import "./tasks";
import { type SolcDiagnostic, withoutAcceptedWarnings } from "./scripts/lib/compileWarnings";

// bcrypto (a dependency of the Chainlink Functions toolkit) throws at load without its native addon,
// whose install script package.json's allowScripts denies (docs/SECURITY.md): use its JavaScript backend.
// Set here, before any test, script or task loads the toolkit; bcrypto reads it when it loads.
process.env.NODE_BACKEND ??= "js";

/** The one Solidity version of the project; the npm package `solc` is pinned to it exactly. */
const SOLC_VERSION = "0.8.28";

// The compiler download site is unreachable from our machines and CI: compile with the
// solc-js build that ships in the pinned npm package instead.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  // Loaded only when a compile asks for this version: every Hardhat command loads this config.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc");
  return {
    version: SOLC_VERSION,
    longVersion: solc.version() as string,
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
  };
});

// solc's transient-storage warning (2394) at OpenZeppelin's TransientSlot.sol is a reviewed decision, not
// printed at each compile: see scripts/lib/compileWarnings.ts. Errors and every other warning are printed.
subtask(TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS).setAction(async (args: { output: { errors?: SolcDiagnostic[] }; quiet: boolean }, _hre, runSuper) =>
  runSuper({ ...args, output: withoutAcceptedWarnings(args.output) }),
);

const config: HardhatUserConfig = {
  solidity: {
    compilers: [{ version: SOLC_VERSION, settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } } }],
    overrides: {
      // The test-only upgrade target extends Rewards (24,176 of 24,576 bytes) by a field: optimized for size
      // so that it still deploys. Rewards itself keeps the settings above (runs: 1 would make the
      // constant optimizer rebuild the hot loop's 32-byte slot literals, +70 gas per scored item).
      "contracts/mocks/RewardsV2.sol": {
        version: SOLC_VERSION,
        settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 1 } },
      },
    },
  },
  networks: {
    hardhat: {},
    localhost: { url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
    ...(process.env.DEPLOY_RPC_URL
      ? {
          custom: {
            url: process.env.DEPLOY_RPC_URL,
            accounts: process.env.DEPLOYER_PRIVATE_KEY ? [process.env.DEPLOYER_PRIVATE_KEY] : [],
          },
        }
      : {}),
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: process.env.REPORT_GAS === "true" },
  mocha: {
    timeout: 120_000,
    reporter: require.resolve("./test/support/summaryReporter.js"),
  },
};

export default config;
