// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IRewards} from "./IRewards.sol";

/// @title IFunctionsBatchVerifier
/// @notice A Chainlink Functions consumer that co-signs CashKey score batches as an ERC-1271 operator.
/// An operator asks it to verify a batch digest; the decentralized oracle network (DON) runs the
/// governance-pinned source (`oracle/functions/verify-batch.js`), which re-checks everything about the
/// batch that is deterministic and answers with the digest only when every check passes. A digest so
/// answered is approved: `isValidSignature(digest, "")` then returns the ERC-1271 magic value, so
/// `Rewards.postScores` counts the verifier's contract signature `abi.encodePacked(verifier)` toward
/// the threshold. Only the Timelock configures it.
interface IFunctionsBatchVerifier is IERC1271 {
    /// @notice What the Timelock configures.
    /// @param sourceHash keccak256 of the UTF-8 bytes of the only source that may be requested.
    /// @param subscriptionId The Functions subscription that pays for requests.
    /// @param callbackGasLimit Gas the router gives the fulfilment callback.
    /// @param donId The DON that runs the source.
    /// @param rpcUrl The JSON-RPC endpoint the source reads `Submitted` events and `maxPointsPerSubmission` from.
    /// @param logsFromBlock The first block the source reads `Submitted` events from (Rewards' deploy block).
    struct VerifierConfig {
        bytes32 sourceHash;
        uint64 subscriptionId;
        uint32 callbackGasLimit;
        bytes32 donId;
        string rpcUrl;
        uint64 logsFromBlock;
    }

    /// @notice Why a fulfilment did not approve its digest.
    /// @dev `DonError`: the DON or the source failed (no response). `Rejected`: the response is not the
    /// requested digest (a reason code, or another batch's digest). `SourceChanged`: the request was made
    /// with a source the Timelock has since replaced.
    enum Refusal {
        DonError,
        Rejected,
        SourceChanged
    }

    /// @notice Only the Timelock may do this.
    error FunctionsVerifierNotTimelock(address caller);
    /// @notice Only a current Rewards operator may spend the subscription on a request.
    error FunctionsVerifierNotOperator(address caller);
    /// @notice The source sent is not the configured one.
    error FunctionsVerifierWrongSource(bytes32 expected, bytes32 actual);
    /// @notice No source is configured yet.
    error FunctionsVerifierNotConfigured();
    /// @notice The digest is approved already; there is nothing left to verify.
    error FunctionsVerifierAlreadyApproved(bytes32 digest);
    /// @notice The fulfilment is for no pending request (unknown, or fulfilled already).
    error FunctionsVerifierUnknownRequest(bytes32 requestId);
    /// @notice A configuration field that must be set is zero.
    error FunctionsVerifierInvalidConfig(string field);
    /// @notice A constructor address is zero.
    error FunctionsVerifierZeroAddress();
    /// @notice The batch is not for the next nonce Rewards expects: nothing real to verify.
    error FunctionsVerifierStaleNonce(uint64 expected, uint64 given);
    /// @notice `operator` already made `limit` requests for batch nonce `nonce`.
    error FunctionsVerifierRequestLimit(address operator, uint64 nonce, uint256 limit);

    /// @notice The Timelock changed the configuration.
    event ConfigSet(VerifierConfig config);
    /// @notice `requester` asked the DON to verify `digest`.
    event VerificationRequested(bytes32 indexed requestId, bytes32 indexed digest, address indexed requester);
    /// @notice The DON answered `digest` for the request: it now counts as the verifier's signature.
    event DigestApproved(bytes32 indexed requestId, bytes32 indexed digest);
    /// @notice The request was fulfilled without approving `digest`; `detail` is the DON's response or error.
    event VerificationRefused(bytes32 indexed requestId, bytes32 indexed digest, Refusal reason, bytes detail);
    /// @notice The verifier staked `amount` CKEY of its own balance (so its signature meets the operator minimum).
    event BondStaked(uint256 amount);

    /// @notice Asks the DON to verify the batch `header` over the items hashing to `itemsHash`.
    /// @dev Only a current Rewards operator may call (requests spend the subscription's LINK), only for
    /// the batch nonce Rewards expects next (`header.nonce == nextBatchNonce()`), and at most
    /// `MAX_REQUESTS_PER_NONCE` times per operator and nonce. The digest is recomputed on-chain
    /// (`Rewards.batchDigestOf`), so a request is always bound to a real proposal slot. The request's args
    /// are `[digest, proposalUrl, rewards, rpcUrl, logsFromBlock]`, all as strings.
    /// @param header The batch header the operators sign.
    /// @param itemsHash `keccak256(abi.encodePacked(items))` of the batch's packed items.
    /// @param source The verification source; its keccak256 must be `config().sourceHash`.
    /// @param proposalUrl Where the DON fetches the proposal and its contents (any operator's
    /// `GET /v1/peer/proposals/:digest`); the proposal authenticates itself against the digest.
    /// @return requestId The Functions request id.
    function requestVerification(
        IRewards.BatchHeader calldata header,
        bytes32 itemsHash,
        string calldata source,
        string calldata proposalUrl
    ) external returns (bytes32 requestId);

    /// @notice The most requests one operator may make for one batch nonce (one retry).
    function MAX_REQUESTS_PER_NONCE() external view returns (uint256);

    /// @notice The requests `operator` made for batch nonce `nonce`.
    function requestsOf(address operator, uint64 nonce) external view returns (uint256);

    /// @notice Replaces the configuration. Only the Timelock. Emits `ConfigSet` unless nothing changed.
    /// @dev Replacing the source hash also voids every pending request made with the old source.
    function setConfig(VerifierConfig calldata config) external;

    /// @notice Stakes `amount` of the verifier's own CKEY so its signature counts under a minimum
    /// operator stake. Only the Timelock; the Timelock recovers it with `CashKeyToken.slash`.
    function stakeBond(uint256 amount) external;

    /// @notice The current configuration.
    function config() external view returns (VerifierConfig memory);

    /// @notice Whether the DON approved `digest`.
    function isApproved(bytes32 digest) external view returns (bool);

    /// @notice The digest and source hash of a pending request (zero when none is pending).
    function pendingRequest(bytes32 requestId) external view returns (bytes32 digest, bytes32 sourceHash);

    /// @notice The Functions router, the only address that may fulfil.
    function router() external view returns (address);

    /// @notice The Timelock, the only address that may configure.
    function timelock() external view returns (address);

    /// @notice The Rewards contract whose batches are verified and whose operators may request.
    function rewards() external view returns (address);
}
