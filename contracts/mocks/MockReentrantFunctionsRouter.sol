// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFunctionsClient} from "@chainlink/contracts/src/v0.8/functions/v1_0_0/interfaces/IFunctionsClient.sol";

/// @title MockReentrantFunctionsRouter
/// @notice Test-only Functions router that fulfils a request inside `sendRequest`, before the consumer
/// has recorded it: the re-entrant path a faulty or malicious router could take. With `swallow` set it
/// ignores a failed callback, as the real router does; otherwise it bubbles the revert up.
contract MockReentrantFunctionsRouter {
    bytes private _response;
    bool private _swallow;

    /// @notice Sets what the re-entrant fulfilment answers and whether a failed callback is ignored.
    function configure(bytes calldata response, bool swallow) external {
        _response = response;
        _swallow = swallow;
    }

    /// @notice `IFunctionsRouter.sendRequest`'s signature; fulfils at once, re-entering the consumer.
    function sendRequest(uint64, bytes calldata data, uint16, uint32, bytes32) external returns (bytes32 requestId) {
        requestId = keccak256(data);
        try IFunctionsClient(msg.sender).handleOracleFulfillment(requestId, _response, "") {}
        catch (bytes memory reason) {
            if (!_swallow) {
                assembly ("memory-safe") {
                    revert(add(reason, 0x20), mload(reason))
                }
            }
        }
    }
}
