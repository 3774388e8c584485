//! The day of use's and the municipality's tables: check-in code keys and static codes, activity
//! records, extras and payments, month closes with their frozen claim lines, and the audit log.
//! [`DayStore`] is a part of [`super::store::Store`] (a supertrait), kept in its own file.

use rusqlite::{Connection, OptionalExtension, params};

use super::store::Result;

/// Migration 2: the tables of this file.
pub(crate) const SCHEMA: &str = "CREATE TABLE checkin_keys (
        id INTEGER PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL
     );
     CREATE TABLE static_codes (
        id INTEGER PRIMARY KEY,
        facility TEXT NOT NULL,
        code_hash TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
     );
     CREATE TABLE activity_records (
        id INTEGER PRIMARY KEY,
        booking TEXT NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        staff INTEGER NOT NULL REFERENCES accounts(id),
        created_at TEXT NOT NULL
     );
     CREATE INDEX activity_records_booking ON activity_records (booking);
     CREATE TABLE extras (
        id INTEGER PRIMARY KEY,
        booking TEXT NOT NULL,
        item TEXT NOT NULL,
        price_yen INTEGER NOT NULL CHECK (price_yen >= 0),
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        staff INTEGER NOT NULL REFERENCES accounts(id),
        created_at TEXT NOT NULL
     );
     CREATE INDEX extras_booking ON extras (booking);
     CREATE TABLE payments (
        id INTEGER PRIMARY KEY,
        booking TEXT NOT NULL,
        amount_yen INTEGER NOT NULL CHECK (amount_yen > 0),
        staff INTEGER NOT NULL REFERENCES accounts(id),
        received_at TEXT NOT NULL
     );
     CREATE INDEX payments_booking ON payments (booking);
     CREATE TABLE month_closes (
        municipality TEXT NOT NULL,
        month TEXT NOT NULL,
        staff INTEGER NOT NULL REFERENCES accounts(id),
        closed_at TEXT NOT NULL,
        PRIMARY KEY (municipality, month)
     );
     CREATE TABLE claim_lines (
        id INTEGER PRIMARY KEY,
        municipality TEXT NOT NULL,
        month TEXT NOT NULL,
        facility TEXT NOT NULL,
        payer TEXT NOT NULL,
        for_month TEXT NOT NULL,
        bookings INTEGER NOT NULL,
        yen INTEGER NOT NULL
     );
     CREATE INDEX claim_lines_month ON claim_lines (municipality, month);
     CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        account INTEGER NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        municipality TEXT NOT NULL,
        facility TEXT,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL
     );
     CREATE INDEX audit_municipality ON audit (municipality, id);";

/// A static (printed) check-in code's row; the code itself is stored hashed only.
pub(crate) struct StaticCodeRow {
    pub id: i64,
    pub facility: String,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// An activity record (行動記録).
pub(crate) struct RecordRow {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub text: String,
    pub created_at: String,
}

/// An extra (meal, snack) sold with a booking.
pub(crate) struct ExtraRow {
    pub item: String,
    pub price_yen: i64,
    pub quantity: i64,
}

/// A claim line: of a closed month (`month`), for the month it bills (`for_month`: the same month,
/// or an earlier closed month it corrects).
#[derive(Clone, Debug)]
pub(crate) struct ClaimLineRow {
    pub facility: String,
    pub payer: String,
    pub for_month: String,
    pub bookings: i64,
    pub yen: i64,
}

/// An audit entry: who, when, what.
pub(crate) struct AuditRow {
    pub id: i64,
    pub at: String,
    pub account: i64,
    pub name: String,
    pub role: String,
    pub municipality: String,
    pub facility: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// The day of use's and the municipality's storage (see the file's head).
pub(crate) trait DayStore {
    /// The check-in signing keys, newest first: (id, secret in hex, created at).
    fn checkin_keys(&self) -> Result<Vec<(i64, String, String)>>;
    /// Adds a key (it becomes the current one) and drops all but the two newest.
    fn add_checkin_key(&self, secret: &str, at: &str) -> Result<i64>;

    fn insert_static_code(&self, facility: &str, hash: &str, label: &str, at: &str) -> Result<i64>;
    fn static_code(&self, hash: &str) -> Result<Option<StaticCodeRow>>;
    fn static_codes(&self, facility: &str) -> Result<Vec<StaticCodeRow>>;
    /// Revokes a facility's code; false when it has no such code (or it was revoked already).
    fn revoke_static_code(&self, id: i64, facility: &str, at: &str) -> Result<bool>;

