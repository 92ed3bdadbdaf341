// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Frozen copy of the 1.0.0 release (commit 2e942e1), renamed with a V1 suffix: the reference that
// test/contracts/Upgrades.test.ts upgrades from, so the plugin proves 1.1.0 storage-compatible. Never deployed.

/// @title ScoreItemV1
/// @notice Packing of one score into one word:
/// `item = (uint256(submissionId) << 40) | (uint256(score) << 32) | uint256(points)`.
library ScoreItemV1 {
    /// @dev Bits 0..31 points, 32..39 score, 40..103 submission id; everything above must be zero.
    uint256 internal constant USED_BITS = 104;

    /// @notice Unpacks a score item; `wellFormed` is false when bits above the fields are set.
    function unpack(uint256 item)
        internal
        pure
        returns (uint64 submissionId, uint8 score, uint32 points, bool wellFormed)
    {
        submissionId = uint64(item >> 40);
        score = uint8(item >> 32);
        points = uint32(item);
        wellFormed = item >> USED_BITS == 0;
    }
}
