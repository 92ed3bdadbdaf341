import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import Database from "better-sqlite3";
import { MIGRATIONS, StoreError, openStore } from "../../../oracle/src/store";
import { type Migration, appliedMigrations, migrate } from "../../../oracle/src/store/migrations";
import { EVALUATOR, batchOf, seedEvaluated, submissionEvent, tempDir } from "./fixtures";

describe("openStore", function () {
  let dir: string;
  let cleanup: () => void;
  let file: string;

  beforeEach(function () {
    ({ dir, cleanup } = tempDir("cashkey-store-"));
    file = path.join(dir, "nested", "oracle.sqlite");
  });

  afterEach(function () {
    cleanup();
  });

  describe("when the file does not exist", function () {
    it("creates it with its folder and applies every migration", function () {
      const store = openStore(file);
      expect(store.schemaVersion()).to.equal(MIGRATIONS.at(-1)!.version);
      store.close();
      const db = new Database(file, { readonly: true });
      expect(appliedMigrations(db).map((m) => m.version)).to.deep.equal(MIGRATIONS.map((m) => m.version));
      db.close();
    });

    it("uses a write-ahead log, synchronous=FULL and foreign keys", function () {
      const store = openStore(file);
      expect(store.pragmas()).to.deep.equal({ journalMode: "wal", synchronous: 2, foreignKeys: true });
      // WAL mode is a property of the file: another connection sees it too.
      const other = new Database(file, { readonly: true });
      expect(other.pragma("journal_mode", { simple: true })).to.equal("wal");
      other.close();
      store.close();
    });
  });

  describe("when reopened", function () {
    it("applies no migration twice", function () {
      openStore(file, { now: () => 1000 }).close();
      openStore(file, { now: () => 2000 }).close();
      const db = new Database(file, { readonly: true });
      const applied = appliedMigrations(db);
      db.close();
      expect(applied).to.have.length(MIGRATIONS.length);
      expect(applied.every((m) => m.appliedAt === 1000)).to.equal(true);
    });

    it("keeps everything written before close", function () {
      const store = openStore(file);
      const { hash } = store.content.put({ text: "Kept across restarts.", title: "T" }, "upload");
      seedEvaluated(store, [1, 2]);
      const batch = store.batches.create(batchOf(0, [1, 2]));
      store.batches.addSignature(batch.id, { signer: "0x" + "11".repeat(20), signature: "0x" + "ab".repeat(65) });
      store.cursor.set({ blockNumber: 42, blockHash: "0x" + "cd".repeat(32) });
      store.llmCache.put(hash, EVALUATOR, { score: 50, rationale: "cached" });
      store.close();

      const reopened = openStore(file);
      expect(reopened.content.get(hash)?.content).to.deep.equal({ text: "Kept across restarts.", title: "T" });
      expect(reopened.submissions.get(1n)?.status).to.equal("batched");
      expect(reopened.evaluations.get(2n, EVALUATOR)).to.include({ status: "ok", score: 72 });
      const again = reopened.batches.get(batch.id);
      expect(again?.items.map((i) => i.submissionId)).to.deep.equal([1n, 2n]);
      expect(again?.signatures).to.have.length(1);
      expect(reopened.cursor.get()).to.include({ blockNumber: 42, blockHash: "0x" + "cd".repeat(32) });
      expect(reopened.llmCache.get(hash, EVALUATOR)).to.deep.equal({ score: 50, rationale: "cached" });
      reopened.close();
    });
  });

  describe("when the process dies without closing", function () {
    it("keeps every committed write", function () {
      // A child process stores content, reports success, and is killed before it can close.
      const script = `
        const { openStore } = require(${JSON.stringify(path.resolve(__dirname, "../../../oracle/src/store"))});
        const store = openStore(process.env.STORE_FILE);
        const { hash } = store.content.put({ text: "Accepted, then the node crashed." }, "upload");
        store.cursor.set({ blockNumber: 7, blockHash: "0x" + "07".repeat(32) });
        process.stdout.write(hash);
        process.kill(process.pid, "SIGKILL");
      `;
      const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
        env: { ...process.env, STORE_FILE: file },
        encoding: "utf8",
      });
      expect(child.signal).to.equal("SIGKILL");
      const hash = child.stdout;
      const store = openStore(file);
      expect(store.content.get(hash)?.content.text).to.equal("Accepted, then the node crashed.");
      expect(store.cursor.get()?.blockNumber).to.equal(7);
      store.close();
    });
  });

  describe("when the database was written by a newer node", function () {
    it("refuses to open it", function () {
      openStore(file).close();
      const db = new Database(file);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(MIGRATIONS.at(-1)!.version + 1, "future", 1);
      db.close();
      expect(() => openStore(file)).to.throw(StoreError, /newer version of the oracle/);
    });
  });

  describe("when a recorded migration has another name", function () {
    it("refuses to open it", function () {
      openStore(file).close();
      const db = new Database(file);
      db.prepare("UPDATE schema_migrations SET name = 'edited' WHERE version = 1").run();
      db.close();
      expect(() => openStore(file)).to.throw(StoreError, /migration history differs/);
    });
  });

  describe("in memory", function () {
    it("works without a file", function () {
      const store = openStore(":memory:");
      store.submissions.record(submissionEvent(1));
      expect(store.submissions.get(1n)?.status).to.equal("pending");
      store.close();
    });
  });
});

describe("migrate", function () {
  const first: Migration = { version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER) STRICT;" };

  it("applies a failing migration not at all, keeping the earlier version", function () {
    const db = new Database(":memory:");
    migrate(db, [first]);
    const broken: Migration = { version: 2, name: "two", sql: "CREATE TABLE b (y INTEGER); INSERT INTO missing VALUES (1);" };
    expect(() => migrate(db, [first, broken])).to.throw(StoreError, /Migration 2 \("two"\) failed/);
    expect(appliedMigrations(db).map((m) => m.version)).to.deep.equal([1]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).to.equal(undefined);
    db.close();
  });

  it("applies only the migrations not yet applied", function () {
    const db = new Database(":memory:");
    migrate(db, [first]);
    migrate(db, [first, { version: 2, name: "two", sql: "ALTER TABLE a ADD COLUMN y INTEGER;" }]);
    migrate(db, [first, { version: 2, name: "two", sql: "ALTER TABLE a ADD COLUMN y INTEGER;" }]);
    expect(appliedMigrations(db).map((m) => m.name)).to.deep.equal(["one", "two"]);
    db.close();
  });

  it("refuses migrations that are not numbered 1, 2, 3…", function () {
    const db = new Database(":memory:");
    expect(() => migrate(db, [{ ...first, version: 2 }])).to.throw(StoreError, /numbered/);
    db.close();
  });
});
