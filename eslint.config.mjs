// ESLint flat config (`npx eslint .`, part of `npm run lint`). Formatting is Prettier's job
// (.prettierrc.json): eslint-config-prettier comes last and turns off every stylistic rule.
//
// typescript-eslint's `recommended`, not `recommendedTypeChecked`: the type-aware rules build every
// TypeScript program (root, frontend, indexer) and need the generated typechain-types and dApp ABIs
// first; measured on this 2-core machine that took 6 min 52 s (1 min 38 s CPU) against under a minute,
// and without the generated files it reports thousands of `no-unsafe-*` on `any`. `tsc --noEmit` in
// `npm run lint` already does the type checking.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";
import { defineConfig } from "eslint/config";

export default defineConfig(
  {
    // Build outputs, generated code and installed packages.
    ignores: [
      "**/node_modules/",
      "artifacts/",
      "cache/",
      "coverage/",
      "data/",
      "typechain-types/",
      "deployments/",
      "oracle/dist/",
      "oracle/src/bindings/",
      "frontend/dist/",
      "frontend/src/generated/",
      "indexer/generated/",
      "indexer/abis/generated.ts",
      "indexer/.ponder/",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // A disable comment that no longer suppresses anything fails the lint, so none outlives its reason.
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A leading underscore marks a binding kept on purpose: a skipped tuple slot, a loop counter
      // nobody reads, a property left out of a `...rest` copy.
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // `let server; server = start(() => server.handle())`: a variable a callback reads before its one
      // assignment cannot be `const`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Node: the oracle, Hardhat scripts and tasks, the tests, the indexer, the dApp's build config.
    files: ["**/*.{ts,mts,js,mjs,cjs}"],
    ignores: ["frontend/src/**", "frontend/test/**", "frontend/public/**"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ["test/**/*.{ts,js}"],
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
  },
  {
    // CommonJS entry points (run by plain `node` before anything is compiled, or required by mocha and
    // solidity-coverage): `require` is their import.
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Chainlink Functions source: the body of an async function the DON runs (top-level await and
    // return), with `args` and `Functions` in scope.
    files: ["oracle/functions/*.js"],
    languageOptions: { sourceType: "script", globals: { args: "readonly", Functions: "readonly" } },
  },
  {
    files: ["frontend/src/**/*.{ts,tsx}", "frontend/test/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["frontend/public/sw.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.serviceworker } },
  },
  prettier,
);
