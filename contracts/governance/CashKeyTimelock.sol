// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";

/// @title CashKeyTimelock
/// @notice OpenZeppelin's TimelockController behind a UUPS proxy: the Governor proposes, anyone executes,
/// the guardian (and the Governor) may cancel. The Timelock is its own admin, so a change of its roles,
/// delay or implementation is itself a timelocked operation.
contract CashKeyTimelock is TimelockControllerUpgradeable, UUPSUpgradeable {
    /// @notice Implementation version.
    // solhint-disable-next-line const-name-snakecase
    string public constant version = "1.0.0";

    /// @notice An upgrade was attempted by someone other than the Timelock itself.
    error CashKeyTimelockUnauthorizedUpgrade(address caller);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @dev Only a timelocked operation whose target is the Timelock itself may upgrade it.
    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != address(this)) revert CashKeyTimelockUnauthorizedUpgrade(msg.sender);
    }
}
