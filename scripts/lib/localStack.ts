/** Where `npm start` keeps its nodes' folders, and the status command it prints. */
import fs from "node:fs";
import path from "node:path";

/** The file that marks a node folder as `npm start`'s own, which it may reset. */
const LOCAL_STACK_MARKER = ".npm-start";

/**
 * The node folder for `port`: the CLI's default (`data/oracle-<port>`, docs/OPERATORS.md), so that
 * `npm run oracle -- status` finds its database. The chain is new on every start, so is the node's
 * database; a folder holding files that `npm start` did not create (a real node's) is left alone, with a refusal.
 */
export function resetLocalNodeDir(root: string, port: number): string {
  const nodeDir = path.join(root, "data", `oracle-${port}`);
  const marker = path.join(nodeDir, LOCAL_STACK_MARKER);
  if (fs.existsSync(nodeDir) && fs.readdirSync(nodeDir).length > 0 && !fs.existsSync(marker)) {
    throw new Error(
      `${path.relative(root, nodeDir)} holds files npm start did not create (a node's database or keystore?): move them, or set CASHKEY_ORACLE_PORT to other ports.`,
    );
  }
  fs.rmSync(nodeDir, { recursive: true, force: true });
  fs.mkdirSync(nodeDir, { recursive: true });
  fs.writeFileSync(marker, "This folder belongs to `npm start`, which recreates it at each start.\n");
  return nodeDir;
}

/** The status command for the chain at `rpcUrl` (the `localhost` network reads RPC_URL, hardhat.config.ts). */
export function statusCommand(rpcUrl: string): string {
  const command = "npx hardhat cashkey:status --network localhost";
  return rpcUrl === "http://127.0.0.1:8545" ? command : `RPC_URL=${rpcUrl} ${command}`;
}

/** The oracle CLI's status for the node at `url` on `port`: the port picks its database (data/oracle-<port>). */
export function nodeStatusCommand(url: string, port: number): string {
  return `${port === 8701 ? "" : `CASHKEY_ORACLE_PORT=${port} `}npm run oracle -- status --url ${url}`;
}
