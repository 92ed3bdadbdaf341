// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakeLock} from "./IStakeLock.sol";

/// @title IRewards
/// @notice CashKey's content registry, operator set, signed score batches, epochs and claims.
/// @dev Time is cut into epochs of `epochLength()` seconds from deployment. Points credited in an
/// epoch share that epoch's token budget pro rata; an epoch's tokens become claimable when it closes.
interface IRewards is IStakeLock {
    /// @notice What the operators sign (EIP-712 `ScoreBatch`, with `itemsHash` computed from the items).
    /// @param nonce Must equal `nextBatchNonce()`.
    /// @param evaluator Hash of the approved evaluator (model, quantization, prompt and rubric versions).
    /// @param rationaleRoot StandardMerkleTree root over `[submissionId, keccak256(rationale JSON)]`.
    /// @param deadline Last timestamp at which the batch may land.
    struct BatchHeader {
        uint64 nonce;
        bytes32 evaluator;
        bytes32 rationaleRoot;
        uint64 deadline;
    }

    /// @notice A submission record (one storage slot). The content hash lives in the `Submitted` event.
    struct Submission {
        // one slot: author (bytes 0..19, all `postScores`' loop reads) | submittedAt (20..24) | epoch (25..28)
        //           | category (29..30)
        address author;
        uint40 submittedAt;
        uint32 epoch;
        uint16 category;
    }

    /// @notice Everything `initialize` sets.
    /// @param governor The Governor whose voting delay, voting period and late-quorum extension, with its
    /// Timelock's delay, size the bond release delay (zero: only `bondReleaseMargin` applies).
    /// @param bondReleaseMargin Seconds added to the slowest governance path before a removed operator's
    /// bond is released.
    struct InitParams {
        address token;
        address admin;
        address guardian;
        uint64 epochLength;
        uint256 epochBudget;
        address[] operators;
        uint256 threshold;
        uint256 minOperatorStake;
        bytes32[] evaluators;
        uint32 maxPointsPerSubmission;
        uint32 baseQuota;
        QuotaTier[] quotaTiers;
        address governor;
        uint64 bondReleaseMargin;
    }

    /// @notice Where an operator's bond (its token stake) stands.
    /// @param isOperator Whether it is an operator now (its bond is locked as long as it is).
    /// @param removedAt When it was last removed from the set (0: never, or re-added since).
    /// @param frozenUntil End of the guardian's freeze (0: never frozen).
    /// @param lockedUntil Before this time the token refuses to release its stake
    /// (`type(uint256).max` while it is an operator).
    struct OperatorBond {
        bool isOperator;
        uint64 removedAt;
        uint64 frozenUntil;
        uint256 lockedUntil;
    }

    /// @notice An author's account (one storage slot, settled lazily).
    /// @param lifetimePoints Every point ever credited.
    /// @param lastEpoch The last epoch in which points were credited.
    /// @param lastEpochPoints Points of `lastEpoch` not yet converted to tokens (zero once settled).
    /// @param settledTokens Tokens from closed epochs, settled but not yet claimed.
    struct Account {
        // The view of the packed word `Rewards` keeps per author (bits 0..63 | 64..95 | 96..159 | 160..255,
        // library AccountPacking); not itself a storage struct.
        uint64 lifetimePoints;
        uint32 lastEpoch;
        uint64 lastEpochPoints;
        uint96 settledTokens;
    }

    /// @notice An epoch's budget (snapshotted at its first credit) and its total points.
    struct EpochInfo {
        // one slot: budget (bytes 0..15) | totalPoints (16..31); read as one word by `postScores`' loop
        uint128 budget;
        uint128 totalPoints;
    }

    /// @notice A stake tier: an author with at least `minStake` staked may submit `quota` times per epoch.
    struct QuotaTier {
        // one slot per array element: minStake (bytes 0..15) | quota (16..19)
        uint128 minStake;
        uint32 quota;
    }

