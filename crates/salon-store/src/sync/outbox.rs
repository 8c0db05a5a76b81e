//! The outbox: every day, month and events snapshot of the reporting campuses (and the
//! device's online events, campus code ''), kept whole with its revision, what headquarters
//! confirmed, and what is held back as implausible; and what a send writes to it.

use chrono::NaiveDate;
use rusqlite::{params, Transaction};
use salon_protocol::{CampusCode, HeldRevision, Receipt, SnapshotKey};

use super::enrolment::HqEnrolment;
use super::month_releases::draw_due;
use super::path_decisions::draw_due_paths;
use super::pending::{log, outbox_rows, pending_in, HeldBack, PendingUpload};
use super::prepared::{prepared, SnapshotBody};
use super::releases::{mark_held, mark_month_held, DrawnKey};
use crate::error::{Result, StoreError};
use crate::noise_key::noise_key;
use crate::vault::Store;

impl Store {
    /// Recomputes every snapshot of the campuses mapped to an enrolled HQ code. A snapshot whose
    /// figures changed (a new visit, a corrected one) gets the next revision and waits to be sent;
    /// one whose day or month no longer holds anything (a salon removed, a visit moved away) is
    /// sent as zero, so headquarters' figure drops. Each month's and period's releases under
    /// noise that have fallen due are drawn once and kept (`month_releases`, `path_decisions`). `today` is
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

    /// The local ids of the campuses the device reports for.
    pub(crate) fn reporting_campus_ids(&self, enrolment: &HqEnrolment) -> Result<Vec<i64>> {
        Ok(self
            .reporting_campuses(&enrolment.campuses)?
            .into_iter()
            .map(|(id, _)| id)
            .collect())
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
        // A month's release is marked by its campus's local id, which a code changed since
        // the upload was made cannot turn into another campus's.
        for (r, campus_id) in pending
            .upload
            .releases
            .iter()
            .zip(&pending.release_campuses)
        {
            mark_held(
                &tx,
                &DrawnKey::month(*campus_id, r.month, r.breakdown.release),
            )?;
        }
        for r in &pending.upload.path_releases {
            mark_held(&tx, &DrawnKey::period(&r.release_key()))?;
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
                mark_month_held(&tx, campus, *month, *release)?;
                continue;
            }
            if let SnapshotKey::PathRelease(key) = &h.snapshot {
                mark_held(&tx, &DrawnKey::period(key))?;
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
        Ok(outbox_rows(&self.conn, true)?
            .iter()
            .filter_map(HeldBack::of)
            .collect())
    }
}

/// `Store::prepare_outbox` inside the caller's transaction: the snapshots the records make
/// now are written (`prepared`), the releases due are drawn, and every snapshot waiting is
/// checked as headquarters would check it.
fn prepare_in(
    tx: &Transaction<'_>,
    enrolment: &HqEnrolment,
    campuses: &[(i64, CampusCode)],
    today: NaiveDate,
) -> Result<()> {
    let prepared = prepared(tx, campuses, today)?;
    for snapshot in &prepared.bodies {
        upsert_outbox(tx, snapshot)?;
    }
    let key = noise_key(tx)?;
    for (campus_id, _, facts) in &prepared.facts {
        draw_due(tx, &key, *campus_id, facts, today)?;
    }
    let ids: Vec<i64> = campuses.iter().map(|(id, _)| *id).collect();
    draw_due_paths(tx, &key, &ids, &enrolment.path_calendar, today)?;
    mark_implausible(tx, today)?;
    Ok(())
}

/// The outbox's key columns for a snapshot key; none for a release (`drawn_release`).
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

/// Runs headquarters' plausibility checks over every snapshot waiting to be sent and records
/// the code of each that would be refused (NULL for the rest).
fn mark_implausible(tx: &Transaction<'_>, today: NaiveDate) -> Result<()> {
    for row in outbox_rows(tx, true)? {
        tx.execute(
            "UPDATE outbox SET problem = ?4 WHERE kind = ?1 AND campus_code = ?2 AND period = ?3",
            params![row.kind, row.campus, row.period, row.problem_on(today)?],
        )?;
    }
    Ok(())
}

/// Keeps the body for a key; a different body than the one held takes the next revision (as
/// `OutboxRow::take` does in memory for the preview).
fn upsert_outbox(tx: &Transaction<'_>, snapshot: &SnapshotBody) -> Result<()> {
    tx.execute(
        "INSERT INTO outbox (kind, campus_code, period, revision, body) VALUES (?1, ?2, ?3, 1, ?4)
         ON CONFLICT (kind, campus_code, period) DO UPDATE
           SET revision = revision + 1, body = excluded.body
           WHERE body != excluded.body",
        params![
            snapshot.kind,
            snapshot.campus,
            snapshot.period,
            snapshot.body
        ],
    )?;
    Ok(())
}
