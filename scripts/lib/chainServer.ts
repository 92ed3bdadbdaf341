/**
 * `npm start`'s JSON-RPC chain server. Hardhat's server (the `node` task's) listens without an `error`
 * handler, so a busy port crashes the process with an unhandled `EADDRINUSE` stack from its WebSocket
 * server; here the same failure is a PortInUseError naming the port and the variable that moves it.
 */
import type { EventEmitter } from "node:events";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { explainBusyPort } from "../../oracle/src/apiServer";

export interface ChainServer {
  url: string;
  close(): Promise<void>;
}

interface JsonRpcServerLike {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  /** Hardhat's internal WebSocket server on the same HTTP server: it re-emits the HTTP server's `error`. */
  _wsServer?: EventEmitter;
}

/** Serves `hre`'s in-process chain on `hostname:port`; `setting` is the variable that sets the port. */
export async function startChainServer(hre: HardhatRuntimeEnvironment, options: { hostname: string; port: number; setting: string }): Promise<ChainServer> {
  const server = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: options.hostname, port: options.port, provider: hre.network.provider })) as JsonRpcServerLike;
  const errors = server._wsServer;
  if (errors === undefined) throw new Error("startChainServer: this Hardhat version's JSON-RPC server is not the one this script knows");
  const { address, port } = await new Promise<{ address: string; port: number }>((resolve, reject) => {
    const onError = (error: unknown) => reject(explainBusyPort(error, options.hostname, options.port, options.setting));
    errors.once("error", onError);
    server.listen().then((bound) => {
      errors.off("error", onError);
      resolve(bound);
    }, reject);
  });
  const urlHost = address.includes(":") ? `[${address}]` : address;
  return { url: `http://${urlHost}:${port}`, close: () => server.close() };
}