    fn insert_record(&self, booking: &str, at: &str, kind: &str, text: &str, staff: i64, created: &str) -> Result<i64>;
    fn records(&self, booking: &str) -> Result<Vec<RecordRow>>;

    fn insert_extra(
        &self,
        booking: &str,
        item: &str,
        price_yen: i64,
        quantity: i64,
        staff: i64,
        at: &str,
    ) -> Result<()>;
    fn extras(&self, booking: &str) -> Result<Vec<ExtraRow>>;
    fn insert_payment(&self, booking: &str, amount_yen: i64, staff: i64, at: &str) -> Result<()>;
    /// Payments received: (amount, when).
    fn payments(&self, booking: &str) -> Result<Vec<(i64, String)>>;

    /// When a municipality closed a month, if it did.
    fn month_closed(&self, municipality: &str, month: &str) -> Result<Option<String>>;
    /// The months a municipality has closed, oldest first.
    fn closed_months(&self, municipality: &str) -> Result<Vec<String>>;
    fn close_month(&self, municipality: &str, month: &str, staff: i64, at: &str, lines: &[ClaimLineRow]) -> Result<()>;
    /// The frozen lines of a closed month.
    fn claim_lines_of(&self, municipality: &str, month: &str) -> Result<Vec<ClaimLineRow>>;
    /// Every frozen line that bills `for_month` (its own close and the corrections after it).
    fn settled(&self, municipality: &str, for_month: &str) -> Result<Vec<ClaimLineRow>>;

