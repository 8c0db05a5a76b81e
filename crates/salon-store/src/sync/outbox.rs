//! The outbox: every day, month and events snapshot of the reporting campuses (and the
//! device's online events, campus code ''), kept whole with its revision, what headquarters
//! confirmed, and what is held back as implausible.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{params, Transaction};
use salon_core::counts::{month_breakdown, DayCounts, MonthBreakdown};
use salon_protocol::plausible;
use salon_protocol::{
    CampusCode, DaySnapshot, EventCount, EventDaySnapshot, HeldRevision, Month, MonthSnapshot,
    Receipt, SnapshotKey, Upload,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::enrolment::{enrolment_in, HqEnrolment};
use super::facts::{campus_facts, event_days};
use super::path_decisions::{draw_due_paths, mark_path_sent, unsent_paths};
use super::pending::{log, PendingUpload, UPLOAD_BUDGET_BYTES};
use super::releases::{draw_due, mark_sent, mark_sent_of, unsent};
use super::today::DayLimit;
use crate::error::{Result, StoreError};
use crate::noise_key::noise_key;
use crate::vault::Store;

/// A snapshot held back because headquarters would refuse it, with the code it would be
/// refused with (`salon_protocol::ErrorCode`, snake_case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldBack {
    pub campus_code: String,
    /// `day` or `month`.
    pub kind: String,
    /// The day (YYYY-MM-DD) or month (YYYY-MM).
    pub period: String,
    pub code: String,
}

impl Store {
    /// Recomputes every snapshot of the campuses mapped to an enrolled HQ code. A snapshot whose
    /// figures changed (a new visit, a corrected one) gets the next revision and waits to be sent;
    /// one whose day or month no longer holds anything (a salon removed, a visit moved away) is
    /// sent as zero, so headquarters' figure drops. Each month's and period's releases under
    /// noise that have fallen due are drawn once and kept (`releases`, `paths`). `today` is
    /// Tokyo's: days after it are not sent, today only as `DayLimit` allows (nothing while its
    /// salon is open, once when it closes), and it is the day the plausibility checks and the
    /// release days go by.
    pub fn prepare_outbox(&mut self, today: NaiveDate) -> Result<()> {
        let Some(enrolment) = self.enrolment()? else {
            return Err(StoreError::NotEnrolled);
        };
        let campuses = self.reporting_campuses(&enrolment.campuses)?;
        let tx = self.conn.transaction()?;
        prepare_in(&tx, &enrolment, &campuses, today)?;
        tx.commit()?;
        Ok(())
    }

    /// Local campuses whose HQ code the device is enrolled for.
    pub(super) fn reporting_campuses(
        &self,
        enrolled: &[CampusCode],
    ) -> Result<Vec<(i64, CampusCode)>> {
        Ok(self
            .campuses()?
            .into_iter()
            .filter_map(|c| Some((c.id, CampusCode::parse(c.hq_code.as_deref()?).ok()?)))
            .filter(|(_, code)| enrolled.contains(code))
            .collect())
    }

    /// The snapshots not yet confirmed by headquarters and not held back, as one upload that
    /// fits well within headquarters' body limit; what does not fit waits for the next upload.
    pub fn pending_upload(&self) -> Result<PendingUpload> {
        pending_in(&self.conn)
    }

