// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IEpochGate
/// @notice What Rewards asks before a claim: that every epoch up to `through` is final (past its challenge
/// window, no challenge on it open). Reverts otherwise. Implemented by `Challenges`.
interface IEpochGate {
    /// @notice Marks every epoch up to `through` final, or reverts with why one is not.
    function finalizeEpochs(uint32 through) external;
}

/// @title IRewardsChallenges
/// @notice What Rewards 1.3.0 adds for contestable scores (docs/CONTRACTS.md, "Challenges").
interface IRewardsChallenges {
    /// @notice Governance set the Challenges contract (zero: claims are not gated).
    event ChallengesSet(address indexed oldChallenges, address indexed newChallenges);
    /// @notice An upheld challenge removed `points` of `submissionId` from `author` and from `epoch`'s total,
    /// and `reward` tokens of that epoch's budget were minted to the challenger.
    event PointsRemoved(
        uint64 indexed submissionId, address indexed author, uint32 epoch, uint256 points, uint256 reward
    );

    /// @notice Only the Challenges contract may call this.
    error RewardsNotChallenges(address caller);

    /// @notice The Challenges contract whose gate claims pass and which may remove points.
    function challenges() external view returns (address);

    /// @notice Sets the Challenges contract. Only the admin (the Timelock).
    function setChallenges(address challenges_) external;

    /// @notice When the last batch that credited points in `epoch` landed (0: none since 1.3.0).
    function lastScoredAt(uint32 epoch) external view returns (uint256);

    /// @notice Reverts unless `signatures` are a valid quorum over `digest`, by exactly the rules of score
    /// batches (threshold, ascending unique current operators with the minimum stake, ECDSA or ERC-1271).
    function verifyQuorum(bytes32 digest, bytes[] calldata signatures) external view;

    /// @notice Removes an upheld item's points from its author and its epoch, and mints `rewardBps` of their
    /// share of the epoch budget to `challenger` out of that budget. Only `challenges()`.
    /// @return removed Points removed (clamped to what the author and the epoch hold).
    /// @return reward Tokens minted to the challenger.
    function removeChallengedPoints(
        uint64 submissionId,
        uint32 epoch,
        uint256 points,
        address challenger,
        uint256 rewardBps
    ) external returns (uint256 removed, uint256 reward);
}
