//! What the sync screen shows, read without writing: what a preparation would write
//! (`prepared`) is laid over the outbox in memory, so opening the screen changes no row and
//! draws no release. The releases already drawn are shown with their numbers, waiting or
//! sent, so that a −2 beside the supporter's own counts has its explanation beside it; the
//! others are named without numbers, with the day each is drawn (the next send, once due).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rusqlite::Connection;
use salon_protocol::{CampusCode, Month, MonthRelease, PathRelease, PathReleaseKey, Release};
use serde::Serialize;

use super::enrolment::HqEnrolment;
use super::path_decisions::{ids_json, periods_held};
use super::pending::{assemble, outbox_rows, HeldBack, OutboxRow, PendingUpload};
use super::prepared::{prepared, Prepared};
use super::releases::{drawn, kept, DrawnKey};
use super::shares::months_with_shares;
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
    /// Releases not drawn yet, each with the day it is drawn, oldest first.
    pub to_draw: Vec<ReleaseToDraw>,
    /// Releases headquarters already has, drawn in the last two months.
    pub sent: Vec<MonthRelease>,
    pub sent_paths: Vec<PathRelease>,
}

/// A release not drawn yet, named without numbers: a campus month, or a period of the path
/// calendar (`campus` none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseToDraw {
    pub campus: Option<CampusCode>,
    pub from: Month,
    pub to: Month,
    pub release: Release,
    /// The day it falls due (Asia/Tokyo); it is drawn at the first send on or after it.
    pub day: NaiveDate,
    /// Whether that day has come: the next send draws it.
    pub due: bool,
}

impl Store {
    /// The preview of the next send, as of Tokyo's `today`. Reads only.
    pub fn outbox_preview(&self, today: NaiveDate) -> Result<OutboxPreview> {
        let Some(enrolment) = self.enrolment()? else {
            return Err(StoreError::NotEnrolled);
        };
        let campuses = self.reporting_campuses(&enrolment.campuses)?;
        let prepared = prepared(&self.conn, &campuses, today)?;
        let rows = as_prepared(&self.conn, &prepared, today)?;
        let held_back = rows.iter().filter_map(HeldBack::of).collect();
        let waiting = rows
            .into_iter()
            .filter(|r| r.waiting() && r.problem.is_none());
        let pending = assemble(&self.conn, waiting)?;
        let (sent, sent_paths) = held_since(&self.conn, today - Days::new(SENT_SHOWN_DAYS))?;
        Ok(OutboxPreview {
            pending,
            held_back,
            to_draw: to_draw(&self.conn, &enrolment, &campuses, &prepared, today)?,
            sent,
            sent_paths,
        })
    }
}

/// The outbox's rows as a preparation on `today` would leave them, in key order: each body
/// taken as `upsert_outbox` takes it, each waiting row checked as `mark_implausible` checks it.
fn as_prepared(conn: &Connection, prepared: &Prepared, today: NaiveDate) -> Result<Vec<OutboxRow>> {
    let mut rows: BTreeMap<(String, String, String), OutboxRow> = outbox_rows(conn, false)?
        .into_iter()
        .map(|r| ((r.kind.clone(), r.campus.clone(), r.period.clone()), r))
        .collect();
    for s in &prepared.bodies {
        let key = (s.kind.to_owned(), s.campus.clone(), s.period.clone());
        rows.entry(key)
            .or_insert_with(|| OutboxRow::new(s.kind, &s.campus, &s.period))
            .take(&s.body);
    }
    let mut out = Vec::with_capacity(rows.len());
    for mut row in rows.into_values() {
        if row.waiting() {
            row.problem = row.problem_on(today)?;
        }
        out.push(row);
    }
    Ok(out)
}

/// Every release of the months and periods held so far that is not drawn yet, with its day.
fn to_draw(
    conn: &Connection,
    enrolment: &HqEnrolment,
    campuses: &[(i64, CampusCode)],
    prepared: &Prepared,
    today: NaiveDate,
) -> Result<Vec<ReleaseToDraw>> {
    let mut out = Vec::new();
    let mut name = |campus: Option<CampusCode>, from, to, release: Release, day: NaiveDate| {
        out.push(ReleaseToDraw {
            campus,
            from,
            to,
            release,
            day,
            due: day <= today,
        });
    };
    for (campus_id, code, facts) in &prepared.facts {
        let mut months: Vec<Month> = facts.visits_by_month().into_keys().collect();
        months.extend(months_with_shares(conn, *campus_id)?);
        months.sort();
        months.dedup();
        for month in months {
            for release in Release::ALL {
                if !drawn(conn, &DrawnKey::month(*campus_id, month, release))? {
                    name(
                        Some(code.clone()),
                        month,
                        month,
                        release,
                        release.day(month),
                    );
                }
            }
        }
    }
    let ids: Vec<i64> = campuses.iter().map(|(id, _)| *id).collect();
    for period in periods_held(conn, &ids_json(&ids), &enrolment.path_calendar)? {
        for release in Release::ALL {
            let key = DrawnKey::period(&PathReleaseKey {
                from: period.from,
                to: period.to,
                release,
            });
            if !drawn(conn, &key)? {
                name(
                    None,
                    period.from,
                    period.to,
                    release,
                    period.release_day(release),
                );
            }
        }
    }
    out.sort_by(|a, b| (a.day, &a.campus, a.from).cmp(&(b.day, &b.campus, b.from)));
    Ok(out)
}

