//! What an admin sets up: campuses (added, renamed, retired and resumed, never deleted; terms
//! and their targets are `terms`). Each change is written to the audit log in the same
//! transaction.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use salon_protocol::CampusCode;

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::rows::{check_name, from_ts, ts, CampusRow};
use crate::error::{HqError, Result};

impl HqStore {
    // ---- campuses ----

    pub fn add_campus(
        &self,
        by: &Actor,
        code: &CampusCode,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let name = check_name(name, "name")?;
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "INSERT OR IGNORE INTO campuses (code, name, created_at) VALUES (?1, ?2, ?3)",
            params![code.as_str(), name, ts(now)],
        )?;
        if n == 0 {
            return Err(HqError::AlreadyExists("campus"));
        }
        let detail = format!("{} {name}", code.as_str());
        record(&tx, by, now, AuditAction::CampusAdded, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Every campus, retired ones too (their figures stay in the reports).
    pub fn campuses(&self) -> Result<Vec<CampusRow>> {
        let conn = self.read();
        let mut stmt = conn.prepare("SELECT code, name, retired_at FROM campuses ORDER BY code")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CampusRow {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    retired_at: r.get::<_, Option<i64>>(2)?.map(from_ts),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn rename_campus(
        &self,
        by: &Actor,
        code: &CampusCode,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let name = check_name(name, "name")?;
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let old = campus_name(&tx, code)?;
        if old == name {
            return Ok(());
        }
        tx.execute(
            "UPDATE campuses SET name = ?1 WHERE code = ?2",
            params![name, code.as_str()],
        )?;
        let detail = format!("{}: {old} → {name}", code.as_str());
        record(&tx, by, now, AuditAction::CampusRenamed, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Retires a campus (no new enrolment codes for it; devices already enrolled keep
    /// sending its corrections) or resumes it.
    pub fn set_campus_retired(
        &self,
        by: &Actor,
        code: &CampusCode,
        retire: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let name = campus_name(&tx, code)?;
        let retired_at = retire.then_some(ts(now));
        tx.execute(
            "UPDATE campuses SET retired_at = ?1 WHERE code = ?2",
            params![retired_at, code.as_str()],
        )?;
        let action = if retire {
            AuditAction::CampusRetired
        } else {
            AuditAction::CampusResumed
        };
        record(&tx, by, now, action, &format!("{} {name}", code.as_str()))?;
        tx.commit()?;
        Ok(())
    }
}

/// The name of a campus that must exist.
fn campus_name(conn: &rusqlite::Connection, code: &CampusCode) -> Result<String> {
    conn.query_row(
        "SELECT name FROM campuses WHERE code = ?1",
        [code.as_str()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(HqError::NotFound)
}
