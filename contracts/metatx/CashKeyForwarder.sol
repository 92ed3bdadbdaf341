// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";

/// @title CashKeyForwarder
/// @notice OpenZeppelin's ERC-2771 forwarder under CashKey's EIP-712 domain name ("CashKey Forwarder",
/// version "1"). It verifies a user's signed request (signer, per-signer nonce, deadline, gas) and calls
/// the target with the signer appended; `Rewards` trusts it, so a relayer pays the gas of a user's
/// `submit` or `claim` while the contract credits the signer. Not upgradeable and holds no roles.
contract CashKeyForwarder is ERC2771Forwarder {
    constructor() ERC2771Forwarder("CashKey Forwarder") {}
}
