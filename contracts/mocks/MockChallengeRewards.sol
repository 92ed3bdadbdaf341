// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRewards} from "../interfaces/IRewards.sol";

/// @title MockChallengeRewards
/// @notice Test-only stand-in for Rewards as Challenges reads it: one scored item by `author` in epoch 0,
/// a quorum check that accepts anything, and a removal hook that does nothing.
contract MockChallengeRewards {
    address private immutable _TOKEN;
    address private immutable _AUTHOR;
    uint256 private immutable _GENESIS;

    constructor(address token_, address author_) {
        _TOKEN = token_;
        _AUTHOR = author_;
        _GENESIS = block.timestamp;
    }

    function token() external view returns (address) {
        return _TOKEN;
    }

    function genesis() external view returns (uint256) {
        return _GENESIS;
    }

    function currentEpoch() external pure returns (uint32) {
        return 0;
    }

    function epochLength() external pure returns (uint256) {
        return 7 days;
    }

    function isScored(uint64) external pure returns (bool) {
        return true;
    }

    function submission(uint64) external view returns (IRewards.Submission memory) {
        return IRewards.Submission({author: _AUTHOR, submittedAt: uint40(_GENESIS), epoch: 0, category: 0});
    }

    function lastScoredAt(uint32) external view returns (uint256) {
        return _GENESIS;
    }

    function maxPointsPerSubmission() external pure returns (uint32) {
        return 1000;
    }

    function governancePath() external pure returns (uint256) {
        return 0;
    }

    function verifyQuorum(bytes32, bytes[] calldata) external pure {}

    function removeChallengedPoints(uint64, uint32, uint256, address, uint256) external pure returns (uint256, uint256) {
        return (0, 0);
    }
}
