// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Frozen copy of the 1.0.0 release (commit 2e942e1), renamed with a V1 suffix: the reference that
// test/contracts/Upgrades.test.ts upgrades from, so the plugin proves 1.1.0 storage-compatible. Never deployed.

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ICashKeyTokenV1} from "./ICashKeyTokenV1.sol";
import {IRewardsV1} from "./IRewardsV1.sol";
import {AccountPackingV1} from "./AccountPackingV1.sol";
import {ScoreItemV1} from "./ScoreItemV1.sol";

/// @title Rewards
/// @notice CashKey's content registry, operator set, signed score batches, epochs and claims.
/// @dev Gas: `postScores` keeps per-item work to one cold read of the submission, one read-modify-write
/// of the author's packed account word, the `Scored` event and a bitmap bit kept in memory. Everything
/// per batch (epoch totals, bitmap words) is summed in memory and written once.
contract RewardsV1 is
    Initializable,
    AccessControlUpgradeable,
    PausableUpgradeable,
    EIP712Upgradeable,
    UUPSUpgradeable,
    IRewardsV1
{
    using SafeCast for uint256;

    /// @notice Implementation version.
    // solhint-disable-next-line const-name-snakecase
    string public constant version = "1.0.0";

    /// @notice Role allowed to pause (the guardian). Only the admin (Timelock) unpauses.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @inheritdoc IRewardsV1
    bytes32 public constant SCORE_BATCH_TYPEHASH = keccak256(
        "ScoreBatch(uint64 nonce,bytes32 itemsHash,bytes32 evaluator,bytes32 rationaleRoot,uint64 deadline)"
    );

    /// @notice Largest operator set (bounds the gas of signature checks and of `operators()`).
    uint256 public constant MAX_OPERATORS = 64;

    /// @notice Largest number of quota tiers (bounds the gas of `submit`).
    uint256 public constant MAX_QUOTA_TIERS = 8;

    uint256 private constant _MAX_SCORE = 100;
    uint256 private constant _MASK_64 = type(uint64).max;

    /// @dev The scored bitmap holds 255 ids per word; bit 255 is a sentinel that `submit` sets when it
    /// creates a word's first id, so marking scores never pays for a zero-to-nonzero store.
    uint256 private constant _IDS_PER_BITMAP_WORD = 255;
    uint256 private constant _BITMAP_SENTINEL = 1 << 255;

    // Slots of the `RewardsStorage` mappings and the `Scored` topic, as literals for the assembly hot loop;
    // `_checkLoopConstants` proves them against the compiler's own values at every batch.
    uint256 private constant _SUBMISSIONS_SLOT = 0x7464d200d36b42eff8855b2c5a59081a27bf8cb3b00671f863065eb234125709;
    uint256 private constant _SCORED_BITMAP_SLOT = 0x7464d200d36b42eff8855b2c5a59081a27bf8cb3b00671f863065eb23412570a;
    uint256 private constant _ACCOUNTS_SLOT = 0x7464d200d36b42eff8855b2c5a59081a27bf8cb3b00671f863065eb23412570b;
    uint256 private constant _EPOCHS_SLOT = 0x7464d200d36b42eff8855b2c5a59081a27bf8cb3b00671f863065eb23412570d;
    uint256 private constant _SCORED_TOPIC = 0x83e038f1ddba56d7e9213ab92562ff05fe0d03ecf941543e1ac702ccc9cb9e28;

    // Why the assembly item loop stopped (see `_creditItems`).
    uint256 private constant _ITEM_INVALID = 1;
    uint256 private constant _ITEM_ALREADY_SCORED = 2;
    uint256 private constant _ACCOUNT_OVERFLOW = 3;

    /// @custom:storage-location erc7201:cashkey.storage.Rewards
    struct RewardsStorage {
        ICashKeyTokenV1 token;
        uint64 epochLength;
        uint64 genesis;
        uint64 submissionCount;
        uint64 nextBatchNonce;
        uint32 maxPointsPerSubmission;
        uint32 baseQuota;
        uint16 threshold;
        uint256 epochBudget;
        uint256 minOperatorStake;
        address[] operators;
        mapping(address account => bool) isOperator;
        mapping(bytes32 evaluator => bool) approvedEvaluators;
        QuotaTier[] quotaTiers;
        mapping(uint64 id => Submission) submissions;
        mapping(uint256 wordIndex => uint256 bits) scoredBitmap;
        mapping(address author => uint256 packedAccount) accounts;
        mapping(address author => uint256 packedUsage) quotaUsage;
        mapping(uint32 epoch => EpochInfo) epochs;
    }

    // keccak256(abi.encode(uint256(keccak256("cashkey.storage.Rewards")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _REWARDS_STORAGE_LOCATION =
        0x7464d200d36b42eff8855b2c5a59081a27bf8cb3b00671f863065eb234125700;

    function _getRewardsStorage() private pure returns (RewardsStorage storage $) {
        assembly {
            $.slot := _REWARDS_STORAGE_LOCATION
        }
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes the proxy.
    /// @param params Token, roles, epoch length and budget, operator set, evaluators and quotas.
    function initialize(InitParams calldata params) external initializer {
        __AccessControl_init();
        __Pausable_init();
        __EIP712_init("CashKey Rewards", "1");

        if (params.token == address(0) || params.admin == address(0)) revert RewardsZeroAddress();
        if (params.epochLength == 0) revert RewardsInvalidEpochLength(0);

        RewardsStorage storage $ = _getRewardsStorage();
        $.token = ICashKeyTokenV1(params.token);
        $.epochLength = params.epochLength;
        $.genesis = uint64(block.timestamp);

        _grantRole(DEFAULT_ADMIN_ROLE, params.admin);
        if (params.guardian != address(0)) _grantRole(GUARDIAN_ROLE, params.guardian);

        _setEpochBudget(params.epochBudget);
        for (uint256 i = 0; i < params.operators.length; ++i) {
            _addOperator(params.operators[i]);
        }
        _setThreshold(params.threshold);
        _setMinOperatorStake(params.minOperatorStake);
        for (uint256 i = 0; i < params.evaluators.length; ++i) {
            _setEvaluator(params.evaluators[i], true);
        }
        _setMaxPointsPerSubmission(params.maxPointsPerSubmission);
        _setQuota(params.baseQuota, params.quotaTiers);
    }

    // ---------------------------------------------------------------------------------------------
    // Submissions
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IRewardsV1
    function submit(bytes32 contentHash, uint16 category) external whenNotPaused returns (uint64 id) {
        RewardsStorage storage $ = _getRewardsStorage();
        uint32 epoch = currentEpoch();

        uint256 usage = $.quotaUsage[msg.sender];
        uint256 used = uint32(usage) == epoch ? usage >> 32 : 0;
        uint256 allowed = _quotaOf($, msg.sender);
        if (used >= allowed) revert RewardsQuotaExceeded(msg.sender, allowed);
        $.quotaUsage[msg.sender] = ((used + 1) << 32) | epoch;

        id = ++$.submissionCount;
        if (id % _IDS_PER_BITMAP_WORD == 0 || id == 1) {
            $.scoredBitmap[id / _IDS_PER_BITMAP_WORD] = _BITMAP_SENTINEL;
        }
        $.submissions[id] = Submission({
            author: msg.sender,
            submittedAt: uint40(block.timestamp),
            epoch: epoch,
            category: category
        });
        emit Submitted(id, msg.sender, contentHash, category);
    }

    // ---------------------------------------------------------------------------------------------
    // Score batches
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IRewardsV1
    function postScores(BatchHeader calldata header, uint256[] calldata items, bytes[] calldata signatures)
        external
        whenNotPaused
    {
        RewardsStorage storage $ = _getRewardsStorage();

        if (header.nonce != $.nextBatchNonce) revert RewardsInvalidNonce($.nextBatchNonce, header.nonce);
        if (block.timestamp > header.deadline) revert RewardsBatchExpired(header.deadline, block.timestamp);
        if (!$.approvedEvaluators[header.evaluator]) revert RewardsUnapprovedEvaluator(header.evaluator);
        if (items.length == 0) revert RewardsEmptyBatch();

        _verifySignatures($, _batchDigest(header, items), signatures);
        $.nextBatchNonce = header.nonce + 1;

        uint32 epoch = currentEpoch();
        _checkLoopConstants($);
        (uint256 batchPoints, uint256 failure) =
            _creditItems(items, (uint256($.submissionCount) << 64) | (uint256(epoch) << 32) | $.maxPointsPerSubmission);
        if (failure != 0) _revertItem($, items[failure >> 8], failure >> 8, failure & 0xff);
        if (batchPoints != 0) _addEpochPoints($, epoch, batchPoints);

        emit BatchPosted(header.nonce, header.evaluator, header.rationaleRoot, items.length);
    }

    /// @inheritdoc IRewardsV1
    function batchDigest(BatchHeader calldata header, uint256[] calldata items) external view returns (bytes32) {
        return _batchDigest(header, items);
    }

    function _batchDigest(BatchHeader calldata header, uint256[] calldata items) private view returns (bytes32) {
        bytes32 itemsHash;
        // keccak256(abi.encodePacked(items)) without the ABI encoder's per-element copy loop:
        // the packed encoding of a uint256[] is exactly its calldata words.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let len := shl(5, items.length)
            calldatacopy(ptr, items.offset, len)
            itemsHash := keccak256(ptr, len)
        }
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    SCORE_BATCH_TYPEHASH,
                    header.nonce,
                    itemsHash,
                    header.evaluator,
                    header.rationaleRoot,
                    header.deadline
                )
            )
        );
    }

    function _verifySignatures(RewardsStorage storage $, bytes32 digest, bytes[] calldata signatures) private view {
        uint256 required = $.threshold;
        if (signatures.length < required) revert RewardsInsufficientSignatures(signatures.length, required);

        uint256 minimumStake = $.minOperatorStake;
        address previous = address(0);
        for (uint256 i = 0; i < signatures.length; ++i) {
            address signer = _recoverSigner(digest, signatures[i], i);
            if (signer <= previous) {
                if (signer == previous) revert RewardsDuplicateSigner(signer);
                revert RewardsSignersOutOfOrder(previous, signer);
            }
            if (!$.isOperator[signer]) revert RewardsUnknownSigner(signer);
            if (minimumStake != 0) {
                uint256 stake = $.token.stakedBalanceOf(signer);
                if (stake < minimumStake) revert RewardsOperatorStakeTooLow(signer, stake, minimumStake);
            }
            previous = signer;
        }
    }

    /// @dev 65 bytes: ECDSA with low-s enforced by OpenZeppelin's ECDSA. Any other length:
    /// `abi.encodePacked(address signer, bytes data)` checked with ERC-1271 on `signer` (a staticcall,
    /// so a contract signer cannot re-enter).
    function _recoverSigner(bytes32 digest, bytes calldata signature, uint256 index)
        private
        view
        returns (address signer)
    {
        if (signature.length == 65) {
            ECDSA.RecoverError error;
            (signer, error,) = ECDSA.tryRecoverCalldata(digest, signature);
            if (error != ECDSA.RecoverError.NoError) revert RewardsInvalidSignature(index);
        } else {
            if (signature.length < 20) revert RewardsInvalidSignature(index);
            signer = address(bytes20(signature[:20]));
            if (!SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature[20:])) {
                revert RewardsInvalidSignature(index);
            }
        }
    }

    /// @dev The per-item loop, in assembly because it is the contract's hot path: per item it does one
    /// cold read of the submission's author, one read-modify-write of the author's packed account word and
    /// the `Scored` log, and nothing else that touches storage. The scored bitmap word in use is kept on the
    /// stack and written when the loop moves to another word.
    /// On the first invalid item the loop stops and returns `(index << 8) | reason`; the caller reverts with
    /// the exact custom error, which discards every write the loop made.
    ///
    /// Layouts read here (keep in sync with `RewardsStorage`, `Submission`, `EpochInfo` and AccountPackingV1):
    /// - `submissions[id]`: author in bits 0..159;
    /// - `accounts[author]`: lifetime points 0..63, last epoch 64..95, its points 96..159, settled tokens 160..255;
    /// - `epochs[e]`: budget in bits 0..127, total points 128..255.
    /// `limits` packs `(submissionCount << 64) | (epoch << 32) | maxPoints`.
    // One assembly block, kept whole so the loop's stack layout is visible in one place.
    // solhint-disable-next-line function-max-lines
    function _creditItems(uint256[] calldata items, uint256 limits)
        private
        returns (uint256 batchPoints, uint256 failure)
    {
        assembly ("memory-safe") {
            // The author's first credit in `epoch`: converts the last (necessarily closed) epoch's points
            // into settled tokens and moves the account to `epoch` with no points yet. Returns 0 when the
            // settled tokens would overflow their 96 bits (a valid result is never 0: an account with
            // points to settle has lifetime points, and one without moves to `epoch` > its last epoch >= 0).
            function settleAccount(word, epoch) -> settledWord {
                let settled := shr(160, word)
                let unsettled := and(shr(96, word), 0xffffffffffffffff)
                if unsettled {
                    mstore(0x00, and(shr(64, word), 0xffffffff))
                    mstore(0x20, _EPOCHS_SLOT)
                    let info := sload(keccak256(0x00, 0x40))
                    // unsettled < 2^64 and budget < 2^128, so the product fits; the epoch's total includes
                    // these points, so it is not zero.
                    settled := add(settled, div(mul(unsettled, and(info, 0xffffffffffffffffffffffffffffffff)), shr(128, info)))
                }
                if iszero(shr(96, settled)) {
                    settledWord := or(and(word, 0xffffffffffffffff), or(shl(64, epoch), shl(160, settled)))
                }
            }

            let wordIndex := not(0)
            let bits := 0
            let end := add(items.offset, shl(5, items.length))
            for { let ptr := items.offset } lt(ptr, end) { ptr := add(ptr, 0x20) } {
                let item := calldataload(ptr)
                let id := shr(40, item)
                let points := and(item, 0xffffffff)
                // Malformed (bits above 103), score > 100, points > max, id 0 or unknown.
                if or(
                    or(shr(104, item), gt(and(item, 0xff00000000), 0x6400000000)),
                    or(gt(points, and(limits, 0xffffffff)), or(iszero(id), gt(id, shr(64, limits))))
                ) {
                    failure := or(shl(3, sub(ptr, items.offset)), _ITEM_INVALID)
                    break
                }

                {
                    let idWord := div(id, _IDS_PER_BITMAP_WORD)
                    if iszero(eq(idWord, wordIndex)) {
                        if iszero(eq(wordIndex, not(0))) {
                            mstore(0x00, wordIndex)
                            mstore(0x20, _SCORED_BITMAP_SLOT)
                            sstore(keccak256(0x00, 0x40), bits)
                        }
                        wordIndex := idWord
                        mstore(0x00, idWord)
                        mstore(0x20, _SCORED_BITMAP_SLOT)
                        bits := sload(keccak256(0x00, 0x40))
                    }
                    let bit := shl(mod(id, _IDS_PER_BITMAP_WORD), 1)
                    if and(bits, bit) {
                        failure := or(shl(3, sub(ptr, items.offset)), _ITEM_ALREADY_SCORED)
                        break
                    }
                    bits := or(bits, bit)
                }

                mstore(0x00, id)
                mstore(0x20, _SUBMISSIONS_SLOT)
                let author := and(sload(keccak256(0x00, 0x40)), 0xffffffffffffffffffffffffffffffffffffffff)

                if points {
                    mstore(0x00, author)
                    mstore(0x20, _ACCOUNTS_SLOT)
                    let accountSlot := keccak256(0x00, 0x40)
                    let word := sload(accountSlot)
                    if iszero(eq(and(shr(64, word), 0xffffffff), and(shr(32, limits), 0xffffffff))) {
                        word := settleAccount(word, and(shr(32, limits), 0xffffffff))
                        if iszero(word) {
                            failure := or(shl(3, sub(ptr, items.offset)), _ACCOUNT_OVERFLOW)
                            break
                        }
                    }
                    // Lifetime points are sums of uint32s, out of reach of 64 bits but checked; the epoch's
                    // points never exceed the lifetime points, so they cannot overflow either.
                    if gt(add(and(word, 0xffffffffffffffff), points), 0xffffffffffffffff) {
                        failure := or(shl(3, sub(ptr, items.offset)), _ACCOUNT_OVERFLOW)
                        break
                    }
                    sstore(accountSlot, add(word, or(points, shl(96, points))))
                    batchPoints := add(batchPoints, points)
                }

                mstore(0x00, and(shr(32, item), 0xff))
                mstore(0x20, points)
                log3(0x00, 0x40, _SCORED_TOPIC, id, author)
            }
            if iszero(failure) {
                mstore(0x00, wordIndex)
                mstore(0x20, _SCORED_BITMAP_SLOT)
                sstore(keccak256(0x00, 0x40), bits)
            }
        }
    }

    /// @dev Proves the assembly's literal slots and topic against the compiler's values, so a change of
    /// `RewardsStorage` can never make the hot loop read the wrong slots.
    function _checkLoopConstants(RewardsStorage storage $) private view {
        mapping(uint64 => Submission) storage submissions = $.submissions;
        mapping(uint256 => uint256) storage scoredBitmap = $.scoredBitmap;
        mapping(address => uint256) storage accounts = $.accounts;
        mapping(uint32 => EpochInfo) storage epochs = $.epochs;
        bool consistent;
        assembly ("memory-safe") {
            consistent := and(
                and(eq(submissions.slot, _SUBMISSIONS_SLOT), eq(scoredBitmap.slot, _SCORED_BITMAP_SLOT)),
                and(eq(accounts.slot, _ACCOUNTS_SLOT), eq(epochs.slot, _EPOCHS_SLOT))
            )
        }
        assert(consistent && Scored.selector == bytes32(_SCORED_TOPIC));
    }

    /// @dev Reverts with the custom error for the item the assembly loop refused.
    function _revertItem(RewardsStorage storage $, uint256 item, uint256 index, uint256 failure) private view {
        (uint64 id, uint8 score, uint32 points, bool wellFormed) = ScoreItemV1.unpack(item);
        if (failure == _ACCOUNT_OVERFLOW) revert RewardsAccountOverflow($.submissions[id].author);
        if (failure == _ITEM_ALREADY_SCORED) revert RewardsAlreadyScored(id);
        if (!wellFormed) revert RewardsMalformedItem(index, item);
        if (score > _MAX_SCORE) revert RewardsScoreOutOfRange(id, score);
        uint32 maxPoints = $.maxPointsPerSubmission;
        if (points > maxPoints) revert RewardsPointsAboveMaximum(id, points, maxPoints);
        revert RewardsUnknownSubmission(id);
    }

    function _addEpochPoints(RewardsStorage storage $, uint32 epoch, uint256 points) private {
        EpochInfo storage info = $.epochs[epoch];
        if (info.totalPoints == 0) {
            uint256 budget = $.epochBudget;
            info.budget = uint128(budget);
            emit EpochBudgetSnapshotted(epoch, budget);
        }
        info.totalPoints += points.toUint128();
    }

    /// @dev Tokens earned by `points` in the closed `epoch`, rounded down.
    function _shareOf(RewardsStorage storage $, uint256 points, uint32 epoch) private view returns (uint256) {
        if (points == 0) return 0;
        EpochInfo storage info = $.epochs[epoch];
        return (points * info.budget) / info.totalPoints;
    }

    // ---------------------------------------------------------------------------------------------
    // Claims
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IRewardsV1
    function claim(address to) external whenNotPaused returns (uint256 tokens) {
        if (to == address(0)) revert RewardsZeroAddress();
        RewardsStorage storage $ = _getRewardsStorage();

        uint256 word = $.accounts[msg.sender];
        uint32 lastEpoch = uint32(word >> 64);
        uint256 epochPoints = (word >> 96) & _MASK_64;
        tokens = word >> 160;
        if (lastEpoch != currentEpoch()) {
            tokens += _shareOf($, epochPoints, lastEpoch);
            epochPoints = 0;
        }
        if (tokens == 0) revert RewardsNothingToClaim(msg.sender);

        $.accounts[msg.sender] = (word & _MASK_64) | (uint256(lastEpoch) << 64) | (epochPoints << 96);
        emit Claimed(msg.sender, to, tokens);
        $.token.mint(to, tokens);
    }

    // ---------------------------------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IRewardsV1
    function setEpochBudget(uint256 budget) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setEpochBudget(budget);
    }

    /// @inheritdoc IRewardsV1
    function addOperator(address operator) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addOperator(operator);
    }

    /// @inheritdoc IRewardsV1
    function removeOperator(address operator) external onlyRole(DEFAULT_ADMIN_ROLE) {
        RewardsStorage storage $ = _getRewardsStorage();
        if (!$.isOperator[operator]) revert RewardsOperatorNotFound(operator);
        uint256 remaining = $.operators.length - 1;
        if ($.threshold > remaining) revert RewardsInvalidThreshold($.threshold, remaining);

        address[] storage list = $.operators;
        for (uint256 i = 0; i < list.length; ++i) {
            if (list[i] == operator) {
                // Keep the order of the others: leader rotation off-chain follows `operators()`.
                for (uint256 j = i; j < remaining; ++j) {
                    list[j] = list[j + 1];
                }
                list.pop();
                break;
            }
        }
        $.isOperator[operator] = false;
        emit OperatorRemoved(operator);
    }

    /// @inheritdoc IRewardsV1
    function setThreshold(uint256 newThreshold) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setThreshold(newThreshold);
    }

    /// @inheritdoc IRewardsV1
    function setMinOperatorStake(uint256 minimum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMinOperatorStake(minimum);
    }

    /// @inheritdoc IRewardsV1
    function setEvaluator(bytes32 evaluator, bool approved) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setEvaluator(evaluator, approved);
    }

    /// @inheritdoc IRewardsV1
    function setMaxPointsPerSubmission(uint32 maximum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxPointsPerSubmission(maximum);
    }

    /// @inheritdoc IRewardsV1
    function setQuota(uint32 baseQuota, QuotaTier[] calldata tiers) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setQuota(baseQuota, tiers);
    }

    /// @inheritdoc IRewardsV1
    function pause() external {
        if (!hasRole(GUARDIAN_ROLE, msg.sender) && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert RewardsUnauthorizedPauser(msg.sender);
        }
        _pause();
    }

    /// @inheritdoc IRewardsV1
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function _setEpochBudget(uint256 budget) private {
        if (budget > type(uint96).max) revert RewardsBudgetTooLarge(budget, type(uint96).max);
        RewardsStorage storage $ = _getRewardsStorage();
        uint256 old = $.epochBudget;
        if (old == budget) return;
        $.epochBudget = budget;
        emit EpochBudgetSet(old, budget);
    }

    function _addOperator(address operator) private {
        if (operator == address(0)) revert RewardsZeroAddress();
        RewardsStorage storage $ = _getRewardsStorage();
        if ($.isOperator[operator]) revert RewardsOperatorExists(operator);
        if ($.operators.length >= MAX_OPERATORS) revert RewardsTooManyOperators(MAX_OPERATORS);
        $.operators.push(operator);
        $.isOperator[operator] = true;
        emit OperatorAdded(operator);
    }

    function _setThreshold(uint256 newThreshold) private {
        RewardsStorage storage $ = _getRewardsStorage();
        uint256 count = $.operators.length;
        if (newThreshold == 0 || newThreshold > count) revert RewardsInvalidThreshold(newThreshold, count);
        uint256 old = $.threshold;
        if (old == newThreshold) return;
        // Cannot truncate: newThreshold <= count <= MAX_OPERATORS.
        $.threshold = uint16(newThreshold);
        emit ThresholdSet(old, newThreshold);
    }

    function _setMinOperatorStake(uint256 minimum) private {
        RewardsStorage storage $ = _getRewardsStorage();
        uint256 old = $.minOperatorStake;
        if (old == minimum) return;
        $.minOperatorStake = minimum;
        emit MinOperatorStakeSet(old, minimum);
    }

    function _setEvaluator(bytes32 evaluator, bool approved) private {
        RewardsStorage storage $ = _getRewardsStorage();
        if ($.approvedEvaluators[evaluator] == approved) return;
        $.approvedEvaluators[evaluator] = approved;
        emit EvaluatorSet(evaluator, approved);
    }

    function _setMaxPointsPerSubmission(uint32 maximum) private {
        RewardsStorage storage $ = _getRewardsStorage();
        uint256 old = $.maxPointsPerSubmission;
        if (old == maximum) return;
        $.maxPointsPerSubmission = maximum;
        emit MaxPointsPerSubmissionSet(old, maximum);
    }

    function _setQuota(uint32 baseQuota, QuotaTier[] calldata tiers) private {
        if (tiers.length > MAX_QUOTA_TIERS) revert RewardsTooManyQuotaTiers(tiers.length, MAX_QUOTA_TIERS);
        RewardsStorage storage $ = _getRewardsStorage();
        delete $.quotaTiers;
        uint256 previousStake = 0;
        uint256 previousQuota = baseQuota;
        for (uint256 i = 0; i < tiers.length; ++i) {
            QuotaTier calldata tier = tiers[i];
            if (tier.minStake <= previousStake || tier.quota < previousQuota) revert RewardsInvalidQuotaTiers(i);
            previousStake = tier.minStake;
            previousQuota = tier.quota;
            $.quotaTiers.push(tier);
        }
        $.baseQuota = baseQuota;
        emit QuotaSet(baseQuota, tiers);
    }

    function _quotaOf(RewardsStorage storage $, address author) private view returns (uint256 allowed) {
        allowed = $.baseQuota;
        uint256 tierCount = $.quotaTiers.length;
        if (tierCount == 0) return allowed;
        uint256 stake = $.token.stakedBalanceOf(author);
        for (uint256 i = 0; i < tierCount; ++i) {
            QuotaTier storage tier = $.quotaTiers[i];
            if (stake < tier.minStake) break;
            allowed = tier.quota;
        }
    }

    /// @dev The EIP-712 domain name, as a constant: saves reading the string from storage on every batch.
    // solhint-disable-next-line func-name-mixedcase
    function _EIP712Name() internal pure override returns (string memory) {
        return "CashKey Rewards";
    }

    /// @dev The EIP-712 domain version, as a constant.
    // solhint-disable-next-line func-name-mixedcase
    function _EIP712Version() internal pure override returns (string memory) {
        return "1";
    }

    /// @dev Upgrades are authorized only for the admin, the Timelock.
    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IRewardsV1
    function pointsOf(address account) external view returns (uint256) {
        return _getRewardsStorage().accounts[account] & _MASK_64;
    }

    /// @inheritdoc IRewardsV1
    function claimable(address account) external view returns (uint256 tokens) {
        RewardsStorage storage $ = _getRewardsStorage();
        uint256 word = $.accounts[account];
        tokens = word >> 160;
        uint32 lastEpoch = uint32(word >> 64);
        if (lastEpoch != currentEpoch()) tokens += _shareOf($, (word >> 96) & _MASK_64, lastEpoch);
    }

    /// @inheritdoc IRewardsV1
    function accountOf(address account) external view returns (Account memory) {
        return AccountPackingV1.unpack(_getRewardsStorage().accounts[account]);
    }

    /// @inheritdoc IRewardsV1
    function epochInfo(uint32 epoch) external view returns (EpochInfo memory info) {
        RewardsStorage storage $ = _getRewardsStorage();
        info = $.epochs[epoch];
        if (info.totalPoints == 0 && epoch >= currentEpoch()) info.budget = uint128($.epochBudget);
    }

    /// @inheritdoc IRewardsV1
    function submission(uint64 id) external view returns (Submission memory) {
        return _getRewardsStorage().submissions[id];
    }

    /// @inheritdoc IRewardsV1
    function isScored(uint64 id) external view returns (bool) {
        return _getRewardsStorage().scoredBitmap[id / _IDS_PER_BITMAP_WORD] & (1 << (id % _IDS_PER_BITMAP_WORD)) != 0;
    }

    /// @inheritdoc IRewardsV1
    function submissionCount() external view returns (uint64) {
        return _getRewardsStorage().submissionCount;
    }

    /// @inheritdoc IRewardsV1
    function nextBatchNonce() external view returns (uint64) {
        return _getRewardsStorage().nextBatchNonce;
    }

    /// @inheritdoc IRewardsV1
    function operators() external view returns (address[] memory) {
        return _getRewardsStorage().operators;
    }

    /// @inheritdoc IRewardsV1
    function isOperator(address account) external view returns (bool) {
        return _getRewardsStorage().isOperator[account];
    }

    /// @inheritdoc IRewardsV1
    function threshold() external view returns (uint256) {
        return _getRewardsStorage().threshold;
    }

    /// @inheritdoc IRewardsV1
    function minOperatorStake() external view returns (uint256) {
        return _getRewardsStorage().minOperatorStake;
    }

    /// @inheritdoc IRewardsV1
    function isApprovedEvaluator(bytes32 evaluator) external view returns (bool) {
        return _getRewardsStorage().approvedEvaluators[evaluator];
    }

    /// @inheritdoc IRewardsV1
    function maxPointsPerSubmission() external view returns (uint32) {
        return _getRewardsStorage().maxPointsPerSubmission;
    }

    /// @inheritdoc IRewardsV1
    function epochBudget() external view returns (uint256) {
        return _getRewardsStorage().epochBudget;
    }

    /// @inheritdoc IRewardsV1
    function quota() external view returns (uint32 baseQuota, QuotaTier[] memory tiers) {
        RewardsStorage storage $ = _getRewardsStorage();
        return ($.baseQuota, $.quotaTiers);
    }

    /// @inheritdoc IRewardsV1
    function quotaOf(address author) external view returns (uint256) {
        return _quotaOf(_getRewardsStorage(), author);
    }

    /// @inheritdoc IRewardsV1
    function submissionsLeft(address author) external view returns (uint256) {
        RewardsStorage storage $ = _getRewardsStorage();
        uint256 usage = $.quotaUsage[author];
        uint256 used = uint32(usage) == currentEpoch() ? usage >> 32 : 0;
        uint256 allowed = _quotaOf($, author);
        return used >= allowed ? 0 : allowed - used;
    }

    /// @inheritdoc IRewardsV1
    function epochLength() external view returns (uint256) {
        return _getRewardsStorage().epochLength;
    }

    /// @inheritdoc IRewardsV1
    function genesis() external view returns (uint256) {
        return _getRewardsStorage().genesis;
    }

    /// @inheritdoc IRewardsV1
    function currentEpoch() public view returns (uint32) {
        RewardsStorage storage $ = _getRewardsStorage();
        return uint32((block.timestamp - $.genesis) / $.epochLength);
    }

    /// @inheritdoc IRewardsV1
    function token() external view returns (address) {
        return address(_getRewardsStorage().token);
    }
}
