// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Frozen copy of the 1.0.0 release (commit 2e942e1), renamed with a V1 suffix: the reference that
// test/contracts/Upgrades.test.ts upgrades from, so the plugin proves 1.1.0 storage-compatible. Never deployed.

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20CappedUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20CappedUpgradeable.sol";
import {ERC20PermitUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {ERC20VotesUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20VotesUpgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";

import {ICashKeyTokenV1} from "./ICashKeyTokenV1.sol";

/// @title CashKeyToken (CKEY)
/// @notice ERC-20 + Permit + Votes on the timestamp clock, hard cap, guardian pause, staking in place.
contract CashKeyTokenV1 is
    Initializable,
    ERC20Upgradeable,
    ERC20CappedUpgradeable,
    ERC20PermitUpgradeable,
    ERC20VotesUpgradeable,
    AccessControlUpgradeable,
    PausableUpgradeable,
    UUPSUpgradeable,
    ICashKeyTokenV1
{
    using SafeCast for uint256;
    using TransientSlot for *;

    /// @notice Implementation version.
    // solhint-disable-next-line const-name-snakecase
    string public constant version = "1.0.0";

    /// @inheritdoc ICashKeyTokenV1
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @inheritdoc ICashKeyTokenV1
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @inheritdoc ICashKeyTokenV1
    uint256 public constant MAX_UNSTAKE_COOLDOWN = 90 days;

    /// @custom:storage-location erc7201:cashkey.storage.CashKeyToken
    struct CashKeyTokenStorage {
        mapping(address account => StakeInfo) stakes;
        uint256 totalStaked;
        uint256 unstakeCooldown;
        address treasury;
    }

    // keccak256(abi.encode(uint256(keccak256("cashkey.storage.CashKeyToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _TOKEN_STORAGE_LOCATION =
        0xbae0a112b1c31f0ef916e1873a5e53bcadced0e4b4a65a9b07f873d1cb2e1800;

    // uint256(keccak256("cashkey.transient.CashKeyToken.slashing")) - 1: set only for the duration of a
    // slash, so its transfer bypasses the pause and the stake lock it is enforcing.
    bytes32 private constant _SLASHING_SLOT = 0xca8bc354cb27a548e0334a6ff1418747932cab24f17d67e45e2ee02e0f854a22;

    function _getTokenStorage() private pure returns (CashKeyTokenStorage storage $) {
        assembly {
            $.slot := _TOKEN_STORAGE_LOCATION
        }
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes the proxy.
    /// @param admin Holder of DEFAULT_ADMIN_ROLE (the Timelock, or the deployer until it hands over).
    /// @param guardian Holder of GUARDIAN_ROLE (may be zero).
    /// @param treasury_ Receiver of slashed stake.
    /// @param cap_ Hard supply cap, at most type(uint96).max.
    /// @param initialHolder Receiver of `initialSupply`.
    /// @param initialSupply Genesis supply.
    /// @param unstakeCooldownSeconds Initial cooldown.
    function initialize(
        address admin,
        address guardian,
        address treasury_,
        uint256 cap_,
        address initialHolder,
        uint256 initialSupply,
        uint256 unstakeCooldownSeconds
    ) external initializer {
        if (admin == address(0) || treasury_ == address(0)) revert CashKeyTokenZeroAddress();
        if (cap_ > type(uint96).max) revert CashKeyTokenCapTooLarge(cap_, type(uint96).max);
        __ERC20_init("CashKey", "CKEY");
        __ERC20Capped_init(cap_);
        __ERC20Permit_init("CashKey");
        __ERC20Votes_init();
        __AccessControl_init();
        __Pausable_init();

        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        _setTreasury(treasury_);
        _setUnstakeCooldown(unstakeCooldownSeconds);
        if (initialSupply != 0) _mint(initialHolder, initialSupply);
    }

    /// @inheritdoc ICashKeyTokenV1
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    // ---------------------------------------------------------------------------------------------
    // Staking
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ICashKeyTokenV1
    function stake(uint256 amount) external {
        if (amount == 0) revert CashKeyTokenZeroAmount();
        CashKeyTokenStorage storage $ = _getTokenStorage();
        StakeInfo storage info = $.stakes[msg.sender];
        uint256 unlocked = _unlockedBalance(msg.sender, info);
        if (amount > unlocked) revert CashKeyTokenInsufficientUnlockedBalance(msg.sender, unlocked, amount);

        // Cannot overflow uint96: staked + pending <= balance <= cap <= type(uint96).max.
        uint96 staked = info.staked + uint96(amount);
        info.staked = staked;
        $.totalStaked += amount;
        emit Staked(msg.sender, amount, staked);
    }

    /// @inheritdoc ICashKeyTokenV1
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert CashKeyTokenZeroAmount();
        CashKeyTokenStorage storage $ = _getTokenStorage();
        StakeInfo storage info = $.stakes[msg.sender];
        if (amount > info.staked) revert CashKeyTokenInsufficientStake(msg.sender, info.staked, amount);

        // amount <= staked, and staked + pending <= cap <= type(uint96).max.
        info.staked -= uint96(amount);
        uint96 pending = info.pendingUnstake + uint96(amount);
        info.pendingUnstake = pending;
        uint64 unlockAt = (block.timestamp + $.unstakeCooldown).toUint64();
        info.unlockAt = unlockAt;
        $.totalStaked -= amount;
        emit UnstakeRequested(msg.sender, amount, pending, unlockAt);
    }

    /// @inheritdoc ICashKeyTokenV1
    function withdrawUnstaked() external returns (uint256 amount) {
        StakeInfo storage info = _getTokenStorage().stakes[msg.sender];
        amount = info.pendingUnstake;
        if (amount == 0) revert CashKeyTokenNothingToWithdraw(msg.sender);
        if (block.timestamp < info.unlockAt) revert CashKeyTokenCooldownActive(msg.sender, info.unlockAt);
        info.pendingUnstake = 0;
        info.unlockAt = 0;
        emit UnstakeWithdrawn(msg.sender, amount);
    }

    /// @inheritdoc ICashKeyTokenV1
    function slash(address operator, uint256 amount, string calldata reason) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (amount == 0) revert CashKeyTokenZeroAmount();
        CashKeyTokenStorage storage $ = _getTokenStorage();
        StakeInfo storage info = $.stakes[operator];
        uint256 available = uint256(info.staked) + info.pendingUnstake;
        if (amount > available) revert CashKeyTokenInsufficientStake(operator, available, amount);

        // Active stake first, then the pending unstake: a cooldown is exactly the window in which
        // misbehaviour can still be punished.
        uint256 fromActive = amount <= info.staked ? amount : info.staked;
        info.staked -= uint96(fromActive);
        info.pendingUnstake -= uint96(amount - fromActive);
        if (info.pendingUnstake == 0) info.unlockAt = 0;
        $.totalStaked -= fromActive;

        address to = $.treasury;
        emit Slashed(operator, amount, to, reason);
        _SLASHING_SLOT.asBoolean().tstore(true);
        _transfer(operator, to, amount);
        _SLASHING_SLOT.asBoolean().tstore(false);
    }

    // ---------------------------------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ICashKeyTokenV1
    function pause() external {
        if (!hasRole(GUARDIAN_ROLE, msg.sender) && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert AccessControlUnauthorizedAccount(msg.sender, GUARDIAN_ROLE);
        }
        _pause();
    }

    /// @inheritdoc ICashKeyTokenV1
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @inheritdoc ICashKeyTokenV1
    function setUnstakeCooldown(uint256 cooldownSeconds) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setUnstakeCooldown(cooldownSeconds);
    }

    /// @inheritdoc ICashKeyTokenV1
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert CashKeyTokenZeroAddress();
        _setTreasury(treasury_);
    }

    function _setUnstakeCooldown(uint256 cooldownSeconds) private {
        if (cooldownSeconds > MAX_UNSTAKE_COOLDOWN) {
            revert CashKeyTokenCooldownTooLong(cooldownSeconds, MAX_UNSTAKE_COOLDOWN);
        }
        CashKeyTokenStorage storage $ = _getTokenStorage();
        uint256 old = $.unstakeCooldown;
        if (old == cooldownSeconds) return;
        $.unstakeCooldown = cooldownSeconds;
        emit UnstakeCooldownSet(old, cooldownSeconds);
    }

    function _setTreasury(address treasury_) private {
        CashKeyTokenStorage storage $ = _getTokenStorage();
        address old = $.treasury;
        if (old == treasury_) return;
        $.treasury = treasury_;
        emit TreasurySet(old, treasury_);
    }

    /// @dev Upgrades are authorized only for the admin, the Timelock.
    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ICashKeyTokenV1
    function stakedBalanceOf(address account) external view returns (uint256) {
        return _getTokenStorage().stakes[account].staked;
    }

    /// @inheritdoc ICashKeyTokenV1
    function stakeInfoOf(address account) external view returns (StakeInfo memory) {
        return _getTokenStorage().stakes[account];
    }

    /// @inheritdoc ICashKeyTokenV1
    function unlockedBalanceOf(address account) external view returns (uint256) {
        return _unlockedBalance(account, _getTokenStorage().stakes[account]);
    }

    /// @inheritdoc ICashKeyTokenV1
    function totalStaked() external view returns (uint256) {
        return _getTokenStorage().totalStaked;
    }

    /// @inheritdoc ICashKeyTokenV1
    function unstakeCooldown() external view returns (uint256) {
        return _getTokenStorage().unstakeCooldown;
    }

    /// @inheritdoc ICashKeyTokenV1
    function treasury() external view returns (address) {
        return _getTokenStorage().treasury;
    }

    /// @notice The clock is the block timestamp (ERC-6372).
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372 clock mode: timestamps.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _unlockedBalance(address account, StakeInfo storage info) private view returns (uint256) {
        // Staked and pending are carved out of the balance, so the sum never exceeds it (slashing
        // reduces both the record and the balance by the same amount).
        return balanceOf(account) - info.staked - info.pendingUnstake;
    }

    // ---------------------------------------------------------------------------------------------
    // Overrides
    // ---------------------------------------------------------------------------------------------

    /// @dev Every balance change passes here: refuse it while paused and refuse moving locked stake,
    /// except for the slash in progress.
    function _update(address from, address to, uint256 value)
        internal
        override(ERC20Upgradeable, ERC20CappedUpgradeable, ERC20VotesUpgradeable)
    {
        if (!_SLASHING_SLOT.asBoolean().tload()) {
            _requireNotPaused();
            if (from != address(0)) {
                StakeInfo storage info = _getTokenStorage().stakes[from];
                // Without stake, leave the error for an insufficient balance to ERC20 itself.
                if (info.staked != 0 || info.pendingUnstake != 0) {
                    uint256 unlocked = _unlockedBalance(from, info);
                    if (value > unlocked) revert CashKeyTokenTransferExceedsUnlocked(from, unlocked, value);
                }
            }
        }
        super._update(from, to, value);
    }

    /// @inheritdoc NoncesUpgradeable
    function nonces(address owner) public view override(ERC20PermitUpgradeable, NoncesUpgradeable) returns (uint256) {
        return super.nonces(owner);
    }
}
