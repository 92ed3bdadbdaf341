import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { MAX_PEER_RESPONSE_BYTES, PeerClient, PeerRequestError } from "../../../oracle/src/network/peerClient";
import type { ProposalJson } from "../../../oracle/src/network/proposal";

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A real HTTP server on loopback whose answer the test chooses. */
async function peer(behaviour: Behaviour): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer(behaviour);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function failure(promise: Promise<unknown>): Promise<PeerRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PeerRequestError) return error;
    throw error;
  }
  throw new Error("expected a PeerRequestError");
}

const PROPOSAL = { version: 1 } as unknown as ProposalJson;

describe("peer client: a slow or hostile peer", function () {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async function () {
    for (const close of closers.splice(0)) await close();
  });
  async function serve(behaviour: Behaviour): Promise<string> {
    const server = await peer(behaviour);
    closers.push(server.close);
    return server.url;
  }

  it("gives up on a peer that never answers after the timeout", async function () {
    const url = await serve(() => undefined);
    const client = new PeerClient({ timeoutMs: 200 });
    const error = await failure(client.propose(url, PROPOSAL));
    expect(error.reason).to.equal("timeout");
  });

  it("gives up on a peer that starts an answer and stalls", async function () {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"decision":');
    });
    const error = await failure(new PeerClient({ timeoutMs: 200 }).propose(url, PROPOSAL));
    expect(error.reason).to.equal("timeout");
  });

  it("stops reading an answer larger than the limit, declared or not", async function () {
    const declared = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(MAX_PEER_RESPONSE_BYTES + 1) });
      res.end();
    });
    expect((await failure(new PeerClient({ timeoutMs: 2000 }).propose(declared, PROPOSAL))).reason).to.equal("too_large");
    const streamed = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = "x".repeat(64 * 1024);
      for (let i = 0; i < 8; i++) res.write(chunk);
      res.end();
    });
    expect((await failure(new PeerClient({ timeoutMs: 2000 }).propose(streamed, PROPOSAL))).reason).to.equal("too_large");
  });

  it("refuses an answer that is not JSON or not a vote, and reports a refusal with its status", async function () {
    const garbage = await serve((_req, res) => res.end("<html>"));
    expect((await failure(new PeerClient({ timeoutMs: 2000 }).propose(garbage, PROPOSAL))).reason).to.equal("malformed");
    const wrong = await serve((_req, res) => res.end(JSON.stringify({ decision: "signed", digest: "0x12" })));
    expect((await failure(new PeerClient({ timeoutMs: 2000 }).propose(wrong, PROPOSAL))).reason).to.equal("malformed");
    const refused = await serve((_req, res) => {
      res.writeHead(409, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "proposal_stale_nonce", message: "old" } }));
    });
    const error = await failure(new PeerClient({ timeoutMs: 2000 }).propose(refused, PROPOSAL));
    expect([error.reason, error.status]).to.deep.equal(["refused", 409]);
  });

  it("reports an unreachable peer", async function () {
    const url = await serve(() => undefined);
    await closers.pop()!();
    expect((await failure(new PeerClient({ timeoutMs: 2000 }).operatorOf(url))).reason).to.equal("unreachable");
  });
});
