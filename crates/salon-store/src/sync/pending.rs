//! What leaves in one sync: the outbox's rows as snapshots, the upload waiting to be sent with
//! its idempotency key, what is held back, and the local log of every upload tried (the
//! supporter's own record of what left the laptop).

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use salon_core::counts::{DayCounts, MonthBreakdown};
use salon_protocol::{
    plausible, CampusCode, DaySnapshot, EventCount, EventDaySnapshot, Month, MonthSnapshot, Upload,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::enrolment::enrolment_in;
use super::releases::kept;
use crate::error::{Result, StoreError};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
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

/// A snapshot held back because headquarters would refuse it, with the code it would be
/// refused with (`salon_protocol::ErrorCode`, snake_case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct HeldBack {
    pub campus_code: String,
    /// `day`, `month` or `events`.
    pub kind: String,
    /// The day (YYYY-MM-DD) or month (YYYY-MM).
    pub period: String,
    pub code: String,
}

impl HeldBack {
    /// The row, if it waits and is held back.
    pub(super) fn of(row: &OutboxRow) -> Option<HeldBack> {
        let code = row.problem.clone().filter(|_| row.waiting())?;
        Some(HeldBack {
            campus_code: row.campus.clone(),
            kind: row.kind.clone(),
            period: row.period.clone(),
            code,
        })
    }
}

/// A row of the outbox.
#[derive(Debug, Clone)]
pub(super) struct OutboxRow {
    pub kind: String,
    pub campus: String,
    pub period: String,
    pub revision: u32,
    pub body: String,
    /// The highest revision headquarters confirmed (0: none).
    pub sent_revision: u32,
    /// The code headquarters would refuse the waiting revision with.
    pub problem: Option<String>,
}

pub(super) enum Snapshot {
    Day(DaySnapshot),
    Month(MonthSnapshot),
    Events(EventDaySnapshot),
}

