//! Durable state. The portal reaches its storage through one small trait, [`Store`]: the change log
//! of engine writes, world snapshots, and the portal's own tables (accounts, sessions, tokens,
//! registrations, booking numbers, mail outbox, participation, facility profiles). The embedded
//! backend is SQLite (versioned migrations; WAL with synchronous=FULL: a committed write survives a
//! crash); a PostgreSQL backend implements the same trait for its transactions.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::auth::{Account, Role};

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
    // 2: the day of use and the municipality's work (check-in codes, records, extras, payments,
    // month closes, audit).
    super::daystore::SCHEMA,
    // 3: snapshots live in files beside the database (`file`; `world` is then empty): a start reads
    // 140 MB of JSON for a million bookings, which a file gives in tens of milliseconds and a chain
    // of SQLite overflow pages in about a second.
    "ALTER TABLE snapshots ADD COLUMN file TEXT;",
];

/// A storage failure: the portal answers 500 and logs it.
#[derive(Debug)]
pub(crate) struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError(e.to_string())
    }
}

pub(crate) type Result<T> = std::result::Result<T, StoreError>;

/// A new account's row.
pub(crate) struct NewAccount<'a> {
    pub email: &'a str,
    pub role: Role,
    pub name: &'a str,
    pub password_hash: Option<&'a str>,
    pub facility: Option<&'a str>,
    pub municipality: Option<&'a str>,
    pub created_at: &'a str,
}

/// A new single-use token's row (its hash only).
pub(crate) struct NewToken<'a> {
    pub hash: &'a str,
    pub purpose: &'a str,
    pub account: Option<i64>,
    pub email: Option<&'a str>,
    pub municipality: Option<&'a str>,
    pub expires_at: &'a str,
}

/// A token's row, as found.
pub(crate) struct TokenRow {
    pub account: Option<i64>,
    pub email: Option<String>,
    pub municipality: Option<String>,
    pub expires_at: String,
    pub used: bool,
}

/// A registration's row.
pub(crate) struct RegistrationRow {
    pub id: i64,
    pub email: String,
    pub data: String,
    pub status: String,
    pub created_at: String,
}

/// A mail's row.
pub(crate) struct MailRow {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// A session's row.
pub(crate) struct SessionRow {
    pub hash: String,
    pub account: i64,
    pub csrf: String,
    pub expires_at: String,
}

/// Everything the portal stores. Writes run inside the writer's transaction (one per batch, a
/// savepoint per request); reads run on a reader.
pub(crate) trait Store: super::daystore::DayStore {
    /// Appends an engine write to the change log.
    fn log_event(&self, now: &str, op: &str) -> Result<()>;
    /// Events after `seq`: (seq, now, op).
    fn events_after(&self, seq: i64) -> Result<Vec<(i64, String, String)>>;
    /// The last event's number (0 when none).
    fn last_seq(&self) -> Result<i64>;
    /// The latest snapshot: (the event it includes up to, the world's JSON).
    fn latest_snapshot(&self) -> Result<Option<(i64, String)>>;
    /// Stores a snapshot and drops older ones.
    fn save_snapshot(&self, seq: i64, world: &str) -> Result<()>;

