import net from "node:net";
import { expect } from "chai";
import hre from "hardhat";
import { PortInUseError, serveApp } from "../../oracle/src/apiServer";
import { startChainServer } from "../../scripts/lib/chainServer";

/** A loopback port held by another server for the test (bound on port 0: the kernel picks it). */
async function holdPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const { port } = holder.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => holder.close(() => resolve())) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail("expected a rejection");
}

describe("a busy port", function () {
  let held: { port: number; close: () => Promise<void> };

  beforeEach(async function () {
    held = await holdPort();
  });

  afterEach(async function () {
    await held.close();
  });

  it("is a PortInUseError naming the port and CASHKEY_ORACLE_PORT for the node's API", async function () {
    const error = await rejection(serveApp({ fetch: () => new Response("") }, { host: "127.0.0.1", port: held.port }));
    expect(error).to.be.instanceOf(PortInUseError);
    expect((error as PortInUseError).shortMessage).to.equal(
      `Port ${held.port} on 127.0.0.1 is already in use: stop what holds it, or set CASHKEY_ORACLE_PORT to another port.`,
    );
  });

  it("is a PortInUseError naming CASHKEY_CHAIN_PORT for npm start's chain, not an unhandled EADDRINUSE", async function () {
    const error = await rejection(startChainServer(hre, { hostname: "127.0.0.1", port: held.port, setting: "CASHKEY_CHAIN_PORT" }));
    expect(error).to.be.instanceOf(PortInUseError);
    expect((error as PortInUseError).shortMessage)
      .to.contain(`Port ${held.port} on 127.0.0.1 is already in use`)
      .and.to.contain("CASHKEY_CHAIN_PORT");
  });
});
