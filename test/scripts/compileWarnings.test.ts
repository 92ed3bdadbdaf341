import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { type SolcDiagnostic, TRANSIENT_SLOT_SOURCE, TRANSIENT_STORAGE_WARNING, withoutAcceptedWarnings } from "../../scripts/lib/compileWarnings";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require("solc") as { compile(input: string, options: { import: (path: string) => { contents?: string; error?: string } }): string };

/** solc's diagnostics for `sources`, compiled as hardhat.config.ts does (cancun); imports read from node_modules. */
function diagnostics(sources: Record<string, string>): SolcDiagnostic[] {
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: { evmVersion: "cancun", outputSelection: {} },
  };
  const read = (path: string) => {
    try {
      return { contents: fs.readFileSync(require.resolve(path), "utf8") };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  return (JSON.parse(solc.compile(JSON.stringify(input), { import: read })) as { errors?: SolcDiagnostic[] }).errors ?? [];
}

const GUARDED = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
contract Guarded is ReentrancyGuardTransient {
    function f() external nonReentrant {}
    function h() external returns (uint256) { return 1; }
}
`;

const OWN_FLAG = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
contract OwnFlag {
    function g() external {
        assembly { tstore(0, 1) }
    }
}
`;

/** The contracts' own Solidity files (not node_modules). */
function ownSources(dir = path.resolve(__dirname, "../../contracts")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? ownSources(file) : entry.name.endsWith(".sol") ? [file] : [];
  });
}

describe("compile warnings", function () {
  it("drops the transient-storage warning at OpenZeppelin's TransientSlot, and keeps the other warnings", function () {
    const found = diagnostics({ "Guarded.sol": GUARDED });
    expect(found.filter((d) => d.errorCode === TRANSIENT_STORAGE_WARNING).map((d) => d.sourceLocation?.file)).to.deep.equal([TRANSIENT_SLOT_SOURCE]);
    const unused = found.filter((d) => d.severity === "warning" && d.errorCode !== TRANSIENT_STORAGE_WARNING);
    expect(unused.length, 'the "can be restricted to pure" warning').to.be.greaterThan(0);

    expect(withoutAcceptedWarnings({ errors: found }).errors).to.deep.equal(unused);
  });

  it("keeps the warning at a tstore of our own", function () {
    const found = diagnostics({ "OwnFlag.sol": OWN_FLAG });
    const kept = withoutAcceptedWarnings({ errors: found }).errors ?? [];
    expect(kept.map((d) => [d.errorCode, d.sourceLocation?.file])).to.deep.equal([[TRANSIENT_STORAGE_WARNING, "OwnFlag.sol"]]);
  });

  it("finds no inline-assembly tstore in our own contracts: the one warning solc gives per compilation hides nothing of ours", function () {
    // solc reports 2394 once per compilation, at the first tstore it meets; with TransientSlot in the
    // build, a tstore of ours would be reported there no longer. So ours go through TransientSlot.
    const own = ownSources().filter((file) => /\bassembly\b[^{]*\{[^}]*\btstore\s*\(/.test(fs.readFileSync(file, "utf8")));
    expect(own.map((file) => path.relative(path.resolve(__dirname, "../.."), file))).to.deep.equal([]);
  });

  it("keeps errors even when they carry the warning's code and file", function () {
    const error: SolcDiagnostic = { severity: "error", errorCode: TRANSIENT_STORAGE_WARNING, sourceLocation: { file: TRANSIENT_SLOT_SOURCE } };
    expect(withoutAcceptedWarnings({ errors: [error] }).errors).to.deep.equal([error]);
  });
});