    fn insert_account(&self, a: &NewAccount<'_>) -> Result<i64>;
    fn account_by_email(&self, email: &str) -> Result<Option<i64>>;
    fn set_password_hash(&self, account: i64, hash: &str) -> Result<()>;
    fn accounts(&self) -> Result<Vec<Account>>;

    fn insert_session(&self, hash: &str, account: i64, csrf: &str, expires_at: &str) -> Result<()>;
    fn delete_session(&self, hash: &str) -> Result<()>;
    fn delete_sessions_of(&self, account: i64) -> Result<()>;
    fn sessions(&self) -> Result<Vec<SessionRow>>;

    fn insert_token(&self, t: &NewToken<'_>) -> Result<()>;
    fn token(&self, hash: &str, purpose: &str) -> Result<Option<TokenRow>>;
    fn mark_token_used(&self, hash: &str, at: &str) -> Result<()>;
    /// Deletes the tokens expired at `now` (used or not: an expired link is refused either way).
    fn prune_tokens(&self, now: time::OffsetDateTime) -> Result<usize>;

    fn insert_registration(&self, email: &str, municipality: &str, data: &str, created_at: &str) -> Result<i64>;
    fn registration(&self, id: i64, municipality: &str) -> Result<Option<RegistrationRow>>;
    fn set_registration_status(&self, id: i64, status: &str, staff: i64) -> Result<()>;
    fn registrations(&self, municipality: &str) -> Result<Vec<RegistrationRow>>;

    /// Takes the next booking number (its booking id is set once known).
    fn take_number(&self, account: Option<i64>, created_at: &str) -> Result<i64>;
    fn set_number_booking(&self, number: i64, booking: &str) -> Result<()>;
    fn numbers(&self) -> Result<Vec<(i64, String)>>;

    fn queue_mail(&self, to: &str, subject: &str, body: &str, created_at: &str) -> Result<()>;
    fn outbox(&self, limit: u32) -> Result<Vec<MailRow>>;
    fn unsent_mail(&self, limit: u32) -> Result<Vec<MailRow>>;
    fn mark_mail_sent(&self, id: i64, at: &str) -> Result<()>;

    fn participation(&self, municipality: &str) -> Result<Option<String>>;
    fn set_participation(&self, municipality: &str, how: &str) -> Result<()>;
    fn profile(&self, facility: &str) -> Result<Option<String>>;
    fn set_profile(&self, facility: &str, profile: &str) -> Result<()>;

    /// (journal mode, synchronous level): what the durability tests assert.
    fn durability(&self) -> Result<(String, i64)>;
}

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

/// The directory of the database: where its snapshot files are.
fn snapshot_dir(conn: &Connection) -> Result<std::path::PathBuf> {
    let db = conn.path().filter(|p| !p.is_empty()).ok_or_else(|| StoreError("a database without a file".into()))?;
    Ok(Path::new(db).parent().map(Path::to_path_buf).unwrap_or_default())
}

fn mail_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MailRow> {
    Ok(MailRow {
        id: r.get(0)?,
        to: r.get(1)?,
        subject: r.get(2)?,
        body: r.get(3)?,
        created_at: r.get(4)?,
        sent_at: r.get(5)?,
    })
}

fn registration_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RegistrationRow> {
    Ok(RegistrationRow { id: r.get(0)?, email: r.get(1)?, data: r.get(2)?, status: r.get(3)?, created_at: r.get(4)? })
}

impl Store for Connection {
    fn log_event(&self, now: &str, op: &str) -> Result<()> {
        self.execute("INSERT INTO events (now, op) VALUES (?1, ?2)", params![now, op])?;
        Ok(())
    }

    fn events_after(&self, seq: i64) -> Result<Vec<(i64, String, String)>> {
        let mut stmt = self.prepare("SELECT seq, now, op FROM events WHERE seq > ?1 ORDER BY seq")?;
        let rows = stmt.query_map(params![seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn last_seq(&self) -> Result<i64> {
        Ok(self.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?)
    }

    fn latest_snapshot(&self) -> Result<Option<(i64, String)>> {
        let row: Option<(i64, String, Option<String>)> = self
            .query_row("SELECT seq, world, file FROM snapshots ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        Ok(match row {
            None => None,
            Some((seq, world, None)) => Some((seq, world)),
            Some((seq, _, Some(file))) => {
                let path = snapshot_dir(self)?.join(file);
                let text =
                    std::fs::read_to_string(&path).map_err(|e| StoreError(format!("{}: {e}", path.display())))?;
                Some((seq, text))
            }
        })
    }

    fn save_snapshot(&self, seq: i64, world: &str) -> Result<()> {
        // The file first, durably (written aside, fsynced, renamed, the directory fsynced), then its row:
        // a crash in between leaves an unreferenced file and the previous snapshot in force.
        let dir = snapshot_dir(self)?;
        let name = format!("snapshot-{seq}.json");
        let io = |e: std::io::Error| StoreError(format!("snapshot {}: {e}", dir.join(&name).display()));
        let tmp = dir.join(format!("{name}.tmp"));
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        std::io::Write::write_all(&mut f, world.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        drop(f);
        std::fs::rename(&tmp, dir.join(&name)).map_err(io)?;
        std::fs::File::open(&dir).and_then(|d| d.sync_all()).map_err(io)?;
        self.execute("INSERT OR REPLACE INTO snapshots (seq, world, file) VALUES (?1, '', ?2)", params![seq, name])?;
        let older: Vec<Option<String>> = {
            let mut stmt = self.prepare("SELECT file FROM snapshots WHERE seq < ?1")?;
            stmt.query_map(params![seq], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
        };
        self.execute("DELETE FROM snapshots WHERE seq < ?1", params![seq])?;
        for file in older.into_iter().flatten().filter(|f| *f != name) {
            let _ = std::fs::remove_file(dir.join(file));
        }
        Ok(())
    }

    fn insert_account(&self, a: &NewAccount<'_>) -> Result<i64> {
        self.execute(
            "INSERT INTO accounts (email, role, name, password_hash, facility, municipality, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![a.email, a.role.as_str(), a.name, a.password_hash, a.facility, a.municipality, a.created_at],
        )?;
        Ok(self.last_insert_rowid())
    }

    fn account_by_email(&self, email: &str) -> Result<Option<i64>> {
        Ok(self.query_row("SELECT id FROM accounts WHERE email = ?1", params![email], |r| r.get(0)).optional()?)
    }

    fn set_password_hash(&self, account: i64, hash: &str) -> Result<()> {
        self.execute("UPDATE accounts SET password_hash = ?1 WHERE id = ?2", params![hash, account])?;
        Ok(())
    }

    fn accounts(&self) -> Result<Vec<Account>> {
        let mut stmt =
            self.prepare("SELECT id, email, role, name, password_hash, facility, municipality FROM accounts")?;
        let rows = stmt.query_map([], |r| {
            Ok(Account {
                id: r.get(0)?,
                email: r.get(1)?,
                role: Role::parse(&r.get::<_, String>(2)?).unwrap_or(Role::Parent),
                name: r.get(3)?,
                password_hash: r.get(4)?,
                facility: r.get(5)?,
                municipality: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_session(&self, hash: &str, account: i64, csrf: &str, expires_at: &str) -> Result<()> {
        self.execute(
            "INSERT INTO sessions (token_hash, account, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![hash, account, csrf, expires_at],
        )?;
        Ok(())
    }

    fn delete_session(&self, hash: &str) -> Result<()> {
        self.execute("DELETE FROM sessions WHERE token_hash = ?1", params![hash])?;
        Ok(())
    }

    fn delete_sessions_of(&self, account: i64) -> Result<()> {
        self.execute("DELETE FROM sessions WHERE account = ?1", params![account])?;
        Ok(())
    }

    fn sessions(&self) -> Result<Vec<SessionRow>> {
        let mut stmt = self.prepare("SELECT token_hash, account, csrf, expires_at FROM sessions")?;
        let rows = stmt.query_map([], |r| {
            Ok(SessionRow { hash: r.get(0)?, account: r.get(1)?, csrf: r.get(2)?, expires_at: r.get(3)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_token(&self, t: &NewToken<'_>) -> Result<()> {
        self.execute(
            "INSERT INTO tokens (token_hash, purpose, account, email, municipality, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![t.hash, t.purpose, t.account, t.email, t.municipality, t.expires_at],
        )?;
        Ok(())
    }

    fn token(&self, hash: &str, purpose: &str) -> Result<Option<TokenRow>> {
        Ok(self
            .query_row(
                "SELECT account, email, municipality, expires_at, used_at FROM tokens
                 WHERE token_hash = ?1 AND purpose = ?2",
                params![hash, purpose],
                |r| {
                    Ok(TokenRow {
                        account: r.get(0)?,
                        email: r.get(1)?,
                        municipality: r.get(2)?,
                        expires_at: r.get(3)?,
                        used: r.get::<_, Option<String>>(4)?.is_some(),
                    })
                },
            )
            .optional()?)
    }

    fn mark_token_used(&self, hash: &str, at: &str) -> Result<()> {
        self.execute("UPDATE tokens SET used_at = ?1 WHERE token_hash = ?2", params![at, hash])?;
        Ok(())
    }

    fn prune_tokens(&self, now: time::OffsetDateTime) -> Result<usize> {
        // Stamps carry their offset: compare them as times, not as text.
        let mut stmt = self.prepare("SELECT token_hash, expires_at FROM tokens")?;
        let expired: Vec<String> = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .filter_map(|row| row.ok())
            .filter(|(_, at)| super::clock::parse_stamp(at).is_none_or(|t| t <= now))
            .map(|(hash, _)| hash)
            .collect();
        let mut delete = self.prepare("DELETE FROM tokens WHERE token_hash = ?1")?;
        for hash in &expired {
            delete.execute(params![hash])?;
        }
        Ok(expired.len())
    }

    fn insert_registration(&self, email: &str, municipality: &str, data: &str, created_at: &str) -> Result<i64> {
        self.execute(
            "INSERT INTO registrations (email, municipality, data, status, created_at) VALUES (?1, ?2, ?3, 'pending', ?4)",
            params![email, municipality, data, created_at],
        )?;
        Ok(self.last_insert_rowid())
    }

    fn registration(&self, id: i64, municipality: &str) -> Result<Option<RegistrationRow>> {
        Ok(self
            .query_row(
                "SELECT id, email, data, status, created_at FROM registrations WHERE id = ?1 AND municipality = ?2",
                params![id, municipality],
                registration_row,
            )
            .optional()?)
    }

    fn set_registration_status(&self, id: i64, status: &str, staff: i64) -> Result<()> {
        self.execute(
            "UPDATE registrations SET status = ?1, decided_by = ?2 WHERE id = ?3",
            params![status, staff, id],
        )?;
        Ok(())
    }

    fn registrations(&self, municipality: &str) -> Result<Vec<RegistrationRow>> {
        let mut stmt = self.prepare(
            "SELECT id, email, data, status, created_at FROM registrations WHERE municipality = ?1
             ORDER BY status != 'pending', id",
        )?;
        let rows = stmt.query_map(params![municipality], registration_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn take_number(&self, account: Option<i64>, created_at: &str) -> Result<i64> {
        self.execute(
            "INSERT INTO booking_numbers (booking, account, created_at) VALUES ('', ?1, ?2)",
            params![account, created_at],
        )?;
        Ok(self.last_insert_rowid())
    }

    fn set_number_booking(&self, number: i64, booking: &str) -> Result<()> {
        self.execute("UPDATE booking_numbers SET booking = ?1 WHERE number = ?2", params![booking, number])?;
        Ok(())
    }

    fn numbers(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.prepare("SELECT number, booking FROM booking_numbers")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn queue_mail(&self, to: &str, subject: &str, body: &str, created_at: &str) -> Result<()> {
        self.execute(
            "INSERT INTO outbox (recipient, subject, body, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![to, subject, body, created_at],
        )?;
        Ok(())
    }

    fn outbox(&self, limit: u32) -> Result<Vec<MailRow>> {
        let mut stmt = self.prepare(
            "SELECT id, recipient, subject, body, created_at, sent_at FROM outbox ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], mail_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn unsent_mail(&self, limit: u32) -> Result<Vec<MailRow>> {
        let mut stmt = self.prepare(
            "SELECT id, recipient, subject, body, created_at, sent_at FROM outbox WHERE sent_at IS NULL
             ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], mail_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn mark_mail_sent(&self, id: i64, at: &str) -> Result<()> {
        self.execute("UPDATE outbox SET sent_at = ?1 WHERE id = ?2", params![at, id])?;
        Ok(())
    }

    fn participation(&self, municipality: &str) -> Result<Option<String>> {
        Ok(self
            .query_row("SELECT participation FROM municipality_portal WHERE code = ?1", params![municipality], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn set_participation(&self, municipality: &str, how: &str) -> Result<()> {
        self.execute(
            "INSERT OR REPLACE INTO municipality_portal (code, participation) VALUES (?1, ?2)",
            params![municipality, how],
        )?;
        Ok(())
    }

    fn profile(&self, facility: &str) -> Result<Option<String>> {
        Ok(self
            .query_row("SELECT profile FROM facility_profiles WHERE facility = ?1", params![facility], |r| r.get(0))
            .optional()?)
    }

    fn set_profile(&self, facility: &str, profile: &str) -> Result<()> {
        self.execute(
            "INSERT OR REPLACE INTO facility_profiles (facility, profile) VALUES (?1, ?2)",
            params![facility, profile],
        )?;
        Ok(())
    }

    fn durability(&self) -> Result<(String, i64)> {
        let mode: String = self.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        let sync: i64 = self.pragma_query_value(None, "synchronous", |r| r.get(0))?;
        Ok((mode, sync))
    }
}
