//! What a device releases per period (docs/privacy.md, "Breakdowns under noise"). Under
//! headquarters' path calendar a device releases, for each 年度 and each funder term in which it held a salon at
//! one of its reporting campuses, all its campuses together, on the period's end + 7 and + 49
//! days: the decisions dated in the period of the students it met there by the period's end,
//! and the students met in the period with those who came about 家庭のこと or 心身の不調.
//! Each release is drawn once and kept, as a month's is: every send repeats the same numbers.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rusqlite::{params, Connection, Transaction};
use salon_core::{PathStatus, Topic};
use salon_privacy::{release_paths, ExactPeriod, ExactSensitive, NoiseKey};
use salon_protocol::{Month, PathCalendar, PathPeriod, PathReleaseKey, Release};

use super::releases::{drawn, keep, DrawnKey};
use super::shares::add_period_shares;
use crate::error::{Result, StoreError};
use crate::rows::{code, date, date_text};
use crate::vault::Store;

/// Draws every path release that has fallen due by `today` and is not drawn yet, over the
/// campuses `campus_ids` (the device's reporting campuses). A period releases whether or not
/// it holds a decision: headquarters sees the device's salon days anyway, and a period left
/// out for want of decisions would tell it that there were none.
pub(super) fn draw_due_paths(
    tx: &Transaction<'_>,
    noise: &NoiseKey,
    campus_ids: &[i64],
    calendar: &PathCalendar,
    today: NaiveDate,
) -> Result<()> {
    let ids = ids_json(campus_ids);
    let periods = periods_held(tx, &ids, calendar)?;
    let terms: Vec<PathPeriod> = periods
        .iter()
        .filter(|p| !p.is_fiscal_year())
        .copied()
        .collect();
    let carrying = PathCalendar::sensitive_terms(&terms, &drawn_terms(tx, true)?);
    for period in periods {
        let sensitive = period.is_fiscal_year() || carrying.contains(&period);
        for release in Release::ALL {
            let key = DrawnKey::period(&PathReleaseKey {
                from: period.from,
                to: period.to,
                release,
            });
            if period.release_day(release) > today || drawn(tx, &key)? {
                continue;
            }
            let mut exact = exact_period(tx, &ids, period, sensitive)?;
            add_period_shares(tx, period, &mut exact)?;
            record_decisions(tx, &ids, period)?;
            let release = release_paths(noise, period, release, &exact)?;
            keep(
                tx,
                &key,
                &serde_json::to_string(&release).unwrap_or_default(),
                today,
            )?;
        }
    }
    Ok(())
}

/// The campus ids as the JSON array the queries read them from.
pub(super) fn ids_json(campus_ids: &[i64]) -> String {
    serde_json::to_string(campus_ids).unwrap_or_default()
}

