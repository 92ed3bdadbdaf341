// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/// @title MockContractSigner
/// @notice Test-only ERC-1271 operator: approves the digests its owner marks, for the data its owner sets.
contract MockContractSigner is IERC1271 {
    address private immutable _OWNER;
    mapping(bytes32 digest => bool approved) private _approved;
    bytes32 private _expectedDataHash;

    error MockContractSignerNotOwner(address caller);

    constructor(bytes memory expectedData) {
        _OWNER = msg.sender;
        _expectedDataHash = keccak256(expectedData);
    }

    /// @notice Marks `digest` as signed.
    function approve(bytes32 digest) external {
        if (msg.sender != _OWNER) revert MockContractSignerNotOwner(msg.sender);
        _approved[digest] = true;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 digest, bytes calldata data) external view returns (bytes4) {
        if (_approved[digest] && keccak256(data) == _expectedDataHash) return IERC1271.isValidSignature.selector;
        return 0xffffffff;
    }
}
