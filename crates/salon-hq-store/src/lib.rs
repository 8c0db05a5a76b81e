//! Headquarters' SQLite database in WAL mode: one connection writes (behind a mutex, so uploads
//! and admin changes take turns), and a small pool of read-only connections reads beside it, so
//! the dashboard does not wait behind uploads. Append-only migrations are applied at open.
//! Every method is synchronous; the web layer calls them from `tokio::task::spawn_blocking`.
//! Callers pass the current time, so the store has no clock (but for the lines the audit chain
//! writes about itself, which no caller asks for: see `audit_state`).
//!
//! One module per kind of record: `admins` (accounts and sessions), `setup` (campuses and
//! targets), `devices` (enrolment codes and devices), `ingest` (uploads, written
//! in groups of one commit), `snapshots` (storing snapshots and the figures read from them),
//! `releases` (months under noise, kept as first received), `events` (related activities by
//! kind), `terms` (事業期間 and their targets), `audit` (操作記録; `audit_chain`,
//! `audit_check`, `audit_files`, `audit_state`, `audit_tally` and `audit_verify`: its lines
//! chained by MACs under a key kept beside the database), `history` (where each figure came
//! from, and quiet devices).

mod abandoned;
mod admins;
pub mod audit;
pub mod audit_chain;
mod audit_check;
pub mod audit_files;
mod audit_state;
mod audit_tally;
#[cfg(test)]
mod audit_tests;
mod audit_verify;
mod devices;
pub mod error;
mod events;
pub mod figures;
mod first_admin;
mod history;
mod ingest;
mod logins;
mod organisation;
pub mod path_decisions;
mod releases;
pub mod secret;
mod setup;
pub mod signed;
mod snapshots;
mod supporters;
mod survey_answers;
mod survey_forms;
mod survey_templates;
mod survey_types;
pub mod surveys;
pub mod terms;
#[cfg(test)]
mod tests;
pub mod tokyo;

pub use abandoned::{caller_gone, watching};
pub use admins::{AdminRow, Role, MIN_PASSWORD_CHARS};
pub use audit::{Actor, AuditAction, AuditEntry, AUDIT_PAGE};
pub use audit_check::{planted, AuditCheck, AuditNotice, AuditProblem, BadLine, Planted};
pub use audit_verify::{verify_file, Verified};
pub use error::HqError;
pub use events::EventMonth;
pub use first_admin::SETUP_LINK_SECS;
pub use history::{DayRevision, QUIET_DAYS};
pub use logins::{KnownBrowser, LoginResult, LOGIN_DELAY_CAP_SECS};
pub use organisation::{Organisation, MAX_CONTACT_CHARS};
pub use path_decisions::{HeldPathRelease, PathTerm};
pub use releases::{HeldRelease, ReleaseTotals};
pub use supporters::SupporterTotals;
pub use terms::{EventTarget, Targets, Term, TermInput};

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use salon_protocol::{CampusCode, DayCounts, DayField, Month};

use crate::error::Result;

/// Every migration, in order: the 1.0 baseline, then one file per later change. Never edit or
/// reorder one that has shipped: append a new one, tested from the 1.0 data-folder fixture.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_baseline",
        include_str!("../migrations/0001_baseline.sql"),
    ),
    (
        "0002_survey_anonymity",
        include_str!("../migrations/0002_survey_anonymity.sql"),
    ),
    (
        AUDIT_CHAIN_MIGRATION,
        include_str!("../migrations/0003_audit_chain.sql"),
    ),
    ("0004_logins", include_str!("../migrations/0004_logins.sql")),
    (
        "0005_survey_form",
        include_str!("../migrations/0005_survey_form.sql"),
    ),
    (
        "0006_report_names",
        include_str!("../migrations/0006_report_names.sql"),
    ),
    (
        "0007_month_totals",
        include_str!("../migrations/0007_month_totals.sql"),
    ),
];

/// The migration that adds each audit line's MAC; the lines already there are chained in its
/// transaction (`audit_chain::chain_existing`).
const AUDIT_CHAIN_MIGRATION: &str = "0003_audit_chain";

/// The schema version from which a database's audit lines carry MACs: a database below it is
/// from before the chain (or was set back to look so).
pub fn chain_version() -> usize {
    MIGRATIONS
        .iter()
        .position(|(name, _)| *name == AUDIT_CHAIN_MIGRATION)
        .map_or(0, |i| i + 1)
}

