/**
 * A local stand-in for the DON: it follows the local Functions coordinator's `OracleRequest` events,
 * runs each request's source under the toolkit's `simulateScript` (Deno, the DON's limits), and
 * reports the result through the coordinator, which calls the router, which calls the consumer.
 * The same path as the toolkit's `startLocalFunctionsTestnet`, but on our Hardhat chain and with one
 * simulated node per request (every node runs the same deterministic source).
 */
import { AbiCoder, Contract, type EventLog, type Signer, hexlify, toUtf8Bytes } from "ethers";
import { COORDINATOR_ABI, ROUTER_ABI, type SimulationLimits, decodeRequestData, simulateSource } from "./toolkit";

export interface FulfillerOptions {
  /** The local coordinator (`FunctionsCoordinatorTestHelper`). */
  coordinator: string;
  /** The router, to read each fulfilment's outcome and cost. */
  router: string;
  /** Who sends the reports (pays the gas of the fulfilment transaction). */
  transmitter: Signer;
  /** The first block to look for requests in; default: the latest block at start. */
  fromBlock?: number;
  limits?: SimulationLimits;
  /** Gas limit of the report transaction (the toolkit's). */
  reportGasLimit?: number;
  log?: (message: string) => void;
}

/** One fulfilled request. */
export interface Fulfilment {
  requestId: string;
  /** The report transaction. */
  transactionHash: string;
  /** The source's response bytes, when it returned. */
  response?: string;
  /** The simulation's error, when it failed. */
  error?: string;
  /** Gas of the whole report transaction (coordinator, router and callback). */
  reportGasUsed: bigint;
  /** The router's result code (0: callback succeeded) and the subscription's charge in juels. */
  resultCode: number;
  totalCostJuels: bigint;
}

const COMMITMENT_TYPES = ["bytes32", "address", "uint96", "address", "uint64", "uint32", "uint72", "uint72", "uint40", "uint40", "uint32"] as const;

export class LocalFulfiller {
  private readonly coordinator: Contract;
  private readonly router: Contract;
  private nextBlock: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: FulfillerOptions) {
    this.coordinator = new Contract(options.coordinator, COORDINATOR_ABI as never, options.transmitter);
    this.router = new Contract(options.router, ROUTER_ABI as never, options.transmitter);
    this.nextBlock = options.fromBlock;
  }

  /** Fulfils every request made since the last call (or since `fromBlock`), in order. */
  async processPending(): Promise<Fulfilment[]> {
    const run = this.running.then(() => this.fulfilNew());
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Polls every `intervalMs` until `stop()`. */
  start(intervalMs = 1000): void {
    const tick = () => {
      this.processPending()
        .catch((error: unknown) => this.options.log?.(`functions fulfiller: ${String(error)}`))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async fulfilNew(): Promise<Fulfilment[]> {
    const provider = this.options.transmitter.provider;
    if (!provider) throw new Error("the transmitter needs a provider");
    const latest = await provider.getBlockNumber();
    const from = this.nextBlock ?? latest;
    if (from > latest) return [];
    const events = (await this.coordinator.queryFilter(this.coordinator.filters.OracleRequest(), from, latest)) as EventLog[];
    this.nextBlock = latest + 1;
    const done: Fulfilment[] = [];
    for (const event of events) done.push(await this.fulfil(event));
    return done;
  }

  private async fulfil(event: EventLog): Promise<Fulfilment> {
    const requestId = event.args.requestId as string;
    const request = decodeRequestData(event.args.data as string);
    const result = await simulateSource(request.source, request.args, this.options.limits);
    this.options.log?.(`functions fulfiller: request ${requestId} → ${result.error ? `error ${result.error}` : result.response}`);
    const commitment = event.args.commitment as unknown as unknown[];
    const coder = AbiCoder.defaultAbiCoder();
    const report = coder.encode(
      ["bytes32[]", "bytes[]", "bytes[]", "bytes[]", "bytes[]"],
      [
        [requestId],
        [result.response ?? "0x"],
        [result.error !== undefined ? hexlify(toUtf8Bytes(result.error)) : "0x"],
        [coder.encode([...COMMITMENT_TYPES], [...commitment])],
        ["0x"],
      ],
    );
    const tx = await this.coordinator.callReport(report, { gasLimit: this.options.reportGasLimit ?? 5_000_000 });
    const receipt = await tx.wait();
    let resultCode = -1;
    let totalCostJuels = 0n;
    for (const log of receipt?.logs ?? []) {
      const parsed = log.address.toLowerCase() === this.options.router.toLowerCase() ? this.router.interface.parseLog(log) : null;
      if (parsed?.name === "RequestProcessed" && parsed.args.requestId === requestId) {
        resultCode = Number(parsed.args.resultCode);
        totalCostJuels = BigInt(parsed.args.totalCostJuels);
      }
    }
    return {
      requestId,
      transactionHash: tx.hash as string,
      response: result.response,
      error: result.error,
      reportGasUsed: receipt?.gasUsed ?? 0n,
      resultCode,
      totalCostJuels,
    };
  }
}
