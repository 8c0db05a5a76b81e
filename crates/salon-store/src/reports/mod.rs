//! Reports the supporter gives away: the teacher report for a campus and period (教職員向け),
//! and the monthly activity report. The teacher report is built from counts and from what the
//! supporter wrote to be shared; the queries here never read a private note or next steps.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;
use salon_core::{Campus, Route, Topic};
use serde::Serialize;

use crate::error::Result;
use crate::rows::{code, date, date_text, opt_date};
use crate::vault::Store;

mod topics;
pub use topics::{topics_shown, TOPICS_MIN_STUDENTS, TOPICS_MIN_VISITS};

/// One shareable line of the teacher report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SharedItem {
    pub date: NaiveDate,
    pub student_name: Option<String>,
    /// 先生への共有メモ, as the supporter wrote it for the teachers.
    pub teacher_summary: String,
    /// 要連携: the school should know and act.
    pub concern: bool,
    pub follow_up_on: Option<NaiveDate>,
}

/// The teacher report for one campus and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TeacherReport {
    pub campus: Campus,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub sessions: u32,
    /// Minutes of the closed salons: one still open has no length yet.
    pub session_minutes: u32,
    /// Salons of the period still open (開催中), whose time is added when they close.
    pub open_sessions: u32,
    pub visits: u32,
    /// Named students (a student who gave no name is counted in `visits` only).
    pub students: u32,
    pub by_route: Vec<(Route, u32)>,
    /// Visits by each topic of `Topic::MONTHLY`, when the period is whole months each full
    /// enough ([`topics_shown`]); none otherwise. 家庭のこと and 心身の不調 are never tallied.
    pub by_topic: Option<Vec<(Topic, u32)>>,
    /// The fewest visits, and named students, each month must hold for topics to be tallied.
    pub topics_min_visits: u32,
    pub topics_min_students: u32,
    /// Visits flagged 要連携, with what the supporter wrote for the teachers.
    pub concerns: Vec<SharedItem>,
    /// Every other visit with a summary written for the teachers.
    pub summaries: Vec<SharedItem>,
}

/// One campus's month in the activity report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct CampusActivity {
    pub campus_id: i64,
    pub campus_name: String,
    pub sessions: u32,
    pub session_minutes: u32,
    pub visits: u32,
    pub students: u32,
    /// Events held at this campus, and everyone who took part.
    pub events: u32,
    pub event_participants: u32,
}

/// The supporter's month: each campus and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub campuses: Vec<CampusActivity>,
    pub sessions: u32,
    pub session_minutes: u32,
    pub visits: u32,
    /// Every event of the period, online ones (no campus) included.
    pub events: u32,
    pub event_participants: u32,
    /// Online events and their participants (in the totals above, at no campus).
    pub online_events: u32,
    pub online_participants: u32,
}

const PARTICIPANTS: &str = "coalesce(sum(students + parents + teachers + supporters), 0)";

fn check_period(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if to < from {
        return Err(salon_core::CoreError::InvalidDate("to").into());
    }
    Ok(())
}

const MINUTES: &str = "CASE WHEN s.closed_at IS NULL THEN 0 ELSE
    (CAST(substr(s.closed_at, 1, 2) AS INTEGER) * 60 + CAST(substr(s.closed_at, 4, 2) AS INTEGER))
  - (CAST(substr(s.opened_at, 1, 2) AS INTEGER) * 60 + CAST(substr(s.opened_at, 4, 2) AS INTEGER)) END";

