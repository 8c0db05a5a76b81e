//! What the sync screen shows, read without writing: the outbox is prepared inside a
//! transaction that is dropped, so opening the screen puts nothing in the outbox and draws no
//! release. A release that falls due is listed without numbers, to be drawn at the next send;
//! those drawn already are shown with their numbers, sent or waiting, so that a −2 beside the
//! supporter's own counts has its explanation beside it.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection};
use salon_protocol::{CampusCode, Month, MonthRelease, PathRelease, Release};
use serde::Serialize;

use super::outbox::{held_back_in, pending_in, prepare_in, HeldBack};
use super::pending::PendingUpload;
use crate::error::{Result, StoreError};
use crate::rows::date_text;
use crate::vault::Store;

/// How far back the screen shows releases already sent: the last two months' worth.
const SENT_SHOWN_DAYS: u64 = 62;

/// The sync screen's preview.
#[derive(Debug, Clone)]
pub struct OutboxPreview {
    /// What the next send would carry, without the releases it would draw first.
    pub pending: PendingUpload,
    pub held_back: Vec<HeldBack>,
    /// Releases due and not drawn yet: drawn at the next send.
    pub to_draw: Vec<ReleaseToDraw>,
    /// Releases headquarters already has, drawn in the last two months.
    pub sent: Vec<MonthRelease>,
    pub sent_paths: Vec<PathRelease>,
}

/// A release due, named without numbers: a campus month, or a period of the path calendar
/// (`campus` none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseToDraw {
    pub campus: Option<CampusCode>,
    pub from: Month,
    pub to: Month,
    pub release: Release,
}

impl Store {
    /// The preview of the next send, as of Tokyo's `today`. Writes nothing.
    pub fn outbox_preview(&mut self, today: NaiveDate) -> Result<OutboxPreview> {
        let Some(enrolment) = self.enrolment()? else {
            return Err(StoreError::NotEnrolled);
        };
        let campuses = self.reporting_campuses(&enrolment.campuses)?;
        let tx = self.conn.transaction()?;
        let drawn_before = drawn_keys(&tx)?;
        prepare_in(&tx, &enrolment, &campuses, today)?;
        let mut pending = pending_in(&tx)?;
        let held_back = held_back_in(&tx)?;
        let mut to_draw = Vec::new();
        let releases = std::mem::take(&mut pending.upload.releases);
        let campuses = std::mem::take(&mut pending.release_campuses);
        for (r, campus_id) in releases.into_iter().zip(campuses) {
            let key = (
                Some(r.campus.clone()),
                r.month,
                r.month,
                r.breakdown.release,
            );
            if drawn_before.contains(&key) {
                pending.upload.releases.push(r);
                pending.release_campuses.push(campus_id);
            } else {
                to_draw.push(to_draw_of(key));
            }
        }
        pending.upload.path_releases.retain(|r| {
            let key = (None, r.from, r.to, r.release);
            let before = drawn_before.contains(&key);
            if !before {
                to_draw.push(to_draw_of(key));
            }
            before
        });
        let since = today - Days::new(SENT_SHOWN_DAYS);
        let sent = sent_since(&tx, since)?;
        let sent_paths = sent_paths_since(&tx, since)?;
        // Dropped, not committed: nothing of the preparation is kept.
        drop(tx);
        pending.payload = serde_json::to_string(&pending.upload).unwrap_or_default();
        Ok(OutboxPreview {
            pending,
            held_back,
            to_draw,
            sent,
            sent_paths,
        })
    }
}

type DrawnKey = (Option<CampusCode>, Month, Month, Release);

fn to_draw_of((campus, from, to, release): DrawnKey) -> ReleaseToDraw {
    ReleaseToDraw {
        campus,
        from,
        to,
        release,
    }
}

