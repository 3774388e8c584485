//! Durable state in an embedded SQLite database: versioned migrations, the change log of engine
//! writes, world snapshots, and the portal's own tables (accounts, sessions, tokens, registrations,
//! booking numbers, mail outbox). WAL with synchronous=FULL: a committed write survives a crash.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

/// Migrations in order; `PRAGMA user_version` says how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        now TEXT NOT NULL,
        op TEXT NOT NULL
     );
     CREATE TABLE snapshots (
        seq INTEGER PRIMARY KEY,
        world TEXT NOT NULL
     );
     CREATE TABLE municipality_portal (
        code TEXT PRIMARY KEY,
        participation TEXT NOT NULL CHECK (participation IN ('online', 'paper', 'not_yet'))
     );
     CREATE TABLE facility_profiles (
        facility TEXT PRIMARY KEY,
        profile TEXT NOT NULL
     );
     CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('parent', 'facility', 'municipality')),
        name TEXT NOT NULL,
        password_hash TEXT,
        facility TEXT,
        municipality TEXT,
        created_at TEXT NOT NULL
     );
     CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        account INTEGER NOT NULL REFERENCES accounts(id),
        csrf TEXT NOT NULL,
        expires_at TEXT NOT NULL
     );
     CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        purpose TEXT NOT NULL CHECK (purpose IN ('apply', 'set_password', 'reset')),
        account INTEGER REFERENCES accounts(id),
        email TEXT,
        municipality TEXT,
        expires_at TEXT NOT NULL,
        used_at TEXT
     );
     CREATE TABLE registrations (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL,
        municipality TEXT NOT NULL,
        data TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'certified', 'rejected')),
        decided_by INTEGER REFERENCES accounts(id),
        created_at TEXT NOT NULL
     );
     CREATE TABLE booking_numbers (
        number INTEGER PRIMARY KEY AUTOINCREMENT,
        booking TEXT NOT NULL UNIQUE,
        account INTEGER,
        created_at TEXT NOT NULL
     );
     CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT
     );",
];

/// Opens (creating on first start) the database and brings it to the latest schema.
pub(crate) fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    migrate(&conn)?;
    Ok(conn)
}

/// A read-only connection for readers (they never take the write lock, nor wait on an fsync).
pub(crate) fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The latest snapshot: its event sequence number and the world's JSON.
pub(crate) fn latest_snapshot(conn: &Connection) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row("SELECT seq, world FROM snapshots ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// Events after `seq`, in order: (seq, now, op JSON).
pub(crate) fn events_after(conn: &Connection, seq: i64) -> rusqlite::Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare("SELECT seq, now, op FROM events WHERE seq > ?1 ORDER BY seq")?;
    let rows = stmt.query_map(params![seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// The last event's sequence number (0 when none).
pub(crate) fn last_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))
}

/// Stores a snapshot of the world as of event `seq`, and drops older ones.
pub(crate) fn save_snapshot(conn: &Connection, seq: i64, world: &str) -> rusqlite::Result<()> {
    conn.execute("INSERT OR REPLACE INTO snapshots (seq, world) VALUES (?1, ?2)", params![seq, world])?;
    conn.execute("DELETE FROM snapshots WHERE seq < ?1", params![seq])?;
    Ok(())
}
