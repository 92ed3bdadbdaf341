/**
 * Reads `ChallengeOpened` of the Challenges contract (Rewards 1.3.0 names it: `Rewards.challenges()`)
 * for the bot's challenged-score messages. It keeps its own one-event ABI (the node's challenge part
 * uses the generated bindings, oracle/src/bindings/Challenges.ts); the event's signature here is the
 * one in contracts/interfaces/IChallenges.sol (the enum `Reason` is a uint8 in the ABI), and a test
 * checks it against the compiled contract's.
 */
import { Contract, type Provider, ZeroAddress } from "ethers";
import type { Logger } from "pino";
import type { ChallengeLogReader } from "./notifier";

export const CHALLENGE_OPENED_EVENT =
  "event ChallengeOpened(uint64 indexed id, uint64 indexed submissionId, address indexed challenger, address author, uint32 epoch, uint32 points, uint8 reason, uint64 duplicateOf, bytes32 reasonHash, uint256 bond)";

/** A reader of the challenges opened at `address`; `confirmations` blocks are left to settle first. */
export function challengeLogReader(provider: Provider, address: string, confirmations = 0): ChallengeLogReader {
  const challenges = new Contract(address, [CHALLENGE_OPENED_EVENT], provider);
  const opened = challenges.filters.ChallengeOpened!();
  return {
    head: async () => Math.max(0, (await provider.getBlockNumber()) - confirmations),
    async openedBetween(from, to) {
      const logs = await challenges.queryFilter(opened, from, to);
      return logs.flatMap((log) => {
        if (!("args" in log)) return [];
        const { id, submissionId, author, reason, duplicateOf } = log.args as unknown as {
          id: bigint;
          submissionId: bigint;
          author: string;
          reason: bigint;
          duplicateOf: bigint;
        };
        return [{ challengeId: id, submissionId, author, reason: Number(reason), duplicateOf }];
      });
    },
  };
}

/**
 * The challenge reader for the Rewards at hand, or undefined when it has no Challenges contract (a
 * Rewards before 1.3.0, or none wired): then the bot tells scores and claims only.
 */
export async function challengeLogReaderOf(
  rewards: { challenges(): Promise<string> },
  provider: Provider,
  confirmations: number,
  logger: Logger,
): Promise<ChallengeLogReader | undefined> {
  const address = await rewards.challenges().catch(() => ZeroAddress);
  if (address === ZeroAddress) {
    logger.info("no Challenges contract on this Rewards: the bot tells scores and claims only");
    return undefined;
  }
  return challengeLogReader(provider, address, confirmations);
}