    fn insert_audit(&self, e: &AuditRow) -> Result<()>;
    /// A municipality's audit entries, newest first.
    fn audit(&self, municipality: &str, limit: u32) -> Result<Vec<AuditRow>>;
}

fn static_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaticCodeRow> {
    Ok(StaticCodeRow {
        id: r.get(0)?,
        facility: r.get(1)?,
        label: r.get(2)?,
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
    })
}

fn line_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClaimLineRow> {
    Ok(ClaimLineRow {
        facility: r.get(0)?,
        payer: r.get(1)?,
        for_month: r.get(2)?,
        bookings: r.get(3)?,
        yen: r.get(4)?,
    })
}

impl DayStore for Connection {
    fn checkin_keys(&self) -> Result<Vec<(i64, String, String)>> {
        let mut stmt = self.prepare("SELECT id, secret, created_at FROM checkin_keys ORDER BY id DESC")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn add_checkin_key(&self, secret: &str, at: &str) -> Result<i64> {
        self.execute("INSERT INTO checkin_keys (secret, created_at) VALUES (?1, ?2)", params![secret, at])?;
        let id = self.last_insert_rowid();
        self.execute(
            "DELETE FROM checkin_keys WHERE id NOT IN (SELECT id FROM checkin_keys ORDER BY id DESC LIMIT 2)",
            [],
        )?;
        Ok(id)
    }

    fn insert_static_code(&self, facility: &str, hash: &str, label: &str, at: &str) -> Result<i64> {
        self.execute(
            "INSERT INTO static_codes (facility, code_hash, label, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![facility, hash, label, at],
        )?;
        Ok(self.last_insert_rowid())
    }

    fn static_code(&self, hash: &str) -> Result<Option<StaticCodeRow>> {
        Ok(self
            .query_row(
                "SELECT id, facility, label, created_at, revoked_at FROM static_codes WHERE code_hash = ?1",
                params![hash],
                static_row,
            )
            .optional()?)
    }

    fn static_codes(&self, facility: &str) -> Result<Vec<StaticCodeRow>> {
        let mut stmt = self.prepare(
            "SELECT id, facility, label, created_at, revoked_at FROM static_codes WHERE facility = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![facility], static_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn revoke_static_code(&self, id: i64, facility: &str, at: &str) -> Result<bool> {
        let n = self.execute(
            "UPDATE static_codes SET revoked_at = ?1 WHERE id = ?2 AND facility = ?3 AND revoked_at IS NULL",
            params![at, id, facility],
        )?;
        Ok(n == 1)
    }

    fn insert_record(&self, booking: &str, at: &str, kind: &str, text: &str, staff: i64, created: &str) -> Result<i64> {
        self.execute(
            "INSERT INTO activity_records (booking, at, kind, text, staff, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![booking, at, kind, text, staff, created],
        )?;
        Ok(self.last_insert_rowid())
    }

    fn records(&self, booking: &str) -> Result<Vec<RecordRow>> {
        let mut stmt = self.prepare(
            "SELECT id, at, kind, text, created_at FROM activity_records WHERE booking = ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map(params![booking], |r| {
            Ok(RecordRow { id: r.get(0)?, at: r.get(1)?, kind: r.get(2)?, text: r.get(3)?, created_at: r.get(4)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_extra(
        &self,
        booking: &str,
        item: &str,
        price_yen: i64,
        quantity: i64,
        staff: i64,
        at: &str,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO extras (booking, item, price_yen, quantity, staff, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![booking, item, price_yen, quantity, staff, at],
        )?;
        Ok(())
    }

    fn extras(&self, booking: &str) -> Result<Vec<ExtraRow>> {
        let mut stmt = self.prepare("SELECT item, price_yen, quantity FROM extras WHERE booking = ?1 ORDER BY id")?;
        let rows = stmt.query_map(params![booking], |r| {
            Ok(ExtraRow { item: r.get(0)?, price_yen: r.get(1)?, quantity: r.get(2)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_payment(&self, booking: &str, amount_yen: i64, staff: i64, at: &str) -> Result<()> {
        self.execute(
            "INSERT INTO payments (booking, amount_yen, staff, received_at) VALUES (?1, ?2, ?3, ?4)",
            params![booking, amount_yen, staff, at],
        )?;
        Ok(())
    }

    fn payments(&self, booking: &str) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.prepare("SELECT amount_yen, received_at FROM payments WHERE booking = ?1 ORDER BY id")?;
        let rows = stmt.query_map(params![booking], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn month_closed(&self, municipality: &str, month: &str) -> Result<Option<String>> {
        Ok(self
            .query_row(
                "SELECT closed_at FROM month_closes WHERE municipality = ?1 AND month = ?2",
                params![municipality, month],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn closed_months(&self, municipality: &str) -> Result<Vec<String>> {
        let mut stmt = self.prepare("SELECT month FROM month_closes WHERE municipality = ?1 ORDER BY month")?;
        let rows = stmt.query_map(params![municipality], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn close_month(&self, municipality: &str, month: &str, staff: i64, at: &str, lines: &[ClaimLineRow]) -> Result<()> {
        self.execute(
            "INSERT INTO month_closes (municipality, month, staff, closed_at) VALUES (?1, ?2, ?3, ?4)",
            params![municipality, month, staff, at],
        )?;
        for l in lines {
            self.execute(
                "INSERT INTO claim_lines (municipality, month, facility, payer, for_month, bookings, yen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![municipality, month, l.facility, l.payer, l.for_month, l.bookings, l.yen],
            )?;
        }
        Ok(())
    }

    fn claim_lines_of(&self, municipality: &str, month: &str) -> Result<Vec<ClaimLineRow>> {
        let mut stmt = self.prepare(
            "SELECT facility, payer, for_month, bookings, yen FROM claim_lines WHERE municipality = ?1 AND month = ?2
             ORDER BY for_month DESC, facility, payer",
        )?;
        let rows = stmt.query_map(params![municipality, month], line_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn settled(&self, municipality: &str, for_month: &str) -> Result<Vec<ClaimLineRow>> {
        let mut stmt = self.prepare(
            "SELECT facility, payer, for_month, bookings, yen FROM claim_lines WHERE municipality = ?1 AND for_month = ?2",
        )?;
        let rows = stmt.query_map(params![municipality, for_month], line_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_audit(&self, e: &AuditRow) -> Result<()> {
        self.execute(
            "INSERT INTO audit (at, account, name, role, municipality, facility, action, target, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![e.at, e.account, e.name, e.role, e.municipality, e.facility, e.action, e.target, e.detail],
        )?;
        Ok(())
    }

    fn audit(&self, municipality: &str, limit: u32) -> Result<Vec<AuditRow>> {
        let mut stmt = self.prepare(
            "SELECT id, at, account, name, role, municipality, facility, action, target, detail FROM audit
             WHERE municipality = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![municipality, limit], |r| {
            Ok(AuditRow {
                id: r.get(0)?,
                at: r.get(1)?,
                account: r.get(2)?,
                name: r.get(3)?,
                role: r.get(4)?,
                municipality: r.get(5)?,
                facility: r.get(6)?,
                action: r.get(7)?,
                target: r.get(8)?,
                detail: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
