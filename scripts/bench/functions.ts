/**
 * `npm run bench:functions`: what one Chainlink Functions verification of a batch costs, measured on
 * the local chain with the toolkit's router and coordinator and the local fulfiller (docs/FUNCTIONS.md).
 * For batches of 1, 16, 64 and 256 items (honest, heuristic-evaluated): the operator's request gas, the
 * verifier's callback gas, the report transaction's gas, the LINK the subscription paid, the source's
 * run time under Deno and its HTTP requests; and the size of one `Submitted` log in the source's
 * eth_getLogs answer (which bounds the history one request can read). Printed as JSON and written to
 * docs/BENCHMARKS.md between the `bench:functions` markers.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { formatEther, parseEther, parseUnits } from "ethers";
import { deployCashKey } from "../deploy";
import { deployLocalVerifier, enableVerifier } from "../lib/functionsVerifier";
import { LocalFulfiller } from "../../oracle/src/functions/fulfiller";
import { readVerifyBatchSource } from "../../oracle/src/functions/source";
import { estimateRequestCost } from "../../oracle/src/functions/toolkit";
import { createVerifierClient } from "../../oracle/src/functions/verifierClient";
import { contentHash } from "../../oracle/src/protocol/contentHash";
import { itemsHash, orderSignatures } from "../../oracle/src/protocol/eip712";
import { ChainServer, ProposalServer, buildProposal, evaluateAll } from "../../test/functions/harness";
import { articleText } from "./evaluation";

const BATCH_SIZES = [1, 16, 64, 256];
const GAS_PRICES_GWEI = [1, 30];

interface Row {
  items: number;
  requestGas: bigint;
  callbackGas: bigint;
  reportGas: bigint;
  juels: bigint;
  /** The report transaction's gas price: the charge scales with it (no fixed fee locally). */
  reportGasPrice: bigint;
  sourceMs: number;
  httpRequests: number;
}

