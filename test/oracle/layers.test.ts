import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";

const SRC = path.resolve(__dirname, "../../oracle/src");

/** The oracle/src folders (or top-level modules, named without `.ts`) that `folder`'s files import. */
function importedFolders(folder: string): Set<string> {
  const found = new Set<string>();
  const scan = (file: string) => {
    for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), specifier));
      const top = target.split(path.sep)[0];
      if (!target.startsWith("..") && top !== folder) found.add(top);
    }
  };
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith(".ts")) scan(file);
    }
  };
  const dir = path.join(SRC, folder);
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) visit(dir);
  else scan(`${dir}.ts`);
  return found;
}

/** Every folder and top-level module of oracle/src, as the imports name them. */
function topLevelModules(): string[] {
  return fs
    .readdirSync(SRC, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() || entry.name.endsWith(".ts"))
    .map((entry) => (entry.isDirectory() ? entry.name : entry.name.replace(/\.ts$/, "")));
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

  it("relay/ and telegram/ do not import api/ (the refusal and rate buckets they share live in http/)", function () {
    expect(importedFolders("relay")).not.to.include("api");
    expect(importedFolders("telegram")).not.to.include("api");
    expect(importedFolders("api")).to.include("relay");
  });

  it("http/ imports only the error base class", function () {
    expect([...importedFolders("http")]).to.deep.equal(["errors"]);
  });

  it("no two folders (or top-level modules) import each other", function () {
    const modules = topLevelModules();
    const imports = new Map(modules.map((name) => [name, importedFolders(name)]));
    const cycles: string[] = [];
    for (const [from, targets] of imports) {
      for (const to of targets) if (from < to && imports.get(to)?.has(from)) cycles.push(`${from} <-> ${to}`);
    }
    expect(modules).to.include.members(["api", "relay", "config", "node"]);
    expect(cycles).to.deep.equal([]);
  });

  it("ports/ imports only the error base class", function () {
    expect([...importedFolders("ports")]).to.deep.equal(["errors"]);
  });
});