    /// @notice The zero address was given where an account is required.
    error RewardsZeroAddress();
    /// @notice `author` used all `quota` submissions of the current epoch.
    error RewardsQuotaExceeded(address author, uint256 quota);
    /// @notice The batch nonce is not the next one.
    error RewardsInvalidNonce(uint64 expected, uint64 given);
    /// @notice The batch deadline has passed.
    error RewardsBatchExpired(uint64 deadline, uint256 timestamp);
    /// @notice The evaluator is not approved by governance.
    error RewardsUnapprovedEvaluator(bytes32 evaluator);
    /// @notice The batch has no items.
    error RewardsEmptyBatch();
    /// @notice Fewer valid signatures than the threshold.
    error RewardsInsufficientSignatures(uint256 given, uint256 threshold);
    /// @notice Signature `index` is malformed, malleable (high s) or does not verify.
    error RewardsInvalidSignature(uint256 index);
    /// @notice `signer` signed twice.
    error RewardsDuplicateSigner(address signer);
    /// @notice Signers are not in strictly ascending address order.
    error RewardsSignersOutOfOrder(address previous, address signer);
    /// @notice `signer` is not a current operator.
    error RewardsUnknownSigner(address signer);
    /// @notice `signer`'s stake fell below the operator minimum.
    error RewardsOperatorStakeTooLow(address signer, uint256 stake, uint256 minimum);
    /// @notice Item `index` sets bits above the packed fields.
    error RewardsMalformedItem(uint256 index, uint256 item);
    /// @notice A score above 100.
    error RewardsScoreOutOfRange(uint64 submissionId, uint8 score);
    /// @notice Points above the per-submission maximum.
    error RewardsPointsAboveMaximum(uint64 submissionId, uint32 points, uint32 maximum);
    /// @notice The submission does not exist.
    error RewardsUnknownSubmission(uint64 submissionId);
    /// @notice The submission was already scored (in an earlier batch or earlier in this one).
    error RewardsAlreadyScored(uint64 submissionId);
    /// @notice Crediting `author` would overflow its packed account (out of reach in practice; checked anyway).
    error RewardsAccountOverflow(address author);
    /// @notice `account` has nothing to claim.
    error RewardsNothingToClaim(address account);
    /// @notice The threshold must satisfy 1 <= threshold <= operator count.
    error RewardsInvalidThreshold(uint256 threshold, uint256 operatorCount);
    /// @notice `operator` is already in the set.
    error RewardsOperatorExists(address operator);
    /// @notice `operator` is not in the set.
    error RewardsOperatorNotFound(address operator);
    /// @notice The operator set would exceed `MAX_OPERATORS`.
    error RewardsTooManyOperators(uint256 maximum);
    /// @notice The quota tiers are not strictly ascending in stake with non-decreasing quotas above the base.
    error RewardsInvalidQuotaTiers(uint256 index);
    /// @notice More quota tiers than `MAX_QUOTA_TIERS`.
    error RewardsTooManyQuotaTiers(uint256 given, uint256 maximum);
    /// @notice A zero epoch length.
    error RewardsInvalidEpochLength(uint256 epochLength);
    /// @notice An epoch budget that does not fit the packed accounts.
    error RewardsBudgetTooLarge(uint256 budget, uint256 maximum);
    /// @notice The caller is neither the guardian nor the admin.
    error RewardsUnauthorizedPauser(address caller);
    /// @notice The budget exceeds what the cap leaves after the supply and the budgets already reserved.
    error RewardsBudgetAboveRemainingCap(uint256 budget, uint256 remaining);
    /// @notice A bond release margin outside `[MIN_BOND_RELEASE_MARGIN, MAX_BOND_RELEASE_MARGIN]`.
    error RewardsBondReleaseMarginOutOfRange(uint256 marginSeconds, uint256 minimum, uint256 maximum);
    /// @notice `account` is not and never was an operator, so it has no bond to freeze.
    error RewardsNotAnOperator(address account);
    /// @notice The guardian may freeze `operator`'s bond again only from `allowedAt`.
    error RewardsBondFreezeTooSoon(address operator, uint256 allowedAt);
    /// @notice `warmScoredBitmap` takes 1 to `maximum` words.
    error RewardsInvalidWarmCount(uint256 words, uint256 maximum);

