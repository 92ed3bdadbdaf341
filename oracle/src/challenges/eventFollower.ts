/**
 * Follows the Challenges contract's events into the node's store: `ChallengeOpened` adds a challenge,
 * `ChallengeAnswered`, `VerdictPosted`, `ChallengeEscalated` and `ChallengeResolved` update it.
 *
 * Each `sync()` reads the logs of the blocks from the stored cursor up to the head less
 * `confirmations − 1` (so an event is acted on once it has that many confirmations, as the
 * submission watcher does), in ranges of at most `maxRange` blocks, applies them in chain order and
 * moves the cursor, all in one store transaction per range: a node stopped at any instant resumes
 * where it stopped and applies nothing twice (every update is idempotent).
 */
import type { Provider } from "ethers";
import type { Logger } from "pino";
import type { Challenges } from "../bindings";
import type { Store } from "../store";

/** `IChallenges.Status` → the store's status, for the final statuses `ChallengeResolved` carries. */
const RESOLVED_STATUS: Record<number, "upheld" | "rejected" | "dismissed" | undefined> = { 4: "upheld", 5: "rejected", 6: "dismissed" };

export interface ChallengeEventFollowerOptions {
  store: Store;
  challenges: Challenges;
  provider: Provider;
  /** The first block to read on a fresh database (the deployment's block). */
  startBlock: number;
  confirmations: number;
  /** Blocks per log query. Default 2000. */
  maxRange?: number;
  logger: Logger;
  /** Called with the ids of challenges that were opened by the applied events. */
  onOpened?: (ids: bigint[]) => void;
  /** Called, once their range is committed, with the ids of challenges resolved by the applied events. */
  onResolved?: (ids: bigint[]) => void;
}

export interface SyncResult {
  /** The last block read, or undefined when nothing new was confirmed. */
  toBlock?: number;
  opened: bigint[];
  resolved: bigint[];
  events: number;
}

export class ChallengeEventFollower {
  private address: string | undefined;

  constructor(private readonly options: ChallengeEventFollowerOptions) {}

  /** Reads and applies every confirmed event not yet applied. */
  async sync(): Promise<SyncResult> {
    const { store, provider, challenges, confirmations, logger } = this.options;
    const maxRange = this.options.maxRange ?? 2000;
    this.address ??= await challenges.getAddress();
    const head = (await provider.getBlockNumber()) - Math.max(0, confirmations - 1);
    let from = store.challenges.nextBlock() ?? this.options.startBlock;
    const result: SyncResult = { opened: [], resolved: [], events: 0 };
    while (from <= head) {
      const to = Math.min(head, from + maxRange - 1);
      const logs = await provider.getLogs({ address: this.address, fromBlock: from, toBlock: to });
      logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
      const resolved: bigint[] = [];
      store.transaction(() => {
        for (const log of logs) {
          const parsed = challenges.interface.parseLog({ topics: [...log.topics], data: log.data });
          if (parsed === null) continue;
          const args = parsed.args;
          switch (parsed.name) {
            case "ChallengeOpened":
              if (
                store.challenges.recordOpened({
                  id: args.id as bigint,
                  submissionId: args.submissionId as bigint,
                  challenger: (args.challenger as string).toLowerCase(),
                  author: (args.author as string).toLowerCase(),
                  epoch: Number(args.epoch),
                  points: Number(args.points),
                  reason: Number(args.reason),
                  duplicateOf: args.duplicateOf as bigint,
                  reasonHash: args.reasonHash as string,
                  bond: args.bond as bigint,
                  openedBlock: log.blockNumber,
                  openedTx: log.transactionHash,
                })
              ) {
                result.opened.push(args.id as bigint);
              }
              break;
            case "ChallengeAnswered":
              store.challenges.recordAnswer(args.id as bigint, args.answerHash as string);
              break;
            case "VerdictPosted":
              store.challenges.recordVerdict(args.id as bigint, {
                upheld: args.upheld as boolean,
                evaluator: args.evaluator as string,
                rationaleRoot: args.rationaleRoot as string,
              });
              break;
            case "ChallengeEscalated":
              store.challenges.recordEscalated(args.id as bigint);
              break;
            case "ChallengeResolved": {
              const status = RESOLVED_STATUS[Number(args.status)];
              if (status === undefined) break;
              store.challenges.recordResolved(args.id as bigint, status, {
                toChallenger: (args.toChallenger as bigint).toString(),
                toAuthor: (args.toAuthor as bigint).toString(),
                toTreasury: (args.toTreasury as bigint).toString(),
                reward: (args.reward as bigint).toString(),
              });
              resolved.push(args.id as bigint);
              break;
            }
            default:
              continue;
          }
          result.events += 1;
        }
        store.challenges.setNextBlock(to + 1);
      });
      if (resolved.length > 0) {
        result.resolved.push(...resolved);
        this.options.onResolved?.(resolved);
      }
      result.toBlock = to;
      from = to + 1;
    }
    if (result.opened.length > 0) {
      logger.info({ challenges: result.opened.map(String) }, "challenges opened");
      this.options.onOpened?.(result.opened);
    }
    return result;
  }
}
