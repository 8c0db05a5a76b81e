//! Retention: the notes of students who left (卒業・退学) long ago are purged on request, while
//! their visits still count. The leaving date is not recorded, so the last contact (the latest
//! visit) stands for it: a student is eligible when they are marked graduated or withdrawn and
//! their last visit is more than N years before today.

use chrono::{Months, NaiveDate};
use rusqlite::params;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::rows::{date_text, opt_date};
use crate::vault::Store;

/// What replaces a purged student's name: the record stays for the counts.
pub const PURGED_NAME: &str = "（記録整理済み）";

/// A student whose notes may be purged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionCandidate {
    pub student_id: i64,
    pub display_name: String,
    pub last_visit_on: Option<NaiveDate>,
    pub visits: u32,
}

/// What a purge changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurgeResult {
    pub students: u32,
    pub visits: u32,
}

const ELIGIBLE: &str = "FROM student st
    WHERE st.enrolment IN ('graduated', 'withdrawn')
      AND st.display_name != ?2
      AND coalesce((SELECT max(s.date) FROM visit v JOIN salon_session s ON s.id = v.session_id
                    WHERE v.student_id = st.id), '0000-00-00') < ?1";

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

    /// Blanks the notes, next steps and teacher summaries of every eligible student's visits,
    /// deletes their drafts and replaces their name; visits, topics and routes stay, so every
    /// count is unchanged. Eligibility is decided here again, in the same transaction, and
    /// when it is not the `expected` number of students the supporter confirmed, nothing is
    /// purged (`ListChanged`).
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
            result.visits += tx.execute(
                "UPDATE visit SET note = '', next_steps = '', teacher_summary = '' WHERE student_id = ?1",
                [id],
            )? as u32;
            tx.execute(
                "UPDATE student SET display_name = ?1 WHERE id = ?2",
                params![PURGED_NAME, id],
            )?;
            result.students += 1;
        }
        tx.commit()?;
        Ok(result)
    }
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
    fn only_long_gone_students_lose_their_notes_and_every_count_stays() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap().id;
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let old_grad = student(&mut store, campus, "卒業したはるか", "graduated");
        let recent_grad = student(&mut store, campus, "最近卒業", "graduated");
        let old_enrolled = student(&mut store, campus, "在籍中", "enrolled");
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
            vec![old_grad]
        );
        let month_before = store
            .activity_report(d(2019, 6, 1), d(2019, 6, 30))
            .unwrap();

        // The supporter confirmed a list of two; it holds one now: nothing is purged.
        assert!(matches!(
            store.purge_old_notes(5, today, 2),
            Err(StoreError::ListChanged)
        ));
        assert!(!store.visits_of_student(old_grad).unwrap()[0]
            .note
            .is_empty());
        let purged = store.purge_old_notes(5, today, 1).unwrap();
        assert_eq!(
            purged,
            PurgeResult {
                students: 1,
                visits: 1
            }
        );
        let visits = store.visits_of_student(old_grad).unwrap();
        assert_eq!(visits.len(), 1, "the visit stays and counts");
        assert_eq!(
            (visits[0].note.as_str(), visits[0].next_steps.as_str()),
            ("", "")
        );
        assert_eq!(store.student(old_grad).unwrap().display_name, PURGED_NAME);
        assert_eq!(
            store.visits_of_student(old_enrolled).unwrap()[0].note,
            "在籍中のメモ"
        );
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