    /// @notice A submission was registered.
    event Submitted(uint64 indexed id, address indexed author, bytes32 contentHash, uint16 category);
    /// @notice A submission was scored and its points credited to `author` in the current epoch.
    event Scored(uint64 indexed id, address indexed author, uint8 score, uint32 points);
    /// @notice A batch of scores landed.
    event BatchPosted(uint64 indexed nonce, bytes32 evaluator, bytes32 rationaleRoot, uint256 count);
    /// @notice `user` claimed `tokens`, minted to `to`.
    event Claimed(address indexed user, address indexed to, uint256 tokens);
    /// @notice The budget of `epoch` was fixed at its first credit.
    event EpochBudgetSnapshotted(uint32 indexed epoch, uint256 budget);
    /// @notice The budget for epochs not yet snapshotted changed.
    event EpochBudgetSet(uint256 oldBudget, uint256 newBudget);
    /// @notice An operator joined the set.
    event OperatorAdded(address indexed operator);
    /// @notice An operator left the set.
    event OperatorRemoved(address indexed operator);
    /// @notice The signature threshold changed.
    event ThresholdSet(uint256 oldThreshold, uint256 newThreshold);
    /// @notice The minimum operator stake changed.
    event MinOperatorStakeSet(uint256 oldMinimum, uint256 newMinimum);
    /// @notice An evaluator was approved or revoked.
    event EvaluatorSet(bytes32 indexed evaluator, bool approved);
    /// @notice The maximum points per submission changed.
    event MaxPointsPerSubmissionSet(uint256 oldMaximum, uint256 newMaximum);
    /// @notice The base quota and the stake tiers changed.
    event QuotaSet(uint256 baseQuota, QuotaTier[] tiers);
    /// @notice The Governor that sizes the bond release delay changed.
    event GovernorSet(address indexed oldGovernor, address indexed newGovernor);
    /// @notice The margin added to the slowest governance path changed.
    event BondReleaseMarginSet(uint256 oldMarginSeconds, uint256 newMarginSeconds);
    /// @notice The guardian froze `operator`'s bond until `frozenUntil`, pending a slash proposal.
    event OperatorBondFrozen(address indexed operator, uint256 frozenUntil);
    /// @notice Governance ended the freeze of `operator`'s bond.
    event OperatorBondUnfrozen(address indexed operator);
    /// @notice Scored-bitmap words `[fromWord, toWord)` were made nonzero ahead of their ids.
    event ScoredBitmapWarmed(uint256 fromWord, uint256 toWord);
    /// @notice `amount` of the cap was reserved for `epoch`'s budget (total reserved: `totalReserved`).
    event BudgetReserved(uint32 indexed epoch, uint256 amount, uint256 totalReserved);

    /// @notice Registers content the caller uploaded to an oracle node.
    /// @param contentHash keccak256 of the canonical content bytes.
    /// @param category Application-defined category.
    /// @return id The new submission id (ids start at 1).
    function submit(bytes32 contentHash, uint16 category) external returns (uint64 id);

    /// @notice Credits a batch of scores signed by at least `threshold()` operators. Anyone may relay.
    /// @param header The signed batch header.
    /// @param items Packed items: `(submissionId << 40) | (score << 32) | points`.
    /// @param signatures Ascending by signer: 65-byte ECDSA, or `abi.encodePacked(signer, data)` for ERC-1271.
    function postScores(BatchHeader calldata header, uint256[] calldata items, bytes[] calldata signatures) external;

    /// @notice Mints to `to` the caller's tokens from every closed epoch not yet claimed.
    /// @param to Recipient of the tokens.
    /// @return tokens The amount minted.
    function claim(address to) external returns (uint256 tokens);

