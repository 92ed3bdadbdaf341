// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Rewards} from "../rewards/Rewards.sol";

/// @title RewardsV2
/// @notice Test-only upgrade target: Rewards plus a field in a namespace of its own and a reinitializer.
contract RewardsV2 is Rewards {
    /// @custom:storage-location erc7201:cashkey.storage.RewardsV2
    struct RewardsV2Storage {
        string motto;
    }

    // keccak256(abi.encode(uint256(keccak256("cashkey.storage.RewardsV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _V2_STORAGE_LOCATION = 0x6bcffe4de967323df905af4bfd0bf2322c06c6e783ccc598880517334e17ec00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() Rewards(address(0)) {}

    /// @notice Third-version initializer (Rewards 1.1.0 is version 2), run once by the upgrade.
    /// @dev The parents (EIP712 among them) were initialized by V1's `initialize` on this proxy; a
    /// reinitializer must not run them again, so the plugin's missing-call check does not apply.
    /// @custom:oz-upgrades-validate-as-initializer
    /// @custom:oz-upgrades-unsafe-allow missing-initializer-call
    function initializeV3(string calldata motto_) external reinitializer(3) {
        _getV2Storage().motto = motto_;
    }

    /// @notice The field V2 adds.
    function motto() external view returns (string memory) {
        return _getV2Storage().motto;
    }

    function _getV2Storage() private pure returns (RewardsV2Storage storage $) {
        assembly {
            $.slot := _V2_STORAGE_LOCATION
        }
    }
}
