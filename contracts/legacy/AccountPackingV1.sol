// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Frozen copy of the 1.0.0 release (commit 2e942e1), renamed with a V1 suffix: the reference that
// test/contracts/Upgrades.test.ts upgrades from, so the plugin proves 1.1.0 storage-compatible. Never deployed.

import {IRewardsV1} from "./IRewardsV1.sol";

/// @title AccountPackingV1
/// @notice An author's account in one word, so crediting a score reads and writes a single slot:
/// bits 0..63 lifetime points, 64..95 last credited epoch, 96..159 that epoch's unsettled points,
/// 160..255 settled tokens.
library AccountPackingV1 {
    uint256 private constant MASK_64 = type(uint64).max;
    uint256 private constant MASK_32 = type(uint32).max;

    /// @notice Unpacks an account word.
    function unpack(uint256 word) internal pure returns (IRewardsV1.Account memory account) {
        account = IRewardsV1.Account({
            lifetimePoints: uint64(word & MASK_64),
            lastEpoch: uint32((word >> 64) & MASK_32),
            lastEpochPoints: uint64((word >> 96) & MASK_64),
            settledTokens: uint96(word >> 160)
        });
    }
}
