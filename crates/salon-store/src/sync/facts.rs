//! What one campus's records add up from, read once, and the day and month counts made of them.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use salon_core::counts::{
    day_counts, month_breakdown, DayCounts, MonthBreakdown, SessionFact, VisitFact,
};
use salon_core::{Format, Route, Topic};
use salon_protocol::{EventCount, EventKind, Month, Participants};

use crate::error::Result;
use crate::rows::{code, date, date_text};

/// What one campus's records add up from, read once.
pub(super) struct CampusFacts {
    sessions: Vec<SessionFact>,
    /// Each visit with its id.
    visits: Vec<(i64, VisitFact)>,
    /// Appointments and events at the campus (online events are in no campus's snapshot).
    care: crate::care::CareFacts,
}

/// The facts of one campus up to `until` (today, or yesterday while today's salon is open).
/// Salons and visits taken from a colleague were counted by the colleague's laptop: they are
/// left out. A student handed on is not first-time here from the handover day on; a student
/// merged with one taken keeps the first visit already counted here.
pub(super) fn campus_facts(
    conn: &rusqlite::Connection,
    campus_id: i64,
    until: NaiveDate,
) -> Result<CampusFacts> {
    let mut stmt = conn.prepare(
        "SELECT date, opened_at, closed_at, format FROM salon_session
         WHERE campus_id = ?1 AND date <= ?2 AND taken_in IS NULL",
    )?;
    let sessions = stmt
        .query_map(rusqlite::params![campus_id, date_text(until)], |r| {
            let opened: String = r.get(1)?;
            let closed: Option<String> = r.get(2)?;
            Ok(SessionFact {
                date: date(r, 0)?,
                minutes: minutes_between(&opened, closed.as_deref()),
                format: code(r, 3, Format::from_code)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT s.date, v.student_id, v.route, s.format,
                (SELECT group_concat(topic, ',') FROM visit_topic t WHERE t.visit_id = v.id),
                coalesce(v.student_id IS NOT NULL AND v.id = (
                    SELECT v2.id FROM visit v2 JOIN salon_session s2 ON s2.id = v2.session_id
                    WHERE v2.student_id = v.student_id AND v2.taken_in IS NULL
                    ORDER BY s2.date, v2.id LIMIT 1)
                AND NOT EXISTS (
                    SELECT 1 FROM visit v3 JOIN handover h ON h.id = v3.taken_in
                    WHERE v3.student_id = v.student_id AND h.handed_on <= s.date), 0),
                v.id
         FROM visit v JOIN salon_session s ON s.id = v.session_id
         WHERE s.campus_id = ?1 AND s.date <= ?2 AND v.taken_in IS NULL",
    )?;
    let visits = stmt
        .query_map(rusqlite::params![campus_id, date_text(until)], |r| {
            let topics: Option<String> = r.get(4)?;
            let fact = VisitFact {
                date: date(r, 0)?,
                student: r.get(1)?,
                route: code(r, 2, Route::from_code)?,
                format: code(r, 3, Format::from_code)?,
                topics: topics
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(Topic::from_code)
                    .collect(),
                first_visit: r.get(5)?,
            };
            Ok((r.get(6)?, fact))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(CampusFacts {
        sessions,
        visits,
        care: crate::care::CareFacts::read(conn, campus_id, until)?,
    })
}

fn minutes_between(opened: &str, closed: Option<&str>) -> u32 {
    let parse = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").ok();
    match (parse(opened), closed.and_then(parse)) {
        (Some(o), Some(c)) if c > o => (c - o).num_minutes() as u32,
        _ => 0,
    }
}

impl CampusFacts {
    /// Every day with a salon, a visit, an appointment or an event, and its counts.
    pub(super) fn days(&self) -> BTreeMap<NaiveDate, DayCounts> {
        let mut days: BTreeMap<NaiveDate, (Vec<SessionFact>, Vec<VisitFact>)> = BTreeMap::new();
        for s in &self.sessions {
            days.entry(s.date).or_default().0.push(s.clone());
        }
        for (_, v) in &self.visits {
            days.entry(v.date).or_default().1.push(v.clone());
        }
        let mut counts: BTreeMap<NaiveDate, DayCounts> = days
            .into_iter()
            .map(|(d, (s, v))| (d, day_counts(&s, &v)))
            .collect();
        self.care.add_to(&mut counts);
        counts
    }

    /// Every month with a salon or a visit, and its visits by format.
    pub(super) fn months(&self) -> BTreeMap<Month, MonthBreakdown> {
        let mut months: BTreeMap<Month, Vec<VisitFact>> = BTreeMap::new();
        for s in &self.sessions {
            months.entry(Month::of(s.date)).or_default();
        }
        for (_, v) in &self.visits {
            months.entry(Month::of(v.date)).or_default().push(v.clone());
        }
        months
            .into_iter()
            .map(|(m, v)| (m, month_breakdown(&v)))
            .collect()
    }
}

impl CampusFacts {
    /// Every month with a visit, and its visits with their ids: what its releases under noise
    /// are drawn from (`month_releases::draw_due`).
    pub(super) fn visits_by_month(&self) -> BTreeMap<Month, Vec<(i64, &VisitFact)>> {
        let mut months: BTreeMap<Month, Vec<(i64, &VisitFact)>> = BTreeMap::new();
        for (id, v) in &self.visits {
            months.entry(Month::of(v.date)).or_default().push((*id, v));
        }
        months
    }
}

/// Each day's events at a campus (`Some(id)`) or online (`None`), by kind in code order, up
/// to `today`. Titles stay on the laptop.
pub(super) fn event_days(
    conn: &rusqlite::Connection,
    campus_id: Option<i64>,
    today: NaiveDate,
) -> Result<BTreeMap<NaiveDate, Vec<EventCount>>> {
    let mut stmt = conn.prepare(
        "SELECT date, kind, COUNT(*), SUM(students), SUM(parents), SUM(teachers), SUM(supporters)
         FROM event WHERE campus_id IS ?1 AND date <= ?2 GROUP BY date, kind",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![campus_id, date_text(today)], |r| {
            Ok((
                date(r, 0)?,
                EventCount {
                    kind: code(r, 1, EventKind::from_code)?,
                    events: r.get(2)?,
                    participants: Participants {
                        students: r.get(3)?,
                        parents: r.get(4)?,
                        teachers: r.get(5)?,
                        supporters: r.get(6)?,
                    },
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut days: BTreeMap<NaiveDate, Vec<EventCount>> = BTreeMap::new();
    for (day, count) in rows {
        days.entry(day).or_default().push(count);
    }
    for kinds in days.values_mut() {
        kinds.sort_by_key(|k| k.kind);
    }
    Ok(days)
}
