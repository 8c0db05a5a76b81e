//! Months released under noise: checked against the device's own days, kept as first received
//! in the one table of releases (`releases`), and read back for the breakdowns headquarters
//! shows.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::{
    DayField, HeldRevision, Month, MonthRelease, NoisyMonthBreakdown, Route, Topic,
};

use super::database::HqStore;
use super::releases::{held_answer, keep_first, KeptKey, LATEST};
use super::snapshots::Outcome;
pub use salon_figures::ReleaseTotals;

use crate::error::{HqError, Result};

/// A release as kept, with the exact visits it was checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRelease {
    pub device: i64,
    pub campus: String,
    pub month: Month,
    pub visits: u64,
    pub breakdown: NoisyMonthBreakdown,
}

/// The visits this device's days hold for a campus and month now, and the most those days
/// ever held (its days are stored before its releases, so those of the same upload count).
/// A release is checked against the most: it may have been drawn before corrections took
/// visits away.
fn device_visits(conn: &Connection, device: i64, r: &MonthRelease) -> Result<(u64, u64)> {
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let (now, most): (i64, i64) = conn
        .prepare_cached(
            "SELECT
               (SELECT COALESCE(SUM(visits), 0) FROM day_snapshots
                WHERE device_id = ?1 AND campus_code = ?2 AND day >= ?3 AND day <= ?4),
               (SELECT COALESCE(SUM(most), 0) FROM
                  (SELECT MAX(visits) AS most FROM day_revisions
                   WHERE device_id = ?1 AND campus_code = ?2 AND day >= ?3 AND day <= ?4
                   GROUP BY day))",
        )?
        .query_row(
            params![
                device,
                r.campus.as_str(),
                day(r.month.first_day()),
                day(r.month.last_day())
            ],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
    let count = |n: i64| u64::try_from(n).map_err(|_| HqError::ImpossibleTotal);
    Ok((count(now)?, count(now.max(most))?))
}

/// Keeps a release the first time it comes; the same numbers again are unchanged; other
/// numbers for a key held are refused with the key (the device stops sending its own).
pub(super) fn store_release(
    tx: &Connection,
    device: i64,
    r: &MonthRelease,
    now: DateTime<Utc>,
) -> Result<Result<Outcome, HeldRevision>> {
    let month = r.month.to_string();
    let release = r.breakdown.release.as_str();
    let key = KeptKey {
        campus: Some(r.campus.as_str()),
        from: r.month,
        to: r.month,
        release: r.breakdown.release,
    };
    // What is held is answered first: a resend of it after its month changed stays a resend.
    if let Some(answer) = held_answer(tx, device, &key, &r.breakdown, || r.key())? {
        return Ok(answer);
    }
    let (visits, most) = device_visits(tx, device, r)?;
    r.breakdown
        .check(u32::try_from(most).map_err(|_| HqError::ImpossibleTotal)?)?;
    // The totals hold each key's latest release: a second takes its first's place; a first
    // arriving after its second changes nothing.
    let latest: Option<(String, String, i64)> = tx
        .prepare_cached(
            "SELECT release, body, bound FROM releases
             WHERE device_id = ?1 AND campus_code = ?2 AND from_month = ?3
             ORDER BY release DESC LIMIT 1",
        )?
        .query_row(params![device, r.campus.as_str(), month], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    match latest {
        None => add_to_totals(
            tx,
            r.campus.as_str(),
            &month,
            &r.breakdown,
            visits as i64,
            1,
        )?,
        Some((held, json, held_visits)) if held.as_str() < release => {
            let held: NoisyMonthBreakdown =
                serde_json::from_str(&json).map_err(|_| HqError::Internal("stored release"))?;
            add_to_totals(tx, r.campus.as_str(), &month, &held, held_visits, -1)?;
            add_to_totals(
                tx,
                r.campus.as_str(),
                &month,
                &r.breakdown,
                visits as i64,
                1,
            )?;
        }
        Some(_) => {}
    }
    let json = serde_json::to_string(&r.breakdown).map_err(|_| HqError::Internal("json"))?;
    keep_first(tx, device, &key, &json, visits, now)?;
    Ok(Ok(Outcome::Stored))
}

/// Adds (`sign` 1) or takes away (-1) a latest release in the totals a period's breakdowns
/// are read from; one without visits counts for nothing.
fn add_to_totals(
    tx: &Connection,
    campus: &str,
    month: &str,
    b: &NoisyMonthBreakdown,
    visits: i64,
    sign: i64,
) -> Result<()> {
    if visits <= 0 {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO release_month_totals (month, releases, visits) VALUES (?1, ?2, ?3)
         ON CONFLICT (month) DO UPDATE SET releases = releases + excluded.releases,
                                           visits = visits + excluded.visits",
    )?
    .execute(params![month, sign, sign * visits])?;
    let mut cell = tx.prepare_cached(
        "INSERT INTO release_cell_totals (month, kind, code, total) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (month, kind, code) DO UPDATE SET total = total + excluded.total",
    )?;
    for c in &b.by_route {
        cell.execute(params![month, "route", c.code.code(), sign * c.count])?;
    }
    for c in &b.by_topic {
        cell.execute(params![month, "topic", c.code.code(), sign * c.count])?;
    }
    // Its columns come from `DayField`: the text is made once per process, not per release.
    static CAMPUS_SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let campus_sql = CAMPUS_SQL.get_or_init(|| {
        let names: Vec<&str> = DayField::ALL.iter().map(|f| f.name()).collect();
        let zeros = vec!["0"; names.len()].join(", ");
        format!(
            "INSERT INTO campus_month_totals (month, campus_code, {}, releases)
             VALUES (?1, ?2, {zeros}, ?3)
             ON CONFLICT (month, campus_code) DO UPDATE SET releases = releases + excluded.releases",
            names.join(", ")
        )
    });
    tx.prepare_cached(campus_sql)?
        .execute(params![month, campus, sign])?;
    Ok(())
}

impl HqStore {
    /// The latest release of each device, campus and month of `from..=to` that has visits,
    /// summed: how many, their visits, and each cell by code (every code, zeros too).
    pub fn release_totals(&self, from: Month, to: Month) -> Result<ReleaseTotals> {
        let conn = self.read();
        let range = params![from.to_string(), to.to_string()];
        let (releases, visits): (i64, i64) = conn
            .prepare_cached(
                "SELECT COALESCE(SUM(releases), 0), COALESCE(SUM(visits), 0)
                 FROM release_month_totals WHERE month >= ?1 AND month <= ?2",
            )?
            .query_row(range, |r| Ok((r.get(0)?, r.get(1)?)))?;
        let cells = conn
            .prepare_cached(
                "SELECT kind, code, SUM(total) FROM release_cell_totals
                 WHERE month >= ?1 AND month <= ?2 GROUP BY kind, code",
            )?
            .query_map(range, |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let sum = |kind: &str, code: &str| {
            cells
                .iter()
                .find(|(k, c, _)| k == kind && c == code)
                .map_or(0, |(_, _, n)| *n)
        };
        let count = |n: i64| u64::try_from(n).map_err(|_| HqError::Internal("release totals"));
        Ok(ReleaseTotals {
            releases: count(releases)?,
            visits: count(visits)?,
            by_route: Route::ALL
                .iter()
                .map(|&r| (r, sum("route", r.code())))
                .collect(),
            by_topic: Topic::MONTHLY
                .iter()
                .map(|&t| (t, sum("topic", t.code())))
                .collect(),
        })
    }

    /// The campus-months of `from..=to` with visits and no release with visits yet: still to
    /// come, by campus then month.
    pub fn awaiting_releases(&self, from: Month, to: Month) -> Result<Vec<(String, Month)>> {
        let conn = self.read();
        let rows = conn
            .prepare_cached(
                "SELECT campus_code, month FROM campus_month_totals
                 WHERE month >= ?1 AND month <= ?2 AND visits > 0 AND releases = 0
                 ORDER BY campus_code, month",
            )?
            .query_map(params![from.to_string(), to.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(campus, month)| {
                Ok((
                    campus,
                    Month::parse(&month).map_err(|_| HqError::Internal("stored month"))?,
                ))
            })
            .collect()
    }

    /// For each device, campus and month of `from..=to`, its latest release (the second once
    /// it has come: it holds the month's corrections).
    pub fn latest_releases(&self, from: Month, to: Month) -> Result<Vec<HeldRelease>> {
        self.releases_where(from, to, &format!("AND {LATEST}"))
    }

    /// Every release held for the months `from..=to`, each device's first before its second.
    pub fn all_releases(&self, from: Month, to: Month) -> Result<Vec<HeldRelease>> {
        self.releases_where(from, to, "")
    }

    fn releases_where(&self, from: Month, to: Month, which: &str) -> Result<Vec<HeldRelease>> {
        let conn = self.read();
        let mut stmt = conn.prepare(&format!(
            "SELECT device_id, campus_code, from_month, bound, body FROM releases r
             WHERE campus_code IS NOT NULL AND from_month >= ?1 AND from_month <= ?2 {which}
             ORDER BY campus_code, from_month, device_id, release"
        ))?;
        let rows = stmt
            .query_map(params![from.to_string(), to.to_string()], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(device, campus, month, visits, json)| {
                let stored = || HqError::Internal("stored release");
                Ok(HeldRelease {
                    device,
                    campus,
                    month: Month::parse(&month).map_err(|_| stored())?,
                    visits: u64::try_from(visits).map_err(|_| stored())?,
                    breakdown: serde_json::from_str(&json).map_err(|_| stored())?,
                })
            })
            .collect()
    }
}
