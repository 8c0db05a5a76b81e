//! Path decisions (and the sensitive topics) released per device and period: the path
//! calendar's funder terms as set at headquarters, the releases checked against the calendar
//! and the device's own days, kept as first received, and read back for what headquarters
//! states.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::{
    HeldRevision, Month, PathCalendar, PathPeriod, PathRelease, PeriodBounds, Release,
};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::releases::{held_answer, keep_first, KeptKey, LATEST};
use super::rows::ts;
use super::snapshots::Outcome;
use crate::error::{HqError, Result};

/// A funder term of the path calendar, and whether it stays as it is (its first release day
/// has come, or a device has released it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTerm {
    pub period: PathPeriod,
    pub released: bool,
}

/// A path release as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPathRelease {
    pub device: i64,
    pub release: PathRelease,
}

fn month(text: String) -> Result<Month> {
    Month::parse(&text).map_err(|_| HqError::Internal("stored path period"))
}

/// The calendar devices release their decisions for: every 年度 and these terms.
pub(crate) fn path_calendar(conn: &Connection) -> Result<PathCalendar> {
    let mut stmt =
        conn.prepare_cached("SELECT from_month, to_month FROM path_terms ORDER BY from_month")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let terms = rows
        .into_iter()
        .map(|(from, to)| {
            Ok(PathPeriod {
                from: month(from)?,
                to: month(to)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(PathCalendar { terms })
}

/// What the device's own days bound a period's release by (`PeriodBounds`): each day's
/// distinct named students at their most over its revisions, added. Decisions: those of every
/// day up to the period's last (every student whose decision the device counts visited on
/// such a day). The students met and the sensitive cells: those of the period's days.
fn period_bounds(conn: &Connection, device: i64, period: PathPeriod) -> Result<PeriodBounds> {
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let (students, met): (i64, i64) = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(students), 0), COALESCE(SUM(met), 0) FROM
               (SELECT MAX(distinct_students) AS students,
                       CASE WHEN day >= ?2 THEN MAX(distinct_students) ELSE 0 END AS met
                FROM day_revisions WHERE device_id = ?1 AND day <= ?3 GROUP BY campus_code, day)",
        )?
        .query_row(
            params![
                device,
                day(period.from.first_day()),
                day(period.to.last_day())
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
    let bound = |n: i64| u32::try_from(n).map_err(|_| HqError::ImpossibleTotal);
    Ok(PeriodBounds::new(bound(students)?, bound(met)?))
}

/// Keeps a path release the first time it comes; the same numbers again are unchanged; other
/// numbers for a key held are refused with the key. A period the calendar does not name, or
/// one before its day, is refused before anything else is looked at.
pub(super) fn store_path_release(
    tx: &Connection,
    device: i64,
    r: &PathRelease,
    now: DateTime<Utc>,
) -> Result<Result<Outcome, HeldRevision>> {
    let named = |error| HqError::Implausible {
        snapshot: r.key(),
        error,
    };
    salon_protocol::path_decisions::check_path_release(
        r,
        &path_calendar(tx)?,
        crate::tokyo::day(now),
    )
    .map_err(named)?;
    let key = KeptKey {
        campus: None,
        from: r.from,
        to: r.to,
        release: r.release,
    };
    if let Some(answer) = held_answer(tx, device, &key, r, || r.key())? {
        return Ok(answer);
    }
    let bounds = period_bounds(tx, device, r.period())?;
    r.check(bounds).map_err(named)?;
    let json = serde_json::to_string(r).map_err(|_| HqError::Internal("json"))?;
    keep_first(tx, device, &key, &json, u64::from(bounds.students), now)?;
    Ok(Ok(Outcome::Stored))
}

impl HqStore {
    /// The funder terms of the path calendar, each with whether it stays as it is on `today`
    /// (Tokyo).
    pub fn path_terms(&self, today: chrono::NaiveDate) -> Result<Vec<PathTerm>> {
        let conn = self.read();
        let calendar = path_calendar(&conn)?;
        calendar
            .terms
            .into_iter()
            .map(|period| {
                let released = is_fixed(&conn, &period, today)?;
                Ok(PathTerm { period, released })
            })
            .collect()
    }

    /// Adds a funder term to the path calendar (see [`add_path_term`]).
    pub fn add_path_term(&self, by: &Actor, period: PathPeriod, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        add_path_term(&tx, by, period, now)?;
        tx.commit()?;
        Ok(())
    }

    /// Removes a funder term from the path calendar (see [`remove_path_term`]).
    pub fn remove_path_term(&self, by: &Actor, from: Month, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let period = path_calendar(&tx)?
            .terms
            .into_iter()
            .find(|t| t.from == from)
            .ok_or(HqError::NotFound)?;
        remove_path_term(&tx, by, period, now)?;
        tx.commit()?;
        Ok(())
    }

    /// For each device, its latest release of `period` (the second once it has come).
    pub fn latest_path_releases(&self, period: PathPeriod) -> Result<Vec<HeldPathRelease>> {
        let conn = self.read();
        let mut stmt = conn.prepare(&format!(
            "SELECT device_id, body FROM releases r
             WHERE campus_code IS NULL AND from_month = ?1 AND to_month = ?2 AND {LATEST}
             ORDER BY device_id"
        ))?;
        let rows = stmt
            .query_map(
                params![period.from.to_string(), period.to.to_string()],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(device, json)| {
                Ok(HeldPathRelease {
                    device,
                    release: serde_json::from_str(&json)
                        .map_err(|_| HqError::Internal("stored path release"))?,
                })
            })
            .collect()
    }

    /// Devices whose days hold a salon in `period`: each owes a release of it.
    pub fn devices_with_salons(&self, period: PathPeriod) -> Result<Vec<i64>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(
            "SELECT DISTINCT t.device_id FROM month_totals t JOIN devices d ON d.id = t.device_id
             WHERE t.sessions > 0 AND t.month >= ?1 AND t.month <= ?2 AND d.revoked_at IS NULL
             ORDER BY t.device_id",
        )?;
        let rows = stmt.query_map(
            params![period.from.to_string(), period.to.to_string()],
            |r| r.get(0),
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Adds a funder term to the path calendar: 1 to 12 months, not a 年度 (released anyway),
/// overlapping no term already there and sharing no 年度 with one (a decision would lie in
/// three periods, or a 年度's sensitive topics would go with one term's releases only).
pub(super) fn add_path_term(
    conn: &Connection,
    by: &Actor,
    period: PathPeriod,
    now: DateTime<Utc>,
) -> Result<()> {
    if !(1..=salon_protocol::path_decisions::MAX_TERM_MONTHS).contains(&period.months()) {
        return Err(HqError::BadForm("path_term_length"));
    }
    if period.is_fiscal_year() {
        return Err(HqError::BadForm("path_term_fiscal"));
    }
    let kept = path_calendar(conn)?.terms;
    if kept.iter().any(|t| t.overlaps(&period)) {
        return Err(HqError::BadForm("path_term_overlap"));
    }
    let years = period.fiscal_years();
    if kept
        .iter()
        .any(|t| t.fiscal_years().iter().any(|y| years.contains(y)))
    {
        return Err(HqError::BadForm("path_term_year"));
    }
    conn.execute(
        "INSERT INTO path_terms (from_month, to_month, created_at) VALUES (?1, ?2, ?3)",
        params![period.from.to_string(), period.to.to_string(), ts(now)],
    )?;
    let detail = salon_figures::labels::period_name(period.from, period.to);
    record(conn, by, now, AuditAction::PathTermAdded, &detail)
}

/// Removes a funder term whose first release day has not come and that no device has
/// released. Any other stays: devices may have drawn it, and moved or gone, a decision
/// would then be released for a third period.
pub(super) fn remove_path_term(
    conn: &Connection,
    by: &Actor,
    period: PathPeriod,
    now: DateTime<Utc>,
) -> Result<()> {
    if is_fixed(conn, &period, crate::tokyo::day(now))? {
        return Err(HqError::BadForm("path_term_released"));
    }
    conn.execute(
        "DELETE FROM path_terms WHERE from_month = ?1 AND to_month = ?2",
        params![period.from.to_string(), period.to.to_string()],
    )?;
    let detail = salon_figures::labels::period_name(period.from, period.to);
    record(conn, by, now, AuditAction::PathTermRemoved, &detail)
}

/// Whether a funder term stays as it is on `today`: from its first release day devices may
/// have drawn it.
pub(super) fn is_fixed(
    conn: &Connection,
    period: &PathPeriod,
    today: chrono::NaiveDate,
) -> Result<bool> {
    Ok(period.release_day(Release::First) <= today || released(conn, period)?)
}

fn released(conn: &Connection, period: &PathPeriod) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM releases
             WHERE campus_code IS NULL AND from_month = ?1 AND to_month = ?2 LIMIT 1",
            params![period.from.to_string(), period.to.to_string()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}