/// Every release drawn so far, by the code its campus has now (none for a period's).
fn drawn_keys(conn: &Connection) -> Result<BTreeSet<DrawnKey>> {
    let damaged = || StoreError::Damaged("release outbox row");
    let mut stmt = conn.prepare(
        "SELECT c.hq_code, r.month, r.month, r.release FROM release_outbox r
         JOIN campus c ON c.id = r.campus_id WHERE c.hq_code IS NOT NULL
         UNION ALL
         SELECT NULL, from_month, to_month, release FROM path_release_outbox",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut keys = BTreeSet::new();
    for row in rows {
        let (code, from, to, release) = row?;
        let campus = match code.map(|c| CampusCode::parse(&c)) {
            Some(Ok(code)) => Some(code),
            // A code that no longer parses sends nothing; leave its release out.
            Some(Err(_)) => continue,
            None => None,
        };
        keys.insert((
            campus,
            Month::parse(&from).map_err(|_| damaged())?,
            Month::parse(&to).map_err(|_| damaged())?,
            Release::parse(&release).ok_or_else(damaged)?,
        ));
    }
    Ok(keys)
}

/// The month releases headquarters has that this laptop drew on or after `since`.
fn sent_since(conn: &Connection, since: NaiveDate) -> Result<Vec<MonthRelease>> {
    let mut stmt = conn.prepare(
        "SELECT c.hq_code, r.month, r.breakdown FROM release_outbox r
         JOIN campus c ON c.id = r.campus_id
         WHERE r.sent = 1 AND r.breakdown != '' AND r.drawn_on >= ?1 AND c.hq_code IS NOT NULL
         ORDER BY r.month, c.hq_code, r.release",
    )?;
    let rows = stmt.query_map(params![date_text(since)], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let damaged = || StoreError::Damaged("release outbox row");
    let mut out = Vec::new();
    for row in rows {
        let (code, month, body) = row?;
        let Ok(campus) = CampusCode::parse(&code) else {
            continue;
        };
        out.push(MonthRelease {
            campus,
            month: Month::parse(&month).map_err(|_| damaged())?,
            breakdown: serde_json::from_str(&body).map_err(|_| damaged())?,
        });
    }
    Ok(out)
}

/// The path releases headquarters has that this laptop drew on or after `since`.
fn sent_paths_since(conn: &Connection, since: NaiveDate) -> Result<Vec<PathRelease>> {
    let mut stmt = conn.prepare(
        "SELECT body FROM path_release_outbox
         WHERE sent = 1 AND body != '' AND drawn_on >= ?1 ORDER BY from_month, to_month, release",
    )?;
    let rows = stmt.query_map(params![date_text(since)], |r| r.get::<_, String>(0))?;
    rows.map(|body| {
        serde_json::from_str(&body?).map_err(|_| StoreError::Damaged("path release outbox row"))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use salon_protocol::{Month, Receipt, Release};

    use crate::vault::tests::fresh_store;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Every row of the outbox tables, as text: what "writes nothing" is checked against.
    fn outbox_rows(store: &crate::Store) -> Vec<String> {
        let mut rows = Vec::new();
        for table in [
            "outbox",
            "release_outbox",
            "path_release_outbox",
            "visit_released",
        ] {
            let mut stmt = store
                .conn
                .prepare(&format!("SELECT * FROM {table}"))
                .unwrap();
            let n = stmt.column_count();
            let mut q = stmt.query([]).unwrap();
            while let Some(r) = q.next().unwrap() {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                rows.push(format!("{table}: {}", cells.join(", ")));
            }
        }
        rows
    }

    #[test]
    fn opening_the_preview_draws_nothing_and_shows_what_was_drawn() {
        let (_dir, mut store) = fresh_store();
        let campus = super::super::release_tests::enrol(&mut store);
        super::super::release_tests::salon_on(&mut store, campus, d(2025, 2, 18), 3);
        let feb = Month::parse("2025-02").unwrap();

        // Ten openings of the screen after the month's first release fell due: nothing is
        // written, the release is named as drawn at the next send, with no numbers.
        for _ in 0..10 {
            let preview = store.outbox_preview(d(2025, 3, 7)).unwrap();
            assert!(preview.pending.upload.releases.is_empty());
            assert_eq!(preview.to_draw.len(), 1);
            assert_eq!(
                (preview.to_draw[0].from, preview.to_draw[0].release),
                (feb, Release::First)
            );
            assert!(
                !preview.pending.upload.days.is_empty(),
                "the day still shows"
            );
            assert_eq!(outbox_rows(&store), Vec::<String>::new(), "nothing written");
        }
        // A send draws it: the screen then shows its numbers, waiting, then sent.
        store.prepare_outbox(d(2025, 3, 7)).unwrap();
        let drawn = store.pending_upload().unwrap().upload.releases;
        let preview = store.outbox_preview(d(2025, 3, 7)).unwrap();
        assert_eq!(preview.pending.upload.releases, drawn);
        assert!(preview.to_draw.is_empty());
        store
            .record_sent(&store.pending_upload().unwrap(), &Receipt::default())
            .unwrap();
        let before = outbox_rows(&store);
        let preview = store.outbox_preview(d(2025, 3, 20)).unwrap();
        assert_eq!(preview.sent, drawn, "what headquarters has, as it has it");
        assert!(preview.pending.upload.is_empty());
        assert_eq!(outbox_rows(&store), before);
    }
}
