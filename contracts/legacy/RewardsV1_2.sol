// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Frozen copy of the 1.2.0 release (commit 016bb04), renamed RewardsV1_2: the reference that
// test/contracts/Upgrades.test.ts upgrades from, so the plugin proves 1.3.0 storage-compatible. Never deployed.

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {ContextUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ContextUpgradeable.sol";
import {ERC2771ContextUpgradeable} from "@openzeppelin/contracts-upgradeable/metatx/ERC2771ContextUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ICashKeyToken} from "../interfaces/ICashKeyToken.sol";
import {IGovernanceClock, ITimelockDelay} from "../interfaces/IGovernanceClock.sol";
import {IRewards} from "../interfaces/IRewards.sol";
import {IStakeLock} from "../interfaces/IStakeLock.sol";
import {AccountPacking} from "../libraries/AccountPacking.sol";
import {ScoreItem} from "../libraries/ScoreItem.sol";

/// @title RewardsV1_2
/// @notice CashKey's content registry, operator set, signed score batches, epochs and claims.
/// @dev Gas: `postScores` keeps per-item work to one cold read of the submission, one read-modify-write
/// of the author's packed account word, the `Scored` event and a bitmap bit kept in memory. Everything
/// per batch (epoch totals, bitmap words) is summed in memory and written once.
// The name carries the released version (1.1 → V1_1): the upgrades plugin and test/contracts/Upgrades.test.ts
// refer to the legacy implementations by these names, so they are not CapWords.
// solhint-disable-next-line contract-name-capwords
contract RewardsV1_2 is
    Initializable,
    AccessControlUpgradeable,
    PausableUpgradeable,
    EIP712Upgradeable,
    UUPSUpgradeable,
    ERC2771ContextUpgradeable,
    IRewards
{
    using SafeCast for uint256;

    /// @notice Implementation version.
    // solhint-disable-next-line const-name-snakecase
    string public constant version = "1.2.0";

    /// @notice Role allowed to pause (the guardian). Only the admin (Timelock) unpauses.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @inheritdoc IRewards
    bytes32 public constant SCORE_BATCH_TYPEHASH = keccak256(
        "ScoreBatch(uint64 nonce,bytes32 itemsHash,bytes32 evaluator,bytes32 rationaleRoot,uint64 deadline)"
    );

    /// @notice Largest operator set (bounds the gas of signature checks and of `operators()`).
    uint256 public constant MAX_OPERATORS = 64;

    /// @notice Largest number of quota tiers (bounds the gas of `submit`).
    uint256 public constant MAX_QUOTA_TIERS = 8;

    /// @notice Shortest margin added to the governance path before a removed operator's bond is released.
    uint256 public constant MIN_BOND_RELEASE_MARGIN = 1 days;

    /// @notice Longest such margin.
    uint256 public constant MAX_BOND_RELEASE_MARGIN = 30 days;

    /// @notice Longest guardian freeze of a bond.
    uint256 public constant MAX_BOND_FREEZE = 30 days;

    uint256 private constant _MAX_SCORE = 100;
    uint256 private constant _MASK_64 = type(uint64).max;

    /// @dev The scored bitmap holds 255 ids per word; bit 255 is a sentinel that keeps a word nonzero, so
    /// marking scores never pays for a zero-to-nonzero store. Words are warmed ahead of the ids, by the
    /// initializer (`_INITIAL_WARM_WORDS`) and by anyone through `warmScoredBitmap`; `submit` never touches
    /// the bitmap, so its cost does not depend on the id it gets. A batch that reaches a word nobody warmed
    /// still works, and pays for that word.
    uint256 private constant _IDS_PER_BITMAP_WORD = 255;
    uint256 private constant _BITMAP_SENTINEL = 1 << 255;
    uint256 private constant _INITIAL_WARM_WORDS = 16;

    /// @notice Most bitmap words one `warmScoredBitmap` call may warm.
    uint256 public constant MAX_WARM_WORDS = 256;

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
        ICashKeyToken token;
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
        // Appended in 1.1.0 (version 2 of the initializers).
        address governor;
        uint64 bondReleaseMargin;
        uint256 reservedBudget;
        mapping(address operator => BondLock) bondLocks;
        uint256 warmedWords;
    }

    /// @dev A removed or frozen operator's lock on its token stake (one slot).
    struct BondLock {
        uint64 removedAt;
        uint64 frozenUntil;
    }

    // keccak256(abi.encode(uint256(keccak256("cashkey.storage.Rewards")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _REWARDS_STORAGE_LOCATION =
        0x7464d200d36b42eff8855b2c5a59081a27bf8cb3b00671f863065eb234125700;

    function _getRewardsStorage() private pure returns (RewardsStorage storage $) {
        assembly {
            $.slot := _REWARDS_STORAGE_LOCATION
        }
    }

    /// @notice Binds the implementation to its ERC-2771 forwarder (an immutable, no storage: replacing
    /// the forwarder is an upgrade, decided by governance like any other). `address(0)` turns relaying off.
    /// @param trustedForwarder_ The `ERC2771Forwarder` whose verified requests act for their signer.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address trustedForwarder_) ERC2771ContextUpgradeable(trustedForwarder_) {
        _disableInitializers();
    }

    /// @notice Initializes a new proxy, at once at version 2 of the layout (so `initializeV2`, meant for
    /// proxies upgraded from 1.0.0, can never run on it).
    /// @param params Token, roles, epoch length and budget, operator set, evaluators, quotas and the
    /// governance clock that sizes bond release.
    /// @custom:oz-upgrades-validate-as-initializer
    function initialize(InitParams calldata params) external reinitializer(2) {
        __AccessControl_init();
        __Pausable_init();
        __EIP712_init("CashKey Rewards", "1");

        if (params.token == address(0) || params.admin == address(0)) revert RewardsZeroAddress();
        if (params.epochLength == 0) revert RewardsInvalidEpochLength(0);

        RewardsStorage storage $ = _getRewardsStorage();
        $.token = ICashKeyToken(params.token);
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
        _setGovernor(params.governor);
        _setBondReleaseMargin(params.bondReleaseMargin);
        _warmBitmap($);
    }

    /// @inheritdoc IRewards
    /// @custom:oz-upgrades-validate-as-initializer
    /// @custom:oz-upgrades-unsafe-allow missing-initializer-call
    function initializeV2(address governor_, uint64 bondReleaseMargin_, uint256 reservedBudget_)
        external
        reinitializer(2)
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        RewardsStorage storage $ = _getRewardsStorage();
        _setGovernor(governor_);
        _setBondReleaseMargin(bondReleaseMargin_);
        $.reservedBudget = reservedBudget_;
        emit BudgetReserved(currentEpoch(), 0, reservedBudget_);
        _warmBitmap($);
    }

    /// @dev Warms `_INITIAL_WARM_WORDS` words from the current id's (1.0.0 warmed words up to it).
    function _warmBitmap(RewardsStorage storage $) private {
        uint256 first = $.submissionCount / _IDS_PER_BITMAP_WORD;
        if ($.scoredBitmap[first] == 0) $.scoredBitmap[first] = _BITMAP_SENTINEL;
        $.warmedWords = first + 1;
        _warmWords($, _INITIAL_WARM_WORDS - 1);
    }

    function _warmWords(RewardsStorage storage $, uint256 count) private {
        uint256 from = $.warmedWords;
        uint256 to = from + count;
        for (uint256 word = from; word < to; ++word) {
            if ($.scoredBitmap[word] == 0) $.scoredBitmap[word] = _BITMAP_SENTINEL;
        }
        $.warmedWords = to;
        emit ScoredBitmapWarmed(from, to);
    }

    /// @inheritdoc IRewards
    function warmScoredBitmap(uint256 words) external {
        if (words == 0 || words > MAX_WARM_WORDS) revert RewardsInvalidWarmCount(words, MAX_WARM_WORDS);
        _warmWords(_getRewardsStorage(), words);
    }

    // ---------------------------------------------------------------------------------------------
    // Submissions
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IRewards
    function submit(bytes32 contentHash, uint16 category) external whenNotPaused returns (uint64 id) {
        RewardsStorage storage $ = _getRewardsStorage();
        uint32 epoch = currentEpoch();
        address author = _msgSender();

        (uint256 used, uint256 allowed) = _usage($, author, epoch);
        if (used >= allowed) revert RewardsQuotaExceeded(author, allowed);
        // Cannot overflow: used < allowed <= type(uint32).max.
        $.quotaUsage[author] = ((allowed + 1) << 64) | ((used + 1) << 32) | epoch;

        id = ++$.submissionCount;
        $.submissions[id] = Submission({
            author: author,
            submittedAt: uint40(block.timestamp),
            epoch: epoch,
            category: category
        });
        emit Submitted(id, author, contentHash, category);
    }

    // ---------------------------------------------------------------------------------------------
    // Score batches
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IRewards
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

    /// @inheritdoc IRewards
    function batchDigest(BatchHeader calldata header, uint256[] calldata items) external view returns (bytes32) {
        return _batchDigest(header, items);
    }

    /// @inheritdoc IRewards
    function batchDigestOf(BatchHeader calldata header, bytes32 itemsHash) external view returns (bytes32) {
        return _digestOf(header, itemsHash);
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
        return _digestOf(header, itemsHash);
    }

    function _digestOf(BatchHeader calldata header, bytes32 itemsHash) private view returns (bytes32) {
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
    /// so a contract signer cannot re-enter). The forms are told apart by length alone, so a contract
    /// signer's `data` must not be exactly 45 bytes (20 + 45 = 65 is always read as ECDSA); a contract
    /// whose natural signature has 45 bytes appends a byte it ignores. The Functions verifier's `data` is
    /// empty (a 20-byte signature).
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
    /// Layouts read here (keep in sync with `RewardsStorage`, `Submission`, `EpochInfo` and AccountPacking):
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
        (uint64 id, uint8 score, uint32 points, bool wellFormed) = ScoreItem.unpack(item);
        if (failure == _ACCOUNT_OVERFLOW) revert RewardsAccountOverflow($.submissions[id].author);
        if (failure == _ITEM_ALREADY_SCORED) revert RewardsAlreadyScored(id);
        if (!wellFormed) revert RewardsMalformedItem(index, item);
        if (score > _MAX_SCORE) revert RewardsScoreOutOfRange(id, score);
        uint32 maxPoints = $.maxPointsPerSubmission;
        if (points > maxPoints) revert RewardsPointsAboveMaximum(id, points, maxPoints);
        revert RewardsUnknownSubmission(id);
    }

    /// @dev An epoch's first credit snapshots its budget and reserves it against the cap: at most what
    /// the cap leaves after the supply and every budget reserved before, so every claim can be minted and
    /// no claimer races another for the last room under the cap.
    function _addEpochPoints(RewardsStorage storage $, uint32 epoch, uint256 points) private {
        EpochInfo storage info = $.epochs[epoch];
        if (info.totalPoints == 0) {
            uint256 budget = $.epochBudget;
            uint256 room = _unreservedCap($);
            if (budget > room) budget = room;
            info.budget = uint128(budget);
            uint256 reserved = $.reservedBudget + budget;
            $.reservedBudget = reserved;
            emit EpochBudgetSnapshotted(epoch, budget);
            emit BudgetReserved(epoch, budget, reserved);
        }
        info.totalPoints += points.toUint128();
    }

    /// @dev The cap minus the supply minus the reserved budgets, or 0 if another minter used the room.
    function _unreservedCap(RewardsStorage storage $) private view returns (uint256) {
        ICashKeyToken token_ = $.token;
        uint256 used = token_.totalSupply() + $.reservedBudget;
        uint256 cap_ = token_.cap();
        return cap_ > used ? cap_ - used : 0;
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

    /// @inheritdoc IRewards
    function claim(address to) external whenNotPaused returns (uint256 tokens) {
        if (to == address(0)) revert RewardsZeroAddress();
        RewardsStorage storage $ = _getRewardsStorage();
        address account = _msgSender();

        uint256 word = $.accounts[account];
        uint32 lastEpoch = uint32(word >> 64);
        uint256 epochPoints = (word >> 96) & _MASK_64;
        tokens = word >> 160;
        if (lastEpoch != currentEpoch()) {
            tokens += _shareOf($, epochPoints, lastEpoch);
            epochPoints = 0;
        }
        if (tokens == 0) revert RewardsNothingToClaim(account);

        $.accounts[account] = (word & _MASK_64) | (uint256(lastEpoch) << 64) | (epochPoints << 96);
        // Claims never exceed the reserved budgets they come from (shares round down); the floor at 0
        // covers epochs snapshotted before 1.1.0 beyond what `initializeV2` was told.
        uint256 reserved = $.reservedBudget;
        $.reservedBudget = tokens < reserved ? reserved - tokens : 0;
        emit Claimed(account, to, tokens);
        $.token.mint(to, tokens);
    }

    // ---------------------------------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IRewards
    function setEpochBudget(uint256 budget) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setEpochBudget(budget);
    }

    /// @inheritdoc IRewards
    function addOperator(address operator) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addOperator(operator);
    }

    /// @inheritdoc IRewards
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
        // Its bond stays locked for the slowest governance path from now (see `stakeLockedUntil`).
        $.bondLocks[operator].removedAt = uint64(block.timestamp);
        emit OperatorRemoved(operator);
    }

    /// @inheritdoc IRewards
    function setGovernor(address governor_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setGovernor(governor_);
    }

    /// @inheritdoc IRewards
    function setBondReleaseMargin(uint64 marginSeconds) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setBondReleaseMargin(marginSeconds);
    }

    /// @inheritdoc IRewards
    function freezeOperatorBond(address operator) external onlyRole(GUARDIAN_ROLE) {
        RewardsStorage storage $ = _getRewardsStorage();
        BondLock storage lock = $.bondLocks[operator];
        if (!$.isOperator[operator] && lock.removedAt == 0) revert RewardsNotAnOperator(operator);
        uint256 duration = _bondFreezeDuration($);
        uint256 frozenUntil = lock.frozenUntil;
        if (frozenUntil != 0 && block.timestamp < frozenUntil + duration) {
            revert RewardsBondFreezeTooSoon(operator, frozenUntil + duration);
        }
        uint64 until = uint64(block.timestamp + duration);
        lock.frozenUntil = until;
        emit OperatorBondFrozen(operator, until);
    }

    /// @inheritdoc IRewards
    function unfreezeOperatorBond(address operator) external onlyRole(DEFAULT_ADMIN_ROLE) {
        BondLock storage lock = _getRewardsStorage().bondLocks[operator];
        if (lock.frozenUntil <= block.timestamp) return;
        // Ended now, not erased: the guardian's next freeze still waits a full freeze duration.
        lock.frozenUntil = uint64(block.timestamp);
        emit OperatorBondUnfrozen(operator);
    }

    /// @inheritdoc IRewards
    function setThreshold(uint256 newThreshold) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setThreshold(newThreshold);
    }

    /// @inheritdoc IRewards
    function setMinOperatorStake(uint256 minimum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMinOperatorStake(minimum);
    }

    /// @inheritdoc IRewards
    function setEvaluator(bytes32 evaluator, bool approved) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setEvaluator(evaluator, approved);
    }

    /// @inheritdoc IRewards
    function setMaxPointsPerSubmission(uint32 maximum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxPointsPerSubmission(maximum);
    }

    /// @inheritdoc IRewards
    function setQuota(uint32 baseQuota, QuotaTier[] calldata tiers) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setQuota(baseQuota, tiers);
    }

    /// @inheritdoc IRewards
    function pause() external {
        address caller = _msgSender();
        if (!hasRole(GUARDIAN_ROLE, caller) && !hasRole(DEFAULT_ADMIN_ROLE, caller)) {
            revert RewardsUnauthorizedPauser(caller);
        }
        _pause();
    }

    /// @inheritdoc IRewards
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function _setEpochBudget(uint256 budget) private {
        if (budget > type(uint96).max) revert RewardsBudgetTooLarge(budget, type(uint96).max);
        RewardsStorage storage $ = _getRewardsStorage();
        uint256 room = _unreservedCap($);
        if (budget > room) revert RewardsBudgetAboveRemainingCap(budget, room);
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
        $.bondLocks[operator].removedAt = 0;
        emit OperatorAdded(operator);
    }

    function _setGovernor(address governor_) private {
        RewardsStorage storage $ = _getRewardsStorage();
        address old = $.governor;
        if (old == governor_) return;
        $.governor = governor_;
        emit GovernorSet(old, governor_);
    }

    function _setBondReleaseMargin(uint64 marginSeconds) private {
        if (marginSeconds < MIN_BOND_RELEASE_MARGIN || marginSeconds > MAX_BOND_RELEASE_MARGIN) {
            revert RewardsBondReleaseMarginOutOfRange(marginSeconds, MIN_BOND_RELEASE_MARGIN, MAX_BOND_RELEASE_MARGIN);
        }
        RewardsStorage storage $ = _getRewardsStorage();
        uint256 old = $.bondReleaseMargin;
        if (old == marginSeconds) return;
        $.bondReleaseMargin = marginSeconds;
        emit BondReleaseMarginSet(old, marginSeconds);
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

    /// @dev `author`'s submissions in `epoch` and its quota for it. The usage word packs the epoch (bits
    /// 0..31), the submissions in it (32..63) and, from the epoch's first submission on, its quota + 1
    /// (64..95), so later submissions of the epoch do not read the stake again; a word written by 1.0.0
    /// has no quota and is read as "not cached".
    function _usage(RewardsStorage storage $, address author, uint32 epoch)
        private
        view
        returns (uint256 used, uint256 allowed)
    {
        uint256 usage = $.quotaUsage[author];
        if (uint32(usage) == epoch) {
            used = uint32(usage >> 32);
            uint256 cached = usage >> 64;
            if (cached != 0) return (used, cached - 1);
        }
        allowed = _quotaOf($, author, epoch);
    }

    /// @dev The quota bought by the stake `author` held at the last second before `epoch` started.
    function _quotaOf(RewardsStorage storage $, address author, uint32 epoch) private view returns (uint256 allowed) {
        allowed = $.baseQuota;
        uint256 tierCount = $.quotaTiers.length;
        if (tierCount == 0) return allowed;
        uint256 epochStart = uint256($.genesis) + uint256(epoch) * $.epochLength;
        uint256 stake = $.token.stakedBalanceAt(author, epochStart - 1);
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

    /// @dev The signer of a request relayed by the trusted forwarder, else `msg.sender`.
    function _msgSender() internal view override(ContextUpgradeable, ERC2771ContextUpgradeable) returns (address) {
        return ERC2771ContextUpgradeable._msgSender();
    }

    function _msgData() internal view override(ContextUpgradeable, ERC2771ContextUpgradeable) returns (bytes calldata) {
        return ERC2771ContextUpgradeable._msgData();
    }

    function _contextSuffixLength()
        internal
        view
        override(ContextUpgradeable, ERC2771ContextUpgradeable)
        returns (uint256)
    {
        return ERC2771ContextUpgradeable._contextSuffixLength();
    }

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IRewards
    function pointsOf(address account) external view returns (uint256) {
        return _getRewardsStorage().accounts[account] & _MASK_64;
    }

    /// @inheritdoc IRewards
    function claimable(address account) external view returns (uint256 tokens) {
        RewardsStorage storage $ = _getRewardsStorage();
        uint256 word = $.accounts[account];
        tokens = word >> 160;
        uint32 lastEpoch = uint32(word >> 64);
        if (lastEpoch != currentEpoch()) tokens += _shareOf($, (word >> 96) & _MASK_64, lastEpoch);
    }

    /// @inheritdoc IRewards
    function accountOf(address account) external view returns (Account memory) {
        return AccountPacking.unpack(_getRewardsStorage().accounts[account]);
    }

    /// @inheritdoc IRewards
    function epochInfo(uint32 epoch) external view returns (EpochInfo memory info) {
        RewardsStorage storage $ = _getRewardsStorage();
        info = $.epochs[epoch];
        if (info.totalPoints == 0 && epoch >= currentEpoch()) info.budget = uint128($.epochBudget);
    }

    /// @inheritdoc IRewards
    function submission(uint64 id) external view returns (Submission memory) {
        return _getRewardsStorage().submissions[id];
    }

    /// @inheritdoc IRewards
    function isScored(uint64 id) external view returns (bool) {
        return _getRewardsStorage().scoredBitmap[id / _IDS_PER_BITMAP_WORD] & (1 << (id % _IDS_PER_BITMAP_WORD)) != 0;
    }

    /// @inheritdoc IRewards
    function submissionCount() external view returns (uint64) {
        return _getRewardsStorage().submissionCount;
    }

    /// @inheritdoc IRewards
    function nextBatchNonce() external view returns (uint64) {
        return _getRewardsStorage().nextBatchNonce;
    }

    /// @inheritdoc IRewards
    function operators() external view returns (address[] memory) {
        return _getRewardsStorage().operators;
    }

    /// @inheritdoc IRewards
    function isOperator(address account) external view returns (bool) {
        return _getRewardsStorage().isOperator[account];
    }

    /// @inheritdoc IRewards
    function threshold() external view returns (uint256) {
        return _getRewardsStorage().threshold;
    }

    /// @inheritdoc IRewards
    function minOperatorStake() external view returns (uint256) {
        return _getRewardsStorage().minOperatorStake;
    }

    /// @inheritdoc IRewards
    function isApprovedEvaluator(bytes32 evaluator) external view returns (bool) {
        return _getRewardsStorage().approvedEvaluators[evaluator];
    }

    /// @inheritdoc IRewards
    function maxPointsPerSubmission() external view returns (uint32) {
        return _getRewardsStorage().maxPointsPerSubmission;
    }

    /// @inheritdoc IRewards
    function epochBudget() external view returns (uint256) {
        return _getRewardsStorage().epochBudget;
    }

    /// @inheritdoc IRewards
    function quota() external view returns (uint32 baseQuota, QuotaTier[] memory tiers) {
        RewardsStorage storage $ = _getRewardsStorage();
        return ($.baseQuota, $.quotaTiers);
    }

    /// @inheritdoc IRewards
    function quotaOf(address author) external view returns (uint256 allowed) {
        (, allowed) = _usage(_getRewardsStorage(), author, currentEpoch());
    }

    /// @inheritdoc IRewards
    function submissionsLeft(address author) external view returns (uint256) {
        (uint256 used, uint256 allowed) = _usage(_getRewardsStorage(), author, currentEpoch());
        return used >= allowed ? 0 : allowed - used;
    }

    /// @inheritdoc IRewards
    function epochLength() external view returns (uint256) {
        return _getRewardsStorage().epochLength;
    }

    /// @inheritdoc IRewards
    function genesis() external view returns (uint256) {
        return _getRewardsStorage().genesis;
    }

    /// @inheritdoc IRewards
    function currentEpoch() public view returns (uint32) {
        RewardsStorage storage $ = _getRewardsStorage();
        return uint32((block.timestamp - $.genesis) / $.epochLength);
    }

    /// @inheritdoc IRewards
    function token() external view returns (address) {
        return address(_getRewardsStorage().token);
    }

    /// @inheritdoc IStakeLock
    function stakeLockedUntil(address account) external view returns (uint256) {
        return _lockedUntil(_getRewardsStorage(), account);
    }

    /// @inheritdoc IRewards
    function governor() external view returns (address) {
        return _getRewardsStorage().governor;
    }

    /// @inheritdoc IRewards
    function bondReleaseMargin() external view returns (uint256) {
        return _getRewardsStorage().bondReleaseMargin;
    }

    /// @inheritdoc IRewards
    function governancePath() external view returns (uint256) {
        return _governancePath(_getRewardsStorage());
    }

    /// @inheritdoc IRewards
    function bondReleaseDelay() external view returns (uint256) {
        RewardsStorage storage $ = _getRewardsStorage();
        return _governancePath($) + $.bondReleaseMargin;
    }

    /// @inheritdoc IRewards
    function bondFreezeDuration() external view returns (uint256) {
        return _bondFreezeDuration(_getRewardsStorage());
    }

    /// @inheritdoc IRewards
    function operatorBond(address operator) external view returns (OperatorBond memory) {
        RewardsStorage storage $ = _getRewardsStorage();
        BondLock memory lock = $.bondLocks[operator];
        return OperatorBond({
            isOperator: $.isOperator[operator],
            removedAt: lock.removedAt,
            frozenUntil: lock.frozenUntil,
            lockedUntil: _lockedUntil($, operator)
        });
    }

    /// @inheritdoc IRewards
    function warmedScoredBitmapWords() external view returns (uint256) {
        return _getRewardsStorage().warmedWords;
    }

    /// @inheritdoc IRewards
    function reservedBudget() external view returns (uint256) {
        return _getRewardsStorage().reservedBudget;
    }

    /// @inheritdoc IRewards
    function unreservedCap() external view returns (uint256) {
        return _unreservedCap(_getRewardsStorage());
    }

    /// @dev An operator's stake is locked while it is one; after its removal for the slowest governance
    /// path plus the margin, read now (so a later change of any of them applies); and while frozen.
    function _lockedUntil(RewardsStorage storage $, address account) private view returns (uint256 until) {
        if ($.isOperator[account]) return type(uint256).max;
        BondLock memory lock = $.bondLocks[account];
        if (lock.removedAt != 0) until = uint256(lock.removedAt) + _governancePath($) + $.bondReleaseMargin;
        if (lock.frozenUntil > until) until = lock.frozenUntil;
    }

    function _governancePath(RewardsStorage storage $) private view returns (uint256) {
        address governor_ = $.governor;
        if (governor_ == address(0)) return 0;
        IGovernanceClock clock = IGovernanceClock(governor_);
        return clock.votingDelay() + clock.votingPeriod() + clock.lateQuorumVoteExtension()
            + ITimelockDelay(clock.timelock()).getMinDelay();
    }

    function _bondFreezeDuration(RewardsStorage storage $) private view returns (uint256) {
        uint256 duration = _governancePath($) + $.bondReleaseMargin;
        return duration < MAX_BOND_FREEZE ? duration : MAX_BOND_FREEZE;
    }
}
