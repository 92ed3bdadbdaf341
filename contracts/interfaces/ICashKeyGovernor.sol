// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ICashKeyGovernor
/// @notice Initialization of the CashKey Governor. Everything else is OpenZeppelin's `IGovernor`
/// with Settings, CountingSimple, Storage, Votes, QuorumFraction, TimelockControl and PreventLateQuorum.
interface ICashKeyGovernor {
    /// @notice Everything `initialize` sets. Durations are seconds (the token's clock is timestamps).
    /// @param token The votes token (CKEY).
    /// @param timelock The Timelock that executes proposals.
    /// @param votingDelay Seconds between proposal and the start of voting (the vote snapshot).
    /// @param votingPeriod Seconds voting lasts.
    /// @param proposalThreshold Votes needed to propose.
    /// @param quorumNumerator Quorum as a percentage of the supply at the snapshot.
    /// @param voteExtension Seconds voting is extended when quorum is reached late.
    struct GovernorParams {
        address token;
        address timelock;
        uint48 votingDelay;
        uint32 votingPeriod;
        uint256 proposalThreshold;
        uint256 quorumNumerator;
        uint48 voteExtension;
    }

    /// @notice Initializes the proxy.
    function initialize(GovernorParams calldata params) external;
}