    /// @notice Sets the budget of epochs not yet snapshotted. Only the admin (Timelock).
    function setEpochBudget(uint256 budget) external;

    /// @notice Adds an operator. Only the admin (Timelock).
    function addOperator(address operator) external;

    /// @notice Removes an operator; the threshold must still be met by the rest. Only the admin (Timelock).
    function removeOperator(address operator) external;

    /// @notice Sets the signature threshold (1 <= k <= operator count). Only the admin (Timelock).
    function setThreshold(uint256 threshold) external;

    /// @notice Sets the stake an operator needs for its signature to count. Only the admin (Timelock).
    function setMinOperatorStake(uint256 minimum) external;

    /// @notice Approves or revokes an evaluator hash. Only the admin (Timelock).
    function setEvaluator(bytes32 evaluator, bool approved) external;

    /// @notice Sets the maximum points one submission may earn. Only the admin (Timelock).
    function setMaxPointsPerSubmission(uint32 maximum) external;

    /// @notice Sets the per-epoch quota without stake and the stake tiers above it. Only the admin (Timelock).
    /// @param baseQuota Submissions per epoch with no qualifying stake.
    /// @param tiers Strictly ascending `minStake`, each `quota` at least the previous one (and the base).
    function setQuota(uint32 baseQuota, QuotaTier[] calldata tiers) external;

    /// @notice Second-version initializer, run by the upgrade from 1.0.0 (the Timelock's
    /// `upgradeToAndCall`). Only the admin.
    /// @param governor See `InitParams.governor`.
    /// @param bondReleaseMargin See `InitParams.bondReleaseMargin`.
    /// @param reservedBudget The budgets snapshotted before the upgrade and not yet claimed (sum of
    /// `EpochBudgetSnapshotted` minus `Claimed`), so the cap reservation starts from the truth.
    function initializeV2(address governor, uint64 bondReleaseMargin, uint256 reservedBudget) external;

    /// @notice Sets the Governor whose parameters size the bond release delay. Only the admin (Timelock).
    function setGovernor(address governor) external;

    /// @notice Sets the margin added to the slowest governance path. Only the admin (Timelock).
    /// @param marginSeconds Within `[MIN_BOND_RELEASE_MARGIN, MAX_BOND_RELEASE_MARGIN]`.
    function setBondReleaseMargin(uint64 marginSeconds) external;

    /// @notice Freezes `operator`'s bond for `bondFreezeDuration()` pending a slash proposal. Only
    /// `GUARDIAN_ROLE`. Bounded: the next freeze of the same bond is allowed only one freeze duration
    /// after this one ends, so the guardian can delay a release but never hold it for good.
    function freezeOperatorBond(address operator) external;

    /// @notice Ends the freeze of `operator`'s bond. Only the admin (Timelock).
    function unfreezeOperatorBond(address operator) external;

    /// @notice Makes the next `words` words of the scored bitmap nonzero (255 ids each), so neither
    /// `submit` nor the batches that score those ids pay for creating them. Anyone may pay for it.
    /// @param words 1 to `MAX_WARM_WORDS`.
    function warmScoredBitmap(uint256 words) external;

    /// @notice Pauses submissions, score batches and claims. Only `GUARDIAN_ROLE` or the admin.
    function pause() external;

    /// @notice Unpauses. Only the admin (Timelock).
    function unpause() external;

    /// @notice The EIP-712 type hash of `ScoreBatch`.
    function SCORE_BATCH_TYPEHASH() external view returns (bytes32);

    /// @notice The EIP-712 digest that operators sign for `header` and `items`.
    function batchDigest(BatchHeader calldata header, uint256[] calldata items) external view returns (bytes32);

    /// @notice The same digest from the hash of the packed items (`keccak256(abi.encodePacked(items))`).
    function batchDigestOf(BatchHeader calldata header, bytes32 itemsHash) external view returns (bytes32);

    /// @notice The Governor whose parameters size the bond release delay.
    function governor() external view returns (address);

