// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRewards} from "../interfaces/IRewards.sol";

/// @title AccountPacking
/// @notice An author's account in one word, so crediting a score reads and writes a single slot:
/// bits 0..63 lifetime points, 64..95 last credited epoch, 96..159 that epoch's unsettled points,
/// 160..255 settled tokens.
library AccountPacking {
    uint256 private constant MASK_64 = type(uint64).max;
    uint256 private constant MASK_32 = type(uint32).max;

    /// @notice Unpacks an account word.
    function unpack(uint256 word) internal pure returns (IRewards.Account memory account) {
        account = IRewards.Account({
            lifetimePoints: uint64(word & MASK_64),
            lastEpoch: uint32((word >> 64) & MASK_32),
            lastEpochPoints: uint64((word >> 96) & MASK_64),
            settledTokens: uint96(word >> 160)
        });
    }
}
