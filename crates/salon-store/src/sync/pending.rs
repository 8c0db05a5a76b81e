//! What leaves in one sync: the upload waiting to be sent with its idempotency key, and the
//! local log of every upload tried (the supporter's own record of what left the laptop).

use rusqlite::params;
use salon_protocol::Upload;
use serde::Serialize;

use crate::error::Result;
use crate::rows::stamp;
use crate::vault::Store;

/// An upload stays under this size, well within headquarters' limit.
pub const UPLOAD_BUDGET_BYTES: usize = salon_protocol::MAX_BODY_BYTES / 2;

/// The snapshots waiting to be sent, as one upload with its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpload {
    pub upload: Upload,
    /// The exact JSON that goes on the wire (and into the log).
    pub payload: String,
    /// Derived from the payload: a retry of the same upload carries the same key.
    pub idempotency_key: String,
    /// The local campus of each of `upload.releases`, in order: what is marked sent.
    pub(crate) release_campuses: Vec<i64>,
}

impl PendingUpload {
    pub fn is_empty(&self) -> bool {
        self.upload.is_empty()
    }
}

/// One line of the local sync log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncLogEntry {
    pub at: String,
    pub outcome: String,
    /// The receipt (as JSON) or the error code.
    pub detail: String,
    pub payload: String,
}

impl Store {
    /// The upload failed: logged with the error code; the outbox keeps waiting.
    pub fn record_failed(&mut self, pending: &PendingUpload, code: &str) -> Result<()> {
        log(&self.conn, pending, "failed", code)
    }

    /// The latest uploads tried, newest first.
    pub fn sync_log(&self, limit: u32) -> Result<Vec<SyncLogEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, outcome, detail, payload FROM sync_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(SyncLogEntry {
                at: r.get(0)?,
                outcome: r.get(1)?,
                detail: r.get(2)?,
                payload: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

pub(super) fn log(
    conn: &rusqlite::Connection,
    pending: &PendingUpload,
    outcome: &str,
    detail: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_log (at, idempotency_key, payload, outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![stamp(), pending.idempotency_key, pending.payload, outcome, detail],
    )?;
    Ok(())
}
