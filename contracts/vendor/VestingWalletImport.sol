// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Compiles OpenZeppelin's VestingWallet so `scripts/deploy.ts` can place the genesis supply in one.
// solhint-disable-next-line no-unused-import
import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";
