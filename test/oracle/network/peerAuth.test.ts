import { expect } from "chai";
import { Wallet } from "ethers";
import { PEER_HEADERS, PeerRequestVerifier, sha256Hex, signedPeerFetch } from "../../../oracle/src/network/peerAuth";

const operator = new Wallet("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const stranger = new Wallet("0x5de4111afa1a4b94908f83e9f8a5e6d5d2a1f1b3c0e3f2f2b1e4c0a9d8e7f6a5");

/** The headers a signed request to `url` carries. */
async function signedHeaders(key: Wallet, url: string, init: RequestInit = {}, now = Date.now): Promise<Headers> {
  let sent: Headers | undefined;
  const capture: typeof fetch = async (_input, requestInit) => {
    sent = new Headers(requestInit?.headers);
    return new Response("{}");
  };
  await signedPeerFetch(key, capture, now)(url, init);
  return sent!;
}

function verifier(now = Date.now) {
  return new PeerRequestVerifier({ isOperator: (address) => address === operator.address, now });
}

function request(headers: Headers, overrides: Partial<{ method: string; path: string; host: string }> = {}) {
  return { method: "GET", path: "/v1/content/0xab", host: "127.0.0.1:9000", header: (name: string) => headers.get(name) ?? undefined, ...overrides };
}

describe("peer authentication", function () {
  it("accepts an operator's signed request once, with the body hash it signed", async function () {
    const headers = await signedHeaders(operator, "http://127.0.0.1:9000/v1/content/0xab");
    const check = verifier();
    expect(await check.verify(request(headers))).to.deep.equal({ ok: true, operator: operator.address, bodySha256: sha256Hex("") });
    // The same request again: a replay.
    expect(await check.verify(request(headers))).to.include({ ok: false, code: "peer_auth_replayed" });
  });

  it("binds the signature to the method, the path, the host and the body", async function () {
    const headers = await signedHeaders(operator, "http://127.0.0.1:9000/v1/content/0xab");
    expect(await verifier().verify(request(headers, { path: "/v1/content/0xcd" }))).to.include({ ok: false, code: "peer_auth_signature" });
    expect(await verifier().verify(request(headers, { method: "POST" }))).to.include({ ok: false, code: "peer_auth_signature" });
    expect(await verifier().verify(request(headers, { host: "10.0.0.1:9000" }))).to.include({ ok: false, code: "peer_auth_signature" });
    const post = await signedHeaders(operator, "http://127.0.0.1:9000/v1/peer/proposals", { method: "POST", body: '{"a":1}' });
    expect(post.get(PEER_HEADERS.bodySha256)).to.equal(sha256Hex('{"a":1}'));
    const forged = new Headers(post);
    forged.set(PEER_HEADERS.bodySha256, sha256Hex('{"a":2}'));
    expect(await verifier().verify(request(forged, { method: "POST", path: "/v1/peer/proposals" }))).to.include({ ok: false, code: "peer_auth_signature" });
  });

  it("refuses a stranger, a stale timestamp and malformed headers", async function () {
    const strangers = await signedHeaders(stranger, "http://127.0.0.1:9000/v1/content/0xab");
    expect(await verifier().verify(request(strangers))).to.include({ ok: false, status: 403, code: "peer_not_operator" });
    // A stranger naming an operator: the signature does not recover to it.
    const impersonating = new Headers(strangers);
    impersonating.set(PEER_HEADERS.operator, operator.address);
    expect(await verifier().verify(request(impersonating))).to.include({ ok: false, status: 401, code: "peer_auth_signature" });
    const old = await signedHeaders(operator, "http://127.0.0.1:9000/v1/content/0xab", {}, () => Date.now() - 5 * 60_000);
    expect(await verifier().verify(request(old))).to.include({ ok: false, code: "peer_auth_stale" });
    const broken = new Headers(old);
    broken.set(PEER_HEADERS.nonce, "not hex");
    expect(await verifier().verify(request(broken))).to.include({ ok: false, code: "peer_auth_malformed" });
  });
});
