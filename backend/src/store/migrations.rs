//! Schema migrations, applied in order; `PRAGMA user_version` says how many have run. Append, never edit.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: the inventory of objects pushed through Conjure.
    "CREATE TABLE objects (
        type        TEXT NOT NULL,
        id          TEXT NOT NULL,
        fields      TEXT NOT NULL,            -- JSON list of {attribute, value}, secrets left out
        secrets_set TEXT NOT NULL DEFAULT '[]',
        version     INTEGER NOT NULL DEFAULT 1,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL,
        PRIMARY KEY (type, id)
    ) WITHOUT ROWID;
    CREATE INDEX objects_by_update ON objects (type, updated_at);",
    // 2: the audit log: every change that reached Asterisk, with its outcome. Secret values never.
    "CREATE TABLE audit (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        actor     TEXT NOT NULL,
        address   TEXT NOT NULL,
        action    TEXT NOT NULL,              -- put, replace, delete, adopt
        type      TEXT NOT NULL,
        object_id TEXT NOT NULL,
        changes   TEXT NOT NULL,              -- JSON list of {attribute, before, after}
        server    TEXT NOT NULL,
        status    INTEGER NOT NULL,           -- what Asterisk answered (HTTP status)
        message   TEXT NOT NULL
    );
    CREATE INDEX audit_by_object ON audit (type, object_id, seq);
    CREATE INDEX audit_by_actor ON audit (actor, seq);
    CREATE INDEX audit_by_time ON audit (at);",
    // 3: panel users (argon2 hashes) and API tokens (SHA-256 of a random value: nothing to brute-force).
    "CREATE TABLE users (
        name       TEXT PRIMARY KEY,
        hash       TEXT NOT NULL,
        role       TEXT NOT NULL,
        disabled   INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        last_login TEXT
    );
    CREATE TABLE tokens (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL,
        hash       TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        created_by TEXT NOT NULL,
        last_used  TEXT,
        revoked_at TEXT
    );",
    // 4: phone users (an auth, an aor and an endpoint of one id) and the templates they are made from.
    // `state` is `creating` from before the first object is pushed until the last one is: a user left in
    // that state by a crash is removed at the next start, so no auth outlives its endpoint.
    "CREATE TABLE templates (
        name        TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        fields      TEXT NOT NULL,            -- JSON {auth, aor, endpoint}: lists of {attribute, value}
        builtin     INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE phone_users (
        extension  TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        template   TEXT NOT NULL,
        voicemail  TEXT NOT NULL DEFAULT '',
        state      TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        created_by TEXT NOT NULL
    );",
    // 5: how far the journal (store/journal.rs) has been applied: its last applied entry.
    "CREATE TABLE journal_state (applied INTEGER NOT NULL);
    INSERT INTO journal_state VALUES (0);",
    // 6: desired state. `sealed` holds the object's secret fields (JSON list) sealed under the
    // --secret-key-file key (seal.rs); NULL where Conjure never saw them (inventories from before: an
    // object with `secrets_set` and no `sealed` is "secret unknown"). `meta.seal_check` is a value
    // sealed under the key, so a start with another key file is caught before it seals anything.
    "ALTER TABLE objects ADD COLUMN sealed TEXT;
    CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 7: the fleet. `servers` are those added in the panel (the command line's is `default` and not
    // stored); `password` is sealed under the key file. `pending` holds the changes a server did not
    // answer, in order (`seq`), with the PUT body sealed (it may carry a password); `refused` marks one
    // Asterisk refused when it was retried, left for a person to retry or discard.
    "CREATE TABLE servers (
        name      TEXT PRIMARY KEY,
        ari_url   TEXT NOT NULL,
        ari_user  TEXT NOT NULL,
        password  TEXT NOT NULL,
        ca_file   TEXT,
        groups    TEXT NOT NULL DEFAULT '[]',
        enabled   INTEGER NOT NULL DEFAULT 1,
        added_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        added_by  TEXT NOT NULL
    );
    CREATE TABLE pending (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        server     TEXT NOT NULL,
        type       TEXT NOT NULL,
        id         TEXT NOT NULL,
        op         TEXT NOT NULL,
        body       TEXT,
        actor      TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        refused    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX pending_by_server ON pending (server, seq);",
    // 8: where an object goes, for the objects that do not go to every server: a JSON list of
    // `server:<name>` and `group:<name>`. No row: every server.
    "CREATE TABLE targets (
        type   TEXT NOT NULL,
        id     TEXT NOT NULL,
        target TEXT NOT NULL,
        PRIMARY KEY (type, id)
    );",
    // 9: changes applied on some servers and refused by others, until a person retries or undoes them.
    // `previous` is the PUT that makes the object as it was before (sealed: it may carry a password);
    // NULL when the change made it.
    "CREATE TABLE split_changes (
        token      TEXT PRIMARY KEY,
        type       TEXT NOT NULL,
        id         TEXT NOT NULL,
        applied    TEXT NOT NULL,
        refused    TEXT NOT NULL,
        previous   TEXT,
        actor      TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    );",
];

pub fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}
