// solidity-coverage: test-only mocks, the frozen 1.0.0 reference and vendored imports are not measured.
module.exports = {
  skipFiles: ["mocks/", "legacy/", "vendor/"],
};
