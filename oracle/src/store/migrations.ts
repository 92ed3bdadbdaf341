import type { Database } from "better-sqlite3";
import { StoreError } from "./errors";

/**
 * A numbered schema change. Migrations are append-only: once released, a migration's SQL never
 * changes (a node refuses a database whose recorded migration names differ from its own); a
 * later change is a new migration with the next number.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** `col` holds lowercase 0x-prefixed hex of exactly `bytes` bytes. Every hex value in the store is lowercase. */
function hex(col: string, bytes: number): string {
  return `(length(${col}) = ${2 + 2 * bytes} AND substr(${col}, 1, 2) = '0x' AND NOT substr(${col}, 3) GLOB '*[^0-9a-f]*')`;
}

/** Timestamps are Unix milliseconds. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
      -- Content by hash: the canonical bytes (oracle/src/protocol/contentHash.ts) are the only copy;
      -- title, url and text are parsed back from them, so they can never disagree with the hash.
      CREATE TABLE content (
        hash        TEXT    PRIMARY KEY CHECK ${hex("hash", 32)},
        bytes       BLOB    NOT NULL,
        size        INTEGER NOT NULL CHECK (size = length(bytes)),
        source      TEXT    NOT NULL CHECK (source IN ('upload', 'peer')),
        received_at INTEGER NOT NULL
      ) STRICT;

      -- One row per on-chain Submitted event; the id is the chain's. No foreign key to content:
      -- a submission may be seen before its content arrives.
      CREATE TABLE submissions (
        id           INTEGER PRIMARY KEY CHECK (id > 0),
        author       TEXT    NOT NULL CHECK ${hex("author", 20)},
        content_hash TEXT    NOT NULL CHECK ${hex("content_hash", 32)},
        category     INTEGER NOT NULL CHECK (category BETWEEN 0 AND 65535),
        block_number INTEGER NOT NULL CHECK (block_number >= 0),
        block_hash   TEXT    NOT NULL CHECK ${hex("block_hash", 32)},
        tx_hash      TEXT    NOT NULL CHECK ${hex("tx_hash", 32)},
        log_index    INTEGER NOT NULL CHECK (log_index >= 0),
        status       TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'evaluated', 'batched', 'scored', 'failed', 'removed')),
        seen_at      INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX submissions_by_status  ON submissions (status, id);
      CREATE INDEX submissions_by_block   ON submissions (block_number);
      CREATE INDEX submissions_by_content ON submissions (content_hash);
      CREATE INDEX submissions_by_author  ON submissions (author, id);

      -- One evaluation per submission and evaluator. An ok evaluation is final: its rationale is the
      -- exact text hashed into a batch's rationale tree, so it is never rewritten.
      CREATE TABLE evaluations (
        submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        evaluator     TEXT    NOT NULL CHECK ${hex("evaluator", 32)},
        content_hash  TEXT    NOT NULL CHECK ${hex("content_hash", 32)},
        status        TEXT    NOT NULL CHECK (status IN ('ok', 'failed')),
        score         INTEGER CHECK (score BETWEEN 0 AND 100),
        points        INTEGER CHECK (points BETWEEN 0 AND 4294967295),
        sub_scores    TEXT    CHECK (json_valid(sub_scores) AND json_type(sub_scores) = 'object'),
        flags         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(flags) AND json_type(flags) = 'array'),
        rationale     TEXT    CHECK (json_valid(rationale)),
        attempts      INTEGER NOT NULL CHECK (attempts >= 1),
        error         TEXT,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        PRIMARY KEY (submission_id, evaluator),
        CHECK (status = 'failed' OR (score IS NOT NULL AND points IS NOT NULL AND sub_scores IS NOT NULL AND rationale IS NOT NULL))
      ) STRICT;

      -- A batch is one attempt at a nonce. An attempt that can no longer land is abandoned and a new
      -- one is built for the same nonce, so the nonce is unique among batches that are not abandoned.
      CREATE TABLE batches (
        id             INTEGER PRIMARY KEY,
        nonce          INTEGER NOT NULL CHECK (nonce >= 0),
        evaluator      TEXT    NOT NULL CHECK ${hex("evaluator", 32)},
        rationale_root TEXT    NOT NULL CHECK ${hex("rationale_root", 32)},
        deadline       INTEGER NOT NULL CHECK (deadline >= 0),
        items          TEXT    NOT NULL CHECK (json_valid(items) AND json_type(items) = 'array' AND json_array_length(items) > 0),
        digest         TEXT    NOT NULL CHECK ${hex("digest", 32)},
        signatures     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(signatures) AND json_type(signatures) = 'array'),
        state          TEXT    NOT NULL
                       CHECK (state IN ('built', 'signed', 'posting', 'posted', 'landed', 'abandoned')),
        tx_hash        TEXT    CHECK (tx_hash IS NULL OR ${hex("tx_hash", 32)}),
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX batches_one_live_per_nonce ON batches (nonce) WHERE state <> 'abandoned';
      CREATE INDEX batches_by_state ON batches (state, nonce);

      -- The submissions of each batch, in item order, with the exact rationale JSON committed in the
      -- batch's rationale tree (a follower stores the leader's, which may differ from its own).
      -- \`live\` is 1 until the batch is abandoned: a submission belongs to at most one live batch,
      -- hence to at most one landed batch.
      CREATE TABLE batch_items (
        batch_id      INTEGER NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL CHECK (position >= 0),
        submission_id INTEGER NOT NULL REFERENCES submissions (id),
        rationale     TEXT    NOT NULL CHECK (json_valid(rationale)),
        live          INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1)),
        PRIMARY KEY (batch_id, position),
        UNIQUE (batch_id, submission_id)
      ) STRICT;
      CREATE UNIQUE INDEX batch_items_one_live_batch ON batch_items (submission_id) WHERE live = 1;

      -- The chain watcher's position: the last fully processed block.
      CREATE TABLE cursor (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        block_number INTEGER NOT NULL CHECK (block_number >= 0),
        block_hash   TEXT    NOT NULL CHECK ${hex("block_hash", 32)},
        updated_at   INTEGER NOT NULL
      ) STRICT;

      -- Scorer results by content and evaluator, so the same content is never paid for twice.
      CREATE TABLE llm_cache (
        content_hash TEXT    NOT NULL CHECK ${hex("content_hash", 32)},
        evaluator    TEXT    NOT NULL CHECK ${hex("evaluator", 32)},
        result       TEXT    NOT NULL CHECK (json_valid(result)),
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (content_hash, evaluator)
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: "watcher blocks and batch posts",
    sql: `
      -- The blocks the watcher processed most recently, the cursor's included: where a reorg walks
      -- back to. -1 stands for "before block 0" (a watcher that starts at genesis).
      CREATE TABLE watcher_blocks (
        block_number INTEGER PRIMARY KEY CHECK (block_number >= -1),
        block_hash   TEXT    NOT NULL CHECK ${hex("block_hash", 32)}
      ) STRICT;

      -- The poster's ledger, by batch digest: the last transaction signed for the batch, written
      -- before it is broadcast (so a restarted node waits for it or rebroadcasts it instead of
      -- sending another), and the last outcome of a post.
      CREATE TABLE batch_posts (
        digest        TEXT    PRIMARY KEY CHECK ${hex("digest", 32)},
        batch_nonce   INTEGER NOT NULL CHECK (batch_nonce >= 0),
        tx_hash       TEXT    CHECK (tx_hash IS NULL OR ${hex("tx_hash", 32)}),
        account_nonce INTEGER CHECK (account_nonce IS NULL OR account_nonce >= 0),
        raw_tx        TEXT    CHECK (raw_tx IS NULL OR (substr(raw_tx, 1, 2) = '0x' AND length(raw_tx) > 2)),
        outcome       TEXT    CHECK (outcome IS NULL OR (json_valid(outcome) AND json_type(outcome) = 'object')),
        updated_at    INTEGER NOT NULL,
        CHECK ((tx_hash IS NULL) = (raw_tx IS NULL) AND (tx_hash IS NULL) = (account_nonce IS NULL))
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: "operator network",
    sql: `
      -- Batch proposals this node sent (as leader) or received (as follower), by digest: what a
      -- peer or a verifier fetches with GET /v1/peer/proposals/:digest, and this node's answer.
      CREATE TABLE proposals (
        digest      TEXT    NOT NULL CHECK ${hex("digest", 32)},
        role        TEXT    NOT NULL CHECK (role IN ('leader', 'follower')),
        nonce       INTEGER NOT NULL CHECK (nonce >= 0),
        leader      TEXT    NOT NULL CHECK ${hex("leader", 20)},
        proposal    TEXT    NOT NULL CHECK (json_valid(proposal) AND json_type(proposal) = 'object'),
        decision    TEXT    CHECK (decision IS NULL OR decision IN ('signed', 'disputed')),
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (digest, role)
      ) STRICT;
      CREATE INDEX proposals_by_nonce ON proposals (nonce);

      -- Items other operators refused to sign, per submission: a submission disputed maxDisputes
      -- times is held for review and leaves the batch queue until an operator releases it.
      CREATE TABLE disputes (
        submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
        count         INTEGER NOT NULL CHECK (count >= 0),
        last_reason   TEXT    NOT NULL,
        last_detail   TEXT    NOT NULL,
        last_peer     TEXT    NOT NULL CHECK ${hex("last_peer", 20)},
        held          INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1)),
        updated_at    INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX disputes_held ON disputes (held) WHERE held = 1;

      -- How often each peer agreed with this node, item by item: as the follower of its proposals
      -- (role 'follower': this node checked the peer's items) and as a co-signer of this node's
      -- proposals (role 'leader': the peer checked this node's items).
      -- How far this node has recorded the batches that landed (its own and other leaders'): the
      -- next nonce to record and the block where the last one landed.
      CREATE TABLE landed_sync (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        next_nonce  INTEGER NOT NULL CHECK (next_nonce >= 0),
        block       INTEGER NOT NULL CHECK (block >= 0),
        updated_at  INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE peer_agreement (
        peer          TEXT    NOT NULL CHECK ${hex("peer", 20)},
        role          TEXT    NOT NULL CHECK (role IN ('leader', 'follower')),
        proposals     INTEGER NOT NULL CHECK (proposals >= 0),
        signed        INTEGER NOT NULL CHECK (signed >= 0 AND signed <= proposals),
        items         INTEGER NOT NULL CHECK (items >= 0),
        items_agreed  INTEGER NOT NULL CHECK (items_agreed >= 0 AND items_agreed <= items),
        updated_at    INTEGER NOT NULL,
        PRIMARY KEY (peer, role)
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: "relayer and telegram identity",
    sql: `
      -- Gas this node's relayer paid per signer and Rewards epoch (the per-signer and total budgets).
      CREATE TABLE relay_gas (
        epoch       INTEGER NOT NULL CHECK (epoch >= 0),
        signer      TEXT    NOT NULL CHECK ${hex("signer", 20)},
        gas         INTEGER NOT NULL CHECK (gas >= 0),
        requests    INTEGER NOT NULL CHECK (requests >= 0),
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (epoch, signer)
      ) STRICT;

      -- One relayed account per Telegram user and one Telegram user per account, bound at the
      -- first relayed request that carried valid launch data; never rebound.
      CREATE TABLE telegram_accounts (
        account     TEXT    PRIMARY KEY CHECK ${hex("account", 20)},
        user_id     INTEGER NOT NULL UNIQUE CHECK (user_id > 0),
        bound_at    INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: "duplicate index",
    sql: `
      -- The duplicate index (oracle/src/eval/duplicateIndex.ts), persisted so that a node never
      -- rebuilds it: one row per evaluated submission's copy sketch (oracle/src/eval/copySketch.ts).
      -- No foreign key: the batch dry run keeps an index without submissions. content_hash ties a
      -- row to the submission it was made from, so a reorg can drop rows that no longer apply.
      -- shingles is the count of sampled shingles (they are recomputed from words when a row is
      -- dropped); facts and words are little-endian uint32 hashes.
      CREATE TABLE copy_items (
        id           INTEGER PRIMARY KEY CHECK (id >= 0),
        author       TEXT    NOT NULL,
        content_hash TEXT    CHECK (content_hash IS NULL OR ${hex("content_hash", 32)}),
        content_key  BLOB    NOT NULL CHECK (length(content_key) = 32),
        template     BLOB    CHECK (template IS NULL OR length(template) = 32),
        shingles     INTEGER NOT NULL CHECK (shingles >= 0),
        facts        BLOB    NOT NULL CHECK (length(facts) % 4 = 0),
        words        BLOB    NOT NULL CHECK (length(words) % 4 = 0)
      ) STRICT;
      CREATE INDEX copy_items_by_key ON copy_items (content_key, id);
      CREATE INDEX copy_items_by_template ON copy_items (template, id) WHERE template IS NOT NULL;

      -- Posting lists: shingle hashes as they are, fact hashes plus 2^32, each with the ids holding it.
      CREATE TABLE copy_postings (
        hash INTEGER NOT NULL CHECK (hash >= 0),
        id   INTEGER NOT NULL,
        PRIMARY KEY (hash, id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: "telegram notifications",
    sql: `
      -- The Telegram bot's outbox (oracle/src/telegram/notifier.ts): one row per message, keyed by
      -- what it tells (e.g. 'scored:<submission id>'), so that an event is queued once however
      -- often it is seen, and sent once however often the node restarts. pending → sent, or
      -- dropped (the user blocked the bot) or failed (Telegram refused it for good).
      CREATE TABLE telegram_outbox (
        key         TEXT    PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
        kind        TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
        user_id     INTEGER NOT NULL CHECK (user_id > 0),
        body        TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 4096),
        button_text TEXT,
        button_url  TEXT,
        state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dropped', 'failed')),
        attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        error       TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        CHECK ((button_text IS NULL) = (button_url IS NULL))
      ) STRICT;
      CREATE INDEX telegram_outbox_pending ON telegram_outbox (state, created_at) WHERE state = 'pending';

      -- Users who blocked the bot (Telegram answered 403): no message is sent to them until they
      -- write to the bot again.
      CREATE TABLE telegram_blocked (
        user_id     INTEGER PRIMARY KEY CHECK (user_id > 0),
        blocked_at  INTEGER NOT NULL
      ) STRICT;

      -- How far the notifier has looked: 'scored_nonce' (landed batches up to this nonce are
      -- queued) and 'claimable_epoch' (epochs before this one are checked).
      CREATE TABLE telegram_progress (
        name        TEXT    PRIMARY KEY,
        value       INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: "challenges",
    sql: `
      -- Challenges of scores (oracle/src/challenges, docs/CONTRACTS.md "Challenges"): one row per
      -- ChallengeOpened, updated by the challenge's later events. status follows the contract's
      -- Status (open → verdict → escalated → upheld | rejected | dismissed). bond and the amounts in
      -- resolution are decimal strings (uint128/uint256 do not fit an INTEGER).
      CREATE TABLE challenges (
        id                INTEGER PRIMARY KEY CHECK (id > 0),
        submission_id     INTEGER NOT NULL CHECK (submission_id > 0),
        challenger        TEXT    NOT NULL CHECK ${hex("challenger", 20)},
        author            TEXT    NOT NULL CHECK ${hex("author", 20)},
        epoch             INTEGER NOT NULL CHECK (epoch >= 0),
        points            INTEGER NOT NULL CHECK (points >= 0),
        reason            INTEGER NOT NULL CHECK (reason BETWEEN 0 AND 5),
        duplicate_of      INTEGER NOT NULL CHECK (duplicate_of >= 0),
        reason_hash       TEXT    NOT NULL CHECK ${hex("reason_hash", 32)},
        answer_hash       TEXT    CHECK (answer_hash IS NULL OR ${hex("answer_hash", 32)}),
        bond              TEXT    NOT NULL CHECK (bond GLOB '[0-9]*'),
        status            TEXT    NOT NULL DEFAULT 'open'
                          CHECK (status IN ('open', 'verdict', 'escalated', 'upheld', 'rejected', 'dismissed')),
        verdict_upheld    INTEGER CHECK (verdict_upheld IS NULL OR verdict_upheld IN (0, 1)),
        verdict_evaluator TEXT    CHECK (verdict_evaluator IS NULL OR ${hex("verdict_evaluator", 32)}),
        verdict_root      TEXT    CHECK (verdict_root IS NULL OR ${hex("verdict_root", 32)}),
        resolution        TEXT,
        opened_block      INTEGER NOT NULL CHECK (opened_block >= 0),
        opened_tx         TEXT    NOT NULL CHECK ${hex("opened_tx", 32)},
        seen_at           INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX challenges_by_status     ON challenges (status, id);
      CREATE INDEX challenges_by_submission ON challenges (submission_id, id);

      -- Reason and answer texts, by keccak256 of their UTF-8 bytes (the hash committed on-chain).
      CREATE TABLE challenge_texts (
        hash        TEXT    PRIMARY KEY CHECK ${hex("hash", 32)},
        text        TEXT    NOT NULL,
        received_at INTEGER NOT NULL
      ) STRICT;

      -- Appeal evaluations of a challenge by rationale root: this node's own (own = 1) and those
      -- proposed by leaders (own = 0), so that the one the posted verdict commits to can be served
      -- with its proofs whichever node computed it. Both texts are exact: their hashes are the leaves.
      CREATE TABLE challenge_evaluations (
        challenge_id       INTEGER NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
        rationale_root     TEXT    NOT NULL CHECK ${hex("rationale_root", 32)},
        evaluator          TEXT    NOT NULL CHECK ${hex("evaluator", 32)},
        upheld             INTEGER NOT NULL CHECK (upheld IN (0, 1)),
        original_rationale TEXT    NOT NULL,
        appeal_rationale   TEXT    NOT NULL,
        own                INTEGER NOT NULL CHECK (own IN (0, 1)),
        created_at         INTEGER NOT NULL,
        PRIMARY KEY (challenge_id, rationale_root)
      ) STRICT;

      -- Verdict proposals: as leader, each peer's answer; as follower, this node's answer to a leader.
      CREATE TABLE challenge_votes (
        challenge_id INTEGER NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
        peer         TEXT    NOT NULL CHECK ${hex("peer", 20)},
        role         TEXT    NOT NULL CHECK (role IN ('leader', 'follower')),
        decision     TEXT    NOT NULL CHECK (decision IN ('signed', 'disputed')),
        detail       TEXT    NOT NULL,
        updated_at   INTEGER NOT NULL,
        PRIMARY KEY (challenge_id, peer, role)
      ) STRICT;

      -- How far the challenge follower has read the chain ('block': the next block to read).
      CREATE TABLE challenge_progress (
        name        TEXT    PRIMARY KEY,
        value       INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
    `,
  },
];

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: number;
}

/**
 * Brings the database to the latest migration. Each migration runs in its own transaction with
 * the row that records it, so a failure leaves the database at the previous version. Refuses a
 * database written by a newer node or with a different migration history.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): number {
  assertOrdered(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const applied = appliedMigrations(db);
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const migration = known.get(row.version);
    if (migration === undefined) {
      throw new StoreError("The database was written by a newer version of the oracle.", {
        details: `it has migration ${row.version} ("${row.name}"); this node knows up to ${migrations.at(-1)?.version ?? 0}`,
      });
    }
    if (migration.name !== row.name) {
      throw new StoreError("The database's migration history differs from this node's.", {
        details: `migration ${row.version} is "${row.name}" in the database and "${migration.name}" here`,
      });
    }
  }
  const done = new Set(applied.map((row) => row.version));
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    const apply = db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now());
    });
    try {
      apply.immediate();
    } catch (error) {
      throw new StoreError(`Migration ${migration.version} ("${migration.name}") failed.`, { cause: error });
    }
  }
  return migrations.at(-1)?.version ?? 0;
}

export function appliedMigrations(db: Database): AppliedMigration[] {
  return (
    db.prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").all() as {
      version: number | bigint;
      name: string;
      applied_at: number | bigint;
    }[]
  ).map((row) => ({ version: Number(row.version), name: row.name, appliedAt: Number(row.applied_at) }));
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StoreError("Migrations must be numbered 1, 2, 3… in order.", {
        details: `position ${index} holds version ${migration.version}`,
      });
    }
  });
}