/// The periods of the calendar in which the device held a salon at one of `ids`: the 年度 of
/// every salon day, and each sound term (`PathCalendar::sound_terms`, those already drawn
/// first) holding one.
pub(super) fn periods_held(
    tx: &Connection,
    ids: &str,
    calendar: &PathCalendar,
) -> Result<Vec<PathPeriod>> {
    let days: Vec<NaiveDate> = {
        let mut stmt = tx.prepare(
            "SELECT DISTINCT date FROM salon_session
             WHERE campus_id IN (SELECT value FROM json_each(?1)) AND taken_in IS NULL",
        )?;
        let rows = stmt.query_map([ids], |r| date(r, 0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut periods: BTreeSet<PathPeriod> = days
        .iter()
        .map(|d| PathPeriod::fiscal_year_of(*d))
        .collect();
    for term in calendar.sound_terms(&drawn_terms(tx, false)?) {
        if days.iter().any(|d| term.contains(*d)) {
            periods.insert(term);
        }
    }
    Ok(periods.into_iter().collect())
}

/// The terms (periods other than a 年度) the outbox holds a release of; with `sensitive`, only
/// those drawn with the sensitive topics, or held at headquarters as drawn before (which may
/// have had them: counted as if they had).
fn drawn_terms(tx: &Connection, sensitive: bool) -> Result<Vec<PathPeriod>> {
    let mut stmt = tx.prepare(
        "SELECT DISTINCT from_month, to_month FROM drawn_release
         WHERE campus_id IS NULL
           AND (NOT ?1 OR body = '' OR json_extract(body, '$.sensitive') IS NOT NULL)
         ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map([sensitive], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let period = period_of(&row?)?;
        if !period.is_fiscal_year() {
            out.push(period);
        }
    }
    Ok(out)
}

fn period_of((from, to): &(String, String)) -> Result<PathPeriod> {
    let damaged = || StoreError::Damaged("path release outbox row");
    Ok(PathPeriod {
        from: Month::parse(from).map_err(|_| damaged())?,
        to: Month::parse(to).map_err(|_| damaged())?,
    })
}

/// What a period's release counts exactly at the campuses `ids`: its decisions and, when it
/// carries them (`with_sensitive`), the students met in it and, of them, those who came about
/// each sensitive topic.
pub(super) fn exact_period(
    tx: &Transaction<'_>,
    ids: &str,
    period: PathPeriod,
    with_sensitive: bool,
) -> Result<ExactPeriod> {
    let sensitive = if with_sensitive {
        let (met, by_topic) = sensitive(tx, ids, period)?;
        Some(ExactSensitive { met, by_topic })
    } else {
        None
    };
    Ok(ExactPeriod {
        by_path: decisions(tx, ids, period)?,
        sensitive,
    })
}

/// The named students with a visit dated in `period` at the campuses `ids`, and of them those
/// who came about each sensitive topic at least once: a student moves each count by at most
/// one however often they came (docs/privacy.md, "Breakdowns under noise"). Anonymous visits
/// are left out: nothing says two are one student, so counting each would let one student who
/// gives no name move a count by every visit.
pub(super) fn sensitive(
    tx: &Transaction<'_>,
    ids: &str,
    period: PathPeriod,
) -> Result<(u32, BTreeMap<Topic, u32>)> {
    let visits = "WITH v AS (
           SELECT v.id, v.student_id FROM visit v JOIN salon_session s ON s.id = v.session_id
           WHERE s.date BETWEEN ?2 AND ?3 AND s.campus_id IN (SELECT value FROM json_each(?1))
             AND v.taken_in IS NULL)";
    let first = date_text(period.from.first_day());
    let last = date_text(period.to.last_day());
    let students: u32 = tx.query_row(
        &format!("{visits} SELECT count(DISTINCT student_id) FROM v"),
        params![ids, first, last],
        |r| r.get(0),
    )?;
    let codes: Vec<&str> = Topic::SENSITIVE.iter().map(|t| t.code()).collect();
    let mut stmt = tx.prepare(&format!(
        "{visits} SELECT t.topic, count(DISTINCT v.student_id)
         FROM v JOIN visit_topic t ON t.visit_id = v.id
         WHERE t.topic IN (SELECT value FROM json_each(?4)) AND v.student_id IS NOT NULL
         GROUP BY t.topic"
    ))?;
    let codes = serde_json::to_string(&codes).unwrap_or_default();
    let rows = stmt.query_map(params![ids, first, last, codes], |r| {
        Ok((code(r, 0, Topic::from_code)?, r.get::<_, u32>(1)?))
    })?;
    Ok((students, rows.collect::<rusqlite::Result<_>>()?))
}

/// Decisions by kind dated in `period` at the campuses `ids`, of students with a visit at one
/// of them on or before the period's last day: the salon's own outcomes, and each such
/// student is among the distinct students of a day headquarters holds (its check's bound).
pub(super) fn decisions(
    tx: &Transaction<'_>,
    ids: &str,
    period: PathPeriod,
) -> Result<BTreeMap<PathStatus, u32>> {
    let mut by_path = BTreeMap::new();
    for (_, status) in deciding_students(tx, ids, period)? {
        *by_path.entry(status).or_insert(0) += 1;
    }
    Ok(by_path)
}

/// The students whose decision `decisions` counts in `period`, with its kind. A taken
/// student's decision dated by the handover day is not this laptop's: the colleague's laptop
/// counted it (a later one is, with or without a visit here since). A decision (a
/// student's, of one kind) drawn into another period of the same sort (another 年度, another
/// term) before its date was corrected is left out: it is released in at most one 年度 and one
/// term. A decision of another kind, made later, is a decision of its own.
fn deciding_students(
    tx: &Transaction<'_>,
    ids: &str,
    period: PathPeriod,
) -> Result<Vec<(i64, PathStatus)>> {
    let mut stmt = tx.prepare(
        "SELECT st.id, st.path_status FROM student st
         WHERE st.path_status != 'undecided' AND st.path_decided_on BETWEEN ?2 AND ?3
           AND st.path_campus_id IN (SELECT value FROM json_each(?1))
           AND EXISTS (SELECT 1 FROM visit v JOIN salon_session s ON s.id = v.session_id
                       WHERE v.student_id = st.id AND s.date <= ?3
                         AND s.campus_id IN (SELECT value FROM json_each(?1)))
           AND NOT EXISTS (SELECT 1 FROM handover h WHERE h.id = st.taken_in
                           AND st.path_decided_on <= h.handed_on)
           AND NOT EXISTS (SELECT 1 FROM decision_released d
                           WHERE d.student_id = st.id AND d.path_status = st.path_status
                             AND d.fiscal_year = ?4
                             AND (d.from_month, d.to_month) != (?5, ?6))
         ORDER BY st.id",
    )?;
    let first = date_text(period.from.first_day());
    let last = date_text(period.to.last_day());
    let rows = stmt.query_map(
        params![
            ids,
            first,
            last,
            period.is_fiscal_year(),
            period.from.to_string(),
            period.to.to_string()
        ],
        |r| Ok((r.get(0)?, code(r, 1, PathStatus::from_code)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Whether the student's path decision of kind `status` (a `PathStatus` code), dated `on`,
    /// would be left out of the breakdowns of its 年度 or its term: it was drawn into another
    /// one before. Its date then changes the exact figures only, and the student form says so.
    pub fn decision_left_out_of_breakdowns(
        &self,
        student_id: i64,
        status: &str,
        on: NaiveDate,
    ) -> Result<bool> {
        let calendar = self
            .enrolment()?
            .map(|e| e.path_calendar)
            .unwrap_or_default();
        let mut stmt = self.conn.prepare(
            "SELECT fiscal_year, from_month, to_month FROM decision_released
             WHERE student_id = ?1 AND path_status = ?2",
        )?;
        let rows = stmt.query_map(params![student_id, status], |r| {
            Ok((r.get::<_, bool>(0)?, (r.get(1)?, r.get(2)?)))
        })?;
        for row in rows {
            let (fiscal_year, months) = row?;
            let drawn = period_of(&months)?;
            let now = if fiscal_year {
                Some(PathPeriod::fiscal_year_of(on))
            } else {
                calendar.terms.iter().copied().find(|t| t.contains(on))
            };
            if now.is_some_and(|p| p != drawn) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Records that the decisions counted in `period` were drawn into it.
fn record_decisions(tx: &Transaction<'_>, ids: &str, period: PathPeriod) -> Result<()> {
    for (student, status) in deciding_students(tx, ids, period)? {
        tx.execute(
            "INSERT OR IGNORE INTO decision_released
               (student_id, path_status, fiscal_year, from_month, to_month)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                student,
                status.code(),
                period.is_fiscal_year(),
                period.from.to_string(),
                period.to.to_string()
            ],
        )?;
    }
    Ok(())
}
