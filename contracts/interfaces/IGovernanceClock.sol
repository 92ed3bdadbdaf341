// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IGovernanceClock
/// @notice The Governor's timing, as Rewards reads it to size how long a removed operator's bond stays
/// slashable (OpenZeppelin Governor with Settings, PreventLateQuorum and TimelockControl).
interface IGovernanceClock {
    /// @notice Seconds between a proposal and the start of its vote.
    function votingDelay() external view returns (uint256);
    /// @notice Seconds a vote lasts.
    function votingPeriod() external view returns (uint256);
    /// @notice Seconds a vote is extended when quorum is reached late.
    function lateQuorumVoteExtension() external view returns (uint48);
    /// @notice The Timelock that executes proposals.
    function timelock() external view returns (address);
}

/// @title ITimelockDelay
/// @notice The Timelock's minimum delay.
interface ITimelockDelay {
    /// @notice Seconds an operation waits between queueing and execution.
    function getMinDelay() external view returns (uint256);
}
