//! The device side of reporting to headquarters: the enrolment, the outbox of count snapshots
//! and the log of what was sent. Only counts are computed here (by salon-core's rules) and only
//! salon-protocol's types are prepared for sending.

#[cfg(test)]
mod correction_tests;
#[cfg(test)]
mod event_tests;
mod facts;
mod outbox;
#[cfg(test)]
mod path_decision_tests;
mod path_decisions;
mod preview;
#[cfg(test)]
mod release_tests;
mod releases;
#[cfg(test)]
pub(crate) mod tests;
mod today;
#[cfg(test)]
mod today_tests;

pub use outbox::HeldBack;
pub use preview::{OutboxPreview, ReleaseToDraw};

use rusqlite::{params, OptionalExtension};
use salon_protocol::{CampusCode, DeviceConfig, DeviceToken, Enrolment, PathCalendar, Upload};
use serde::Serialize;

use crate::error::Result;
use crate::rows::stamp;
use crate::vault::Store;

/// An upload stays under this size, well within headquarters' limit.
pub const UPLOAD_BUDGET_BYTES: usize = salon_protocol::MAX_BODY_BYTES / 2;

/// Where this laptop reports. The token's `Debug` shows nothing.
#[derive(Debug, Clone)]
pub struct HqEnrolment {
    pub hq_url: String,
    pub token: DeviceToken,
    pub campuses: Vec<CampusCode>,
    /// The periods path decisions are released for, as headquarters last sent them.
    pub path_calendar: PathCalendar,
    pub enrolled_at: String,
}

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
    pub fn save_enrolment(&mut self, hq_url: &str, enrolment: &Enrolment) -> Result<()> {
        let campuses = serde_json::to_string(&enrolment.campuses).unwrap_or_default();
        self.conn.execute(
            "INSERT INTO hq_enrolment (id, hq_url, token, campuses, enrolled_at, path_calendar)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET hq_url = excluded.hq_url, token = excluded.token,
               campuses = excluded.campuses, path_calendar = excluded.path_calendar,
               enrolled_at = excluded.enrolled_at",
            params![
                hq_url,
                &*enrolment.token,
                campuses,
                stamp(),
                calendar_json(&enrolment.path_calendar)
            ],
        )?;
        Ok(())
    }

    pub fn enrolment(&self) -> Result<Option<HqEnrolment>> {
        enrolment_in(&self.conn)
    }

    /// Headquarters' current campuses and path calendar, fetched before a sync, and the
    /// releases it already holds from this laptop (never drawn or sent again).
    pub fn update_device_config(&mut self, config: &DeviceConfig) -> Result<()> {
        let campuses = serde_json::to_string(&config.campuses).unwrap_or_default();
        let tx = self.conn.transaction()?;
        releases::mark_held(&tx, &config.releases_held)?;
        path_decisions::mark_paths_held(&tx, &config.path_releases_held)?;
        tx.execute(
            "UPDATE hq_enrolment SET campuses = ?1, path_calendar = ?2 WHERE id = 1",
            params![campuses, calendar_json(&config.path_calendar)],
        )?;
        tx.commit()?;
        Ok(())
    }

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

fn enrolment_in(conn: &rusqlite::Connection) -> Result<Option<HqEnrolment>> {
    let row = conn
        .query_row(
            "SELECT hq_url, token, campuses, enrolled_at, path_calendar
             FROM hq_enrolment WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            },
        )
        .optional()?;
    Ok(row.map(
        |(hq_url, token, campuses, enrolled_at, calendar)| HqEnrolment {
            hq_url,
            token: DeviceToken::new(token),
            campuses: serde_json::from_str(&campuses).unwrap_or_default(),
            path_calendar: calendar
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default(),
            enrolled_at,
        },
    ))
}

fn calendar_json(calendar: &PathCalendar) -> String {
    serde_json::to_string(calendar).unwrap_or_default()
}

fn log(
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
