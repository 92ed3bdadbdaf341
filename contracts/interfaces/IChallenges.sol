// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IEpochGate} from "./IRewardsChallenges.sol";

/// @title IChallenges
/// @notice Bonded challenges of scores (docs/CONTRACTS.md, "Challenges: contestable scores"): anyone may
/// contest a scored item within its window; the operator quorum gives a first-round verdict; the side it
/// went against may escalate to a Governor proposal; claims of an epoch wait until it is final.
interface IChallenges is IEpochGate {
    /// @notice Why an item is challenged (the text lives off-chain, committed by hash).
    enum Reason {
        Duplicate,
        Injection,
        Decoration,
        Spam,
        OffTopic,
        Other
    }

    /// @notice Where a challenge stands. `Upheld`, `Rejected` and `Dismissed` are final.
    enum Status {
        None,
        Open,
        Verdict,
        Escalated,
        Upheld,
        Rejected,
        Dismissed
    }

    /// @notice Governance-set parameters (bounds in docs/CONTRACTS.md).
    /// @param window Seconds after an epoch's last batch during which its items can be challenged.
    /// @param verdictTimeout Seconds the quorum has for a first-round verdict.
    /// @param escalationWindow Seconds after the verdict during which the losing side may escalate.
    /// @param escalationTimeout Seconds the Governor has to decide an escalation.
    /// @param bond A challenger's bond in CKEY wei (an escalation bonds twice the challenge's bond).
    /// @param rewardBps The challenger's part of the removed points, in basis points.
    /// @param rejectedAuthorBps The author's part of a forfeited challenger bond (the rest: the treasury).
    struct Params {
        uint64 window;
        uint64 verdictTimeout;
        uint64 escalationWindow;
        uint64 escalationTimeout;
        uint128 bond;
        uint16 rewardBps;
        uint16 rejectedAuthorBps;
    }

    /// @notice A challenge (three slots). `deadline` is the end of the current phase: the verdict's while
    /// `Open`, the escalation's while `Verdict`, the Governor's while `Escalated`. An escalation is always
    /// by the side the first verdict went against: the author if `firstUpheld`, else the challenger.
    struct Challenge {
        address challenger;
        uint64 submissionId;
        uint32 epoch;
        address author;
        uint32 points;
        uint40 deadline;
        Status status;
        Reason reason;
        bool firstUpheld;
        uint128 bond;
        uint128 escalationBond;
    }

    /// @notice What a relayer passes with the quorum's signatures; the signed `ChallengeVerdict` adds the
    /// challenge's stored facts (submission, epoch, points, reason).
    struct Verdict {
        uint64 challengeId;
        bool upheld;
        bytes32 evaluator;
        bytes32 rationaleRoot;
        uint64 deadline;
    }

    /// @notice Everything `initialize` sets.
    struct InitParams {
        address rewards;
        address admin;
        address treasury;
        Params params;
        bytes32[] appealEvaluators;
    }

    event ChallengeOpened(
        uint64 indexed id,
        uint64 indexed submissionId,
        address indexed challenger,
        address author,
        uint32 epoch,
        uint32 points,
        Reason reason,
        uint64 duplicateOf,
        bytes32 reasonHash,
        uint256 bond
    );
    event ChallengeAnswered(uint64 indexed id, address indexed author, bytes32 answerHash);
    event VerdictPosted(uint64 indexed id, bool upheld, bytes32 evaluator, bytes32 rationaleRoot);
    event ChallengeEscalated(uint64 indexed id, address indexed by, uint256 bond);
    event ChallengeDecided(uint64 indexed id, bool upheld);
    event ChallengeResolved(
        uint64 indexed id, Status status, uint256 toChallenger, uint256 toAuthor, uint256 toTreasury, uint256 reward
    );
    event EpochsFinalized(uint32 from, uint32 through);
    event ParamsSet(Params params);
    event AppealEvaluatorSet(bytes32 indexed evaluator, bool approved);
    event TreasurySet(address indexed oldTreasury, address indexed newTreasury);

    error ChallengesZeroAddress();
    /// @notice Parameter `which` (0 window, 1 verdictTimeout, 2 escalationWindow, 3 escalationTimeout, 4 bond,
    /// 5 rewardBps, 6 rejectedAuthorBps) is outside `[min, max]`.
    error ChallengesParamOutOfRange(uint256 which, uint256 value, uint256 min, uint256 max);
    error ChallengesNotScored(uint64 submissionId);
    error ChallengesEpochOutOfRange(uint64 submissionId, uint32 epoch, uint32 first, uint32 last);
    error ChallengesWindowClosed(uint32 epoch, uint256 closedAt);
    error ChallengesEpochFinal(uint32 epoch);
    error ChallengesInvalidPoints(uint32 points, uint32 maximum);
    error ChallengesOwnItem(address author);
    error ChallengesItemHasOpenChallenge(uint64 submissionId, uint64 challengeId);
    error ChallengesGroundsRejected(uint64 submissionId, Reason reason);
    error ChallengesInvalidDuplicateOf(uint64 submissionId, uint64 duplicateOf);
    error ChallengesUnknownChallenge(uint64 id);
    error ChallengesWrongStatus(uint64 id, Status status);
    error ChallengesNotAuthor(uint64 id, address caller);
    error ChallengesVerdictExpired(uint64 deadline, uint256 timestamp);
    error ChallengesVerdictTooLate(uint64 id, uint256 verdictDeadline);
    error ChallengesUnapprovedEvaluator(bytes32 evaluator);
    error ChallengesNotEscalator(uint64 id, address caller);
    error ChallengesEscalationClosed(uint64 id, uint256 closedAt);
    error ChallengesDecisionTooLate(uint64 id, uint256 deadline);
    error ChallengesNotFinalizable(uint64 id, uint256 at);
    error ChallengesEpochNotFinal(uint32 epoch, uint256 claimableAt);
    error ChallengesEpochHasOpenChallenges(uint32 epoch, uint256 count);

    function open(
        uint64 submissionId,
        uint32 epoch,
        uint32 points,
        Reason reason,
        uint64 duplicateOf,
        bytes32 reasonHash
    ) external returns (uint64 id);

    function answer(uint64 id, bytes32 answerHash) external;

    function postVerdict(Verdict calldata verdict, bytes[] calldata signatures) external;

    function escalate(uint64 id) external;

    function decide(uint64 id, bool upheld) external;

    function finalize(uint64 id) external;

    function setParams(Params calldata params_) external;

    function setAppealEvaluator(bytes32 evaluator, bool approved) external;

    function setTreasury(address treasury_) external;

    function params() external view returns (Params memory);

    function challenge(uint64 id) external view returns (Challenge memory);

    function challengeCount() external view returns (uint64);

    function openChallengeOf(uint64 submissionId) external view returns (uint64);

    function rejectedGrounds(uint64 submissionId) external view returns (uint256 mask);

    function openChallenges(uint32 epoch) external view returns (uint256);

    function finalizedEpochs() external view returns (uint32);

    function claimableAt(uint32 epoch) external view returns (uint256);

    function isAppealEvaluator(bytes32 evaluator) external view returns (bool);

    function verdictDigest(Verdict calldata verdict) external view returns (bytes32);

    function treasury() external view returns (address);

    function rewards() external view returns (address);

    function token() external view returns (address);
}
