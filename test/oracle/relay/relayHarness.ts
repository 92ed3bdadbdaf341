/**
 * A relaying oracle API on a loopback port over the in-process Hardhat chain: a production-like
 * deployment (base quota 0), a relayer key of its own (funded), a real SQLite store.
 */
import path from "node:path";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { type Signer, Wallet, parseEther } from "ethers";
import { createApp } from "../../../oracle/src/api/app";
import { createMetrics } from "../../../oracle/src/metrics";
import { serveApp } from "../../../oracle/src/apiServer";
import { type ForwardRequestData, forwarderDomain, signForwardRequest } from "../../../oracle/src/protocol/forwardRequest";
import { createRelayMetrics } from "../../../oracle/src/relay/metrics";
import { Relayer, type RelayerLimits, type RelayIdentity } from "../../../oracle/src/relay/relayer";
import { openStore } from "../../../oracle/src/store";
import { deployStandard, nextEpoch } from "../../helpers/cashkey";
import { FakeChain } from "../api/harness";
import { tempDir } from "../store/fixtures";

/** Alice, bob and carol staked 1,000 CKEY before the current epoch: 20 submissions each. */
export async function relayChainFixture() {
  const deployment = await deployStandard({ baseQuota: 0 });
  for (const author of [deployment.alice, deployment.bob, deployment.carol]) {
    await deployment.token.connect(author).stake(parseEther("1000"));
  }
  await nextEpoch(deployment.rewards);
  const relayerKey = Wallet.createRandom();
  await deployment.deployer.sendTransaction({ to: relayerKey.address, value: parseEther("10") });
  const { chainId } = await hre.ethers.provider.getNetwork();
  const domain = forwarderDomain(chainId, await deployment.forwarder.getAddress());
  return { ...deployment, relayerKey, domain };
}

export type RelayChain = Awaited<ReturnType<typeof relayChainFixture>>;

export interface RelayNodeOptions {
  limits?: Partial<RelayerLimits>;
  identity?: (store: ReturnType<typeof openStore>) => RelayIdentity;
  relayClientLimit?: { clientBurst: number; clientWindowMs: number };
  disabled?: boolean;
}

export async function startRelayNode(chain: RelayChain, options: RelayNodeOptions = {}) {
  const { dir, cleanup } = tempDir("cashkey-relay-");
  const store = openStore(path.join(dir, "oracle.sqlite"));
  const metrics = createMetrics({ processMetrics: false, store });
  const relayMetrics = createRelayMetrics(metrics.registry);
  const relayer = new Relayer({
    provider: hre.ethers.provider,
    relayerKey: chain.relayerKey,
    forwarder: await chain.forwarder.getAddress(),
    rewards: await chain.rewards.getAddress(),
    store,
    metrics: relayMetrics,
    limits: options.limits,
    identity: options.identity?.(store),
  });
  const app = createApp({
    store,
    metrics,
    chainReader: new FakeChain(),
    config: { maxContentBytes: 1024, corsOrigins: [], rateLimit: { windowMs: 60_000, max: 1000 }, trustProxy: false },
    ...(options.disabled ? {} : { relayer }),
    ...(options.relayClientLimit ? { relayClientLimit: options.relayClientLimit } : {}),
  });
  const server = await serveApp(app, { host: "127.0.0.1", port: 0 });
  return {
    store,
    metrics,
    relayer,
    url: server.url,
    /** POSTs `body` to /v1/relay; returns the status and the JSON. */
    // The tests read the reply's fields (a receipt or an error body) and assert each value.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async post(body: unknown): Promise<{ status: number; json: any }> {
      const response = await fetch(`${server.url}/v1/relay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body, (_key, value) => (typeof value === "bigint" ? value.toString() : value)),
      });
      return { status: response.status, json: await response.json() };
    },
    async metric(name: string): Promise<string> {
      const text = await metrics.registry.metrics();
      return text
        .split("\n")
        .filter((line) => line.startsWith(name))
        .join("\n");
    },
    async stop() {
      await server.close();
      store.close();
      cleanup();
    },
  };
}

/** `signer`'s request for Rewards `data` at the forwarder's next nonce. */
export async function forwardRequest(
  chain: RelayChain,
  signer: Signer,
  data: string,
  overrides: Partial<{ to: string; value: bigint; gas: bigint; nonce: bigint; deadline: bigint }> = {},
): Promise<ForwardRequestData> {
  const from = await signer.getAddress();
  return signForwardRequest(signer, chain.domain, {
    from,
    to: overrides.to ?? (await chain.rewards.getAddress()),
    value: overrides.value ?? 0n,
    gas: overrides.gas ?? 200_000n,
    nonce: overrides.nonce ?? (await chain.forwarder.nonces(from)),
    deadline: overrides.deadline ?? BigInt(await time.latest()) + 3600n,
    data,
  });
}
