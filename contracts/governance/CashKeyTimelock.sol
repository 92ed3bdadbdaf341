// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {ICashKeyTimelock} from "../interfaces/ICashKeyTimelock.sol";
import {ICashKeyToken} from "../interfaces/ICashKeyToken.sol";

/// @title CashKeyTimelock
/// @notice OpenZeppelin's TimelockController behind a UUPS proxy: the Governor proposes, anyone executes,
/// the guardian (and the Governor) may cancel. The Timelock is its own admin, so a change of its roles,
/// delay or implementation is itself a timelocked operation. The delay stays within
/// `[MIN_DELAY, MAX_DELAY]`, and operations that revoke a role, unpause or slash can be cancelled only
/// by a proposer, so a compromised guardian can delay but never block.
contract CashKeyTimelock is TimelockControllerUpgradeable, UUPSUpgradeable, ICashKeyTimelock {
    /// @notice Implementation version.
    // solhint-disable-next-line const-name-snakecase
    string public constant version = "1.1.0";

    /// @inheritdoc ICashKeyTimelock
    uint256 public constant MIN_DELAY = 1 minutes;

    /// @inheritdoc ICashKeyTimelock
    uint256 public constant MAX_DELAY = 30 days;

    /// @notice An upgrade was attempted by someone other than the Timelock itself.
    error CashKeyTimelockUnauthorizedUpgrade(address caller);

    /// @custom:storage-location erc7201:cashkey.storage.CashKeyTimelock
    struct CashKeyTimelockStorage {
        mapping(bytes32 id => bool) protectedOperations;
    }

    // keccak256(abi.encode(uint256(keccak256("cashkey.storage.CashKeyTimelock")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _TIMELOCK_STORAGE_LOCATION =
        0x87ce2139344956f2db0d92ac33caeb2f0c1ab2d556b1d778e4c44137e2301f00;

    function _getCashKeyTimelockStorage() private pure returns (CashKeyTimelockStorage storage $) {
        assembly {
            $.slot := _TIMELOCK_STORAGE_LOCATION
        }
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes the proxy; `minDelay` must lie within `[MIN_DELAY, MAX_DELAY]`.
    /// @dev Not itself `initializer`: the parent's `initialize` is, and runs once. The bound is checked
    /// after the parent so a second call still fails with `InvalidInitialization`.
    function initialize(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        public
        override
    {
        super.initialize(minDelay, proposers, executors, admin);
        _checkDelay(minDelay);
    }

    /// @notice Changes the delay; only the Timelock itself, within `[MIN_DELAY, MAX_DELAY]`.
    function updateDelay(uint256 newDelay) public override {
        super.updateDelay(newDelay);
        _checkDelay(newDelay);
    }

    /// @notice Schedules one call; a protected call makes the operation cancellable only by a proposer.
    function schedule(
        address target,
        uint256 value,
        bytes calldata data,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        super.schedule(target, value, data, predecessor, salt, delay);
        if (_isProtectedCall(data)) _protect(hashOperation(target, value, data, predecessor, salt), bytes4(data[:4]));
    }

    /// @notice Schedules a batch; one protected call makes the whole operation cancellable only by a proposer.
    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        super.scheduleBatch(targets, values, payloads, predecessor, salt, delay);
        // Only an operation made of protected calls alone: a hostile proposal cannot shield an
        // arbitrary call from the guardian by adding an `unpause()` to it.
        if (payloads.length == 0) return;
        for (uint256 i = 0; i < payloads.length; ++i) {
            if (!_isProtectedCall(payloads[i])) return;
        }
        _protect(hashOperationBatch(targets, values, payloads, predecessor, salt), bytes4(payloads[0][:4]));
    }

    /// @notice Cancels an operation. A protected one only by a canceller that is also a proposer.
    function cancel(bytes32 id) public override {
        if (_getCashKeyTimelockStorage().protectedOperations[id] && !hasRole(PROPOSER_ROLE, _msgSender())) {
            revert CashKeyTimelockProtectedOperation(id, _msgSender());
        }
        super.cancel(id);
    }

    /// @inheritdoc ICashKeyTimelock
    function isProtectedOperation(bytes32 id) external view returns (bool) {
        return _getCashKeyTimelockStorage().protectedOperations[id];
    }

    /// @inheritdoc ICashKeyTimelock
    function isProtectedSelector(bytes4 selector) public pure returns (bool) {
        return selector == IAccessControl.revokeRole.selector || selector == ICashKeyToken.unpause.selector
            || selector == ICashKeyToken.slash.selector;
    }

    function _isProtectedCall(bytes calldata data) private pure returns (bool) {
        return data.length >= 4 && isProtectedSelector(bytes4(data[:4]));
    }

    function _protect(bytes32 id, bytes4 selector) private {
        _getCashKeyTimelockStorage().protectedOperations[id] = true;
        emit OperationProtected(id, selector);
    }

    function _checkDelay(uint256 delaySeconds) private pure {
        if (delaySeconds < MIN_DELAY || delaySeconds > MAX_DELAY) {
            revert CashKeyTimelockDelayOutOfRange(delaySeconds, MIN_DELAY, MAX_DELAY);
        }
    }

    /// @dev Only a timelocked operation whose target is the Timelock itself may upgrade it.
    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != address(this)) revert CashKeyTimelockUnauthorizedUpgrade(msg.sender);
    }
}
