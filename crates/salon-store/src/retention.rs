//! Retention: a student not seen for N years (graduated, withdrawn, or simply no longer coming)
//! is purged on request: the student becomes a bare row (id, campus) and their visits keep only
//! what the exact figures headquarters holds are counted from, so nothing there changes. The
//! leaving date is not recorded, so the last contact (the latest visit, or the day the student
//! was added, for one never seen) stands for it. The same purge answers a request to delete one
//! student's data (削除請求, `student_requests.rs`).

use chrono::{Months, NaiveDate};
use rusqlite::params;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::rows::{date_text, opt_date};
use crate::vault::Store;

/// What replaces a purged student's name: the row stays, bare, for the counts.
pub const PURGED_NAME: &str = "（記録整理済み）";

/// A student whose notes may be purged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RetentionCandidate {
    pub student_id: i64,
    pub display_name: String,
    pub last_visit_on: Option<NaiveDate>,
    pub visits: u32,
}

/// What a purge changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PurgeResult {
    pub students: u32,
    pub visits: u32,
}

/// Students not seen for the period. One in a handover under way or a cover waits: its
/// records are read-only until the handover is settled or the cover ended.
const ELIGIBLE: &str = "FROM student st
    WHERE st.display_name != ?2 AND st.id NOT IN (SELECT student_id FROM locked_student)
      AND coalesce((SELECT max(s.date) FROM visit v JOIN salon_session s ON s.id = v.session_id
                    WHERE v.student_id = st.id), substr(st.created_at, 1, 10)) < ?1";

fn cutoff(today: NaiveDate, years: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN)
}

