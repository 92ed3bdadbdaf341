// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ICashKeyTimelock
/// @notice What CashKey adds to OpenZeppelin's TimelockController: a bounded delay, and operations that
/// only a proposer (the Governor) may cancel. An operation is protected when every one of its calls revokes
/// a role, unpauses, or slashes: a canceller that is not a proposer (the guardian) can delay the protocol
/// but never block its rescue, its own removal or a slash.
interface ICashKeyTimelock {
    /// @notice A delay outside `[MIN_DELAY, MAX_DELAY]` was requested.
    error CashKeyTimelockDelayOutOfRange(uint256 delaySeconds, uint256 minimum, uint256 maximum);
    /// @notice `caller` is not a proposer and may not cancel the protected operation `id`.
    error CashKeyTimelockProtectedOperation(bytes32 id, address caller);

    /// @notice Operation `id` was scheduled with calls that only revoke roles, unpause or slash: only a
    /// proposer may cancel it. `selector` is its first call's.
    event OperationProtected(bytes32 indexed id, bytes4 selector);

    /// @notice The shortest delay the Timelock accepts (at initialization and in `updateDelay`).
    function MIN_DELAY() external view returns (uint256);

    /// @notice The longest delay the Timelock accepts: a longer one could make every later proposal,
    /// including its own fix, unqueueable.
    function MAX_DELAY() external view returns (uint256);

    /// @notice Whether operation `id` may be cancelled only by a proposer.
    function isProtectedOperation(bytes32 id) external view returns (bool);

    /// @notice Whether a call starting with `selector` makes an operation protected.
    function isProtectedSelector(bytes4 selector) external pure returns (bool);
}
