import net from "node:net";

/**
 * A loopback TCP port held for the whole life of a test network or benchmark: bound (port 0, the
 * kernel picks) and listening before any node is configured, so every node's URL is known up front
 * and nothing else can take the port between runs of the node that serves on it. Give `listener` to
 * the node (`OracleNodeOptions.listener`); while no node serves on it, connections are reset at
 * once, as a stopped node's would be refused.
 */
export class HeldPort {
  private constructor(
    readonly listener: net.Server,
    readonly port: number,
  ) {}

  static async bind(host = "127.0.0.1"): Promise<HeldPort> {
    const listener = net.createServer();
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(0, host, () => {
        listener.off("error", reject);
        resolve();
      });
    });
    // The first listener, so it sees every connection; it resets those no node takes.
    listener.on("connection", (socket) => {
      if (listener.listenerCount("connection") === 1) socket.resetAndDestroy();
    });
    return new HeldPort(listener, (listener.address() as net.AddressInfo).port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}
