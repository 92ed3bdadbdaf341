// solidity-coverage: test-only mocks are not part of the measured contracts.
module.exports = {
  skipFiles: ["mocks/"],
};
