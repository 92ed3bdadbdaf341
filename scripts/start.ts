/**
 * `npm start`: the local CashKey stack on loopback. A Hardhat chain served over JSON-RPC, the contracts
 * deployed through `deployCashKey`, and `deployments/31337.json` written, then it runs until Ctrl-C.
 *
 * Environment: CASHKEY_HOST (default 127.0.0.1), CASHKEY_CHAIN_PORT (default 8545).
 */
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { deployCashKey } from "./deploy";

interface JsonRpcServerLike {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}: "${raw}" is not a TCP port`);
  }
  return value;
}

async function main(): Promise<void> {
  if (hre.network.name !== "hardhat") throw new Error("npm start runs its own chain; do not pass --network");
  const hostname = process.env.CASHKEY_HOST ?? "127.0.0.1";
  const chainPort = port("CASHKEY_CHAIN_PORT", 8545);

  const server = (await hre.run(TASK_NODE_CREATE_SERVER, {
    hostname,
    port: chainPort,
    provider: hre.network.provider,
  })) as JsonRpcServerLike;
  const { address, port: actualPort } = await server.listen();
  const rpcUrl = `http://${address}:${actualPort}`;

  const { token, rewards, governor, timelock } = await deployCashKey(hre);
  const [deployer] = await hre.ethers.getSigners();

  console.log(
    [
      "",
      "CashKey local stack is running.",
      `  chain     ${rpcUrl}  (chainId 31337)`,
      `  token     ${await token.getAddress()}`,
      `  rewards   ${await rewards.getAddress()}`,
      `  governor  ${await governor.getAddress()}`,
      `  timelock  ${await timelock.getAddress()}`,
      `  deployer  ${deployer.address} (genesis supply holder, operator)`,
      `  deployment written to deployments/31337.json`,
      "",
      "Status: npx hardhat cashkey:status --network localhost",
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );

  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