impl Store {
    pub fn teacher_report(
        &self,
        campus_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<TeacherReport> {
        check_period(from, to)?;
        let campus = self.campus(campus_id)?;
        let period = params![campus_id, date_text(from), date_text(to)];
        let (sessions, session_minutes, open_sessions): (u32, u32, u32) = self.conn.query_row(
            &format!(
                "SELECT count(*), coalesce(sum({MINUTES}), 0), count(*) FILTER (WHERE s.closed_at IS NULL)
                 FROM salon_session s WHERE s.campus_id = ?1 AND s.date BETWEEN ?2 AND ?3"
            ),
            period,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let in_period = "FROM visit v JOIN salon_session s ON s.id = v.session_id
                         WHERE s.campus_id = ?1 AND s.date BETWEEN ?2 AND ?3";
        let (visits, students): (u32, u32) = self.conn.query_row(
            &format!("SELECT count(*), count(DISTINCT v.student_id) {in_period}"),
            period,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let by_route = self.tally(
            &format!("SELECT v.route, count(*) {in_period} GROUP BY v.route"),
            period,
            Route::from_code,
        )?;
        let months: BTreeMap<String, (u32, u32)> = {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT substr(s.date, 1, 7), count(*), count(DISTINCT v.student_id) {in_period}
                 GROUP BY 1"
            ))?;
            let rows = stmt.query_map(period, |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let by_topic = if topics_shown(from, to, &months) {
            let counted = self.tally(
                "SELECT t.topic, count(*) FROM visit_topic t JOIN visit v ON v.id = t.visit_id
                 JOIN salon_session s ON s.id = v.session_id
                 WHERE s.campus_id = ?1 AND s.date BETWEEN ?2 AND ?3 GROUP BY t.topic",
                period,
                Topic::from_code,
            )?;
            Some(complete(Topic::MONTHLY, counted))
        } else {
            None
        };
        let items = self.shared_items(campus_id, from, to)?;
        let (concerns, summaries) = items.into_iter().partition(|i| i.concern);
        Ok(TeacherReport {
            campus,
            from,
            to,
            sessions,
            session_minutes,
            open_sessions,
            visits,
            students,
            by_route: complete(Route::ALL, by_route),
            by_topic,
            topics_min_visits: TOPICS_MIN_VISITS,
            topics_min_students: TOPICS_MIN_STUDENTS,
            concerns,
            summaries,
        })
    }

    fn tally<C: Copy>(
        &self,
        sql: &str,
        period: &[&dyn rusqlite::ToSql],
        from_code: fn(&str) -> Option<C>,
    ) -> Result<Vec<(C, u32)>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(period, |r| Ok((code(r, 0, from_code)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Visits with something for the teachers: a summary, or the 要連携 flag. Only the columns
    /// written to be shared are read.
    fn shared_items(
        &self,
        campus_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<SharedItem>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.date, st.display_name, v.teacher_summary, v.concern, v.follow_up_on
             FROM visit v JOIN salon_session s ON s.id = v.session_id
             LEFT JOIN student st ON st.id = v.student_id
             WHERE s.campus_id = ?1 AND s.date BETWEEN ?2 AND ?3
               AND (v.concern = 1 OR v.teacher_summary != '')
             ORDER BY s.date, v.id",
        )?;
        let rows = stmt.query_map(params![campus_id, date_text(from), date_text(to)], |r| {
            Ok(SharedItem {
                date: date(r, 0)?,
                student_name: r.get(1)?,
                teacher_summary: r.get(2)?,
                concern: r.get(3)?,
                follow_up_on: opt_date(r, 4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The supporter's activity from `from` to `to` (a month, usually), per campus.
    pub fn activity_report(&self, from: NaiveDate, to: NaiveDate) -> Result<ActivityReport> {
        check_period(from, to)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT c.id, c.name,
               (SELECT count(*) FROM salon_session s WHERE s.campus_id = c.id AND s.date BETWEEN ?1 AND ?2),
               (SELECT coalesce(sum({MINUTES}), 0) FROM salon_session s WHERE s.campus_id = c.id AND s.date BETWEEN ?1 AND ?2),
               (SELECT count(*) FROM visit v JOIN salon_session s ON s.id = v.session_id
                  WHERE s.campus_id = c.id AND s.date BETWEEN ?1 AND ?2),
               (SELECT count(DISTINCT v.student_id) FROM visit v JOIN salon_session s ON s.id = v.session_id
                  WHERE s.campus_id = c.id AND s.date BETWEEN ?1 AND ?2),
               (SELECT count(*) FROM event e WHERE e.campus_id = c.id AND e.date BETWEEN ?1 AND ?2),
               (SELECT {PARTICIPANTS} FROM event e WHERE e.campus_id = c.id AND e.date BETWEEN ?1 AND ?2)
             FROM campus c ORDER BY c.weekday, c.start_time, c.name"
        ))?;
        let campuses: Vec<CampusActivity> = stmt
            .query_map(params![date_text(from), date_text(to)], |r| {
                Ok(CampusActivity {
                    campus_id: r.get(0)?,
                    campus_name: r.get(1)?,
                    sessions: r.get(2)?,
                    session_minutes: r.get(3)?,
                    visits: r.get(4)?,
                    students: r.get(5)?,
                    events: r.get(6)?,
                    event_participants: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let (online_events, online_participants): (u32, u32) = self.conn.query_row(
            &format!(
                "SELECT count(*), {PARTICIPANTS} FROM event
                 WHERE campus_id IS NULL AND date BETWEEN ?1 AND ?2"
            ),
            params![date_text(from), date_text(to)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(ActivityReport {
            from,
            to,
            sessions: campuses.iter().map(|c| c.sessions).sum(),
            session_minutes: campuses.iter().map(|c| c.session_minutes).sum(),
            visits: campuses.iter().map(|c| c.visits).sum(),
            events: campuses.iter().map(|c| c.events).sum::<u32>() + online_events,
            event_participants: campuses.iter().map(|c| c.event_participants).sum::<u32>()
                + online_participants,
            online_events,
            online_participants,
            campuses,
        })
    }
}

/// Every code in its order, with 0 where nothing was counted.
fn complete<C: Copy + PartialEq>(all: &[C], counted: Vec<(C, u32)>) -> Vec<(C, u32)> {
    all.iter()
        .map(|c| {
            (
                *c,
                counted.iter().find(|(k, _)| k == c).map_or(0, |(_, n)| *n),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};
    use salon_core::{NewStudent, Route, SessionOpen, Topic, VisitInput};

    use crate::vault::tests::{campus_input, fresh_store};
    use crate::{Store, StoreError};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 2, d).unwrap()
    }

    fn salon(store: &mut Store, campus_id: i64, d: u32, visits: &[(&str, bool, &str)]) {
        let open = SessionOpen {
            campus_id,
            format: "in_person".into(),
            place: String::new(),
        };
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let s = store.open_session(&open, day(d), at(10, 0)).unwrap();
        for (i, (summary, concern, note)) in visits.iter().enumerate() {
            let input = VisitInput {
                id: None,
                session_id: s.id,
                student_id: None,
                new_student: Some(NewStudent {
                    display_name: format!("生徒{d}-{i}"),
                    grade: Some(3),
                }),
                route: "teacher".into(),
                topics: vec!["job_search".into(), "family".into()],
                minutes: 30,
                note: (*note).into(),
                next_steps: format!("次の一歩 {note}"),
                follow_up_on: concern.then(|| "2025-03-01".into()),
                concern: *concern,
                teacher_summary: (*summary).into(),
            };
            store.save_visit(&input, None).unwrap();
        }
        store.close_session(s.id, at(13, 5)).unwrap();
    }

    #[test]
    fn the_teacher_report_shares_summaries_and_never_a_private_note() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        let other = store
            .save_campus(&campus_input("松戸キャンパス", 3))
            .unwrap();
        salon(
            &mut store,
            campus.id,
            18,
            &[
                ("求人票の見方を確認しました。", false, "CANARY-非公開-1"),
                ("", true, "CANARY-非公開-2"),
                ("", false, "CANARY-非公開-3"),
            ],
        );
        salon(
            &mut store,
            campus.id,
            25,
            &[("面接練習を続けます。", true, "CANARY-非公開-4")],
        );
        salon(
            &mut store,
            other.id,
            19,
            &[("別のキャンパス", false, "CANARY-非公開-5")],
        );
        // Outside the period.
        salon(
            &mut store,
            campus.id,
            27,
            &[("期間外", false, "CANARY-非公開-6")],
        );

        let report = store.teacher_report(campus.id, day(1), day(26)).unwrap();
        assert_eq!(
            (
                report.sessions,
                report.session_minutes,
                report.visits,
                report.students
            ),
            (2, 370, 4, 4)
        );
        assert_eq!(
            report
                .by_route
                .iter()
                .find(|(r, _)| *r == Route::Teacher)
                .unwrap()
                .1,
            4
        );
        // Four visits are too few for a tally of topics: none is shown.
        assert_eq!(report.by_topic, None);
        assert_eq!(report.concerns.len(), 2);
        assert_eq!(report.summaries.len(), 1);
        assert_eq!(
            report.summaries[0].teacher_summary,
            "求人票の見方を確認しました。"
        );
        let json = serde_json::to_string(&report).unwrap();
        assert!(
            !json.contains("CANARY"),
            "a private note or next step reached the report"
        );
        assert!(!json.contains("別のキャンパス") && !json.contains("期間外"));
    }

    #[test]
    fn reports_refuse_a_backwards_period_and_add_up_a_month() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        let other = store
            .save_campus(&campus_input("松戸キャンパス", 3))
            .unwrap();
        assert!(matches!(
            store.teacher_report(campus.id, day(10), day(1)),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store.teacher_report(99, day(1), day(10)),
            Err(StoreError::NotFound("campus"))
        ));
        salon(
            &mut store,
            campus.id,
            18,
            &[("", false, "a"), ("", false, "b")],
        );
        salon(&mut store, other.id, 19, &[("", false, "c")]);
        let open = SessionOpen {
            campus_id: campus.id,
            format: "in_person".into(),
            place: String::new(),
        };
        let at_ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        store.open_session(&open, day(25), at_ten).unwrap();
        let report = store.teacher_report(campus.id, day(1), day(28)).unwrap();
        assert_eq!(
            (
                report.sessions,
                report.session_minutes,
                report.open_sessions
            ),
            (2, 185, 1),
            "the salon still open is counted and said to be open, its length not yet known"
        );
        let month = store.activity_report(day(1), day(28)).unwrap();
        assert_eq!(
            (month.sessions, month.session_minutes, month.visits),
            (3, 370, 3)
        );
        assert_eq!(month.campuses.len(), 2);
        assert_eq!(month.campuses[0].visits, 2);
    }

    /// What a school could read from a report: a day with one visit about 家庭のこと, printed
    /// for that day, must not say so; a month at the minimum tallies the other topics only.
    #[test]
    fn a_teacher_report_never_tallies_the_sensitive_topics_nor_a_short_or_thin_period() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        salon(&mut store, campus.id, 4, &[("", false, "a")]);
        let one_day = store.teacher_report(campus.id, day(4), day(4)).unwrap();
        assert_eq!((one_day.visits, one_day.by_topic.clone()), (1, None));
        let json = serde_json::to_string(&one_day).unwrap();
        assert!(!json.contains("family"), "{json}");
        // The whole month, with nine visits: still too few.
        let nine: Vec<(&str, bool, &str)> = vec![("", false, "b"); 8];
        salon(&mut store, campus.id, 11, &nine);
        assert_eq!(
            store
                .teacher_report(campus.id, day(1), day(28))
                .unwrap()
                .by_topic,
            None
        );
        // The tenth visit makes a tally, of the monthly topics only.
        salon(&mut store, campus.id, 18, &[("", false, "c")]);
        let month = store.teacher_report(campus.id, day(1), day(28)).unwrap();
        let topics = month
            .by_topic
            .expect("a month of ten visits by ten students");
        assert_eq!(topics.len(), Topic::MONTHLY.len());
        assert!(topics.iter().all(|(t, _)| !t.is_sensitive()));
        assert_eq!(
            topics
                .iter()
                .find(|(t, _)| *t == Topic::JobSearch)
                .unwrap()
                .1,
            10
        );
        // Ten visits in a fortnight: not a whole month.
        assert_eq!(
            store
                .teacher_report(campus.id, day(4), day(18))
                .unwrap()
                .by_topic,
            None
        );
    }
}
