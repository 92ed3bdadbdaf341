// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IStakeLock
/// @notice Consulted by the token before a pending unstake is withdrawn: an operator's stake is its
/// bond, and stays slashable while it is an operator and for a governance-sized delay after.
interface IStakeLock {
    /// @notice The time before which `account` may not withdraw its pending unstake
    /// (`type(uint256).max` while it is an operator, 0 when nothing holds it).
    function stakeLockedUntil(address account) external view returns (uint256);
}