/// The outbox's rows in key order; with `waiting`, only those not confirmed at their revision.
pub(super) fn outbox_rows(conn: &Connection, waiting: bool) -> Result<Vec<OutboxRow>> {
    let mut stmt = conn.prepare(
        "SELECT kind, campus_code, period, revision, body, sent_revision, problem FROM outbox
         WHERE NOT ?1 OR sent_revision < revision ORDER BY kind, campus_code, period",
    )?;
    let rows = stmt.query_map([waiting], |r| {
        Ok(OutboxRow {
            kind: r.get(0)?,
            campus: r.get(1)?,
            period: r.get(2)?,
            revision: r.get(3)?,
            body: r.get(4)?,
            sent_revision: r.get(5)?,
            problem: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl OutboxRow {
    pub(super) fn waiting(&self) -> bool {
        self.sent_revision < self.revision
    }

    /// The key of a snapshot the outbox never held, at its first revision.
    pub(super) fn new(kind: &str, campus: &str, period: &str) -> OutboxRow {
        OutboxRow {
            kind: kind.to_owned(),
            campus: campus.to_owned(),
            period: period.to_owned(),
            revision: 0,
            body: String::new(),
            sent_revision: 0,
            problem: None,
        }
    }

    /// Takes the body the records make now: a different one takes the next revision.
    pub(super) fn take(&mut self, body: &str) {
        if self.body != body || self.revision == 0 {
            self.revision += 1;
            body.clone_into(&mut self.body);
        }
    }

    /// The code headquarters would refuse the snapshot with on `today`, if any.
    pub(super) fn problem_on(&self, today: NaiveDate) -> Result<Option<String>> {
        let refused = match self.snapshot()? {
            Snapshot::Day(d) => plausible::check_day(&d, today).err(),
            Snapshot::Month(m) => plausible::check_month(&m, today).err(),
            Snapshot::Events(e) => salon_protocol::events::check_events(&e, today).err(),
        };
        Ok(refused.map(|e| e.code().as_str().to_owned()))
    }

    pub(super) fn snapshot(&self) -> Result<Snapshot> {
        let damaged = || StoreError::Damaged("outbox row");
        let day = || NaiveDate::parse_from_str(&self.period, "%Y-%m-%d").map_err(|_| damaged());
        if self.kind == "events" {
            let campus = match self.campus.as_str() {
                "" => None,
                c => Some(CampusCode::parse(c).map_err(|_| damaged())?),
            };
            let kinds: Vec<EventCount> = serde_json::from_str(&self.body).map_err(|_| damaged())?;
            return Ok(Snapshot::Events(EventDaySnapshot {
                campus,
                day: day()?,
                revision: self.revision,
                kinds,
            }));
        }
        let campus = CampusCode::parse(&self.campus).map_err(|_| damaged())?;
        if self.kind == "day" {
            let counts: DayCounts = serde_json::from_str(&self.body).map_err(|_| damaged())?;
            Ok(Snapshot::Day(DaySnapshot {
                campus,
                day: day()?,
                revision: self.revision,
                counts,
            }))
        } else {
            let month = Month::parse(&self.period).map_err(|_| damaged())?;
            let breakdown: MonthBreakdown =
                serde_json::from_str(&self.body).map_err(|_| damaged())?;
            Ok(Snapshot::Month(MonthSnapshot {
                campus,
                month,
                revision: self.revision,
                breakdown,
            }))
        }
    }
}

/// `Store::pending_upload` over any connection.
pub(super) fn pending_in(conn: &Connection) -> Result<PendingUpload> {
    let rows = outbox_rows(conn, true)?;
    assemble(conn, rows.into_iter().filter(|r| r.problem.is_none()))
}

/// One upload of `waiting` (the snapshots waiting and not held back, in key order) and of the
/// releases drawn and not confirmed, within headquarters' limits; what does not fit waits for
/// the next upload.
pub(super) fn assemble(
    conn: &Connection,
    waiting: impl IntoIterator<Item = OutboxRow>,
) -> Result<PendingUpload> {
    let mut upload = Upload::default();
    let mut size = 0;
    for row in waiting.into_iter().take(salon_protocol::MAX_SNAPSHOTS) {
        // The snapshot's own JSON plus its key and a margin for the envelope.
        size += row.body.len() + row.campus.len() + row.period.len() + 80;
        if size > UPLOAD_BUDGET_BYTES && !upload.is_empty() {
            break;
        }
        match row.snapshot()? {
            Snapshot::Day(d) => upload.days.push(d),
            Snapshot::Month(m) => upload.months.push(m),
            Snapshot::Events(e) => upload.events.push(e),
        }
    }
    let room = salon_protocol::MAX_SNAPSHOTS
        - (upload.days.len() + upload.months.len() + upload.events.len());
    let enrolment = enrolment_in(conn)?;
    let calendar = enrolment.as_ref().map(|e| e.path_calendar.clone());
    let enrolled = enrolment.map(|e| e.campuses).unwrap_or_default();
    let mut release_campuses = Vec::new();
    for kept in kept(conn, false, "")? {
        if upload.releases.len() + upload.path_releases.len() >= room {
            break;
        }
        // A month's release for a campus without a code, or one headquarters took away from
        // the device, waits unsent, in case it comes back; so does a period's release
        // headquarters no longer names (it would refuse the whole upload).
        let month = kept
            .month_release()?
            .filter(|r| enrolled.contains(&r.campus));
        let period = kept
            .path_release()?
            .filter(|r| calendar.as_ref().is_some_and(|c| c.knows(&r.period())));
        if month.is_none() && period.is_none() {
            continue;
        }
        // A month's release is about 700 bytes of JSON, a period's about 250.
        size += if month.is_some() { 800 } else { 300 };
        if size > UPLOAD_BUDGET_BYTES && !upload.is_empty() {
            break;
        }
        if let (Some(r), Some(campus_id)) = (month, kept.key.campus) {
            upload.releases.push(r);
            release_campuses.push(campus_id);
        }
        upload.path_releases.extend(period);
    }
    let payload = serde_json::to_string(&upload).unwrap_or_default();
    let digest = Sha256::digest(payload.as_bytes());
    let idempotency_key = data_encoding::HEXLOWER.encode(&digest[..16]);
    Ok(PendingUpload {
        upload,
        payload,
        idempotency_key,
        release_campuses,
    })
}
