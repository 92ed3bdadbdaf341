// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockReentrantToken
/// @notice Test-only bond token that, on its next transfer, calls `target` with `data` (re-entering the
/// contract that moves tokens) and records the revert data it got back.
contract MockReentrantToken is ERC20 {
    address private _target;
    bytes private _data;
    /// @notice The revert data of the last re-entrant call (empty if it succeeded or none was made).
    bytes public lastRevert;
    /// @notice Whether a re-entrant call was made.
    bool public reentered;

    constructor() ERC20("Reentrant", "RE") {
        _mint(msg.sender, 1e30);
    }

    /// @notice Arms one re-entrant call into `target` with `data` on the next transfer.
    function arm(address target, bytes calldata data) external {
        _target = target;
        _data = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = _target;
        if (target == address(0)) return;
        _target = address(0);
        reentered = true;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = target.call(_data);
        if (!ok) lastRevert = result;
    }
}
