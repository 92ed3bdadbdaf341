import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";

const SRC = path.resolve(__dirname, "../../oracle/src");

/** The oracle/src folders (or top-level modules) that `folder`'s files import. */
function importedFolders(folder: string): Set<string> {
  const found = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith(".ts")) {
        for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
          const target = path.relative(SRC, path.resolve(path.dirname(file), specifier));
          const top = target.split(path.sep)[0];
          if (!target.startsWith("..") && top !== folder) found.add(top);
        }
      }
    }
  };
  visit(path.join(SRC, folder));
  return found;
}

describe("oracle/src layers", function () {
  it("chain/ imports neither store/ nor api/ (the types they share live in ports/)", function () {
    const imported = importedFolders("chain");
    expect(imported).not.to.include("store");
    expect(imported).not.to.include("api");
  });

  it("store/ does not import chain/", function () {
    expect(importedFolders("store")).not.to.include("chain");
  });

  it("ports/ imports only the error base class", function () {
    expect([...importedFolders("ports")]).to.deep.equal(["errors"]);
  });
});
