/**
 * Packing of one score into one uint256 word, exactly as `Rewards.postScores` reads it:
 * `item = (submissionId << 40) | (score << 32) | points`.
 */

export interface ScoreItem {
  submissionId: bigint;
  /** 0..100 */
  score: number;
  /** uint32, at most the on-chain maximum per submission */
  points: number;
}

const UINT64_MAX = (1n << 64n) - 1n;
const UINT32_MAX = 0xffff_ffff;
const USED_BITS = 104n;

export class ScoreItemError extends Error {
  override name = "ScoreItemError";
}

/** Packs an item; throws on values the contract would refuse or truncate. */
export function packScoreItem({ submissionId, score, points }: ScoreItem): bigint {
  if (submissionId <= 0n || submissionId > UINT64_MAX) throw new ScoreItemError(`submissionId out of range: ${submissionId}`);
  if (!Number.isInteger(score) || score < 0 || score > 100) throw new ScoreItemError(`score out of range: ${score}`);
  if (!Number.isInteger(points) || points < 0 || points > UINT32_MAX) throw new ScoreItemError(`points out of range: ${points}`);
  return (submissionId << 40n) | (BigInt(score) << 32n) | BigInt(points);
}

/** Unpacks an item; throws when bits above the packed fields are set. */
export function unpackScoreItem(item: bigint): ScoreItem {
  if (item < 0n || item >> USED_BITS !== 0n) throw new ScoreItemError(`malformed item: 0x${item.toString(16)}`);
  return {
    submissionId: item >> 40n,
    score: Number((item >> 32n) & 0xffn),
    points: Number(item & BigInt(UINT32_MAX)),
  };
}