/// How long an enrolment code is valid after it is issued.
pub const CODE_LIFETIME_SECS: i64 = 15 * 60;
/// How long an admin session lasts after login.
pub const SESSION_LIFETIME_SECS: i64 = 8 * 60 * 60;
/// How long a session lasts without a request.
pub const SESSION_IDLE_SECS: i64 = 30 * 60;
/// The longest supporter or campus name accepted.
pub const MAX_NAME_CHARS: usize = 100;

/// How many connections read beside the writer.
pub const READERS: usize = 4;

#[derive(Debug)]
pub struct HqStore {
    writer: Mutex<Connection>,
    /// The audit chain's key and head file (`audit_state.rs`).
    audit: audit_state::AuditState,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// Uploads waiting for the writer (see `ingest`).
    queue: Mutex<Vec<ingest::Pending>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampusRow {
    pub code: String,
    pub name: String,
    /// When it stopped taking new devices; its figures stay.
    pub retired_at: Option<DateTime<Utc>>,
}

/// The three headline targets for exactly the months `from..=to`, as the command line's
/// `set-target` gives them (see `HqStore::set_target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub from: Month,
    pub to: Month,
    pub schools: u32,
    pub sessions: u32,
    pub visits: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: i64,
    pub supporter: String,
    pub campuses: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When a new laptop last took the device over (its backup restored there).
    pub taken_over_at: Option<DateTime<Utc>>,
    pub last_upload_at: Option<DateTime<Utc>>,
    /// The app version (semver) it last named; none before it named one.
    pub app_version: Option<String>,
}

/// A code as issued: shown once to the admin, never stored in the clear.
#[derive(Clone)]
pub struct IssuedCode {
    pub code: String,
    pub supporter: String,
    pub campuses: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for IssuedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCode")
            .field("code", &"..")
            .field("campuses", &self.campuses)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A code issued and not yet used, as the codes page lists it (never the code itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCode {
    /// The row, for cancelling it.
    pub id: i64,
    pub supporter: String,
    pub campuses: Vec<String>,
    pub expires_at: DateTime<Utc>,
    /// The device a takeover code takes over.
    pub takes_over: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminSession {
    pub admin_id: i64,
    pub name: String,
    pub role: Role,
    /// The hash of this session's id, so a password change can end the others.
    pub(crate) id_hash: Vec<u8>,
}

impl AdminSession {
    pub fn may_change(&self) -> bool {
        self.role == Role::Manager
    }
}

/// One campus's day figures for one month, summed over days and over each device's latest
/// snapshot of each day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTotals {
    pub campus: String,
    pub month: Month,
    pub counts: DayCounts,
}

/// An authenticated device.
#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub(crate) id: i64,
    pub(crate) campuses: BTreeSet<CampusCode>,
    /// The app version it last named, as held.
    pub(crate) app_version: Option<String>,
}

/// The day figures of a row, from column `first` on, in `DayField` order.
pub(crate) fn counts_from(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<DayCounts> {
    let mut counts = DayCounts::default();
    for (i, f) in DayField::ALL.iter().enumerate() {
        let n: i64 = r.get(first + i)?;
        // A sum past u32 cannot be true: an error, never a clamp.
        let n =
            u32::try_from(n).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(first + i, n))?;
        counts.set(*f, n);
    }
    Ok(counts)
}

/// A device's release keys as stored: the three text columns `sql` selects for the device
/// (its one parameter), for the caller to parse.
pub(crate) fn key_rows(conn: &Connection, sql: &str, device: i64) -> Result<Vec<[String; 3]>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([device], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?]))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub(crate) fn from_ts(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

pub(crate) fn check_name(name: &str, field: &'static str) -> Result<String> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(HqError::BadForm(field));
    }
    Ok(name.to_owned())
}

