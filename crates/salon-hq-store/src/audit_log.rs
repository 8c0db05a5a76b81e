//! The 操作記録 as the admin web and the operator's commands read it: a page of lines, and the
//! chain checked against the head file (`audit_state`), now or at a checkpoint.

use rusqlite::params;

use crate::audit::{AuditAction, AuditEntry, AUDIT_PAGE};
use crate::audit_chain::{self, AuditHead};
use crate::audit_check::AuditCheck;
use crate::audit_state::check_against_head;
use crate::database::HqStore;
use crate::error::Result;
use crate::rows::from_ts;

impl HqStore {
    /// The newest lines first, older than line `before` when given.
    pub fn audit_log(&self, before: Option<i64>) -> Result<Vec<AuditEntry>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT id, at, actor, action, detail FROM audit_log
             WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(
                params![before.unwrap_or(i64::MAX), AUDIT_PAGE as i64],
                |r| {
                    Ok(AuditEntry {
                        id: r.get(0)?,
                        at: from_ts(r.get(1)?),
                        actor: r.get(2)?,
                        action: AuditAction::parse(&r.get::<_, String>(3)?),
                        detail: r.get(4)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

impl HqStore {
    /// Checks the whole 操作記録: every line's MAC, and that it still ends where the head
    /// file, and `expected` (a count and last MAC from the server log) when given, say.
    pub fn check_audit(&self, expected: Option<(u64, Vec<u8>)>) -> Result<AuditCheck> {
        check_against_head(
            || self.read(),
            &self.audit.key,
            &self.audit.head_path,
            expected,
        )
    }

    /// Brings the head file up to date and checks the log: `serve` at start, daily and at
    /// shutdown.
    pub fn audit_checkpoint(&self) -> Result<AuditCheck> {
        self.audit.advance(&self.write())?;
        self.check_audit(None)
    }

    /// Writes the head file from the log as it is now, whatever it said: after a restore,
    /// whose database ends where the backup did.
    pub fn reset_audit_head(&self) -> Result<()> {
        let conn = self.write();
        self.audit.tally.forget();
        let head = audit_chain::extend(&conn, &self.audit.key, &AuditHead::EMPTY)?;
        match head {
            Some(head) => self.audit.write_head(&head),
            None => {
                let _ = std::fs::remove_file(&self.audit.head_path);
                Ok(())
            }
        }
    }
}