async function measure() {
  const [deployer, leader, author] = await hre.ethers.getSigners();
  const chain = await new ChainServer().start();
  const operatorApi = await new ProposalServer().start();
  try {
    const { rewards, timelock } = await deployCashKey(hre, {
      deployer,
      operators: [leader.address],
      threshold: 1,
      baseQuota: 2000,
      quotaTiers: [],
      writeDeployment: false,
    });
    const rewardsAddress = await rewards.getAddress();
    const local = await deployLocalVerifier(hre, { deployer, rewards: rewardsAddress, timelock: await timelock.getAddress(), rpcUrl: chain.url });
    const timelockSigner = await hre.ethers.getImpersonatedSigner(await timelock.getAddress());
    await setBalance(await timelock.getAddress(), parseEther("10"));
    await enableVerifier(hre, timelockSigner, local, { rewards: rewardsAddress, threshold: 2, funder: deployer });
    const client = createVerifierClient({ verifier: await local.verifier.getAddress(), runner: leader });
    const router = await hre.ethers.getImpersonatedSigner(local.functions.router);
    await setBalance(local.functions.router, parseEther("1"));
    const maxPoints = Number(await rewards.maxPointsPerSubmission());

    const rows: Row[] = [];
    for (const size of BATCH_SIZES) {
      const submissions = [];
      for (let i = 0; i < size; i++) {
        const content = { text: articleText() };
        const hash = contentHash(content);
        await (await rewards.connect(author).submit(hash, 1)).wait();
        submissions.push({ id: await rewards.submissionCount(), hash, content, author: author.address });
      }
      const items = await evaluateAll(submissions, maxPoints);
      const { proposal, header, packedItems, digest } = await buildProposal(rewards, leader, items);
      operatorApi.serve(proposal, Object.fromEntries(submissions.map((s) => [s.hash, s.content])));

      const fulfiller = new LocalFulfiller({
        coordinator: local.functions.coordinator,
        router: local.functions.router,
        transmitter: deployer,
        fromBlock: (await hre.ethers.provider.getBlockNumber()) + 1,
      });
      const requestTx = await local.verifier
        .connect(leader)
        .requestVerification(header, itemsHash(packedItems), readVerifyBatchSource(), `${operatorApi.url}/v1/peer/proposals/${digest}`);
      const requestReceipt = await requestTx.wait();
      const requestId = (await local.verifier.queryFilter(local.verifier.filters.VerificationRequested(), requestReceipt!.blockNumber))[0].args.requestId;
      // The callback's own gas: the router's call, as estimated from the router, less the 21,000 base and its calldata.
      const callData = local.verifier.interface.encodeFunctionData("handleOracleFulfillment", [requestId, digest, "0x"]);
      const callbackEstimate = await hre.ethers.provider.estimateGas({ from: router.address, to: await local.verifier.getAddress(), data: callData });
      const calldataGas = [...Buffer.from(callData.slice(2), "hex")].reduce((gas, byte) => gas + (byte === 0 ? 4n : 16n), 0n);

      const before = chain.requests + operatorApi.requests;
      const started = performance.now();
      const [fulfilment] = await fulfiller.processPending();
      const elapsed = performance.now() - started;
      if (fulfilment.response !== digest) throw new Error(`batch of ${size} not approved: ${fulfilment.response ?? fulfilment.error}`);
      const signature = await client.approvedSignature(digest);
      const ordered = orderSignatures([
        { signer: leader.address, signature: proposal.signature },
        { signer: client.verifier, signature: signature! },
      ]);
      await (await rewards.postScores(header, packedItems, ordered)).wait();
      rows.push({
        items: size,
        requestGas: requestReceipt!.gasUsed,
        callbackGas: callbackEstimate - 21_000n - calldataGas,
        reportGas: fulfilment.reportGasUsed,
        juels: fulfilment.totalCostJuels,
        reportGasPrice: (await hre.ethers.provider.getTransactionReceipt(fulfilment.transactionHash))!.gasPrice,
        sourceMs: Math.round(elapsed),
        httpRequests: chain.requests + operatorApi.requests - before,
      });
      console.error(`batch of ${size}: ${JSON.stringify(rows[rows.length - 1], (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    }

    const deployerAddress = deployer.address;
    const estimates = [];
    for (const gwei of GAS_PRICES_GWEI) {
      const juels = await estimateRequestCost(
        hre.network.provider,
        deployerAddress,
        local.functions,
        local.subscriptionId,
        Number(local.config.callbackGasLimit),
        parseUnits(String(gwei), "gwei"),
      );
      estimates.push({ gwei, juels });
    }
    const logs = (await hre.network.provider.request({
      method: "eth_getLogs",
      params: [{ address: rewardsAddress, topics: [rewards.interface.getEvent("Submitted").topicHash], fromBlock: "0x0", toBlock: "latest" }],
    })) as unknown[];
    const bytesPerLog = Math.ceil(JSON.stringify(logs).length / logs.length);
    return {
      machine: { cpu: os.cpus()[0]?.model.split(" ").slice(0, 2).join(" ") ?? "unknown", cores: os.cpus().length, node: process.version },
      sourceBytes: Buffer.byteLength(readVerifyBatchSource()),
      callbackGasLimit: Number(local.config.callbackGasLimit),
      rows,
      estimates,
      bytesPerLog,
      submissionsReadable: Math.floor((2 * 1024 * 1024) / bytesPerLog),
    };
  } finally {
    await chain.stop();
    await operatorApi.stop();
  }
}

type Result = Awaited<ReturnType<typeof measure>>;

const BEGIN = "<!-- bench:functions:begin (generated by scripts/bench/functions.ts) -->";
const END = "<!-- bench:functions:end -->";

function markdown(r: Result): string {
  const link = (juels: bigint) => `${Number(formatEther(juels)).toFixed(6)} LINK`;
  return [
    BEGIN,
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores; Node ${r.machine.node}. Run on ${new Date().toISOString().slice(0, 10)}. Source: ${r.sourceBytes.toLocaleString("en")} bytes; callback gas limit configured: ${r.callbackGasLimit.toLocaleString("en")}.`,
    "",
    "| items | `requestVerification` gas (operator) | callback gas (verifier) | report tx gas (DON transmitter) | LINK charged, scaled to 1 gwei / 30 gwei | source run (Deno, one node) | HTTP requests |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...r.rows.map(
      (row) =>
        `| ${row.items} | ${row.requestGas.toLocaleString("en")} | ${row.callbackGas.toLocaleString("en")} | ${row.reportGas.toLocaleString("en")} | ${link((row.juels * 10n ** 9n) / row.reportGasPrice)} / ${link((row.juels * 30n * 10n ** 9n) / row.reportGasPrice)} | ${row.sourceMs} ms | ${row.httpRequests} |`,
    ),
    "",
    `- LINK charged: what the router took from the subscription for the measured fulfilment, scaled from the report transaction's gas price to 1 and 30 gwei (the local coordinator has no fixed fee, so the charge is linear in the gas price).
- Coordinator estimate for one request at the configured callback limit (what the subscription must hold while a request is pending): ${r.estimates.map((e) => `${link(e.juels)} at ${e.gwei} gwei`).join(", ")} (local coordinator: LINK/ETH 0.006, no DON, admin or operation fee; a live DON adds its premium fee).`,
    `- One \`Submitted\` log is ~${r.bytesPerLog} bytes of JSON in the source's eth_getLogs answer, so the 2 MB HTTP response limit reads ~${r.submissionsReadable.toLocaleString("en")} submissions of history (docs/FUNCTIONS.md, Limits).`,
    "- The request gas is mostly calldata: the whole source travels with every request, as Functions requires for inline sources.",
    END,
  ].join("\n");
}

function writeBenchmarks(r: Result): string {
  const file = path.join(hre.config.paths.root, "docs", "BENCHMARKS.md");
  const current = fs.readFileSync(file, "utf8");
  const section = markdown(r);
  const next =
    current.includes(BEGIN) && current.includes(END)
      ? current.slice(0, current.indexOf(BEGIN)) + section + current.slice(current.indexOf(END) + END.length)
      : `${current.trimEnd()}\n\n## Chainlink Functions verifier (npm run bench:functions)\n\nCommand: \`npm run bench:functions\`.\n\n${section}\n`;
  fs.writeFileSync(file, next);
  return file;
}

async function main(): Promise<void> {
  const result = await measure();
  console.log(JSON.stringify(result, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2));
  console.log(`written to ${path.relative(process.cwd(), writeBenchmarks(result))}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