    /// Headquarters confirmed the upload: its revisions are sent (a figure that changed since
    /// keeps waiting with its newer revision).
    pub fn record_sent(&mut self, pending: &PendingUpload, receipt: &Receipt) -> Result<()> {
        let tx = self.conn.transaction()?;
        let keys = pending
            .upload
            .days
            .iter()
            .map(|d| (d.key(), d.revision))
            .chain(pending.upload.months.iter().map(|m| (m.key(), m.revision)))
            .chain(pending.upload.events.iter().map(|e| (e.key(), e.revision)));
        for (r, campus_id) in pending
            .upload
            .releases
            .iter()
            .zip(&pending.release_campuses)
        {
            mark_sent_of(&tx, *campus_id, r.month, r.breakdown.release)?;
        }
        for r in &pending.upload.path_releases {
            mark_path_sent(&tx, &r.release_key())?;
        }
        for (key, revision) in keys {
            let Some((kind, campus, period)) = key_columns(&key) else {
                continue;
            };
            tx.execute(
                "UPDATE outbox SET sent_revision = max(sent_revision, ?4)
                 WHERE kind = ?1 AND campus_code = ?2 AND period = ?3",
                params![kind, campus, period, revision],
            )?;
        }
        let detail = serde_json::to_string(receipt).unwrap_or_default();
        log(&tx, pending, "sent", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Headquarters holds these snapshots at a revision this device has reached or passed
    /// from below (a laptop restored from an older backup): each goes on above it, with the
    /// device's figures, at the next send. A release headquarters holds with other numbers
    /// (drawn before the backup was made, drawn again after it was restored) is never sent:
    /// headquarters keeps the first.
    pub fn continue_above(&mut self, held: &[HeldRevision]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for h in held {
            if let SnapshotKey::Release {
                campus,
                month,
                release,
            } = &h.snapshot
            {
                mark_sent(&tx, campus, *month, *release)?;
                continue;
            }
            if let SnapshotKey::PathRelease(key) = &h.snapshot {
                mark_path_sent(&tx, key)?;
                continue;
            }
            let Some((kind, campus, period)) = key_columns(&h.snapshot) else {
                continue;
            };
            tx.execute(
                "UPDATE outbox SET revision = max(revision, ?4 + 1)
                 WHERE kind = ?1 AND campus_code = ?2 AND period = ?3",
                params![kind, campus, period, h.revision],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The snapshots held back, for the sync screen: campus, day or month, and why.
    pub fn held_back(&self) -> Result<Vec<HeldBack>> {
        held_back_in(&self.conn)
    }
}

/// `Store::prepare_outbox` inside a transaction the caller commits (a send) or drops (the sync
/// screen's preview, which writes nothing).
pub(super) fn prepare_in(
    tx: &Transaction<'_>,
    enrolment: &HqEnrolment,
    campuses: &[(i64, CampusCode)],
    today: NaiveDate,
) -> Result<()> {
    let key = noise_key(tx)?;
    for &(campus_id, ref code) in campuses {
        let as_of = DayLimit::of(tx, campus_id, code.as_str(), today)?;
        let facts = campus_facts(tx, campus_id, as_of.until())?;
        let mut now_held = put_events(tx, Some(campus_id), code.as_str(), &as_of)?;
        for (day, counts) in facts.days() {
            let period = day.format("%Y-%m-%d").to_string();
            if !as_of.keeps("day", &period) {
                upsert_outbox(tx, "day", code.as_str(), &period, &counts)?;
            }
            now_held.insert(("day", period));
        }
        for (month, breakdown) in facts.months() {
            let period = month.to_string();
            if !as_of.keeps("month", &period) {
                upsert_outbox(tx, "month", code.as_str(), &period, &breakdown)?;
            }
            now_held.insert(("month", period));
        }
        let zero_month = month_breakdown(&[]);
        for (kind, period) in outbox_keys(tx, code.as_str())? {
            if now_held.contains(&(kind.as_str(), period.clone())) || as_of.keeps(&kind, &period) {
                continue;
            }
            match kind.as_str() {
                "day" => upsert_outbox(tx, "day", code.as_str(), &period, &DayCounts::default())?,
                "month" => upsert_outbox(tx, "month", code.as_str(), &period, &zero_month)?,
                _ => upsert_outbox(tx, "events", code.as_str(), &period, &NO_EVENTS)?,
            }
        }
        draw_due(tx, &key, campus_id, &facts, today)?;
    }
    let ids: Vec<i64> = campuses.iter().map(|(id, _)| *id).collect();
    draw_due_paths(tx, &key, &ids, &enrolment.path_calendar, today)?;
    // Online events belong to no campus: the device reports them under campus code ''.
    let online = put_events(tx, None, "", &DayLimit::online(today))?;
    for (_, period) in outbox_keys(tx, "")? {
        if !online.contains(&("events", period.clone())) {
            upsert_outbox(tx, "events", "", &period, &NO_EVENTS)?;
        }
    }
    mark_implausible(tx, today)?;
    Ok(())
}

/// `Store::pending_upload` over any connection (the preview's dropped transaction included).
pub(super) fn pending_in(conn: &rusqlite::Connection) -> Result<PendingUpload> {
    let mut stmt = conn.prepare(
        "SELECT kind, campus_code, period, revision, body FROM outbox
         WHERE sent_revision < revision AND problem IS NULL
         ORDER BY kind, campus_code, period LIMIT ?1",
    )?;
    let rows = stmt.query_map([salon_protocol::MAX_SNAPSHOTS as i64], OutboxRow::from_row)?;
    let mut upload = Upload::default();
    let mut size = 0;
    for row in rows {
        let row = row?;
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
    for (campus_id, release) in unsent(conn, &enrolled, room)? {
        // A release is about 700 bytes of JSON.
        size += 800;
        if size > UPLOAD_BUDGET_BYTES && !upload.is_empty() {
            break;
        }
        upload.releases.push(release);
        release_campuses.push(campus_id);
    }
    let room = room.saturating_sub(upload.releases.len());
    // A release of a period headquarters no longer names waits unsent (it would refuse the
    // whole upload), in case the period comes back.
    let known = unsent_paths(conn, usize::MAX)?
        .into_iter()
        .filter(|r| calendar.as_ref().is_some_and(|c| c.knows(&r.period())))
        .take(room);
    for release in known {
        // A path release is about 250 bytes of JSON.
        size += 300;
        if size > UPLOAD_BUDGET_BYTES && !upload.is_empty() {
            break;
        }
        upload.path_releases.push(release);
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

/// `Store::held_back` over any connection.
pub(super) fn held_back_in(conn: &rusqlite::Connection) -> Result<Vec<HeldBack>> {
    let mut stmt = conn.prepare(
        "SELECT campus_code, kind, period, problem FROM outbox
         WHERE problem IS NOT NULL AND sent_revision < revision
         ORDER BY period, campus_code, kind",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(HeldBack {
            campus_code: r.get(0)?,
            kind: r.get(1)?,
            period: r.get(2)?,
            code: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

struct OutboxRow {
    kind: String,
    campus: String,
    period: String,
    revision: u32,
    body: String,
}

enum Snapshot {
    Day(DaySnapshot),
    Month(MonthSnapshot),
    Events(EventDaySnapshot),
}

impl OutboxRow {
    /// A row of `SELECT kind, campus_code, period, revision, body FROM outbox`.
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxRow> {
        Ok(OutboxRow {
            kind: r.get(0)?,
            campus: r.get(1)?,
            period: r.get(2)?,
            revision: r.get(3)?,
            body: r.get(4)?,
        })
    }

    fn snapshot(&self) -> Result<Snapshot> {
        let damaged = || StoreError::Damaged("outbox row");
        if self.kind == "events" {
            let campus = match self.campus.as_str() {
                "" => None,
                c => Some(CampusCode::parse(c).map_err(|_| damaged())?),
            };
            let day = NaiveDate::parse_from_str(&self.period, "%Y-%m-%d").map_err(|_| damaged())?;
            let kinds: Vec<EventCount> = serde_json::from_str(&self.body).map_err(|_| damaged())?;
            return Ok(Snapshot::Events(EventDaySnapshot {
                campus,
                day,
                revision: self.revision,
                kinds,
            }));
        }
        let campus = CampusCode::parse(&self.campus).map_err(|_| damaged())?;
        if self.kind == "day" {
            let day = NaiveDate::parse_from_str(&self.period, "%Y-%m-%d").map_err(|_| damaged())?;
            let counts: DayCounts = serde_json::from_str(&self.body).map_err(|_| damaged())?;
            Ok(Snapshot::Day(DaySnapshot {
                campus,
                day,
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

/// The outbox's key columns for a snapshot key; none for a release (`release_outbox`).
fn key_columns(key: &SnapshotKey) -> Option<(&'static str, &str, String)> {
    Some(match key {
        SnapshotKey::Day { campus, day } => {
            ("day", campus.as_str(), day.format("%Y-%m-%d").to_string())
        }
        SnapshotKey::Month { campus, month } => ("month", campus.as_str(), month.to_string()),
        SnapshotKey::Events { campus, day } => (
            "events",
            campus.as_ref().map(CampusCode::as_str).unwrap_or(""),
            day.format("%Y-%m-%d").to_string(),
        ),
        SnapshotKey::Release { .. } | SnapshotKey::PathRelease(_) => return None,
    })
}

/// A day whose events were all removed.
const NO_EVENTS: [EventCount; 0] = [];

/// Puts each day's events at a campus (or online, `campus_id` none, `code` '') in the outbox,
/// as far as `today` allows; returns the keys held now.
fn put_events(
    tx: &Transaction<'_>,
    campus_id: Option<i64>,
    code: &str,
    today: &DayLimit,
) -> Result<BTreeSet<(&'static str, String)>> {
    let mut held = BTreeSet::new();
    for (day, kinds) in event_days(tx, campus_id, today.until())? {
        let period = day.format("%Y-%m-%d").to_string();
        if !today.keeps("events", &period) {
            upsert_outbox(tx, "events", code, &period, &kinds)?;
        }
        held.insert(("events", period));
    }
    Ok(held)
}

/// Every (kind, period) the outbox holds for a campus code.
fn outbox_keys(tx: &Transaction<'_>, code: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = tx.prepare("SELECT kind, period FROM outbox WHERE campus_code = ?1")?;
    let rows = stmt.query_map([code], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Runs headquarters' plausibility checks over every snapshot waiting to be sent and records
/// the code of each that would be refused (NULL for the rest).
fn mark_implausible(tx: &Transaction<'_>, today: NaiveDate) -> Result<()> {
    let rows = {
        let mut stmt = tx.prepare(
            "SELECT kind, campus_code, period, revision, body FROM outbox
             WHERE sent_revision < revision",
        )?;
        let rows = stmt.query_map([], OutboxRow::from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    for row in rows {
        let problem = match row.snapshot()? {
            Snapshot::Day(d) => plausible::check_day(&d, today).err(),
            Snapshot::Month(m) => plausible::check_month(&m, today).err(),
            Snapshot::Events(e) => salon_protocol::events::check_events(&e, today).err(),
        };
        tx.execute(
            "UPDATE outbox SET problem = ?4 WHERE kind = ?1 AND campus_code = ?2 AND period = ?3",
            params![
                row.kind,
                row.campus,
                row.period,
                problem.map(|e| e.code().as_str())
            ],
        )?;
    }
    Ok(())
}

/// Keeps the body for a key; a different body than the one held takes the next revision.
fn upsert_outbox<T: Serialize + ?Sized>(
    tx: &rusqlite::Transaction<'_>,
    kind: &str,
    campus: &str,
    period: &str,
    body: &T,
) -> Result<()> {
    let body = serde_json::to_string(body).unwrap_or_default();
    tx.execute(
        "INSERT INTO outbox (kind, campus_code, period, revision, body) VALUES (?1, ?2, ?3, 1, ?4)
         ON CONFLICT (kind, campus_code, period) DO UPDATE
           SET revision = revision + 1, body = excluded.body
           WHERE body != excluded.body",
        params![kind, campus, period, body],
    )?;
    Ok(())
}
