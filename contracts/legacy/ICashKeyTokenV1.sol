// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Frozen copy of the 1.0.0 release (commit 2e942e1), renamed with a V1 suffix: the reference that
// test/contracts/Upgrades.test.ts upgrades from, so the plugin proves 1.1.0 storage-compatible. Never deployed.

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title ICashKeyTokenV1
/// @notice The CKEY token: ERC-20 with Permit and Votes (timestamp clock), a hard supply cap,
/// guardian-pausable transfers, and staking in place. Staked tokens stay in the holder's balance
/// (so they keep their voting power) but cannot be transferred until they are unstaked and the
/// governance-set cooldown has passed. The Timelock may slash staked tokens to the treasury.
interface ICashKeyTokenV1 is IERC20 {
    /// @notice The stake of one account, packed in one storage slot.
    /// @param staked Active stake: counts for submission quotas and operator eligibility.
    /// @param pendingUnstake Tokens on their way out: still locked (and slashable), no longer active.
    /// @param unlockAt When `pendingUnstake` may be withdrawn (seconds since the epoch).
    struct StakeInfo {
        uint96 staked;
        uint96 pendingUnstake;
        uint64 unlockAt;
    }

    /// @notice A zero amount was given where a positive one is required.
    error CashKeyTokenZeroAmount();
    /// @notice The zero address was given where an account is required.
    error CashKeyTokenZeroAddress();
    /// @notice `account` tried to lock more than its unlocked balance.
    error CashKeyTokenInsufficientUnlockedBalance(address account, uint256 unlocked, uint256 needed);
    /// @notice `account` tried to unstake or lose more than its stake.
    error CashKeyTokenInsufficientStake(address account, uint256 staked, uint256 needed);
    /// @notice `account` has no pending unstake to withdraw.
    error CashKeyTokenNothingToWithdraw(address account);
    /// @notice `account` must wait until `unlockAt` before withdrawing.
    error CashKeyTokenCooldownActive(address account, uint256 unlockAt);
    /// @notice A transfer from `account` would move locked (staked) tokens.
    error CashKeyTokenTransferExceedsUnlocked(address account, uint256 unlocked, uint256 amount);
    /// @notice A cooldown longer than `MAX_UNSTAKE_COOLDOWN` was requested.
    error CashKeyTokenCooldownTooLong(uint256 cooldownSeconds, uint256 maximum);
    /// @notice The cap does not fit the packed stake records.
    error CashKeyTokenCapTooLarge(uint256 cap, uint256 maximum);

    /// @notice `account` locked `amount` more tokens as active stake, bringing it to `stakedBalance`.
    event Staked(address indexed account, uint256 amount, uint256 stakedBalance);
    /// @notice `account` started the cooldown for `amount`; it may withdraw at `unlockAt`.
    event UnstakeRequested(address indexed account, uint256 amount, uint256 pendingUnstake, uint256 unlockAt);
    /// @notice `account` unlocked `amount` tokens after the cooldown.
    event UnstakeWithdrawn(address indexed account, uint256 amount);
    /// @notice The Timelock moved `amount` of `operator`'s stake to `treasury`.
    event Slashed(address indexed operator, uint256 amount, address indexed treasury, string reason);
    /// @notice The unstake cooldown changed.
    event UnstakeCooldownSet(uint256 oldCooldownSeconds, uint256 newCooldownSeconds);
    /// @notice The treasury that receives slashed stake changed.
    event TreasurySet(address indexed oldTreasury, address indexed newTreasury);

    /// @notice Role allowed to mint (the Rewards contract).
    function MINTER_ROLE() external view returns (bytes32);

    /// @notice Role allowed to pause transfers (the guardian). Only the admin (Timelock) unpauses.
    function GUARDIAN_ROLE() external view returns (bytes32);

    /// @notice The longest unstake cooldown governance may set.
    function MAX_UNSTAKE_COOLDOWN() external view returns (uint256);

    /// @notice Mints `amount` to `to`. Only `MINTER_ROLE`; never beyond the cap.
    /// @param to Recipient.
    /// @param amount Amount in wei of CKEY.
    function mint(address to, uint256 amount) external;

    /// @notice Locks `amount` of the caller's unlocked balance as active stake.
    /// @param amount Amount to stake; must be positive and unlocked.
    function stake(uint256 amount) external;

    /// @notice Moves `amount` of the caller's active stake into the unstake cooldown.
    /// @dev A second request adds to the pending amount and restarts the cooldown for all of it.
    /// @param amount Amount to unstake; at most the active stake.
    function requestUnstake(uint256 amount) external;

    /// @notice Unlocks the caller's pending unstake once its cooldown has passed.
    /// @return amount The amount unlocked.
    function withdrawUnstaked() external returns (uint256 amount);

    /// @notice Moves `amount` of `operator`'s stake (active first, then pending) to the treasury.
    /// Only the admin (Timelock). Works while paused.
    /// @param operator The account slashed.
    /// @param amount The amount taken.
    /// @param reason A human-readable reason, kept in the event.
    function slash(address operator, uint256 amount, string calldata reason) external;

    /// @notice Pauses transfers, mints and burns. Only `GUARDIAN_ROLE` or the admin.
    function pause() external;

    /// @notice Unpauses. Only the admin (Timelock).
    function unpause() external;

    /// @notice Sets the unstake cooldown. Only the admin (Timelock).
    /// @param cooldownSeconds New cooldown, at most `MAX_UNSTAKE_COOLDOWN`.
    function setUnstakeCooldown(uint256 cooldownSeconds) external;

    /// @notice Sets the treasury that receives slashed stake. Only the admin (Timelock).
    /// @param treasury New treasury, not zero.
    function setTreasury(address treasury) external;

    /// @notice Active stake of `account`.
    function stakedBalanceOf(address account) external view returns (uint256);

    /// @notice The full stake record of `account`.
    function stakeInfoOf(address account) external view returns (StakeInfo memory);

    /// @notice Balance that `account` may transfer: balance minus active and pending stake.
    function unlockedBalanceOf(address account) external view returns (uint256);

    /// @notice Sum of every account's active stake.
    function totalStaked() external view returns (uint256);

    /// @notice The unstake cooldown in seconds.
    function unstakeCooldown() external view returns (uint256);

    /// @notice The treasury that receives slashed stake.
    function treasury() external view returns (address);
}
