// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FunctionsClient} from "@chainlink/contracts/src/v0.8/functions/v1_0_0/FunctionsClient.sol";
import {FunctionsRequest} from "@chainlink/contracts/src/v0.8/functions/v1_0_0/libraries/FunctionsRequest.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IFunctionsBatchVerifier} from "../interfaces/IFunctionsBatchVerifier.sol";
import {IRewards} from "../interfaces/IRewards.sol";
import {ICashKeyToken} from "../interfaces/ICashKeyToken.sol";

/// @title FunctionsBatchVerifier
/// @notice A decentralized oracle network as an independent co-signer of CashKey score batches.
/// @dev Not upgradeable, unlike the core contracts (docs/FUNCTIONS.md): `FunctionsClient` fixes its
/// router as an immutable in the constructor, the verifier holds no funds but an optional stake the
/// Timelock can slash back, and its only state is transient (pending requests, approved digests of
/// batches that land within their deadline). Replacing it is one governance proposal that swaps the
/// operator, which governance must pass anyway to make it count.
///
/// Defenses: only the router fulfils (`FunctionsClient`); a request id is fulfilled once (deleted on
/// fulfilment, unknown ids revert); a response approves only the exact digest its request named,
/// and only while the source it was requested with is still the configured one; fulfilment makes no
/// external call, so there is nothing to re-enter; `requestVerification` calls only `Rewards` (a view)
/// and the immutable router.
contract FunctionsBatchVerifier is IFunctionsBatchVerifier, FunctionsClient {
    using FunctionsRequest for FunctionsRequest.Request;

    // solhint-disable-next-line const-name-snakecase
    string public constant version = "1.1.0";

    bytes4 private constant _INVALID_SIGNATURE = 0xffffffff;

    address private immutable _TIMELOCK;
    IRewards private immutable _REWARDS;

    struct PendingRequest {
        bytes32 digest;
        bytes32 sourceHash;
    }

    VerifierConfig private _config;
    mapping(bytes32 requestId => PendingRequest pending) private _pending;
    mapping(bytes32 digest => bool approved) private _approved;
    mapping(uint64 nonce => mapping(address operator => uint256 count)) private _requests;

    /// @inheritdoc IFunctionsBatchVerifier
    uint256 public constant MAX_REQUESTS_PER_NONCE = 2;

    modifier onlyTimelock() {
        if (msg.sender != _TIMELOCK) revert FunctionsVerifierNotTimelock(msg.sender);
        _;
    }

    /// @param functionsRouter The Chainlink Functions router of this chain.
    /// @param timelockAddress The CashKey Timelock (the only configurer).
    /// @param rewardsAddress The CashKey Rewards proxy.
    constructor(address functionsRouter, address timelockAddress, address rewardsAddress)
        FunctionsClient(functionsRouter)
    {
        if (functionsRouter == address(0) || timelockAddress == address(0) || rewardsAddress == address(0)) {
            revert FunctionsVerifierZeroAddress();
        }
        _TIMELOCK = timelockAddress;
        _REWARDS = IRewards(rewardsAddress);
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function requestVerification(
        IRewards.BatchHeader calldata header,
        bytes32 itemsHash,
        string calldata source,
        string calldata proposalUrl
    ) external returns (bytes32 requestId) {
        if (!_REWARDS.isOperator(msg.sender)) revert FunctionsVerifierNotOperator(msg.sender);
        VerifierConfig memory cfg = _config;
        if (cfg.sourceHash == bytes32(0)) revert FunctionsVerifierNotConfigured();
        bytes32 sourceHash = keccak256(bytes(source));
        if (sourceHash != cfg.sourceHash) revert FunctionsVerifierWrongSource(cfg.sourceHash, sourceHash);
        uint64 expected = _REWARDS.nextBatchNonce();
        if (header.nonce != expected) revert FunctionsVerifierStaleNonce(expected, header.nonce);
        uint256 made = _requests[header.nonce][msg.sender];
        if (made >= MAX_REQUESTS_PER_NONCE) {
            revert FunctionsVerifierRequestLimit(msg.sender, header.nonce, MAX_REQUESTS_PER_NONCE);
        }
        bytes32 digest = _REWARDS.batchDigestOf(header, itemsHash);
        if (_approved[digest]) revert FunctionsVerifierAlreadyApproved(digest);
        _requests[header.nonce][msg.sender] = made + 1;

        FunctionsRequest.Request memory request;
        request.initializeRequestForInlineJavaScript(source);
        string[] memory args = new string[](5);
        args[0] = Strings.toHexString(uint256(digest), 32);
        args[1] = proposalUrl;
        args[2] = Strings.toHexString(address(_REWARDS));
        args[3] = cfg.rpcUrl;
        args[4] = Strings.toString(cfg.logsFromBlock);
        request.setArgs(args);

        requestId = _sendRequest(request.encodeCBOR(), cfg.subscriptionId, cfg.callbackGasLimit, cfg.donId);
        _pending[requestId] = PendingRequest({digest: digest, sourceHash: sourceHash});
        emit VerificationRequested(requestId, digest, msg.sender);
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function setConfig(VerifierConfig calldata newConfig) external onlyTimelock {
        if (newConfig.sourceHash == bytes32(0)) revert FunctionsVerifierInvalidConfig("sourceHash");
        if (newConfig.subscriptionId == 0) revert FunctionsVerifierInvalidConfig("subscriptionId");
        if (newConfig.callbackGasLimit == 0) revert FunctionsVerifierInvalidConfig("callbackGasLimit");
        if (newConfig.donId == bytes32(0)) revert FunctionsVerifierInvalidConfig("donId");
        if (bytes(newConfig.rpcUrl).length == 0) revert FunctionsVerifierInvalidConfig("rpcUrl");
        if (keccak256(abi.encode(newConfig)) == keccak256(abi.encode(_config))) return;
        _config = newConfig;
        emit ConfigSet(newConfig);
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function stakeBond(uint256 amount) external onlyTimelock {
        ICashKeyToken(_REWARDS.token()).stake(amount);
        emit BondStaked(amount);
    }

    /// @inheritdoc IERC1271
    /// @dev Only the canonical empty `data` is accepted, so one approval has one signature encoding.
    function isValidSignature(bytes32 digest, bytes calldata data) external view returns (bytes4) {
        if (data.length == 0 && _approved[digest]) return IERC1271.isValidSignature.selector;
        return _INVALID_SIGNATURE;
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function config() external view returns (VerifierConfig memory) {
        return _config;
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function requestsOf(address operator, uint64 nonce) external view returns (uint256) {
        return _requests[nonce][operator];
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function isApproved(bytes32 digest) external view returns (bool) {
        return _approved[digest];
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function pendingRequest(bytes32 requestId) external view returns (bytes32 digest, bytes32 sourceHash) {
        PendingRequest storage pending = _pending[requestId];
        return (pending.digest, pending.sourceHash);
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function router() external view returns (address) {
        return address(i_router);
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function timelock() external view returns (address) {
        return _TIMELOCK;
    }

    /// @inheritdoc IFunctionsBatchVerifier
    function rewards() external view returns (address) {
        return address(_REWARDS);
    }

    /// @dev Called by `FunctionsClient.handleOracleFulfillment` after its router check. Reverting on an
    /// unknown request is safe: the router records the failed callback and nothing changes here.
    /// The name is FunctionsClient's hook.
    // solhint-disable-next-line private-vars-leading-underscore
    function fulfillRequest(bytes32 requestId, bytes memory response, bytes memory err) internal override {
        PendingRequest memory pending = _pending[requestId];
        if (pending.digest == bytes32(0)) revert FunctionsVerifierUnknownRequest(requestId);
        delete _pending[requestId];

        if (err.length != 0) {
            emit VerificationRefused(requestId, pending.digest, Refusal.DonError, err);
        } else if (pending.sourceHash != _config.sourceHash) {
            emit VerificationRefused(requestId, pending.digest, Refusal.SourceChanged, response);
        } else if (response.length != 32 || bytes32(response) != pending.digest) {
            emit VerificationRefused(requestId, pending.digest, Refusal.Rejected, response);
        } else {
            _approved[pending.digest] = true;
            emit DigestApproved(requestId, pending.digest);
        }
    }
}