impl HqStore {
    /// Opens (or creates) the database at `path` and migrates it to the latest version. The
    /// audit key beside it (`path` + `.audit-key`) is read, or made when no audit line has a
    /// MAC yet. A database holding a trigger or view (the schema has none) is refused.
    pub fn open(path: &Path) -> Result<HqStore> {
        let mut writer = Connection::open(path)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        writer.pragma_update(None, "synchronous", "FULL")?;
        writer.pragma_update(None, "foreign_keys", "ON")?;
        // What is deleted is overwritten, not left in free pages for whoever copies the file.
        writer.pragma_update(None, "secure_delete", "ON")?;
        writer.busy_timeout(std::time::Duration::from_secs(5))?;
        // Before anything is written or a key made: a trigger planted in the file could drop
        // the lines written from now on, chosen ones only, with the chain still holding.
        if let Some(planted) = audit_check::planted(&writer)? {
            return Err(HqError::AuditTampered(planted.refused_ja()));
        }
        let audit = audit_state::AuditState::open(path, &writer)?;
        migrate(&mut writer, &audit.key)?;
        audit.settle(&writer)?;
        let readers = (0..READERS)
            .map(|_| {
                let conn = Connection::open(path)?;
                // A reader cannot write, whatever a caller asks of it.
                conn.pragma_update(None, "query_only", "ON")?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                abandoned::stop_when_abandoned(&conn);
                Ok(Mutex::new(conn))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(HqStore {
            writer: Mutex::new(writer),
            audit,
            readers,
            next_reader: AtomicUsize::new(0),
            queue: Mutex::new(Vec::new()),
        })
    }

    /// The connection that writes. A panic while holding it leaves no half-written
    /// transaction (it rolls back on drop), so the connection is still usable. Letting it go
    /// after writing an audit line brings the audit head file up to date.
    pub(crate) fn write(&self) -> audit_state::Writer<'_> {
        audit_state::Writer {
            conn: self.writer.lock().unwrap_or_else(|p| p.into_inner()),
            audit: &self.audit,
        }
    }

    fn queued(&self) -> MutexGuard<'_, Vec<ingest::Pending>> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A reading connection: a free one if any, else the next in turn. Each statement sees the
    /// database as of its start (WAL), never half an upload.
    pub(crate) fn read(&self) -> MutexGuard<'_, Connection> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let n = self.readers.len();
        for i in 0..n {
            if let Ok(conn) = self.readers[(start + i) % n].try_lock() {
                return conn;
            }
        }
        self.readers[start % n]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    pub fn schema_version(&self) -> Result<usize> {
        version(&self.read())
    }

    /// The schema as SQLite holds it, one "type name: SQL" line per table, index, trigger and
    /// view, sorted: a database migrated from an earlier version holds exactly what a new one
    /// does (`tests/tests/migrations.rs`).
    pub fn schema(&self) -> Result<Vec<String>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every problem SQLite finds in the database (its b-trees, then foreign keys), empty when
    /// it is whole.
    pub fn check_integrity(&self) -> Result<Vec<String>> {
        let conn = self.read();
        let mut problems: Vec<String> = conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|line| line != "ok")
            .collect();
        let mut fk = conn.prepare("PRAGMA foreign_key_check")?;
        let broken = fk.query_map([], |r| {
            Ok(format!(
                "foreign key: {} row {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default()
            ))
        })?;
        for line in broken {
            problems.push(line?);
        }
        Ok(problems)
    }

    /// Rows in one of the server's tables (for tests and `admin` scripting).
    pub fn count_rows(&self, table: &str) -> Result<i64> {
        const TABLES: &[&str] = &[
            "admins",
            "admin_sessions",
            "campuses",
            "terms",
            "enrolment_codes",
            "devices",
            "device_campuses",
            "uploads",
            "day_snapshots",
            "month_totals",
            "campus_month_totals",
            "month_releases",
            "month_snapshots",
            "event_snapshots",
            "event_counts",
            "audit_log",
            "setup_links",
            "surveys",
            "survey_links",
            "survey_responses",
            "survey_answers",
        ];
        if !TABLES.contains(&table) {
            return Err(HqError::NotFound);
        }
        let n = self
            .read()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(n)
    }
}

fn version(conn: &Connection) -> Result<usize> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok(v as usize)
}

/// Applies the migrations after the database's version, each in its own transaction with its
/// `user_version` bump. Foreign keys are off meanwhile, as SQLite asks for a migration that
/// rebuilds a table (dropping the old one would otherwise cascade to its children), and every
/// key is checked before the migration commits.
fn migrate(conn: &mut Connection, key: &audit_chain::AuditKey) -> Result<()> {
    let current = version(conn)?;
    if current > MIGRATIONS.len() {
        return Err(HqError::Internal("database is newer than this server"));
    }
    if current == MIGRATIONS.len() {
        return Ok(());
    }
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = (|| {
        for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            if *name == AUDIT_CHAIN_MIGRATION {
                audit_chain::chain_existing(&tx, key)?;
            }
            let broken: bool = tx.prepare("PRAGMA foreign_key_check")?.exists([])?;
            if broken {
                return Err(HqError::Internal("a migration broke a foreign key"));
            }
            tx.pragma_update(None, "user_version", (index + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", "ON")?;
    result?;
    if (1..SURVEY_ANONYMITY_VERSION).contains(&current) {
        // A 1.0 database kept each answer's time: rebuild the file so no free page, and no
        // write-ahead log, still holds one.
        conn.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")?;
    }
    Ok(())
}

/// The schema version from which survey answers keep their day and not their time.
const SURVEY_ANONYMITY_VERSION: usize = 2;
