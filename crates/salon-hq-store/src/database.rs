//! The database itself: [`HqStore`] opens (or creates) it in WAL mode, migrates it, and hands
//! out its one writer (behind a mutex, so uploads and admin changes take turns) and its
//! read-only connections. Every other module adds the methods of one kind of record.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

use crate::error::{HqError, Result};
use crate::migrations::migrate;
use crate::rows::user_version;
use crate::upload_queue::Pending;
use crate::{abandoned, audit_check, audit_state};

/// How many connections read beside the writer.
pub const READERS: usize = 4;

#[derive(Debug)]
pub struct HqStore {
    writer: Mutex<Connection>,
    /// The audit chain's key and head file (`audit_state.rs`).
    pub(crate) audit: audit_state::AuditState,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// Uploads waiting for the writer (see `ingest`).
    queue: Mutex<Vec<Pending>>,
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

    pub(crate) fn queued(&self) -> MutexGuard<'_, Vec<Pending>> {
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
        user_version(&self.read())
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
            "releases",
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
