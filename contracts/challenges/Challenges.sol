// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IChallenges} from "../interfaces/IChallenges.sol";
import {IRewards} from "../interfaces/IRewards.sol";
import {IEpochGate, IRewardsChallenges} from "../interfaces/IRewardsChallenges.sol";

/// @dev Rewards as Challenges sees it: 1.2.0's interface plus 1.3.0's additions.
interface IRewardsWithChallenges is IRewards, IRewardsChallenges {}

/// @title Challenges
/// @notice Bonded challenges of scored items, decided by the operator quorum and, on escalation, by a
/// Governor proposal through the Timelock; the gate that keeps claims off epochs that can still change.
/// Design, economics and attacks: docs/CONTRACTS.md ("Challenges: contestable scores").
contract Challenges is
    Initializable,
    AccessControlUpgradeable,
    EIP712Upgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient,
    IChallenges
{
    using SafeERC20 for IERC20;

    /// @notice Implementation version.
    // solhint-disable-next-line const-name-snakecase
    string public constant version = "1.0.0";

    /// @notice What the operators sign for a first-round verdict (EIP-712).
    bytes32 public constant CHALLENGE_VERDICT_TYPEHASH = keccak256(
        "ChallengeVerdict(uint64 challengeId,uint64 submissionId,uint32 epoch,uint32 points,uint8 reason,bool upheld,bytes32 evaluator,bytes32 rationaleRoot,uint64 deadline)"
    );

    /// @notice The lowest bond governance may set: 1 CKEY.
    uint256 public constant MIN_BOND = 1e18;

    uint256 private constant _MIN_PERIOD = 1 minutes;
    uint256 private constant _MAX_PERIOD = 14 days;
    uint256 private constant _MAX_ESCALATION_TIMEOUT = 30 days;
    uint256 private constant _BPS = 10_000;
    uint256 private constant _MAX_REJECTED_AUTHOR_BPS = 5_000;

    /// @custom:storage-location erc7201:cashkey.storage.Challenges
    struct ChallengesStorage {
        IRewardsWithChallenges rewards;
        IERC20 token;
        address treasury;
        uint32 finalizedEpochs;
        uint64 challengeCount;
        Params params;
        mapping(uint64 id => Challenge) challenges;
        mapping(uint64 submissionId => uint64 challengeId) openChallengeOf;
        mapping(uint64 submissionId => uint256 mask) rejectedGrounds;
        mapping(uint32 epoch => uint256 count) openChallenges;
        mapping(bytes32 evaluator => bool) appealEvaluators;
    }

    // keccak256(abi.encode(uint256(keccak256("cashkey.storage.Challenges")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _CHALLENGES_STORAGE_LOCATION =
        0xa98456492eb30a314082786ce9fd16f6cf5880ac6e80620133cb4dbc068b6b00;

    function _getChallengesStorage() private pure returns (ChallengesStorage storage $) {
        assembly {
            $.slot := _CHALLENGES_STORAGE_LOCATION
        }
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes a proxy. Epochs before the current one are final at once (they had no window).
    /// @param init Rewards (its token is the bond token), the admin (the Timelock), the treasury, the
    /// parameters and the approved appeal evaluators.
    function initialize(InitParams calldata init) external initializer {
        __AccessControl_init();
        __EIP712_init("CashKey Challenges", "1");
        if (init.rewards == address(0) || init.admin == address(0)) revert ChallengesZeroAddress();
        ChallengesStorage storage $ = _getChallengesStorage();
        IRewardsWithChallenges rewards_ = IRewardsWithChallenges(init.rewards);
        $.rewards = rewards_;
        $.token = IERC20(rewards_.token());
        $.finalizedEpochs = rewards_.currentEpoch();
        _grantRole(DEFAULT_ADMIN_ROLE, init.admin);
        _setTreasury(init.treasury);
        _setParams(init.params);
        for (uint256 i = 0; i < init.appealEvaluators.length; ++i) {
            _setAppealEvaluator(init.appealEvaluators[i], true);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Challenge lifecycle
    // ---------------------------------------------------------------------------------------------

    /// @notice Challenges the score of `submissionId`, credited `points` in `epoch` (as its `Scored` event
    /// says), bonding `params().bond` CKEY (approve it first).
    /// @param duplicateOf The earlier submission it copies, for `Reason.Duplicate`; 0 otherwise.
    /// @param reasonHash keccak256 of the off-chain reason text.
    function open(
        uint64 submissionId,
        uint32 epoch,
        uint32 points,
        Reason reason,
        uint64 duplicateOf,
        bytes32 reasonHash
    ) external nonReentrant returns (uint64 id) {
        ChallengesStorage storage $ = _getChallengesStorage();
        address author = _checkOpen($, submissionId, epoch, points, reason, duplicateOf);
        uint128 bond = $.params.bond;
        id = ++$.challengeCount;
        Challenge storage c = $.challenges[id];
        c.challenger = msg.sender;
        c.submissionId = submissionId;
        c.epoch = epoch;
        c.author = author;
        c.points = points;
        c.deadline = uint40(block.timestamp + $.params.verdictTimeout);
        c.status = Status.Open;
        c.reason = reason;
        c.bond = bond;
        $.openChallengeOf[submissionId] = id;
        ++$.openChallenges[epoch];
        emit ChallengeOpened(id, submissionId, msg.sender, author, epoch, points, reason, duplicateOf, reasonHash, bond);
        $.token.safeTransferFrom(msg.sender, address(this), bond);
    }

    /// @dev Every check of `open`; returns the item's author.
    function _checkOpen(
        ChallengesStorage storage $,
        uint64 submissionId,
        uint32 epoch,
        uint32 points,
        Reason reason,
        uint64 duplicateOf
    ) private view returns (address author) {
        IRewardsWithChallenges rewards_ = $.rewards;
        if (!rewards_.isScored(submissionId)) revert ChallengesNotScored(submissionId);
        IRewards.Submission memory item = rewards_.submission(submissionId);
        author = item.author;
        if (author == msg.sender) revert ChallengesOwnItem(msg.sender);
        uint32 current = rewards_.currentEpoch();
        if (epoch < item.epoch || epoch > current) {
            revert ChallengesEpochOutOfRange(submissionId, epoch, item.epoch, current);
        }
        if (epoch < $.finalizedEpochs) revert ChallengesEpochFinal(epoch);
        uint256 lastScored = rewards_.lastScoredAt(epoch);
        uint256 closesAt = lastScored + $.params.window;
        if (lastScored == 0 || block.timestamp > closesAt) revert ChallengesWindowClosed(epoch, closesAt);
        uint32 maxPoints = rewards_.maxPointsPerSubmission();
        if (points == 0 || points > maxPoints) revert ChallengesInvalidPoints(points, maxPoints);
        uint64 openId = $.openChallengeOf[submissionId];
        if (openId != 0) revert ChallengesItemHasOpenChallenge(submissionId, openId);
        if ($.rejectedGrounds[submissionId] & (uint256(1) << uint8(reason)) != 0) {
            revert ChallengesGroundsRejected(submissionId, reason);
        }
        if (reason == Reason.Duplicate ? duplicateOf == 0 || duplicateOf >= submissionId : duplicateOf != 0) {
            revert ChallengesInvalidDuplicateOf(submissionId, duplicateOf);
        }
    }

    /// @notice The author's reply to an open challenge, committed by hash (the text lives off-chain).
    function answer(uint64 id, bytes32 answerHash) external {
        Challenge storage c = _challengeIn(id, Status.Open);
        if (msg.sender != c.author) revert ChallengesNotAuthor(id, msg.sender);
        emit ChallengeAnswered(id, msg.sender, answerHash);
    }

    /// @notice Records the quorum's first-round verdict (anyone relays it): at least `threshold()`
    /// operator signatures over `verdictDigest(verdict)`, by the rules of score batches.
    function postVerdict(Verdict calldata verdict, bytes[] calldata signatures) external {
        ChallengesStorage storage $ = _getChallengesStorage();
        uint64 id = verdict.challengeId;
        Challenge storage c = _challengeIn(id, Status.Open);
        if (block.timestamp > c.deadline) revert ChallengesVerdictTooLate(id, c.deadline);
        if (block.timestamp > verdict.deadline) revert ChallengesVerdictExpired(verdict.deadline, block.timestamp);
        if (!$.appealEvaluators[verdict.evaluator]) revert ChallengesUnapprovedEvaluator(verdict.evaluator);
        $.rewards.verifyQuorum(_verdictDigest(c, verdict), signatures);
        c.status = Status.Verdict;
        c.firstUpheld = verdict.upheld;
        c.deadline = uint40(block.timestamp + $.params.escalationWindow);
        emit VerdictPosted(id, verdict.upheld, verdict.evaluator, verdict.rationaleRoot);
    }

    /// @notice Escalates a verdict to the token holders, bonding twice the challenge's bond. Only the side
    /// the verdict went against (the author of an upheld item, the challenger of a rejected challenge).
    function escalate(uint64 id) external nonReentrant {
        ChallengesStorage storage $ = _getChallengesStorage();
        Challenge storage c = _challengeIn(id, Status.Verdict);
        if (block.timestamp > c.deadline) revert ChallengesEscalationClosed(id, c.deadline);
        address escalator = c.firstUpheld ? c.author : c.challenger;
        if (msg.sender != escalator) revert ChallengesNotEscalator(id, msg.sender);
        uint128 amount = 2 * c.bond;
        c.escalationBond = amount;
        c.status = Status.Escalated;
        c.deadline = uint40(block.timestamp + $.params.escalationTimeout);
        emit ChallengeEscalated(id, msg.sender, amount);
        $.token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice The token holders' final decision on an escalated challenge: only the admin (the Timelock,
    /// executing a Governor proposal), before the escalation's deadline.
    function decide(uint64 id, bool upheld) external nonReentrant onlyRole(DEFAULT_ADMIN_ROLE) {
        Challenge storage c = _challengeIn(id, Status.Escalated);
        if (block.timestamp > c.deadline) revert ChallengesDecisionTooLate(id, c.deadline);
        emit ChallengeDecided(id, upheld);
        _resolve(id, c, upheld, upheld == c.firstUpheld);
    }

    /// @notice Applies the outcome once a phase has run out (anyone): no verdict in time dismisses the
    /// challenge (score stands, bond back); no escalation in time applies the verdict; no decision in time
    /// applies the first verdict and returns the escalation bond.
    function finalize(uint64 id) external nonReentrant {
        ChallengesStorage storage $ = _getChallengesStorage();
        Challenge storage c = $.challenges[id];
        Status status = c.status;
        if (status == Status.None) revert ChallengesUnknownChallenge(id);
        if (status != Status.Open && status != Status.Verdict && status != Status.Escalated) {
            revert ChallengesWrongStatus(id, status);
        }
        if (block.timestamp <= c.deadline) revert ChallengesNotFinalizable(id, uint256(c.deadline) + 1);
        if (status == Status.Open) {
            c.status = Status.Dismissed;
            _close($, c);
            uint256 bond = c.bond;
            emit ChallengeResolved(id, Status.Dismissed, bond, 0, 0, 0);
            $.token.safeTransfer(c.challenger, bond);
            return;
        }
        _resolve(id, c, c.firstUpheld, false);
    }

    /// @inheritdoc IEpochGate
    /// @dev Anyone may call it; `Rewards.claim` does. Advances `finalizedEpochs()` past `through`, or reverts
    /// with the first epoch that is not final and why.
    function finalizeEpochs(uint32 through) external {
        ChallengesStorage storage $ = _getChallengesStorage();
        uint32 next = $.finalizedEpochs;
        if (through < next) return;
        IRewardsWithChallenges rewards_ = $.rewards;
        uint256 genesis = rewards_.genesis();
        uint256 epochLength = rewards_.epochLength();
        uint256 window = $.params.window;
        for (uint32 epoch = next; epoch <= through; ++epoch) {
            uint256 count = $.openChallenges[epoch];
            if (count != 0) revert ChallengesEpochHasOpenChallenges(epoch, count);
            uint256 at = _claimableAt(rewards_, genesis, epochLength, window, epoch);
            if (block.timestamp < at) revert ChallengesEpochNotFinal(epoch, at);
        }
        $.finalizedEpochs = through + 1;
        emit EpochsFinalized(next, through);
    }

    /// @dev Applies a final outcome: `upheld`, and whether the escalation bond (if any) is forfeited (the
    /// Governor confirmed the verdict the escalator contested). Effects first, then the Rewards hook and
    /// the transfers.
    function _resolve(uint64 id, Challenge storage c, bool upheld, bool escalationForfeited) private {
        ChallengesStorage storage $ = _getChallengesStorage();
        Status outcome = upheld ? Status.Upheld : Status.Rejected;
        c.status = outcome;
        _close($, c);

        uint256 toChallenger;
        uint256 toAuthor;
        uint256 toTreasury;
        uint256 lost;
        uint256 escalation = c.escalationBond;
        // The escalator is the author iff the first verdict upheld the challenge.
        if (escalation != 0) {
            if (!escalationForfeited) {
                if (c.firstUpheld) toAuthor = escalation;
                else toChallenger = escalation;
            } else if (c.firstUpheld) {
                toTreasury = escalation;
            } else {
                lost = escalation;
            }
        }
        if (upheld) {
            toChallenger += c.bond;
        } else {
            lost += c.bond;
            $.rejectedGrounds[c.submissionId] |= uint256(1) << uint8(c.reason);
        }
        if (lost != 0) {
            uint256 authorPart = (lost * $.params.rejectedAuthorBps) / _BPS;
            toAuthor += authorPart;
            toTreasury += lost - authorPart;
        }

        uint256 reward;
        if (upheld) {
            (, reward) = $.rewards.removeChallengedPoints(
                c.submissionId, c.epoch, c.points, c.challenger, $.params.rewardBps
            );
        }
        emit ChallengeResolved(id, outcome, toChallenger, toAuthor, toTreasury, reward);
        IERC20 token_ = $.token;
        if (toChallenger != 0) token_.safeTransfer(c.challenger, toChallenger);
        if (toAuthor != 0) token_.safeTransfer(c.author, toAuthor);
        if (toTreasury != 0) token_.safeTransfer($.treasury, toTreasury);
    }

    function _close(ChallengesStorage storage $, Challenge storage c) private {
        delete $.openChallengeOf[c.submissionId];
        --$.openChallenges[c.epoch];
    }

    function _challengeIn(uint64 id, Status expected) private view returns (Challenge storage c) {
        c = _getChallengesStorage().challenges[id];
        Status status = c.status;
        if (status == Status.None) revert ChallengesUnknownChallenge(id);
        if (status != expected) revert ChallengesWrongStatus(id, status);
    }

    function _verdictDigest(Challenge storage c, Verdict calldata verdict) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    CHALLENGE_VERDICT_TYPEHASH,
                    verdict.challengeId,
                    c.submissionId,
                    c.epoch,
                    c.points,
                    uint8(c.reason),
                    verdict.upheld,
                    verdict.evaluator,
                    verdict.rationaleRoot,
                    verdict.deadline
                )
            )
        );
    }

    /// @dev When claims of `epoch` open if nothing more is challenged: after it ends and after its window.
    function _claimableAt(
        IRewardsWithChallenges rewards_,
        uint256 genesis,
        uint256 epochLength,
        uint256 window,
        uint32 epoch
    ) private view returns (uint256 at) {
        at = genesis + (uint256(epoch) + 1) * epochLength;
        uint256 lastScored = rewards_.lastScoredAt(epoch);
        if (lastScored != 0) {
            uint256 afterWindow = lastScored + window + 1;
            if (afterWindow > at) at = afterWindow;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------------------------------

    /// @notice Sets every parameter (bounds in docs/CONTRACTS.md). Only the admin (the Timelock).
    function setParams(Params calldata params_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(params_);
    }

    /// @notice Approves or withdraws an appeal evaluator. Only the admin.
    function setAppealEvaluator(bytes32 evaluator, bool approved) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setAppealEvaluator(evaluator, approved);
    }

    /// @notice Sets where forfeited bonds go. Only the admin.
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(treasury_);
    }

    function _setParams(Params calldata p) private {
        _checkRange(0, p.window, _MIN_PERIOD, _MAX_PERIOD);
        _checkRange(1, p.verdictTimeout, _MIN_PERIOD, _MAX_PERIOD);
        _checkRange(2, p.escalationWindow, _MIN_PERIOD, _MAX_PERIOD);
        _checkRange(3, p.escalationTimeout, _getChallengesStorage().rewards.governancePath(), _MAX_ESCALATION_TIMEOUT);
        _checkRange(4, p.bond, MIN_BOND, type(uint120).max);
        _checkRange(5, p.rewardBps, 0, _BPS);
        _checkRange(6, p.rejectedAuthorBps, 0, _MAX_REJECTED_AUTHOR_BPS);
        _getChallengesStorage().params = p;
        emit ParamsSet(p);
    }

    function _checkRange(uint256 which, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ChallengesParamOutOfRange(which, value, min, max);
    }

    function _setAppealEvaluator(bytes32 evaluator, bool approved) private {
        ChallengesStorage storage $ = _getChallengesStorage();
        if ($.appealEvaluators[evaluator] == approved) return;
        $.appealEvaluators[evaluator] = approved;
        emit AppealEvaluatorSet(evaluator, approved);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert ChallengesZeroAddress();
        ChallengesStorage storage $ = _getChallengesStorage();
        emit TreasurySet($.treasury, treasury_);
        $.treasury = treasury_;
    }

    /// @dev Upgrades are authorized only for the admin, the Timelock.
    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @notice The parameters.
    function params() external view returns (Params memory) {
        return _getChallengesStorage().params;
    }

    /// @notice Challenge `id` (status `None` if unknown).
    function challenge(uint64 id) external view returns (Challenge memory) {
        return _getChallengesStorage().challenges[id];
    }

    /// @notice Challenges opened so far (ids run from 1).
    function challengeCount() external view returns (uint64) {
        return _getChallengesStorage().challengeCount;
    }

    /// @notice The open challenge on `submissionId` (0: none).
    function openChallengeOf(uint64 submissionId) external view returns (uint64) {
        return _getChallengesStorage().openChallengeOf[submissionId];
    }

    /// @notice Bit `r` set: reason `r` was rejected for `submissionId` and cannot be raised again.
    function rejectedGrounds(uint64 submissionId) external view returns (uint256 mask) {
        return _getChallengesStorage().rejectedGrounds[submissionId];
    }

    /// @notice Challenges on items of `epoch` not yet resolved.
    function openChallenges(uint32 epoch) external view returns (uint256) {
        return _getChallengesStorage().openChallenges[epoch];
    }

    /// @notice Every epoch below this is final: its claims are open.
    function finalizedEpochs() external view returns (uint32) {
        return _getChallengesStorage().finalizedEpochs;
    }

    /// @notice When claims of `epoch` open if nothing more is challenged; 0 while a challenge on it is open.
    function claimableAt(uint32 epoch) external view returns (uint256) {
        ChallengesStorage storage $ = _getChallengesStorage();
        if ($.openChallenges[epoch] != 0) return 0;
        IRewardsWithChallenges rewards_ = $.rewards;
        return _claimableAt(rewards_, rewards_.genesis(), rewards_.epochLength(), $.params.window, epoch);
    }

    /// @notice Whether `evaluator` is an approved appeal evaluator.
    function isAppealEvaluator(bytes32 evaluator) external view returns (bool) {
        return _getChallengesStorage().appealEvaluators[evaluator];
    }

    /// @notice The EIP-712 digest the operators sign for `verdict` (facts read from the stored challenge).
    function verdictDigest(Verdict calldata verdict) external view returns (bytes32) {
        Challenge storage c = _getChallengesStorage().challenges[verdict.challengeId];
        if (c.status == Status.None) revert ChallengesUnknownChallenge(verdict.challengeId);
        return _verdictDigest(c, verdict);
    }

    /// @notice Where forfeited bonds go.
    function treasury() external view returns (address) {
        return _getChallengesStorage().treasury;
    }

    /// @notice The Rewards contract.
    function rewards() external view returns (address) {
        return address(_getChallengesStorage().rewards);
    }

    /// @notice The bond token (CKEY).
    function token() external view returns (address) {
        return address(_getChallengesStorage().token);
    }
}