impl Store {
    /// Students eligible for a purge, oldest contact first.
    pub fn retention_candidates(
        &self,
        years: u32,
        today: NaiveDate,
    ) -> Result<Vec<RetentionCandidate>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT st.id, st.display_name,
               (SELECT max(s.date) FROM visit v JOIN salon_session s ON s.id = v.session_id WHERE v.student_id = st.id),
               (SELECT count(*) FROM visit v WHERE v.student_id = st.id)
             {ELIGIBLE} ORDER BY 3, st.id"
        ))?;
        let rows = stmt.query_map(params![date_text(cutoff(today, years)), PURGED_NAME], |r| {
            Ok(RetentionCandidate {
                student_id: r.get(0)?,
                display_name: r.get(1)?,
                last_visit_on: opt_date(r, 2)?,
                visits: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Purges every eligible student (`purge_student_in`). Eligibility is decided here again,
    /// in the same transaction, and when it is not the `expected` number of students the
    /// supporter confirmed, nothing is purged (`ListChanged`).
    pub fn purge_old_notes(
        &mut self,
        years: u32,
        today: NaiveDate,
        expected: usize,
    ) -> Result<PurgeResult> {
        let cut = date_text(cutoff(today, years));
        let tx = self.conn.transaction()?;
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare(&format!("SELECT st.id {ELIGIBLE}"))?;
            let rows = stmt.query_map(params![cut, PURGED_NAME], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        if ids.len() != expected {
            return Err(StoreError::ListChanged);
        }
        let mut result = PurgeResult::default();
        for id in &ids {
            result.visits += purge_student_in(&tx, *id)?;
            result.students += 1;
            log_request(&tx, "purged", *id)?;
        }
        tx.commit()?;
        Ok(result)
    }
}

/// One line of 対応記録 (data_request_log): a student's records disclosed, deleted or purged, by
/// number and never by name.
pub(crate) fn log_request(
    tx: &rusqlite::Transaction<'_>,
    action: &str,
    student_id: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO data_request_log (at, action, student_id) VALUES (?1, ?2, ?3)",
        rusqlite::params![crate::rows::stamp(), action, student_id],
    )?;
    Ok(())
}

/// Leaves of one student a bare row (id, campus) and, of their visits, what the exact figures
/// are counted from: the day (through its salon, with its campus and format), the student's id
/// (distinct and first-time students), the route and the minutes. Gone: the name, grade, path
/// decision and its history, every topic, the 要連携 flag, the follow-up and its done mark, the
/// note, next steps and teacher summary (and, through the search index's triggers, their text
/// in the index), drafts of those visits, and appointments' times (their date, campus and
/// status stay: booked, kept and missed are counted). Returns the visits purged.
pub(crate) fn purge_student_in(tx: &rusqlite::Transaction<'_>, id: i64) -> Result<u32> {
    let visit_ids: Vec<i64> = {
        let mut stmt = tx.prepare("SELECT id FROM visit WHERE student_id = ?1")?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for v in &visit_ids {
        tx.execute(
            "DELETE FROM draft WHERE key = ?1",
            [crate::drafts::visit_draft_key(*v)],
        )?;
    }
    let of_student = "(SELECT id FROM visit WHERE student_id = ?1)";
    tx.execute(
        &format!("DELETE FROM visit_topic WHERE visit_id IN {of_student}"),
        [id],
    )?;
    tx.execute(
        &format!("DELETE FROM follow_up_done WHERE visit_id IN {of_student}"),
        [id],
    )?;
    let visits = tx.execute(
        "UPDATE visit SET note = '', next_steps = '', teacher_summary = '', follow_up_on = NULL,
           concern = 0
         WHERE student_id = ?1",
        [id],
    )? as u32;
    tx.execute(
        "UPDATE appointment SET time = NULL WHERE student_id = ?1",
        [id],
    )?;
    tx.execute(
        "UPDATE student SET display_name = ?1, grade = NULL, path_status = 'undecided',
           path_decided_on = NULL
         WHERE id = ?2",
        params![PURGED_NAME, id],
    )?;
    // The path triggers record the change and set the decision's campus: neither may stay.
    tx.execute(
        "UPDATE student SET path_campus_id = NULL WHERE id = ?1",
        [id],
    )?;
    tx.execute("DELETE FROM path_change WHERE student_id = ?1", [id])?;
    tx.execute("DELETE FROM decision_released WHERE student_id = ?1", [id])?;
    Ok(visits)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};
    use salon_core::{SessionOpen, StudentInput, VisitInput};

    use super::*;
    use crate::vault::tests::{campus_input, fresh_store};

    fn student(store: &mut Store, campus_id: i64, name: &str, enrolment: &str) -> i64 {
        let input = StudentInput {
            id: None,
            display_name: name.into(),
            grade: Some(3),
            campus_id,
            enrolment: enrolment.into(),
            path_status: "undecided".into(),
            path_decided_on: None,
        };
        store.save_student(&input).unwrap().id
    }

    fn visit(store: &mut Store, campus_id: i64, date: NaiveDate, student_id: i64, note: &str) {
        let open = SessionOpen {
            campus_id,
            format: "in_person".into(),
            place: String::new(),
        };
        let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        let session = match store.session_on(campus_id, date).unwrap() {
            Some(s) => s,
            None => store.open_session(&open, date, ten).unwrap(),
        };
        let input = VisitInput {
            id: None,
            session_id: session.id,
            student_id: Some(student_id),
            new_student: None,
            route: "self".into(),
            topics: vec!["family".into()],
            minutes: 30,
            note: note.into(),
            next_steps: note.into(),
            follow_up_on: None,
            concern: false,
            teacher_summary: note.into(),
        };
        store.save_visit(&input, None).unwrap();
    }

    #[test]
    fn students_not_seen_for_the_period_are_purged_and_every_count_stays() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap().id;
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let old_grad = student(&mut store, campus, "卒業したはるか", "graduated");
        let recent_grad = student(&mut store, campus, "最近卒業", "graduated");
        let old_enrolled = student(&mut store, campus, "来なくなった在籍中", "enrolled");
        visit(
            &mut store,
            campus,
            d(2019, 6, 1),
            old_grad,
            "CANARY-古いメモ",
        );
        visit(
            &mut store,
            campus,
            d(2019, 6, 1),
            old_enrolled,
            "在籍中のメモ",
        );
        visit(&mut store, campus, d(2024, 6, 1), recent_grad, "最近のメモ");
        let today = d(2025, 2, 25);

        let candidates = store.retention_candidates(5, today).unwrap();
        assert_eq!(
            candidates.iter().map(|c| c.student_id).collect::<Vec<_>>(),
            vec![old_grad, old_enrolled],
            "graduated or not, a student not seen for five years"
        );
        let month_before = store
            .activity_report(d(2019, 6, 1), d(2019, 6, 30))
            .unwrap();

        // The supporter confirmed a list of three; it holds two now: nothing is purged.
        assert!(matches!(
            store.purge_old_notes(5, today, 3),
            Err(StoreError::ListChanged)
        ));
        assert!(!store.visits_of_student(old_grad).unwrap()[0]
            .note
            .is_empty());
        let purged = store.purge_old_notes(5, today, 2).unwrap();
        assert_eq!(
            purged,
            PurgeResult {
                students: 2,
                visits: 2
            }
        );
        let visits = store.visits_of_student(old_grad).unwrap();
        assert_eq!(visits.len(), 1, "the visit stays and counts");
        assert_eq!(
            (visits[0].note.as_str(), visits[0].next_steps.as_str()),
            ("", "")
        );
        assert_eq!(store.student(old_grad).unwrap().display_name, PURGED_NAME);
        assert_eq!(store.visits_of_student(old_enrolled).unwrap()[0].note, "");
        assert!(store.visits_of_student(old_grad).unwrap()[0]
            .topics
            .is_empty());
        assert_eq!(
            store.visits_of_student(recent_grad).unwrap()[0].note,
            "最近のメモ"
        );
        assert_eq!(
            store
                .activity_report(d(2019, 6, 1), d(2019, 6, 30))
                .unwrap(),
            month_before
        );
        // A second purge finds nothing more.
        assert_eq!(
            store.purge_old_notes(5, today, 0).unwrap(),
            PurgeResult::default()
        );
        assert!(store.retention_candidates(5, today).unwrap().is_empty());
    }
}
