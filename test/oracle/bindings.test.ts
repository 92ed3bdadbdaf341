import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { bindingsDir, generateOracleBindings, readTree } from "../../scripts/lib/oracleBindings";

describe("oracle/src/bindings (committed contract bindings)", function () {
  it("are what the current artifacts generate (else run `npm run bindings:oracle` and commit)", async function () {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "cashkey-bindings-"));
    try {
      await generateOracleBindings(hre, fresh);
      const expected = readTree(fresh);
      const committed = readTree(bindingsDir(hre.config.paths.root));
      expect([...committed.keys()].sort()).to.deep.equal([...expected.keys()].sort());
      for (const [file, text] of expected) expect(committed.get(file), `oracle/src/bindings/${file} differs from the artifacts`).to.equal(text);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });
});