/// The releases headquarters has that this laptop drew on or after `since`: campus months
/// (under their campuses' codes as they are now) and periods.
fn held_since(
    conn: &Connection,
    since: NaiveDate,
) -> Result<(Vec<MonthRelease>, Vec<PathRelease>)> {
    let (mut months, mut periods) = (Vec::new(), Vec::new());
    for kept in kept(conn, true, &date_text(since))? {
        months.extend(kept.month_release()?);
        periods.extend(kept.path_release()?);
    }
    Ok((months, periods))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use salon_protocol::{Month, Receipt, Release};

    use crate::vault::tests::fresh_store;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Every row of every table, as text, and how many rows the connection has changed in
    /// all (`total_changes` counts rows written inside transactions later dropped, too).
    fn every_row(store: &crate::Store) -> (Vec<String>, u64) {
        let tables: Vec<String> = {
            let mut stmt = store
                .conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .unwrap();
            let names = stmt.query_map([], |r| r.get(0)).unwrap();
            names.collect::<rusqlite::Result<_>>().unwrap()
        };
        let mut rows = Vec::new();
        for table in tables {
            let mut stmt = store
                .conn
                .prepare(&format!("SELECT * FROM \"{table}\""))
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
        (rows, store.conn.total_changes())
    }

    #[test]
    fn opening_the_preview_a_hundred_times_changes_no_row_and_shows_what_a_send_carries() {
        let (_dir, mut store) = fresh_store();
        let campus = super::super::release_tests::enrol(&mut store);
        super::super::release_tests::salon_on(&mut store, campus, d(2025, 2, 18), 3);
        store.prepare_outbox(d(2025, 2, 20)).unwrap();
        store
            .record_sent(&store.pending_upload().unwrap(), &Receipt::default())
            .unwrap();
        // Since that send: another salon in February (the month's next revision), one in March.
        super::super::release_tests::salon_on(&mut store, campus, d(2025, 2, 25), 2);
        super::super::release_tests::salon_on(&mut store, campus, d(2025, 3, 4), 1);
        let (feb, mar) = (
            Month::parse("2025-02").unwrap(),
            Month::parse("2025-03").unwrap(),
        );
        let today = d(2025, 3, 7);

        let before = every_row(&store);
        let mut shown = Vec::new();
        for _ in 0..100 {
            shown.push(store.outbox_preview(today).unwrap());
            assert_eq!(
                every_row(&store),
                before,
                "opening the screen wrote nothing"
            );
        }
        let preview = shown.pop().unwrap();
        // February's first release is due: named, without numbers, drawn at the next send.
        // The others are named with their days.
        let named: Vec<(Option<&str>, Month, Release, NaiveDate, bool)> = preview
            .to_draw
            .iter()
            .map(|r| {
                (
                    r.campus.as_ref().map(|c| c.as_str()),
                    r.from,
                    r.release,
                    r.day,
                    r.due,
                )
            })
            .collect();
        let fy = Month::parse("2024-04").unwrap();
        assert_eq!(
            named,
            vec![
                (Some("C-012"), feb, Release::First, d(2025, 3, 7), true),
                (None, fy, Release::First, d(2025, 4, 7), false),
                (Some("C-012"), mar, Release::First, d(2025, 4, 7), false),
                (Some("C-012"), feb, Release::Second, d(2025, 4, 18), false),
                (None, fy, Release::Second, d(2025, 5, 19), false),
                (Some("C-012"), mar, Release::Second, d(2025, 5, 19), false),
            ]
        );
        assert!(preview.pending.upload.releases.is_empty());
        // The send then carries what the screen showed, and draws what it named as due.
        store.prepare_outbox(today).unwrap();
        let sent = store.pending_upload().unwrap();
        assert_eq!(sent.upload.days, preview.pending.upload.days);
        assert_eq!(sent.upload.months, preview.pending.upload.months);
        assert_eq!(sent.upload.months[0].revision, 2, "February's correction");
        assert_eq!(sent.upload.events, preview.pending.upload.events);
        assert_eq!(store.held_back().unwrap(), preview.held_back);
        let drawn: Vec<(Month, Release)> = sent
            .upload
            .releases
            .iter()
            .map(|r| (r.month, r.breakdown.release))
            .collect();
        assert_eq!(drawn, vec![(feb, Release::First)]);

        // Once drawn, the screen shows its numbers, waiting, then sent.
        let preview = store.outbox_preview(today).unwrap();
        assert_eq!(preview.pending.upload.releases, sent.upload.releases);
        assert!(preview.to_draw.iter().all(|r| !r.due));
        store.record_sent(&sent, &Receipt::default()).unwrap();
        let before = every_row(&store);
        let preview = store.outbox_preview(d(2025, 3, 20)).unwrap();
        assert_eq!(
            preview.sent, sent.upload.releases,
            "what headquarters has, as it has it"
        );
        assert!(preview.pending.upload.is_empty());
        assert_eq!(every_row(&store), before);
    }
}