    /// @notice Seconds added to the slowest governance path.
    function bondReleaseMargin() external view returns (uint256);

    /// @notice The slowest governance path, read live from the Governor and its Timelock: voting delay +
    /// voting period + late-quorum extension + Timelock delay (0 without a Governor).
    function governancePath() external view returns (uint256);

    /// @notice How long a removed operator's bond stays locked: `governancePath() + bondReleaseMargin()`.
    /// Read at every withdrawal, so a change of any governance parameter applies at once.
    function bondReleaseDelay() external view returns (uint256);

    /// @notice How long one guardian freeze lasts: `bondReleaseDelay()`, at most `MAX_BOND_FREEZE`.
    function bondFreezeDuration() external view returns (uint256);

    /// @notice Where `operator`'s bond stands.
    function operatorBond(address operator) external view returns (OperatorBond memory);

    /// @notice Bitmap words warmed so far (ids below `255 × warmedScoredBitmapWords()` are covered).
    function warmedScoredBitmapWords() external view returns (uint256);

    /// @notice Budgets snapshotted and not yet claimed: the part of the cap held for them.
    function reservedBudget() external view returns (uint256);

    /// @notice What the cap leaves after the supply and the reserved budgets: the most an epoch budget
    /// may be.
    function unreservedCap() external view returns (uint256);

    /// @notice Lifetime points of `account`.
    function pointsOf(address account) external view returns (uint256);

    /// @notice Tokens `account` can claim now (from closed epochs).
    function claimable(address account) external view returns (uint256);

    /// @notice The account record of `account`.
    function accountOf(address account) external view returns (Account memory);

    /// @notice Budget and total points of `epoch`. An epoch not yet credited shows the budget it would
    /// snapshot now if it is current or future, and zeros if it closed without credit.
    function epochInfo(uint32 epoch) external view returns (EpochInfo memory);

    /// @notice The submission record of `id`.
    function submission(uint64 id) external view returns (Submission memory);

    /// @notice Whether submission `id` has been scored.
    function isScored(uint64 id) external view returns (bool);

    /// @notice The number of submissions so far (the last id).
    function submissionCount() external view returns (uint64);

    /// @notice The nonce the next batch must carry.
    function nextBatchNonce() external view returns (uint64);

    /// @notice The current operator set, in the order they were added.
    function operators() external view returns (address[] memory);

    /// @notice Whether `account` is a current operator.
    function isOperator(address account) external view returns (bool);

    /// @notice The number of signatures a batch needs.
    function threshold() external view returns (uint256);

    /// @notice The stake an operator needs for its signature to count.
    function minOperatorStake() external view returns (uint256);

    /// @notice Whether `evaluator` is approved.
    function isApprovedEvaluator(bytes32 evaluator) external view returns (bool);

    /// @notice The maximum points per submission.
    function maxPointsPerSubmission() external view returns (uint32);

    /// @notice The budget that the next epoch to get its first credit will snapshot.
    function epochBudget() external view returns (uint256);

    /// @notice The base quota and the stake tiers.
    function quota() external view returns (uint32 baseQuota, QuotaTier[] memory tiers);

    /// @notice The number of submissions `author` may make in the current epoch: the tier bought by its
    /// stake at the second before the epoch started (`stakedBalanceAt(author, epochStart - 1)`), so stake
    /// that moves during an epoch never counts twice in it. Fixed at the author's first submission of the
    /// epoch: a later change of the tiers applies from the next epoch.
    function quotaOf(address author) external view returns (uint256);

    /// @notice Submissions `author` may still make this epoch.
    function submissionsLeft(address author) external view returns (uint256);

    /// @notice The epoch length in seconds, fixed at deployment.
    function epochLength() external view returns (uint256);

    /// @notice The timestamp at which epoch 0 started.
    function genesis() external view returns (uint256);

    /// @notice The current epoch number.
    function currentEpoch() external view returns (uint32);

    /// @notice The CKEY token.
    function token() external view returns (address);
}
