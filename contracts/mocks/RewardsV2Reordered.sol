// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title RewardsV2Reordered
/// @notice Test-only, deliberately unsafe upgrade target: it reuses Rewards' storage namespace with the
/// first two fields swapped. The upgrades plugin must refuse it.
contract RewardsV2Reordered is Initializable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:cashkey.storage.Rewards
    struct RewardsStorage {
        uint64 epochLength;
        address token;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function _authorizeUpgrade(address) internal override {}
}
